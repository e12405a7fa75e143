import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, type OptionBar, type StockBar, type IndexBar, type NewsArticle, type OptionContract } from '@spyglass/core';
import { Quarantine, summarizeQuarantine, readQuarantine, validatorFor, ValidationCode, partitionValid } from '../index.js';

// 10:00 ET on Tuesday 2025-03-04 (EST, UTC−5).
const T = Date.UTC(2025, 2, 4, 15, 0);

const stock: StockBar = { ticker: 'SPY', timestamp: T, open: 585.1, high: 585.3, low: 584.9, close: 585.2, volume: 120_000, vwap: 585.15, transactions: 950, ingestedAt: T + 61_000 };
const option: OptionBar = {
  ...stock, ticker: 'O:SPY250304C00601000', open: 1.2, high: 1.3, low: 1.1, close: 1.25, volume: 50, vwap: 1.22, transactions: 12,
  underlying: 'SPY', expiration: '2025-03-04', strike: 601, contractType: 'call',
};
const index: IndexBar = { ticker: 'I:VIX', timestamp: T, open: 20.1, high: 20.4, low: 20.0, close: 20.2, ingestedAt: T + 61_000 };
const news: NewsArticle = {
  id: 'abc123', ticker: 'SPY', timestamp: T, title: 'Stocks rise', author: null, publisher: 'Wire', articleUrl: 'https://example.com/a',
  tickers: ['SPY'], description: null, keywords: ['markets'], sentiment: 'positive', sentimentReasoning: 'up',
  insights: [{ ticker: 'SPY', sentiment: 'positive', sentimentReasoning: 'up' }], ingestedAt: T,
};
const contract: OptionContract = {
  ticker: 'O:SPY250304C00601000', underlying: 'SPY', expiration: '2025-03-04', strike: 601, contractType: 'call',
  exerciseStyle: 'american', sharesPerContract: 100, primaryExchange: 'BATO',
};

type Case = [name: string, dataset: Dataset, input: unknown, code: ValidationCode];

const hostile = Object.defineProperty({ ...stock }, 'close', { enumerable: true, get() { throw new Error('boom'); } });
const circular: Record<string, unknown> = { ...stock, close: 'x' };
circular.self = circular;

