import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nyDate, nyseCalendar, type Clock, type StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { Deduplicator, Quarantine, recordKeyFor, validatorFor } from '@spyglass/processing';
import { EquityClient, MassiveRest } from '@spyglass/sources';
import { CheckpointStore, ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { datasetHash } from './__test-support__/dataset-hash.js';
import { HistoricalRunner, type DayProgress } from './historical-runner.js';

const FROM = '2025-03-03';
const TO = '2025-03-14'; // 10 trading days
const tmp = () => mkdtemp(join(tmpdir(), 'spyglass-hist-'));

describe('HistoricalRunner', () => {
  let sim: ExchangeSim;
  let equities: EquityClient;
  beforeAll(async () => {
    sim = await createExchangeSim({ seed: 3 });
    equities = new EquityClient(new MassiveRest({ apiKey: 'k', restBaseUrl: sim.url }));
  });
  afterAll(() => sim.close());

  const runner = (root: string, mode: 'day' | 'range', onDay?: (p: DayProgress) => void, source = equities, clock?: Clock) =>
    new HistoricalRunner<StockBar>({
      ...(clock ? { clock } : {}),
      job: 'backfill:stocks',
      dataset: 'stocks',
      validator: validatorFor('stocks'),
      quarantine: new Quarantine({ root }),
      sink: new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }),
      dedup: new Deduplicator<StockBar>(recordKeyFor('stocks'), { capacity: 10_000 }),
      checkpoints: new CheckpointStore({ dir: join(root, 'checkpoints') }),
      calendar: nyseCalendar,
      ...(onDay ? { onDay } : {}),
      ...(mode === 'day'
        ? { fetchDay: (t: string, d: string, s?: AbortSignal) => source.minuteBars(t, d, d, s) }
        : {
            fetchDay: () => Promise.reject(new Error('fetchDay must not be called when fetchRange is set')),
            fetchRange: (t: string, f: string, to: string, s?: AbortSignal) => source.minuteBars(t, f, to, s),
            daysPerFetch: 4,
            dayOf: (b: StockBar) => nyDate(b.timestamp),
          }),
    });

  it('fetching ranges of days stores and checkpoints exactly what fetching day by day does, in fewer requests', async () => {
    const byDay = await tmp();
    const byRange = await tmp();
    const r0 = sim.stats().requests.aggs ?? 0;
    const a = await runner(byDay, 'day').run({ ticker: 'SPY', from: FROM, to: TO });
    const r1 = sim.stats().requests.aggs ?? 0;
    const progress: DayProgress[] = [];
    const b = await runner(byRange, 'range', (p) => progress.push(p)).run({ ticker: 'SPY', from: FROM, to: TO });
    const r2 = sim.stats().requests.aggs ?? 0;
    expect(r1 - r0).toBe(10);
    expect(r2 - r1).toBe(3); // 4 + 4 + 2 days
    expect({ ...b, seconds: 0 }).toEqual({ ...a, seconds: 0 });
    expect(b.stored).toBe(10 * 390);
    expect(await datasetHash(byRange, 'stocks')).toEqual(await datasetHash(byDay, 'stocks'));
    const days = (await new CheckpointStore({ dir: join(byRange, 'checkpoints') }).list()).map((e) => [e.date, e.meta?.stored]);
    expect(days).toEqual(nyseCalendar.tradingDays(FROM, TO).map((d) => [d, 390]));
    // Progress per day, as the days finish.
    expect(progress.map((p) => p.date).sort()).toEqual(nyseCalendar.tradingDays(FROM, TO));
    expect(progress.map((p) => p.index)).toEqual([...Array(10).keys()]);
    expect(progress.at(-1)?.totals.stored).toBe(10 * 390);
  });

  it('stores a range of days with one writeBatches and checkpoints them with one append, only after the write is durable', async () => {
    const root = await tmp();
    const events: string[] = [];
    const dataset = new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks });
    const store = new CheckpointStore({ dir: join(root, 'checkpoints') });
    // The real dataset and store, with their calls noted in order.
    const sink = {
      write: (records: readonly StockBar[]) => dataset.write(records),
      writeBatches: async (batches: ReadonlyArray<readonly StockBar[]>) => {
        events.push(`write ${batches.length} days`);
        const out = await dataset.writeBatches(batches);
        events.push('durable');
        return out;
      },
      seal: (t: string | undefined, d: string) => dataset.seal(t, d),
    };
    const checkpoints = {
      isComplete: (j: string, t: string, d: string) => store.isComplete(j, t, d),
      get: (j: string, t: string, d: string) => store.get(j, t, d),
      markComplete: (j: string, t: string, d: string) => Promise.reject(new Error(`one markComplete per day (${j} ${t} ${d})`)),
      markCompleteMany: async (j: string, t: string, entries: ReadonlyArray<{ date: string; meta?: Record<string, unknown> }>) => {
        events.push(`checkpoint ${entries.map((e) => e.date).join(',')}`);
        await store.markCompleteMany(j, t, entries);
      },
    };
    const summary = await new HistoricalRunner<StockBar>({
      job: 'backfill:stocks', dataset: 'stocks', validator: validatorFor('stocks'), quarantine: new Quarantine({ root }), sink, checkpoints, calendar: nyseCalendar,
      fetchDay: () => Promise.reject(new Error('unused')),
      fetchRange: (t, f, to, s) => equities.minuteBars(t, f, to, s),
      daysPerFetch: 5,
      dayConcurrency: 1,
      storeConcurrency: 1,
      dayOf: (b) => nyDate(b.timestamp),
    }).run({ ticker: 'SPY', from: FROM, to: TO });
    expect(summary.stored).toBe(10 * 390);
    const days = nyseCalendar.tradingDays(FROM, TO);
    expect(events).toEqual(['write 5 days', 'durable', `checkpoint ${days.slice(0, 5).join(',')}`, 'write 5 days', 'durable', `checkpoint ${days.slice(5).join(',')}`]);
    // Every checkpoint vouches for its partition as written.
    for (const e of await store.list()) {
      expect(e.meta?.stored).toBe(390);
      expect(await dataset.checkSeal(e.meta!.partition as never)).toBeUndefined();
    }
  });

  it('after a refused request no further range is requested: only the ranges already in flight', async () => {
    const guarded = await createExchangeSim({ seed: 3, apiKeys: ['good'] });
    try {
      const refused = new EquityClient(new MassiveRest({ apiKey: 'refused', restBaseUrl: guarded.url }));
      const root = await tmp();
      const r = new HistoricalRunner<StockBar>({
        job: 'backfill:stocks', dataset: 'stocks', validator: validatorFor('stocks'), quarantine: new Quarantine({ root }),
        sink: new ParquetDataset<StockBar>({ root, spec: rawDatasetSpecs.stocks }), checkpoints: new CheckpointStore({ dir: join(root, 'checkpoints') }), calendar: nyseCalendar,
        fetchDay: () => Promise.reject(new Error('unused')),
        fetchRange: (t, f, to, s) => refused.minuteBars(t, f, to, s),
        daysPerFetch: 1,
        dayConcurrency: 3,
        dayOf: (b) => nyDate(b.timestamp),
      });
      await expect(r.run({ ticker: 'SPY', from: FROM, to: TO })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      // Ten one-day ranges, three fetch permits: the three first requests, then none.
      expect(guarded.stats().requests.aggs).toBe(3);
    } finally {
      await guarded.close();
    }
  });

  it('with resume, requests only ranges of days not yet checkpointed and adds nothing twice', async () => {
    const root = await tmp();
    await runner(root, 'range').run({ ticker: 'SPY', from: '2025-03-05', to: '2025-03-06' });
    const before = sim.stats().requests.aggs ?? 0;
    const s = await runner(root, 'range').run({ ticker: 'SPY', from: FROM, to: TO, resume: true });
    expect(sim.stats().requests.aggs! - before).toBe(2); // 8 days left: 4 + 4
    expect(s).toMatchObject({ days: 10, daysSkipped: 2, stored: 8 * 390, duplicates: 0 });
    expect((await datasetHash(root, 'stocks')).rows).toBe(10 * 390);
  });

  it.each(['day', 'range'] as const)(
    'fetching by %s, a day still going on is stored but not checkpointed, and the next run after New York midnight completes it',
    async (mode) => {
      let now = Date.UTC(2025, 2, 7, 15, 30); // Friday 10:30 in New York: 60 minutes have ended
      const clock: Clock = { now: () => now, sleep: async () => {} };
      const liveSim = await createExchangeSim({ seed: 3, clock });
      try {
        const source = new EquityClient(new MassiveRest({ apiKey: 'k', restBaseUrl: liveSim.url }));
        const root = await tmp();
        const first = await runner(root, mode, undefined, source, clock).run({ ticker: 'SPY', from: '2025-03-05', to: '2025-03-07' });
        expect(first).toMatchObject({ days: 3, stored: 2 * 390 + 60, openDays: ['2025-03-07'], emptyDays: [] });
        const checkpoints = new CheckpointStore({ dir: join(root, 'checkpoints') });
        expect((await checkpoints.list()).map((e) => e.date)).toEqual(['2025-03-05', '2025-03-06']);

        now = Date.UTC(2025, 2, 8, 5, 1); // Saturday 00:01 in New York
        const second = await runner(root, mode, undefined, source, clock).run({ ticker: 'SPY', from: '2025-03-05', to: '2025-03-07', resume: true });
        expect(second).toMatchObject({ daysSkipped: 2, stored: 390 - 60, duplicates: 60, openDays: [] });
        expect((await checkpoints.list()).map((e) => [e.date, e.meta?.stored])).toEqual([
          ['2025-03-05', 390],
          ['2025-03-06', 390],
          ['2025-03-07', 330],
        ]);
        expect((await datasetHash(root, 'stocks')).rows).toBe(3 * 390);
      } finally {
        await liveSim.close();
      }
    },
  );
});
