import { Deduplicator, recordKeyFor } from '../index.js';

const bar = (ticker: string, minute: number) => ({ ticker, timestamp: Date.UTC(2025, 2, 4, 14, 30 + minute) });

describe('Deduplicator', () => {
  it('drops repeats inside and across batches', () => {
    const d = new Deduplicator(recordKeyFor('stocks'), { capacity: 100 });
    expect(d.filter([bar('SPY', 0), bar('SPY', 1), bar('SPY', 0)])).toEqual([bar('SPY', 0), bar('SPY', 1)]);
    expect(d.filter([bar('SPY', 1), bar('SPY', 2)])).toEqual([bar('SPY', 2)]);
    expect(d.stats()).toMatchObject({ seen: 5, duplicates: 2, size: 3 });
  });

  it('keys options by contract and minute: same minute, different contracts are distinct', () => {
    const d = new Deduplicator(recordKeyFor('options'), { capacity: 10 });
    const a = bar('O:SPY250304C00601000', 0);
    const b = bar('O:SPY250304P00600000', 0);
    expect(d.filter([a, b, { ...a }])).toEqual([a, b]);
  });

  it('keys news by article id whatever ticker it was fetched for', () => {
    const d = new Deduplicator(recordKeyFor('news'), { capacity: 10 });
    expect(d.filter([{ id: 'x', ticker: 'SPY' }, { id: 'x', ticker: 'QQQ' }, { id: 'y', ticker: 'SPY' }]).map((n) => n.id)).toEqual(['x', 'y']);
  });

  it('evicts the least recently seen key when full, and a hit refreshes recency', () => {
    const d = new Deduplicator(recordKeyFor('stocks'), { capacity: 2 });
    d.admit(bar('SPY', 0));
    d.admit(bar('SPY', 1));
    expect(d.admit(bar('SPY', 0))).toBe(false); // refreshes minute 0
    d.admit(bar('SPY', 2)); // evicts minute 1, the least recent
    expect(d.has(bar('SPY', 0))).toBe(true);
    expect(d.has(bar('SPY', 1))).toBe(false);
    expect(d.admit(bar('SPY', 1))).toBe(true); // forgotten, so admitted again
    expect(d.stats()).toMatchObject({ size: 2, capacity: 2, evicted: 2 });
  });

  it('tells every (ticker, timestamp) pair apart past the numeric key range and the ticker table', () => {
    const d = new Deduplicator(recordKeyFor('stocks'), { capacity: 10_000 });
    // 1 100 tickers overflow the numeric keys' ticker table; odd timestamps take the string keys.
    const tickers = Array.from({ length: 1100 }, (_, i) => `T${i}`);
    const stamps = [0, Date.UTC(2025, 2, 4, 14, 30), 2 ** 43, -60_000, 1.5];
    const all = tickers.flatMap((ticker) => stamps.map((timestamp) => ({ ticker, timestamp })));
    expect(d.filter(all)).toHaveLength(all.length);
    expect(d.filter(all.map((r) => ({ ...r })))).toEqual([]);
    expect(d.stats()).toMatchObject({ seen: 2 * all.length, duplicates: all.length, size: all.length });
  });

  it.each([0, -1, 1.5, NaN])('rejects capacity %p with INVALID_ARGUMENT', (capacity) => {
    expect(() => new Deduplicator(recordKeyFor('stocks'), { capacity })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