// At least 30 malformed records and payloads, each with the code it must be rejected with.
const corpus: Case[] = [
  ['null payload', 'stocks', null, 'NOT_AN_OBJECT'],
  ['string payload', 'stocks', '{"o":1}', 'NOT_AN_OBJECT'],
  ['array payload', 'options', [option], 'NOT_AN_OBJECT'],
  ['number payload', 'indices', 42, 'NOT_AN_OBJECT'],
  ['empty object', 'stocks', {}, 'MISSING_FIELD'],
  ['NaN close', 'stocks', { ...stock, close: NaN }, 'NOT_FINITE'],
  ['Infinity high', 'stocks', { ...stock, high: Infinity }, 'NOT_FINITE'],
  ['string for a number', 'stocks', { ...stock, open: '585.1' }, 'WRONG_TYPE'],
  ['boolean volume', 'stocks', { ...stock, volume: true }, 'WRONG_TYPE'],
  ['high < low', 'stocks', { ...stock, high: 584.0, low: 585.0 }, 'OHLC_INCONSISTENT'],
  ['close above high', 'stocks', { ...stock, close: 586 }, 'OHLC_INCONSISTENT'],
  ['open below low', 'options', { ...option, open: 1.0 }, 'OHLC_INCONSISTENT'],
  ['negative volume', 'stocks', { ...stock, volume: -5 }, 'NEGATIVE_VOLUME'],
  ['negative transactions', 'options', { ...option, transactions: -1 }, 'NEGATIVE_VOLUME'],
  ['fractional transactions', 'stocks', { ...stock, transactions: 1.5 }, 'NOT_INTEGER'],
  ['vwap above high', 'stocks', { ...stock, vwap: 590 }, 'VWAP_OUT_OF_RANGE'],
  ['vwap below low', 'options', { ...option, vwap: 0.5 }, 'VWAP_OUT_OF_RANGE'],
  ['zero price', 'indices', { ...index, low: 0 }, 'NON_POSITIVE_PRICE'],
  ['weekend timestamp', 'stocks', { ...stock, timestamp: Date.UTC(2025, 2, 8, 15, 0) }, 'OUTSIDE_SESSION'],
  ['holiday timestamp', 'stocks', { ...stock, timestamp: Date.UTC(2025, 0, 1, 15, 0) }, 'OUTSIDE_SESSION'],
  ['pre-market bar', 'stocks', { ...stock, timestamp: Date.UTC(2025, 2, 4, 13, 0) }, 'OUTSIDE_SESSION'],
  ['option after 16:15', 'options', { ...option, timestamp: Date.UTC(2025, 2, 4, 21, 15) }, 'OUTSIDE_SESSION'],
  ['timestamp in seconds', 'stocks', { ...stock, timestamp: T / 1000 }, 'BAD_TIMESTAMP'],
  ['timestamp in nanoseconds', 'indices', { ...index, timestamp: T * 1e6 }, 'BAD_TIMESTAMP'],
  ['timestamp off the minute', 'stocks', { ...stock, timestamp: T + 1234 }, 'BAD_TIMESTAMP'],
  ['lower-case stock ticker', 'stocks', { ...stock, ticker: 'spy' }, 'BAD_TICKER'],
  ['index without I: prefix', 'indices', { ...index, ticker: 'VIX' }, 'BAD_TICKER'],
  ['bad OCC type letter', 'options', { ...option, ticker: 'O:SPY250304X00601000' }, 'BAD_TICKER'],
  ['OCC with impossible date', 'options', { ...option, ticker: 'O:SPY250230C00601000' }, 'BAD_TICKER'],
  ['OCC strike too short', 'contracts', { ...contract, ticker: 'O:SPY250304C601000' }, 'BAD_TICKER'],
  ['strike disagrees with OCC', 'options', { ...option, strike: 600 }, 'CONTRACT_MISMATCH'],
  ['type disagrees with OCC', 'contracts', { ...contract, contractType: 'put' }, 'CONTRACT_MISMATCH'],
  ['unknown contract type', 'options', { ...option, contractType: 'C' }, 'BAD_ENUM'],
  // Clean OHLC and a known ticker, so only the contract fields can be wrong: the shortcut for
  // clean option bars (OCC parsed once per ticker) must hand each of these to the detailed checks.
  ['underlying disagrees with OCC', 'options', { ...option, underlying: 'QQQ' }, 'CONTRACT_MISMATCH'],
  ['expiration disagrees with OCC', 'options', { ...option, expiration: '2025-03-05' }, 'CONTRACT_MISMATCH'],
  ['option without underlying', 'options', { ...option, underlying: undefined }, 'MISSING_FIELD'],
  ['strike as a string', 'options', { ...option, strike: '601' }, 'WRONG_TYPE'],
  ['type disagrees with OCC (option bar)', 'options', { ...option, contractType: 'put' }, 'CONTRACT_MISMATCH'],
  ['option ticker without O:', 'options', { ...option, ticker: 'SPY250304C00601000' }, 'BAD_TICKER'],
  ['bar after expiration', 'options', { ...option, ticker: 'O:SPY250303C00601000', expiration: '2025-03-03' }, 'EXPIRED_CONTRACT'],
  ['malformed expiration', 'contracts', { ...contract, expiration: '03/04/2025' }, 'BAD_DATE'],
  ['fractional shares per contract', 'contracts', { ...contract, sharesPerContract: 10.5 }, 'NOT_INTEGER'],
  ['news missing id', 'news', { ...news, id: undefined }, 'MISSING_FIELD'],
  ['news blank title', 'news', { ...news, title: '   ' }, 'EMPTY_STRING'],
  ['news unknown sentiment', 'news', { ...news, sentiment: 'bullish' }, 'BAD_ENUM'],
  ['news insight with bad sentiment', 'news', { ...news, insights: [{ ticker: 'SPY', sentiment: 1, sentimentReasoning: '' }] }, 'WRONG_TYPE'],
  ['news tickers not an array', 'news', { ...news, tickers: 'SPY' }, 'WRONG_TYPE'],
  ['news non-http URL', 'news', { ...news, articleUrl: 'javascript:alert(1)' }, 'WRONG_TYPE'],
  ['throwing getter', 'stocks', hostile, 'WRONG_TYPE'],
  ['circular object with string price', 'stocks', circular, 'WRONG_TYPE'],
];

