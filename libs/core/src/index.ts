// Public entry of @spyglass/core.
export { ErrorCode, RETRYABLE_CODES, SpyglassError, isSpyglassError } from './errors.js';
export type { ErrorDetails } from './errors.js';
export type { ValidationIssue } from './validation-issue.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
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
export { nyseCalendar } from './market-calendar.js';
export type { MarketCalendar, MarketSession } from './market-calendar.js';
export { nyseHolidays, nyseEarlyCloses } from './nyse-holidays.js';
export type { MarketHoliday } from './nyse-holidays.js';
export { NY_TIME_ZONE, nyDate, nyWallTime, nyMinuteOfDay } from './ny-time.js';
export { withRetry, backoffDelay, defaultRetryPolicy } from './retry.js';
export type { RetryPolicy, RetryOptions, RetryInfo } from './retry.js';
export { toSpyglassError } from './to-spyglass-error.js';
export { errorFromHttpStatus, parseRetryAfter } from './http-error.js';
export { TokenBucket, createRateLimiter } from './rate-limiter.js';
export type { RateLimiter } from './rate-limiter.js';
export { redactSecrets, REDACTED } from './redact-secrets.js';
export { createLogger, REDACT_PATHS } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
