// Public entry of @spyglass/processing.
export { ValidationCode } from './validation/issue-codes.js';
export type { BarValidationOptions } from './validation/bar-checks.js';
export type { SessionCalendar, SessionPolicy } from './validation/session-policy.js';
export { validateStockBar, validateOptionBar, validateIndexBar } from './validation/validate-bars.js';
export { validateNewsArticle, validateContract } from './validation/validate-reference.js';
export { validatorFor, partitionValid } from './validation/validator-for.js';
export type { Validator, Rejected } from './validation/validator-for.js';
export { parseOccTicker } from './validation/occ-ticker.js';
export type { OccParts } from './validation/occ-ticker.js';
export { Deduplicator, recordKeyFor } from './dedup/deduplicator.js';
export type { DedupStats, KeyOf } from './dedup/deduplicator.js';
export { Quarantine, readQuarantine, summarizeQuarantine } from './quarantine/quarantine.js';
export type { QuarantineCounts, QuarantineEntry } from './quarantine/quarantine.js';
export { consolidate, CONSOLIDATED_DATASET } from './consolidation/consolidate.js';
export type { ConsolidateOptions, ConsolidateSummary } from './consolidation/consolidate.js';
export type { IvOutcome } from './consolidation/option-greeks.js';
export { DEFAULT_INDICATORS } from './consolidation/spy-indicators.js';
export type { IndicatorSettings } from './consolidation/spy-indicators.js';
