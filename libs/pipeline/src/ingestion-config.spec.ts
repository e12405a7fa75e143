import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { readParquetInfo } from '@spyglass/storage';
import { Ingestion } from './ingestion.js';
import { ingestionSettings } from './ingestion-settings.js';

const repoConfig = fileURLToPath(new URL('../../../config', import.meta.url));
const DAY = '2025-03-04';

describe('sinks.yaml parquet and sources.yaml pageLimit take effect (on disk and on the wire)', () => {
  let sim: ExchangeSim;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 9 });
  });
  afterAll(() => sim.close());

  /** Backfills one SPY day with config overrides; returns the partition file's footer, size and the aggregate requests made. */
  const backfill = async (overrides: Record<string, unknown>) => {
    const root = mkdtempSync(join(tmpdir(), 'spyglass-cfg-effect-'));
    const config = loadConfig({ dir: repoConfig, env: { MASSIVE_API_KEY: 'k', MASSIVE_REST_URL: sim.url }, overrides: { ...overrides, settings: { dataRoot: root } } });
    const before = sim.stats().requests.aggs ?? 0;
    await new Ingestion({ ...ingestionSettings(config), requestsPerMinute: null }).backfill('stocks', { ticker: 'SPY', from: DAY, to: DAY });
    const file = join(root, 'raw/stocks/ticker=SPY', `date=${DAY}`, 'part-0.parquet');
    return { info: await readParquetInfo(file), bytes: statSync(file).size, requests: (sim.stats().requests.aggs ?? 0) - before };
  };

  it('rowGroupSize 10 writes 39 row groups for 390 bars; the default writes one', async () => {
    expect((await backfill({ sinks: { parquet: { rowGroupSize: 10 } } })).info.rowGroups).toBe(39);
    expect((await backfill({})).info.rowGroups).toBe(1);
  });

  it.each(['zstd', 'gzip', 'uncompressed'])('compression %s changes the file, not the rows', async (compression) => {
    const snappy = await backfill({});
    const other = await backfill({ sinks: { parquet: { compression } } });
    expect(other.info.rows).toBe(390);
    expect(other.bytes).not.toBe(snappy.bytes);
  });

  it('pageLimit 100 fetches 390 bars in 4 pages instead of 1', async () => {
    expect((await backfill({ sources: { massive: { rest: { pageLimit: 100 } } } })).requests).toBe(4);
    expect((await backfill({})).requests).toBe(1);
  });

  it.each([['partitioning', { by: ['date'] }], ['rawDir', '../elsewhere'], ['dedupKeys', { stocks: ['nope'] }]])('sinks.yaml %s is no longer configuration: rejected with the key', (key, value) => {
    expect(() => loadConfig({ dir: repoConfig, env: {}, overrides: { sinks: { [key]: value } } })).toThrow(new RegExp(key));
  });
});
