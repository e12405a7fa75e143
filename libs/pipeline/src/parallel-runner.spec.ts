import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { datasetHash } from './__test-support__/dataset-hash.js';
import { testSettings } from './__test-support__/test-settings.js';
import { ParallelRunner } from './parallel-runner.js';
import { ProcessRegistry } from './process-registry.js';

describe('ParallelRunner', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 5 });
  });
  afterAll(() => sim.close());

  it('backfills tickers in worker processes, records them in the registry, and reports a failed worker while the others finish', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-parallel-'));
    const registry = new ProcessRegistry({ dir: join(root, 'workers') });
    const { logger: _l, ...settings } = testSettings({ restBaseUrl: sim.url, dataRoot: root });
    const progress: string[] = [];
    const runner = new ParallelRunner({ settings, workers: 2, registry, onProgress: (t, p) => progress.push(`${t.id}:${p.done}/${p.total}`) });
    const range = { from: '2025-03-03', to: '2025-03-05', resume: false };
    const outcomes = await runner.run([
      { id: 'stocks-SPY', dataset: 'stocks', ticker: 'SPY', ...range },
      { id: 'indices-VIX', dataset: 'indices', ticker: 'I:VIX', ...range },
      // A date range the NYSE calendar rejects (news runs on every calendar day, so a stock task):
      // this worker fails with a typed error.
      { id: 'stocks-bad', dataset: 'stocks', ticker: 'SPY', from: '2031-01-02', to: '2031-01-03', resume: false },
      { id: 'news-SPY', dataset: 'news', ticker: 'SPY', ...range },
    ]);
    expect(outcomes.map((o) => [o.task.id, o.status])).toEqual([
      ['stocks-SPY', 'completed'],
      ['indices-VIX', 'completed'],
      ['stocks-bad', 'failed'],
      ['news-SPY', 'completed'],
    ]);
    expect(outcomes[2]!.error?.code).toBe('INVALID_ARGUMENT');
    expect(outcomes[0]!.summary?.stored).toBe(3 * 390);
    expect((await datasetHash(root, 'stocks')).rows).toBe(3 * 390);
    expect((await datasetHash(root, 'indices')).rows).toBe(3 * 390);
    expect(progress).toContain('stocks-SPY:3/3');
    const listed = await registry.list();
    expect(listed.map((w) => [w.id, w.status, w.alive])).toEqual(
      expect.arrayContaining([
        ['stocks-SPY', 'completed', false],
        ['stocks-bad', 'failed', false],
      ]),
    );
    expect(new Set(listed.map((w) => w.pid)).size).toBe(4);
  });

  it('holds one global rate limit across processes', async () => {
    const limited = await createExchangeSim({ seed: 5, rateLimitPerMinute: 10_000 });
    try {
      const root = await mkdtemp(join(tmpdir(), 'spyglass-parallel-'));
      const { logger: _l, ...settings } = testSettings({ restBaseUrl: limited.url, dataRoot: root, requestsPerMinute: 120 });
      const started = Date.now();
      // News is fetched a day per request: 3 tickers × 5 days = 15 requests.
      const outcomes = await new ParallelRunner({ settings, workers: 3, registry: new ProcessRegistry({ dir: join(root, 'workers') }) }).run(
        ['SPY', 'QQQ', 'AAPL'].map((ticker) => ({ id: `news-${ticker}`, dataset: 'news' as const, ticker, from: '2025-03-03', to: '2025-03-07', resume: false })),
      );
      expect(outcomes.every((o) => o.status === 'completed')).toBe(true);
      expect(limited.stats().requests.news).toBe(15);
      // At 120/min (one permit every 500 ms): ≥ 6.5 s when the limit is shared, ~2.5 s if each process had its own.
      expect(Date.now() - started).toBeGreaterThan(6_500);
    } finally {
      await limited.close();
    }
  }, 60_000);
});
