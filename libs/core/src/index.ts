// Public entry of @spyglass/core: everything other libraries and apps may use. Internals stay out.

// Errors and validation
export { ErrorCode, RETRYABLE_CODES, SpyglassError, isSpyglassError } from './errors.js';
export type { ErrorDetails } from './errors.js';
export type { ValidationIssue } from './validation-issue.js';
export { FieldReader, type FieldIssueCodes, type NumberFieldOptions } from './field-reader.js';
export { toSpyglassError } from './to-spyglass-error.js';
export { errorFromHttpStatus, parseRetryAfter } from './http-error.js';

// Time
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { calendarDays, everyDayCalendar } from './calendar-days.js';
export { hostHeaderAllowed, isLoopbackHost, networkExposureWarning } from './loopback-host.js';
export { nyseCalendar, sessionHasOpened } from './market-calendar.js';
export type { MarketCalendar, MarketSession } from './market-calendar.js';
export { nyseHolidays, nyseEarlyCloses } from './nyse-holidays.js';
export { requireTradingDay } from './require-trading-day.js';
export type { MarketHoliday } from './nyse-holidays.js';
export { seededRandom } from './seeded-random.js';
export { NY_TIME_ZONE, nyDate, nyDayBounds, nyDayIsOver, nyWallTime, nyMinuteOfDay } from './ny-time.js';

// Records
export { Dataset } from './records.js';
export type {
  StockBar,
  OptionBar,
  IndexBar,
  NewsArticle,
  NewsInsight,
  Sentiment,
  ContractType,
  OptionContract,
} from './records.js';

// Option tickers: the one OCC codec
export { buildOccTicker, parseOccTicker, safeParseOccTicker } from './occ-ticker.js';
export type { OccContract, OccParseResult } from './occ-ticker.js';

// Processes and concurrency
export { isProcessAlive } from './process-alive.js';
export { runPool } from './run-pool.js';
export { workerEntry } from './worker-entry.js';
export { Semaphore } from './semaphore.js';

// Data root: the files under it and the contracts of the reports written there
export { dataRootLayout } from './data-root/data-root-layout.js';
export type { DataRootLayout } from './data-root/data-root-layout.js';
export { assertWritableDataRoot } from './data-root/writable-data-root.js';
export { modelSummaryPath, scannerSummaryPath, validateModelSummary, validateScannerSummary } from './data-root/report-contracts.js';
export type {
  FeatureImportanceRow,
  IntervalFigure,
  ModelPnl,
  ModelSummary,
  RecentSignal,
  ScannerSummary,
  ShapFactor,
  ThresholdPoint,
  WalkForwardMonth,
} from './data-root/report-contracts.js';

// Retry and rate limiting
export { withRetry, backoffDelay, defaultRetryPolicy, DEFAULT_RATE_LIMIT_MAX_WAIT_MS } from './retry.js';
export type { RetryPolicy, RetryOptions, RetryInfo } from './retry.js';
export { TokenBucket, createRateLimiter } from './rate-limiter.js';
export type { RateLimiter } from './rate-limiter.js';

// Logging
export { createLogger, REDACT_PATHS } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { redactSecrets, REDACTED } from './redact-secrets.js';

// Configuration
export { loadConfig, configSecrets, CONFIG_FILES, DEPRECATED_CONFIG_KEYS } from './config/load-config.js';
export type { SpyglassConfig, LoadConfigOptions, ConfigDeprecation } from './config/load-config.js';
export { substituteEnv } from './config/env-substitution.js';
export type { Env } from './config/env-substitution.js';
export { settingsConfigSchema } from './config/settings-schema.js';
export type { SettingsConfig } from './config/settings-schema.js';
export { sourcesConfigSchema } from './config/sources-schema.js';
export type { SourcesConfig } from './config/sources-schema.js';
export { sinksConfigSchema } from './config/sinks-schema.js';
export type { SinksConfig } from './config/sinks-schema.js';
export { retryConfigSchema } from './config/retry-schema.js';
export type { RetryConfig } from './config/retry-schema.js';
export { LABEL_DEFAULTS, pipelineConfigSchema } from './config/pipeline-schema.js';
export type { PipelineConfig } from './config/pipeline-schema.js';
export { mlConfigSchema } from './config/ml-schema.js';
export type { MlConfig } from './config/ml-schema.js';
