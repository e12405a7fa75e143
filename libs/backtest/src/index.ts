// Public entry of @spyglass/backtest.
export { DEFAULT_TRADE_RULES, validateTradeRules } from './trade-rules.js';
export type { PositionSizing, TradeRules } from './trade-rules.js';
export { BarBook } from './bar-book.js';
export type { ContractSession } from './bar-book.js';
export { EXIT_REASONS, SKIP_REASONS, simulateTrades } from './simulate-trades.js';
export type { EntrySignal, ExitReason, SimulatedTrade, SkippedSignal, SkipReason, TradeSimulation } from './simulate-trades.js';
