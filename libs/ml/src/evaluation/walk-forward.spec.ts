import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { tradingDays } from '../data/feature-table.js';
import { runWalkForward, runWalkForwardFold, validateWalkForwardConfig, walkForwardAsciiChart, walkForwardWindows } from './walk-forward.js';

// ~5.5 months of weekdays from 2025-03-03
const table = syntheticTable({ days: 115, tickersPerDay: 2, minutesPerDay: 12, seed: 4 });
const days = tradingDays(table);

describe('walk-forward windows', () => {
  it.each([
    ['rolling', ['2025-06', '2025-07'], ['2025-03-03', '2025-04-01']],
    ['expanding', ['2025-06', '2025-07'], ['2025-03-03', '2025-03-03']],
  ] as const)('%s windows test the months after their training months', (mode, testMonths, trainFroms) => {
    const w = walkForwardWindows(days, { mode, trainMonths: 3, testMonths: 1 });
    expect(days.at(-1)! < '2025-08-31').toBe(true); // the partial last month is excluded
    expect(w.map((x) => x.testMonth)).toEqual(testMonths);
    expect(w.map((x) => x.trainFrom)).toEqual(trainFroms);
    for (const x of w) expect(x.trainTo < x.testFrom).toBe(true);
    expect(walkForwardWindows(days, { mode, allowPartialTest: true }).at(-1)!.testMonth).toBe('2025-08');
  });

  it.each([
    [{ purgeMinutes: 60 }, 'PURGE_TOO_SHORT'],
    [{ trainMonths: 0 }, 'OUT_OF_RANGE'],
    [{ threshold: 1 }, 'OUT_OF_RANGE'],
  ])('rejects %j', async (config, code) => {
    expect(validateWalkForwardConfig(config).map((i) => i.code)).toContain(code);
    await expect(runWalkForward(table, { config })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

// Independent count of the rows a purge must drop: training rows closer than the gap to the first
// test bar, and inner-training rows closer than the gap to the first inner-validation bar.
function expectedPurge(w: { trainFrom: string; trainTo: string; testFrom: string }, minutes: number): number {
  const gap = minutes * 60_000;
  const trainDays = days.filter((d) => d >= w.trainFrom && d <= w.trainTo);
  const innerVal = new Set(trainDays.slice(trainDays.length - Math.max(1, Math.floor(trainDays.length * 0.2))));
  const ts = (pred: (i: number) => boolean) => Array.from({ length: table.rows }, (_, i) => i).filter(pred);
  const firstTest = Math.min(...ts((i) => table.date[i] === w.testFrom).map((i) => table.timestamp[i]!));
  const firstVal = Math.min(...ts((i) => innerVal.has(table.date[i]!)).map((i) => table.timestamp[i]!));
  const inTrain = (i: number) => table.date[i]! >= w.trainFrom && table.date[i]! <= w.trainTo;
  const outer = ts((i) => inTrain(i) && table.timestamp[i]! > firstTest - gap).length;
  const inner = ts((i) => inTrain(i) && !innerVal.has(table.date[i]!) && table.timestamp[i]! > firstVal - gap && table.timestamp[i]! <= firstTest - gap).length;
  return outer + inner;
}

describe('runWalkForward', () => {
  it('trains per split with a purge gap and summarises precision', async () => {
    const splits: string[] = [];
    const result = await runWalkForward(table, {
      inWorker: false,
      config: { mode: 'expanding', threshold: 0.6, purgeMinutes: 24 * 60 },
      trainer: { rounds: 40, learningRate: 0.3, nthread: 1 },
      onSplit: (s) => splits.push(s.window.testMonth),
    });
    expect(splits).toEqual(['2025-06', '2025-07']);
    expect(result.summary.status).toBe('SUCCESS');
    for (const s of result.splits) {
      expect(s.status).toBe('OK');
      expect(s.purgedRows).toBe(expectedPurge(s.window, 24 * 60));
      expect(s.purgedRows).toBeGreaterThan(0);
      expect(s.rocAuc!).toBeGreaterThan(0.8);
      expect(s.tp + s.fp).toBe(s.totalSignals);
      expect(s.tp + s.fp + s.fn + s.tn).toBe(s.testRows);
    }
    expect(result.summary.precision!.mean).toBeGreaterThan(0.5);
    expect(walkForwardAsciiChart(result)).toMatch(/2025-06 \| █+░*/);
  });

  it('purges nothing across an overnight gap with the 120-minute default', async () => {
    const r = await runWalkForward(table, { inWorker: false, config: { threshold: 0.6 }, trainer: { rounds: 5, nthread: 1 } });
    expect(r.splits.map((s) => s.purgedRows)).toEqual(r.splits.map((s) => expectedPurge(s.window, 120)));
    expect(r.splits.every((s) => s.purgedRows === 0)).toBe(true);
  });

  it('reports too few positives as insufficient data', async () => {
    const none = { ...table, label: new Uint8Array(table.rows) };
    const r = await runWalkForward(none, { inWorker: false, trainer: { rounds: 5 } });
    expect(r.summary.status).toBe('ALL_SPLITS_FAILED');
    expect(r.splits[0]!.reason).toMatch(/0 positives/);
  });

  it('a folds runner (the folds run elsewhere, here all at once) gives the sequential result and the same test predictions', async () => {
    const opts = { inWorker: false, config: { threshold: 0.6 }, trainer: { rounds: 8, nthread: 1 } } as const;
    const seen: Array<[string, number, number]> = [];
    const record = (s: { window: { testMonth: string } }, test: { rows: number }, p: Float32Array, train: { rows: number }) => void seen.push([s.window.testMonth, test.rows + train.rows, p[0]!]);
    const sequential = await runWalkForward(table, { ...opts, onTestPredictions: record });
    const expected = seen.splice(0);
    let asked = 0;
    const parallel = await runWalkForward(table, {
      ...opts,
      onTestPredictions: record,
      folds: (windows, settings) => ((asked = windows.length), Promise.all(windows.map((w) => runWalkForwardFold(table, w, { ...settings, inWorker: false })))),
    });
    expect(asked).toBe(sequential.splits.length);
    expect(parallel).toEqual(sequential);
    expect(seen).toEqual(expected);
  });

  it('refuses a folds runner that returns the wrong number of folds', async () => {
    await expect(runWalkForward(table, { inWorker: false, trainer: { rounds: 2 }, folds: async () => [] })).rejects.toMatchObject({ code: 'UNEXPECTED' });
  });
});
