import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion } from '@spyglass/pipeline';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import type { Redis } from 'ioredis';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { RedisBarLog } from './redis-bar-log.js';
import { connectRedis } from './redis-connection.js';

describe('cluster: Redis Streams bar log between stream readers and Parquet writers (real redis-server)', () => {
  let redis: TestRedis;
  let client: Redis;
  let sim: ExchangeSim;
  beforeAll(async () => {
    [redis, sim] = await Promise.all([startRedis(), createExchangeSim({ seed: 31 })]);
    client = await connectRedis(redis.url);
  }, 60_000);
  afterAll(async () => {
    await client.quit();
    await Promise.all([redis.stop(), sim.close()]);
  });

  it('a writer killed mid-session leaves its batches pending; a restarted writer claims them; the stored session equals the replay, no gaps or duplicates', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'spyglass-barlog-'));
    const ingestion = new Ingestion({ dataRoot: root, apiKey: 'test-key', restBaseUrl: sim.url, requestsPerMinute: null, dedupCapacity: 1_000, extendedHours: false, options: { mode: 'test', params: {}, concurrency: 1 } });
    const session = (await ingestion.equities.minuteBars('SPY', '2025-03-04', '2025-03-04')).records;
    expect(session).toHaveLength(390);
    const log = new RedisBarLog<StockBar>({ redis: client, namespace: 'live', stream: 'bars:stocks', group: 'writers', maxLen: 10_000 });
    const stocks = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    // Readers: the session in batches of 30, as a WebSocket reader would append them.
    const first = await log.consumer('writer-a');
    for (let i = 0; i < session.length; i += 30) await log.append(session.slice(i, i + 30));

    // Writer A: one batch durable and acknowledged, one durable but not acknowledged, one read and never written; then it dies.
    const a1 = await first.read({ count: 1 });
    await stocks.write(a1.records);
    await first.ack(a1.ids);
    const a2 = await first.read({ count: 1 });
    await stocks.write(a2.records);
    const a3 = await first.read({ count: 1 });
    expect(a3.records).toHaveLength(30);
    expect((await log.backlog()).pending).toBe(2);

    // Writer B, started later: takes over A's two pending batches once idle, then everything else.
    await new Promise((r) => setTimeout(r, 250));
    const second = await log.consumer('writer-b');
    let claimed = 0;
    for (;;) {
      const b = await second.read({ count: 4, blockMs: 200, claimIdleMs: 200 });
      if (b.ids.length === 0) break;
      if (b.claimed) claimed += b.ids.length;
      await stocks.write(b.records);
      await second.ack(b.ids);
    }
    expect(claimed).toBe(2);
    expect((await log.backlog()).pending).toBe(0);
    const stored = await stocks.readAll({ tickers: ['SPY'] });
    const key = (b: StockBar) => b.timestamp;
    expect(new Set(stored.map(key)).size).toBe(stored.length);
    const strip = ({ ingestedAt: _i, ...b }: StockBar) => b;
    expect(stored.map(strip)).toEqual([...session].sort((x, y) => x.timestamp - y.timestamp).map(strip));
  }, 60_000);
});
