// @spyglass/features from the registry: Black-Scholes greeks and Wilder RSI.
import assert from 'node:assert/strict';
import { bsGreeks, rsi, yearsToExpiry } from '@spyglass/features';

const now = Date.parse('2025-03-04T19:00:00Z');
const g = bsGreeks({ type: 'call', spot: 601.2, strike: 602, years: yearsToExpiry(now, '2025-03-04'), rate: 0.043, dividendYield: 0.013, vol: 0.18 });
assert.ok(g.delta > 0.2 && g.delta < 0.4, `delta ${g.delta}`);
const closes = Array.from({ length: 60 }, (_, k) => 600 + k * 0.1);
const r = rsi(closes, 14);
assert.equal(r[59], 100); // a series that only rises
console.log(`features: delta ${g.delta.toFixed(3)}, rsi ${r[59]}`);
