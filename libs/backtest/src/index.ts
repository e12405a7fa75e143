// Public entry of @spyglass/backtest.
export { DEFAULT_TRADE_RULES, validateTradeRules } from './trade-rules.js';
export type { PositionSizing, TradeRules } from './trade-rules.js';
export { BarBook } from './bar-book.js';
export type { ContractSession } from './bar-book.js';
export { EXIT_REASONS, SKIP_REASONS, pnlTradesCsv, simulateTrades } from './simulate-trades.js';
export type { EntrySignal, ExitReason, SimulatedTrade, SkippedSignal, SkipReason, TradeSimulation } from './simulate-trades.js';
export { dailyPnl, equityCurve, sharpeRatio, sortinoRatio, tradeMetrics } from './trade-metrics.js';
export type { EquityPoint, TradeMetrics } from './trade-metrics.js';
export { bootstrapDays } from './day-bootstrap.js';
export type { BootstrapOptions, Interval } from './day-bootstrap.js';
export { calibration } from './calibration.js';
export type { Calibration, ReliabilityBin } from './calibration.js';
export { randomEntryBaseline } from './random-entry-baseline.js';
export type { RandomEntryBaseline, RandomEntryOptions } from './random-entry-baseline.js';
export { evaluatePnl, formatPnlLine, formatPnlSummary } from './pnl-evaluation.js';
export type { LabelledRows, PnlEvaluation, PnlEvaluationInput } from './pnl-evaluation.js';
