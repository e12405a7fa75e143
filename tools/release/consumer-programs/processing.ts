// @spyglass/processing from the registry: bar validation with coded issues and the record key.
import assert from 'node:assert/strict';
import { recordKeyFor, validateStockBar } from '@spyglass/processing';

const t = Date.UTC(2025, 2, 4, 14, 30);
const issues = validateStockBar({ ticker: 'SPY', timestamp: t, open: 5, high: 4, low: 3, close: 4, volume: 10, vwap: null, transactions: null, ingestedAt: t });
assert.ok(issues.some((i) => i.code === 'OHLC_INCONSISTENT'));
const key = recordKeyFor('options');
assert.equal(key({ ticker: 'O:SPY250304C00601000', timestamp: t }), key({ ticker: 'O:SPY250304C00601000', timestamp: t }));
console.log(`processing: ${issues.map((i) => i.code).join(',')}`);
