// Public entry of @spyglass/features.
export { normCdf, normPdf } from './normal-distribution.js';
export { bsPrice, bsGreeks } from './black-scholes.js';
export type { OptionRight, BlackScholesInput, Greeks } from './black-scholes.js';
export { impliedVolatility } from './implied-volatility.js';
export type { IvResult, IvFailureReason, ImpliedVolatilityInput } from './implied-volatility.js';
export { yearsToExpiry, expiryInstant } from './years-to-expiry.js';
export { sma, ema, EmaStream } from './moving-average.js';
export { rsi, RsiStream } from './rsi.js';
export { macd } from './macd.js';
export type { MacdSeries } from './macd.js';
export { bollinger } from './bollinger.js';
export type { BollingerSeries } from './bollinger.js';
export { rollingZScore } from './rolling-z-score.js';
export { roc, priceChange } from './momentum.js';
export type { Series } from './series.js';
