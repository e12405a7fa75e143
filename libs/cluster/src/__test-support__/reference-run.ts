import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { Ingestion, runIngestJob, type IngestJob } from '@spyglass/pipeline';

/** The embedded, single-process run of `jobs` against a fresh simulator of `seed`: its data root. */
export async function referenceRun(seed: number, jobs: readonly IngestJob[]): Promise<string> {
  const sim = await createExchangeSim({ seed });
  const root = await mkdtemp(path.join(tmpdir(), 'spyglass-reference-'));
  try {
    const ingestion = new Ingestion({
      dataRoot: root, apiKey: 'test-key', restBaseUrl: sim.url, requestsPerMinute: null, dedupCapacity: 100_000, extendedHours: false,
      retryPolicy: { maxAttempts: 8, initialDelayMs: 1, backoffBase: 2, maxDelayMs: 20, jitter: 0 },
      options: { mode: 'test', params: { underlying: 'SPY', increment: 1, nCalls: 2, nPuts: 2, expiry: 'next_trading_day' }, concurrency: 4 },
    });
    for (const j of jobs) await runIngestJob(ingestion, j);
    return root;
  } finally {
    await sim.close();
  }
}
