// Public entry of @spyglass/features.
export { normCdf, normPdf } from './normal-distribution.js';
export { bsPrice, bsGreeks } from './black-scholes.js';
export type { OptionRight, BlackScholesInput, Greeks } from './black-scholes.js';
export { impliedVolatility } from './implied-volatility.js';
export type { IvResult, IvFailureReason, ImpliedVolatilityInput } from './implied-volatility.js';
export { yearsToExpiry, expiryInstant } from './years-to-expiry.js';
