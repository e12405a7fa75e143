import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { startS3, type TestS3 } from './testing/index.js';
import { ObjectStoreDataset } from './object-store-dataset.js';
import { LocalObjectStore } from './object-store.js';
import { ParquetDataset } from './parquet-dataset.js';
import { rawDatasetSpecs } from './raw-dataset-specs.js';
import { S3ObjectStore, parseS3Url } from './s3-object-store.js';

const bar = (ticker: string, minute: number, close: number): StockBar => ({
  ticker, timestamp: Date.UTC(2025, 2, 4, 14, 30 + minute), open: close, high: close, low: close, close, volume: 100, vwap: null, transactions: null, ingestedAt: 0,
});

describe('S3ObjectStore (s3rver) and ObjectStoreDataset', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3(['market']);
  });
  afterAll(() => s3.close());
  const store = (url = 's3://market/spyglass', creds = s3.credentials, endpoint = s3.endpoint) => new S3ObjectStore({ url, endpoint, credentials: creds, maxAttempts: 1 });

  it.each([
    ['s3://market/a/b/', { bucket: 'market', prefix: 'a/b' }],
    ['s3://market', { bucket: 'market', prefix: '' }],
  ])('parses %s', (url, expected) => expect(parseS3Url(url)).toEqual(expected));

  it.each(['http://market/x', 's3://UPPER/x', 's3://a'])('rejects %s with CONFIG', (url) => expect(() => parseS3Url(url)).toThrow(expect.objectContaining({ code: 'CONFIG' })));

  it('puts, gets, lists and deletes whole objects under the prefix', async () => {
    const s = store();
    await s.check();
    await s.put('raw/x/part-0.parquet', new Uint8Array([1, 2, 3]));
    expect(await s.get('raw/x/part-0.parquet')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await s.get('raw/missing')).toBeUndefined();
    expect((await s.list('raw/')).map((o) => [o.key, o.bytes])).toEqual([['raw/x/part-0.parquet', 3]]);
    await s.delete('raw/x/part-0.parquet');
    expect(await s.list('raw/')).toEqual([]);
  });

  it.each([
    ['a missing bucket', () => store('s3://nobucket/x'), 'CONFIG', /s3:\/\/nobucket\/x at http:\/\/127\.0\.0\.1:\d+: bucket does not exist/],
    ['bad credentials', () => store(undefined, { accessKeyId: 'WRONG', secretAccessKey: 'nope' }), 'AUTH_FAILED', /credentials refused/],
    ['an unreachable endpoint', () => store(undefined, undefined, 'http://127.0.0.1:9'), 'NETWORK', /unreachable/],
  ])('fails fast on %s with one line naming the URL', async (_what, make, code, message) => {
    const started = Date.now();
    const err = await make().check().catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code });
    expect(err!.message).toMatch(message);
    expect(err!.message).not.toMatch(/nope|S3RVER/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('merges writes partition by partition (one PUT each), equal to the local dataset, and stages them for readers', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'spyglass-objcache-'));
    const localRoot = await mkdtemp(path.join(tmpdir(), 'spyglass-objlocal-'));
    const s = store('s3://market/merge');
    const remote = new ObjectStoreDataset<StockBar>({ store: s, spec: rawDatasetSpecs.stocks, cacheDir });
    const local = new ParquetDataset<StockBar>({ root: localRoot, spec: rawDatasetSpecs.stocks });
    const first = [bar('SPY', 0, 1), bar('SPY', 1, 2), bar('QQQ', 0, 3)];
    const second = [bar('SPY', 1, 2.5), bar('SPY', 2, 4)];
    for (const batch of [first, second, second]) {
      const [a, b] = [await remote.write(batch), await local.write(batch)];
      expect({ ...a }).toEqual({ ...b });
    }
    expect((await s.list('')).map((o) => o.key)).toEqual([
      'raw/stocks/ticker=QQQ/date=2025-03-04/part-0.parquet',
      'raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet',
    ]);
    const staged = await remote.stage({ tickers: ['SPY'] });
    expect(staged).toMatchObject({ partitions: 1, downloaded: 1, reused: 0 });
    expect((await remote.stage({ tickers: ['SPY'] })).reused).toBe(1);
    const fromCache = await new ParquetDataset<StockBar>({ root: cacheDir, spec: rawDatasetSpecs.stocks }).readAll({ tickers: ['SPY'] });
    expect(fromCache).toEqual(await local.readAll({ tickers: ['SPY'] }));
    expect(fromCache.map((b) => b.close)).toEqual([1, 2.5, 4]);
  });

  it('bounds the staging cache: a selection larger than the cache fails with STORAGE, older copies are evicted', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'spyglass-objstore-'));
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'spyglass-objcache-'));
    const s = new LocalObjectStore({ dir });
    const writer = new ObjectStoreDataset<StockBar>({ store: s, spec: rawDatasetSpecs.stocks, cacheDir });
    await writer.write([bar('SPY', 0, 1), bar('QQQ', 0, 1), bar('IWM', 0, 1)]);
    const size = (await s.list(''))[0]!.bytes;
    const small = new ObjectStoreDataset<StockBar>({ store: s, spec: rawDatasetSpecs.stocks, cacheDir, cacheBytes: Math.ceil(size * 1.5) });
    await expect(small.stage()).rejects.toMatchObject({ code: 'STORAGE' });
    await small.stage({ tickers: ['SPY'] });
    const second = await small.stage({ tickers: ['QQQ'] });
    expect(second.evicted).toBe(1);
    expect(await small.stagedBytes()).toBeLessThanOrEqual(Math.ceil(size * 1.5));
  });
});
