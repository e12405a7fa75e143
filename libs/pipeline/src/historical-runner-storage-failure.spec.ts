import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyDate, nyseCalendar, type StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Quarantine, validatorFor } from '@spyglass/processing';
import { EquityClient, MassiveRest } from '@spyglass/sources';
import { CheckpointStore, ParquetDataset, partitionDir, rawDatasetSpecs } from '@spyglass/storage';
import { HistoricalRunner } from './historical-runner.js';

// A range batch whose storage fails part-way: the days made durable are checkpointed, the failing
// day and the days not stored are not, the run rejects with the day and the cause, and a resume
// fetches exactly the days not checkpointed. Real parts: the simulator over loopback, Parquet on
// disk (a blocked partition; a real full tmpfs where the suite may mount one).
const FROM = '2025-03-03';
const TO = '2025-03-14'; // 10 trading days
const DAYS = nyseCalendar.tradingDays(FROM, TO);

describe('HistoricalRunner: a storage failure inside a range batch', () => {
  let sim: ExchangeSim;
  let equities: EquityClient;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 5 });
    equities = new EquityClient(new MassiveRest({ apiKey: 'k', restBaseUrl: sim.url }));
  });
  afterAll(() => sim.close());

  const runner = (dataRoot: string, stateRoot: string, daysPerFetch: number) =>
    new HistoricalRunner<StockBar>({
      job: 'backfill:stocks',
      dataset: 'stocks',
      validator: validatorFor('stocks'),
      quarantine: new Quarantine({ root: stateRoot }),
      sink: new ParquetDataset<StockBar>({ root: dataRoot, spec: rawDatasetSpecs.stocks }),
      checkpoints: new CheckpointStore({ dir: join(stateRoot, 'checkpoints') }),
      calendar: nyseCalendar,
      fetchDay: () => Promise.reject(new Error('fetchDay must not be called when fetchRange is set')),
      fetchRange: (t, f, to, s) => equities.minuteBars(t, f, to, s),
      daysPerFetch,
      dayConcurrency: 1,
      dayOf: (b) => nyDate(b.timestamp),
    });
  const checkpointed = async (stateRoot: string) => (await new CheckpointStore({ dir: join(stateRoot, 'checkpoints') }).list('backfill:stocks')).map((e) => [e.date, e.meta?.stored]);
  const onDisk = (dataRoot: string) => DAYS.filter((d) => existsSync(join(partitionDir(dataRoot, rawDatasetSpecs.stocks, { ticker: 'SPY', date: d }), 'part-0.parquet')));
  const rowsOf = async (dataRoot: string, date: string) => (await new ParquetDataset<StockBar>({ root: dataRoot, spec: rawDatasetSpecs.stocks }).readAll({ tickers: ['SPY'], from: date, to: date })).length;

  it('checkpoints the durable days of the batch, not the failing one, reports the day and cause, and a resume fetches only the rest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'spyglass-hist-fail-'));
    // Day 3's partition file is a directory: its write fails, the batch's other days are stored.
    const blocked = join(partitionDir(root, rawDatasetSpecs.stocks, { ticker: 'SPY', date: DAYS[2]! }), 'part-0.parquet');
    mkdirSync(blocked, { recursive: true });
    const err = await runner(root, root, 5)
      .run({ ticker: 'SPY', from: FROM, to: TO })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string; cause?: unknown; details?: Record<string, unknown> },
      );
    expect(err).toBeDefined();
    // STORAGE: the CLI reports `STORAGE: backfill:stocks: storing SPY <day> failed …: <cause>` and exits 1.
    expect(err!.code).toBe('STORAGE');
    expect(err!.message).toContain(`storing SPY ${DAYS[2]} failed`);
    expect(err!.message).toMatch(/EISDIR/);
    expect(err!.cause).toBeDefined();
    expect(err!.details).toMatchObject({ date: DAYS[2], notCheckpointed: [DAYS[2]] });
    // The first batch's four stored days are checkpointed, day 3 is not; the second batch, fetched
    // while the first was stored, may have been stored too: then it is checkpointed as well.
    const marks = await checkpointed(root);
    expect(marks).toEqual(expect.arrayContaining([DAYS[0], DAYS[1], DAYS[3], DAYS[4]].map((d) => [d, 390])));
    expect(marks.map(([d]) => d)).not.toContain(DAYS[2]);
    expect(marks.map(([d]) => d)).toEqual(onDisk(root).filter((d) => d !== DAYS[2]));

    rmSync(blocked, { recursive: true });
    const before = sim.stats().requests.aggs ?? 0;
    const resumed = await runner(root, root, 5).run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    // Only the days not checkpointed are fetched (five per request) and stored, once each.
    const pending = DAYS.length - marks.length;
    expect((sim.stats().requests.aggs ?? 0) - before).toBe(Math.ceil(pending / 5));
    expect(resumed).toMatchObject({ daysSkipped: marks.length, stored: pending * 390, duplicates: 0 });
    expect(await checkpointed(root)).toEqual(DAYS.map((d) => [d, 390]));
    for (const d of DAYS) expect(await rowsOf(root, d)).toBe(390);
  });

  // A real full disk: a small tmpfs as the data root (needs root, as CI runs; elsewhere the case says why it did not run).
  const mnt = mkdtempSync(join(tmpdir(), 'spyglass-hist-full-'));
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=100k', 'tmpfs', mnt], { stdio: 'ignore' });
    mounted = true;
  } catch {
    process.stderr.write(`historical-runner-storage-failure.spec: cannot mount a tmpfs at ${mnt} (not root?); the disk-full case did not run\n`);
  }
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  (mounted ? it : it.skip)('on a full disk (ENOSPC) checkpoints exactly the days whose partitions were written, and a resume on a disk with room completes the rest once each', async () => {
    const state = await mkdtemp(join(tmpdir(), 'spyglass-hist-state-'));
    // One batch of all ten days (~17 KB each) into 100 KB: some days fit, the rest fail with ENOSPC.
    const err = await runner(mnt, state, 10)
      .run({ ticker: 'SPY', from: FROM, to: TO })
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string; cause?: unknown },
      );
    expect(err?.code).toBe('STORAGE');
    expect(String(err?.message)).toMatch(/ENOSPC|no space/i);
    expect(err?.cause).toBeDefined();
    const stored = onDisk(mnt);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(DAYS.length);
    // Durable ⇔ checkpointed: every written partition is vouched for, nothing else is.
    expect(await checkpointed(state)).toEqual(stored.map((d) => [d, 390]));

    execFileSync('mount', ['-o', 'remount,size=10m', mnt]);
    const before = sim.stats().requests.aggs ?? 0;
    const resumed = await runner(mnt, state, 10).run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    expect(resumed).toMatchObject({ daysSkipped: stored.length, stored: (DAYS.length - stored.length) * 390, duplicates: 0 });
    expect((sim.stats().requests.aggs ?? 0) - before).toBeGreaterThan(0);
    expect(await checkpointed(state)).toEqual(DAYS.map((d) => [d, 390]));
    for (const d of DAYS) expect(await rowsOf(mnt, d)).toBe(390);
  });
});
