import { readFileSync } from 'node:fs';
import { decodeIndexBar, decodeOptionBar, decodeStockBar } from './decode-bars.js';
import { decodeOptionContract } from './decode-contract.js';
import { decodeNewsArticle } from './decode-news.js';
import { decodeStreamIndexBar, decodeStreamOptionBar, decodeStreamStockBar } from './decode-ws-aggregate.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8'));
const NOW = Date.UTC(2025, 2, 4, 21, 0);

describe('wire decoders on the API specification examples', () => {
  it('maps stock aggregates field by field', () => {
    const page = fixture('openapi-example_v2-aggs-stocks-range.json');
    const r = decodeStockBar(page.results[0], 'AAPL', NOW);
    expect(r).toEqual({ ok: true, value: { ticker: 'AAPL', timestamp: 1577941200000, open: 74.06, high: 75.15, low: 73.7975, close: 75.0875, volume: 135647456, vwap: 74.6099, transactions: 1, ingestedAt: NOW } });
  });

  it('maps index aggregates without volume', () => {
    const page = fixture('openapi-example_v2-aggs-indices-range.json');
    const r = decodeIndexBar(page.results[1], 'I:NDX', NOW);
    expect(r).toEqual({ ok: true, value: { ticker: 'I:NDX', timestamp: 1678428000000, open: 12001.69552583921, high: 12069.62262033557, low: 11789.85923449393, close: 11830.28178808306, ingestedAt: NOW } });
  });

  it('maps option aggregates with the contract parsed from the OCC ticker', () => {
    const page = fixture('openapi-example_v2-aggs-options-range.json');
    const r = decodeOptionBar(page.results[0], page.ticker, NOW);
    expect(r.ok && r.value).toMatchObject({ ticker: 'O:RDFN211119C00025000', underlying: 'RDFN', expiration: '2021-11-19', strike: 25, contractType: 'call', close: 26.2, volume: 2 });
  });

  it('maps option contracts and checks them against their OCC ticker', () => {
    const page = fixture('openapi-example_v3-reference-options-contracts.json');
    expect(page.results.map((c: unknown) => decodeOptionContract(c).ok)).toEqual([true, true]);
    const bad = decodeOptionContract({ ...page.results[0], strike_price: 86 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues).toEqual([expect.objectContaining({ code: 'CONTRACT_TICKER_MISMATCH', path: ['strike_price'] })]);
  });

  it('maps news: ISO time to epoch ms and the sentiment of the matching ticker', () => {
    const page = fixture('openapi-example_v2-reference-news.json');
    const ubs = decodeNewsArticle(page.results[0], 'UBS', NOW);
    expect(ubs.ok && ubs.value).toMatchObject({ timestamp: Date.UTC(2024, 5, 24, 18, 33, 53), sentiment: 'positive', publisher: 'Investing.com', author: 'Sam Boughedda' });
    const other = decodeNewsArticle(page.results[0], 'SPY', NOW);
    expect(other.ok && other.value).toMatchObject({ sentiment: null, sentimentReasoning: null });
    const nflx = fixture('client-python-mock_v2-reference-news-NFLX.json');
    expect(nflx.results.every((a: unknown) => decodeNewsArticle(a, 'NFLX', NOW).ok)).toBe(true);
  });
});

describe('WebSocket aggregate decoders on the protocol examples', () => {
  const ws = fixture('openapi-example_websocket-messages.json');

  it('maps /stocks AM: s is the bar start, no transaction count on the stream', () => {
    expect(decodeStreamStockBar(ws['/stocks/AM'], NOW)).toEqual({
      ok: true,
      value: { ticker: 'GTE', timestamp: 1610144640000, open: 0.4488, high: 0.4489, low: 0.4486, close: 0.4486, volume: 4110, vwap: 0.4488, transactions: null, ingestedAt: NOW },
    });
  });

  it('maps /options AM with the contract from its OCC symbol', () => {
    const r = decodeStreamOptionBar(ws['/options/AM'], NOW);
    expect(r.ok && r.value).toMatchObject({ ticker: 'O:ONEM220121C00025000', underlying: 'ONEM', expiration: '2022-01-21', strike: 25, contractType: 'call', volume: 2 });
  });

  it('maps /indices AM without volume', () => {
    expect(decodeStreamIndexBar(ws['/indices/AM'], NOW)).toEqual({
      ok: true,
      value: { ticker: 'I:SPX', timestamp: 1678220675805, open: 3985.67, high: 3985.67, low: 3985.67, close: 3985.67, ingestedAt: NOW },
    });
  });

  it('rejects a stocks AM without volume and an options AM with a non-OCC symbol', () => {
    const { v: _v, ...noVolume } = ws['/stocks/AM'];
    expect(decodeStreamStockBar(noVolume, NOW)).toMatchObject({ ok: false, issues: [{ code: 'WIRE_FIELD_MISSING', path: ['v'] }] });
    expect(decodeStreamOptionBar({ ...ws['/options/AM'], sym: 'ONEM' }, NOW)).toMatchObject({ ok: false, issues: [{ code: 'OCC_TICKER_INVALID', path: ['sym'] }] });
  });
});

describe('malformed wire records are rejected with every issue, never dropped', () => {
  it.each([
    [{ t: 1, o: 1, h: 1, l: 1, c: 1 }, [['v', 'WIRE_FIELD_MISSING']]],
    [{ t: 1.5, o: '1', h: 1, l: -1, c: 1, v: 3 }, [['t', 'WIRE_FIELD_TYPE'], ['o', 'WIRE_FIELD_TYPE'], ['l', 'WIRE_OUT_OF_RANGE']]],
    [{ t: 1, o: 1, h: 1, l: 1, c: null, v: 1, n: 2.5 }, [['c', 'WIRE_FIELD_MISSING'], ['n', 'WIRE_FIELD_TYPE']]],
    ['not an object', [[undefined, 'WIRE_NOT_OBJECT']]],
  ])('stock bar %j', (raw, expected) => {
    const r = decodeStockBar(raw, 'SPY', NOW);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.raw).toBe(raw);
    for (const [field, code] of expected) expect(r.issues).toContainEqual(expect.objectContaining({ code, ...(field ? { path: [field] } : {}) }));
  });

  it.each([
    [{ id: 'x', published_utc: '2025-03-04 15:00', title: 't', article_url: 'u', publisher: { name: 'p' } }, 'published_utc'],
    [{ id: 'x', published_utc: '2025-03-04T15:00:00Z', title: 't', article_url: 'u', publisher: { name: 'p' }, insights: [{ ticker: 'SPY', sentiment: 'great' }] }, 'insights'],
    [{ id: 'x', published_utc: '2025-03-04T15:00:00Z', article_url: 'u', publisher: { name: 'p' } }, 'title'],
  ])('news %j → issue on %s', (raw, field) => {
    const r = decodeNewsArticle(raw, 'SPY', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].path[0]).toBe(field);
  });

  it('rejects an option bar whose ticker is not OCC', () => {
    const r = decodeOptionBar({ t: 1, o: 1, h: 1, l: 1, c: 1, v: 1 }, 'SPY', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].code).toBe('OCC_TICKER_INVALID');
  });
});
