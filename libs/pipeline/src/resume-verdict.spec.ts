import { mkdtemp, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyDate, nyseCalendar, type StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Quarantine, validatorFor } from '@spyglass/processing';
import { EquityClient, MassiveRest } from '@spyglass/sources';
import { CheckpointStore, ParquetDataset, purge, rawDatasetSpecs } from '@spyglass/storage';
import { forgetPurgedCheckpoints, verifyCheckpoints } from './backfill-checkpoints.js';
import { datasetHash } from './__test-support__/dataset-hash.js';
import { HistoricalRunner } from './historical-runner.js';

const FROM = '2025-03-03';
const TO = '2025-03-05';
const part = (root: string, date: string) => join(root, 'raw/stocks/ticker=SPY', `date=${date}`, 'part-0.parquet');

describe('checkpoints that vouch for their partition (resume, --retry-empty, purge, verify)', () => {
  let sim: ExchangeSim;
  let equities: EquityClient;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 11 });
    equities = new EquityClient(new MassiveRest({ apiKey: 'k', restBaseUrl: sim.url }));
  });
  afterAll(() => sim.close());

  /** A runner over the simulator; `gaps` are days the provider has nothing for (yet). */
  const runner = (root: string, gaps: ReadonlySet<string> = new Set()) =>
    new HistoricalRunner<StockBar>({
      job: 'backfill:stocks',
      dataset: 'stocks',
      validator: validatorFor('stocks'),
      quarantine: new Quarantine({ root }),
      sink: new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }),
      checkpoints: new CheckpointStore({ dir: join(root, 'checkpoints') }),
      calendar: nyseCalendar,
      fetchDay: async (t, d, s) => (gaps.has(d) ? { records: [], rejected: [] } : equities.minuteBars(t, d, d, s)),
    });
  const requests = () => sim.stats().requests.aggs ?? 0;

  it('re-fetches a checkpointed day whose partition was truncated or overwritten, says why, and skips the intact one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-seal-'));
    await runner(root).run({ ticker: 'SPY', from: FROM, to: TO });
    const good = await datasetHash(root, 'stocks');
    await truncate(part(root, '2025-03-04'), 100);
    const size = (await readFile(part(root, '2025-03-05'))).length;
    await writeFile(part(root, '2025-03-05'), Buffer.alloc(size, 7));
    const verified = await verifyCheckpoints(root);
    expect(verified.checked).toBe(3);
    expect(verified.problems.map((p) => [p.date, p.kind, p.file])).toEqual([
      ['2025-03-04', 'corrupt', part(root, '2025-03-04')],
      ['2025-03-05', 'corrupt', part(root, '2025-03-05')],
    ]);
    const before = requests();
    const s = await runner(root).run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    expect(requests() - before).toBe(2);
    expect(s.daysSkipped).toBe(1);
    expect(s.refetched.map((r) => r.date)).toEqual(['2025-03-04', '2025-03-05']);
    expect(s.refetched[0]!.reason).toMatch(/partition .*date=2025-03-04.* is corrupt/);
    expect(await datasetHash(root, 'stocks')).toEqual(good);
    expect((await verifyCheckpoints(root)).problems).toEqual([]);
  });

  it('checkpoints an empty day as empty: skipped on resume, fetched again with retryEmpty once the provider has it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-seal-'));
    const first = await runner(root, new Set(['2025-03-04'])).run({ ticker: 'SPY', from: FROM, to: TO });
    expect(first.emptyDays).toEqual(['2025-03-04']);
    const entry = await new CheckpointStore({ dir: join(root, 'checkpoints') }).get('backfill:stocks', 'SPY', '2025-03-04');
    expect(entry?.meta).toMatchObject({ empty: true, partition: null, received: 0 });
    const plain = await runner(root).run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    expect(plain.daysSkipped).toBe(3);
    const retried = await runner(root).run({ ticker: 'SPY', from: FROM, to: TO, resume: true, retryEmpty: true });
    expect(retried.daysSkipped).toBe(2);
    expect(retried.stored).toBe(390);
    expect(retried.refetched).toEqual([{ date: '2025-03-04', reason: expect.stringContaining('empty') }]);
    expect((await datasetHash(root, 'stocks')).rows).toBe(3 * 390);
  });

  it('reads checkpoints written before seals: received 0 is empty, any other is trusted', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-seal-'));
    const cp = new CheckpointStore({ dir: join(root, 'checkpoints') });
    await cp.markComplete('backfill:stocks', 'SPY', '2025-03-03', { received: 0, stored: 0, duplicates: 0, quarantined: 0 });
    await cp.markComplete('backfill:stocks', 'SPY', '2025-03-04', { received: 390, stored: 390, duplicates: 0, quarantined: 0 });
    const s = await runner(root).run({ ticker: 'SPY', from: FROM, to: '2025-03-04', resume: true, retryEmpty: true });
    expect(s.daysSkipped).toBe(1);
    expect(s.refetched.map((r) => r.date)).toEqual(['2025-03-03']);
    expect((await verifyCheckpoints(root)).unsealed).toBe(1);
  });

  it('purge forgets the checkpoints of the partitions it deletes, so resume fetches them again', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-seal-'));
    await runner(root).run({ ticker: 'SPY', from: FROM, to: TO });
    // Keep 2025-03-05 and later: "now" is 2025-03-05 noon in New York with zero retention days.
    const s = await purge({ root, retentionDays: { raw: 0 }, dryRun: false, now: Date.parse('2025-03-05T17:00:00Z') });
    expect(s.files.map((f) => nyDate(Date.parse(`${/date=([\d-]+)/.exec(f.path)![1]}T17:00:00Z`)))).toEqual(['2025-03-03', '2025-03-04']);
    expect(await forgetPurgedCheckpoints(root, s.files.map((f) => f.path))).toBe(2);
    const cp = new CheckpointStore({ dir: join(root, 'checkpoints') });
    expect((await cp.list()).map((e) => e.date)).toEqual(['2025-03-05']);
    const resumed = await runner(root).run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    expect(resumed.daysSkipped).toBe(1);
    expect(resumed.stored).toBe(2 * 390);
  });
});