describe('malformed corpus', () => {
  it('has at least 30 cases', () => expect(corpus.length).toBeGreaterThanOrEqual(30));

  it.each([
    ['stocks', stock],
    ['options', option],
    ['indices', index],
    ['news', news],
    ['contracts', contract],
  ] as const)('accepts a well-formed %s record', (dataset, record) => {
    expect(validatorFor(dataset).validate(record)).toEqual([]);
  });

  it.each(corpus)('%s (%s) is rejected with %s', (_name, dataset, input, code) => {
    let issues: ReturnType<ReturnType<typeof validatorFor>['validate']> = [];
    expect(() => (issues = validatorFor(dataset).validate(input))).not.toThrow();
    expect(issues.map((i) => i.code)).toContain(code);
    for (const i of issues) {
      expect(Object.values(ValidationCode)).toContain(i.code);
      expect(i.message.length).toBeGreaterThan(0);
    }
  });

  it('accepts extended-hours bars only when configured', () => {
    const pre = { ...stock, timestamp: Date.UTC(2025, 2, 4, 13, 0) };
    expect(validatorFor('stocks', { session: { extendedHours: true } }).validate(pre)).toEqual([]);
    expect(validatorFor('stocks', { session: false }).validate({ ...stock, timestamp: Date.UTC(2025, 2, 8, 15, 0) })).toEqual([]);
  });

  describe('every rejected record reaches the quarantine', () => {
    let root: string;
    beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'spyglass-corpus-'))));
    afterEach(async () => rm(root, { recursive: true, force: true }));

    it('stores each with its codes and counts them by dataset and code', async () => {
      const q = new Quarantine({ root });
      const expected = new Map<string, number>();
      for (const dataset of ['stocks', 'options', 'indices', 'news', 'contracts'] as const) {
        const inputs = corpus.filter((c) => c[1] === dataset).map((c) => c[2]);
        const { valid, rejected } = partitionValid(inputs, validatorFor(dataset));
        expect(valid).toEqual([]);
        await q.add(dataset, rejected);
        expected.set(dataset, inputs.length);
      }
      const counts = q.counts();
      expect(counts.total).toBe(corpus.length);
      for (const [dataset, n] of expected) expect(counts.byDataset[dataset]?.total).toBe(n);
      expect(counts.byDataset.stocks?.byCode.OHLC_INCONSISTENT).toBeGreaterThanOrEqual(2);

      // What the reader finds on disk matches the in-memory counts exactly.
      expect(await summarizeQuarantine(root)).toEqual(counts);
      const dates = await readdir(join(root, 'quarantine', 'stocks'));
      expect(dates).toEqual(expect.arrayContaining(['date=2025-03-04', 'date=2025-03-08', 'date=unknown']));
      const nan: unknown[] = [];
      for await (const e of readQuarantine(root, { dataset: 'stocks', date: '2025-03-04' })) nan.push((e.record as { close?: unknown } | null)?.close);
      expect(nan.some((v) => typeof v === 'number' && Number.isNaN(v))).toBe(true);
    });
  });
});
