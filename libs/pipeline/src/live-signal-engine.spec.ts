import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyntheticMarket } from '@spyglass/exchange-sim';
import { INCREMENTAL_FEATURE_COLUMNS } from '@spyglass/features';
import { trainBooster } from '@spyglass/ml';
import { consolidate, FEATURE_COLUMNS, FEATURES_DATASET, generateFeatures } from '@spyglass/processing';
import { readParquetTable } from '@spyglass/storage';
import { LiveSignalEngine, type ScoredBurst } from './live-signal-engine.js';
import { SignalModel } from './live-signal-model.js';
import { noiseSignalModel } from './testing/untrained-signal-model.js';
import { readStoredSession } from './live-warm-start.js';
import { replayOrder, simulatedSession, storeSession, type ReplayEvent, type SimulatedSession } from './__test-support__/simulated-session.js';

/**
 * Parity of the live engine with the batch path, on whole simulated sessions: every feature of
 * every option row, and every probability. Documented tolerance: values are equal bit for bit
 * except window aggregates DuckDB sums in another order (session VWAP, window means, σ,
 * correlation, news means), which agree within 1e-12 relative (or 1e-12 absolute near zero).
 */
const TOLERANCE = 1e-12;
const DATES = ['2025-03-04', '2025-03-05'];
const settings = { riskFreeRate: 0.045, dividendYield: 0.013, newsLookbackMinutes: 60 };
const WIDTH = INCREMENTAL_FEATURE_COLUMNS.length;

let root: string;
const market = new SyntheticMarket({ seed: 11 });
const sessions = new Map<string, SimulatedSession>();
/** Batch features by `ticker|timestamp`. */
const batch = new Map<string, Float64Array>();
let model: SignalModel;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'live-parity-'));
  for (const date of DATES) {
    const s = simulatedSession(market, date, { band: 4 });
    sessions.set(date, s);
    await storeSession(root, s);
  }
  await consolidate({ root, dates: DATES, ...settings, schemaDrift: { monitor: false } });
  // DuckDB's definition of the features (method 'sql'): an independent reference for the live
  // engine, since the default batch path replays the engine itself.
  await generateFeatures({ root, dates: DATES, newsLookbackMinutes: 60, schemaDrift: { monitor: false }, method: 'sql' });
  const labels: number[] = [];
  const rows: number[] = [];
  for (const date of DATES) {
    const t = await readParquetTable(join(root, 'processed', FEATURES_DATASET, `date=${date}`, 'part-0.parquet'), { columns: ['ticker', 'timestamp', 'target', ...FEATURE_COLUMNS] });
    const cols = FEATURE_COLUMNS.map((c) => t.getChild(c)!);
    for (let i = 0; i < t.numRows; i++) {
      const v = new Float64Array(WIDTH);
      cols.forEach((c, j) => {
        const x = c.get(i) as number | null;
        v[j] = x === null ? Number.NaN : x;
      });
      const ts = t.getChild('timestamp')!.get(i) as number | bigint | Date;
      batch.set(`${t.getChild('ticker')!.get(i) as string}|${ts instanceof Date ? ts.getTime() : Number(ts)}`, v);
      const target = t.getChild('target')!.get(i) as number | null;
      if (target !== null) {
        labels.push(target);
        rows.push(...v);
      }
    }
  }
  const trained = trainBooster(
    { train: { data: Float32Array.from(rows), rows: labels.length, cols: WIDTH, label: labels } },
    { params: { objective: 'binary:logistic', max_depth: 4, eta: 0.3, nthread: 1 }, rounds: 15, featureNames: FEATURE_COLUMNS },
  );
  model = new SignalModel({ model: trained.model, featureColumns: FEATURE_COLUMNS, threshold: 0.5 });
}, 240_000);

afterAll(() => {
  model?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Feeds each minute's events, then flushes the burst; returns live features and probabilities by key. */
function replay(engine: LiveSignalEngine, minutes: readonly ReplayEvent[][]): Map<string, { features: Float64Array; probability: number }> {
  const out = new Map<string, { features: Float64Array; probability: number }>();
  for (const evs of minutes) {
    for (const e of evs) {
      if (e.kind === 'index') engine.addIndexBar(e.bar);
      else if (e.kind === 'stock') engine.addStockBar(e.bar);
      else if (e.kind === 'option') engine.addOptionBar(e.bar);
      else engine.addNews(e.article);
    }
    collect(engine.flush(), out);
  }
  return out;
}

function collect(b: ScoredBurst, out: Map<string, { features: Float64Array; probability: number }>): void {
  b.tickers.forEach((t, i) => out.set(`${t}|${b.timestamps[i]}`, { features: b.features.slice(i * WIDTH, (i + 1) * WIDTH), probability: b.probabilities[i]! }));
}

const engineFor = () => new LiveSignalEngine({ model, features: settings, schedule: () => {}, barrierWaitMs: 0 });

function expectEqualRows(live: Map<string, { features: Float64Array; probability: number }>, keys: readonly string[]): { exact: number; compared: number; maxRelative: number } {
  let exact = 0;
  let compared = 0;
  let maxRelative = 0;
  const mismatches: string[] = [];
  for (const key of keys) {
    const l = live.get(key);
    const b = batch.get(key)!;
    if (!l) {
      mismatches.push(`${key}: not scored live`);
      continue;
    }
    for (let j = 0; j < WIDTH; j++) {
      const x = l.features[j]!;
      const y = b[j]!;
      compared++;
      if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) {
        exact++;
        continue;
      }
      const rel = Math.abs(x - y) / Math.max(1, Math.abs(y));
      maxRelative = Math.max(maxRelative, rel);
      if (!(rel <= TOLERANCE)) mismatches.push(`${key} ${INCREMENTAL_FEATURE_COLUMNS[j]}: live ${x} batch ${y}`);
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
  return { exact, compared, maxRelative };
}

describe('live engine = batch generateFeatures + model, whole simulated sessions', () => {
  it('the incremental columns are the catalog’s FEATURE_COLUMNS, in order', () => {
    expect([...INCREMENTAL_FEATURE_COLUMNS]).toEqual([...FEATURE_COLUMNS]);
  });

  it.each(DATES)('%s: every option row, every feature and every probability', (date) => {
    const s = sessions.get(date)!;
    const engine = engineFor();
    const live = replay(engine, replayOrder(s));
    const contracts = new Set(s.contracts);
    const keys = [...batch.keys()].filter((k) => {
      const [ticker, t] = k.split('|');
      return contracts.has(ticker!) && Number(t) >= s.stocks[0]!.timestamp && Number(t) <= s.stocks.at(-1)!.timestamp;
    });
    expect(live.size).toBe(keys.length);
    expect(s.contracts.length).toBeGreaterThan(20);
    const r = expectEqualRows(live, keys);
    expect(r.exact / r.compared).toBeGreaterThan(0.9);
    // Probabilities: the batch row through the same model gives the same float32, bit for bit.
    const rows = new Float64Array(keys.length * WIDTH);
    keys.forEach((k, i) => rows.set(batch.get(k)!, i * WIDTH));
    const p = model.predict(rows, keys.length);
    keys.forEach((k, i) => expect(live.get(k)!.probability).toBe(p[i]));
    expect(engine.counts()).toMatchObject({ late: 0, duplicate: 0, invalid: 0, scored: keys.length });
  });

  it('signals carry plain-English SHAP reasons and their latency stamps', () => {
    const engine = engineFor();
    const signals: import('./live-signal-engine.js').LiveSignalRecord[] = [];
    engine.onSignal((x) => signals.push(x));
    replay(engine, replayOrder(sessions.get(DATES[0]!)!));
    expect(signals.length).toBeGreaterThan(0);
    for (const x of signals.slice(0, 20)) {
      expect(x.probability).toBeGreaterThanOrEqual(0.5);
      expect(x.reasons.length).toBeGreaterThan(0);
      expect(typeof x.reasons[0]).toBe('string');
      expect(x.signalAt).toBeGreaterThanOrEqual(x.probabilityAt);
    }
  });

  it.each([1, 5, 8, 1000])('emits a minute in chunks of emitEvery = %i bars: each chunk as it is scored, together the whole burst, probabilities as scored whole', (emitEvery) => {
    const minutes = replayOrder(sessions.get(DATES[0]!)!);
    const engines = [emitEvery, Number.POSITIVE_INFINITY].map((e) => new LiveSignalEngine({ model, features: settings, barrierWaitMs: 0, emitEvery: e, schedule: () => {} }));
    const chunks: ScoredBurst[][] = [[], []];
    engines.forEach((engine, k) => engine.onBurst((b) => chunks[k]!.push(b)));
    for (const minute of minutes.slice(0, 60)) {
      chunks[0] = [];
      chunks[1] = [];
      const wholes = engines.map((engine) => {
        for (const e of minute) {
          if (e.kind === 'index') engine.addIndexBar(e.bar);
          else if (e.kind === 'stock') engine.addStockBar(e.bar);
          else if (e.kind === 'option') engine.addOptionBar(e.bar);
          else engine.addNews(e.article);
        }
        return engine.flush();
      });
      const n = wholes[0]!.tickers.length;
      expect(chunks[0]!.map((c) => c.tickers.length)).toEqual(n === 0 ? [] : Array.from({ length: Math.ceil(n / emitEvery) }, (_, i) => Math.min(emitEvery, n - i * emitEvery)));
      expect(chunks[1]!.length).toBe(n === 0 ? 0 : 1);
      expect(chunks[0]!.flatMap((c) => [...c.tickers])).toEqual(wholes[0]!.tickers);
      expect(chunks[0]!.flatMap((c) => [...c.probabilities])).toEqual([...wholes[0]!.probabilities]);
      expect([...wholes[0]!.probabilities]).toEqual([...wholes[1]!.probabilities]);
      expect(wholes[0]!.features).toEqual(wholes[1]!.features);
      // Chunks are emitted in order, each no later than the next.
      for (let i = 1; i < chunks[0]!.length; i++) expect(chunks[0]![i]!.probabilityAt).toBeGreaterThanOrEqual(chunks[0]![i - 1]!.probabilityAt);
    }
    for (const engine of engines) engine.close();
  });

  it('scheduled steps: a burst arriving while SHAP work waits is scored first; every flagged row is explained once, in order', () => {
    const runs: Array<() => void> = [];
    let now = 0;
    // Every clock read advances 1 ms, so a 3 ms budget allows one SHAP chunk (8 rows) per step;
    // threshold 0 flags every bar, so a minute of this chain leaves rows waiting.
    const flagAll = noiseSignalModel({ threshold: 0 });
    const engine = new LiveSignalEngine({ model: flagAll, features: settings, barrierWaitMs: 0, explainBudgetMs: 3, clock: { now: () => (now += 1), sleep: async () => {} }, schedule: (run) => runs.push(run) });
    const order: string[] = [];
    // A minute's burst reaches the listeners in chunks of emitEvery bars: count minutes.
    engine.onBurst((b) => {
      const minute = `burst ${b.timestamps[0]}`;
      if (order.at(-1) !== minute) order.push(minute);
    });
    const explained: string[] = [];
    engine.onSignal((x) => explained.push(`${x.ticker}|${x.timestamp}`));
    const minutes = replayOrder(sessions.get(DATES[0]!)!);
    const feed = (evs: readonly ReplayEvent[]) => {
      for (const e of evs) {
        if (e.kind === 'index') engine.addIndexBar(e.bar);
        else if (e.kind === 'stock') engine.addStockBar(e.bar);
        else if (e.kind === 'option') engine.addOptionBar(e.bar);
        else engine.addNews(e.article);
      }
    };
    const flagged: string[] = [];
    engine.onBurst((b) => b.tickers.forEach((t, i) => flagged.push(`${t}|${b.timestamps[i]}`)));
    // A minute's burst, then the next minute while the first one's SHAP work is still pending.
    feed(minutes[200]!);
    expect(runs).toHaveLength(1);
    runs.shift()!();
    expect(order).toHaveLength(1);
    const pendingAfterFirst = flagged.length - explained.length;
    expect(pendingAfterFirst).toBeGreaterThan(0);
    feed(minutes[201]!);
    expect(runs).toHaveLength(1);
    runs.shift()!();
    // The second minute was scored in the step right after it arrived, before the first minute's
    // explanations had all been done.
    expect(order).toHaveLength(2);
    expect(explained.length).toBeLessThan(flagged.length);
    while (runs.length > 0) runs.shift()!();
    expect(explained).toEqual(flagged);
    flagAll.dispose();
  });

  it('warm start mid-session from stored Parquet: the first live bars equal the batch features', async () => {
    const date = DATES[0]!;
    const s = sessions.get(date)!;
    const mid = s.stocks[150]!.timestamp;
    const partial = mkdtempSync(join(tmpdir(), 'live-warm-'));
    try {
      await storeSession(partial, s, (t) => t < mid);
      const engine = engineFor();
      engine.warm(await readStoredSession({ root: partial, date, newsLookbackMinutes: 60 }));
      expect(engine.counts().scored).toBe(0);
      const live = replay(engine, replayOrder(s).filter((evs) => evs.every((e) => (e.kind === 'news' ? e.article.timestamp : e.bar.timestamp) >= mid)));
      const keys = [...live.keys()];
      expect(keys.some((k) => Number(k.split('|')[1]) === mid)).toBe(true);
      expectEqualRows(live, keys);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });

  it('a late option bar is not scored live; the stored data and a warm restart catch up with the batch view', async () => {
    const date = DATES[0]!;
    const s = sessions.get(date)!;
    const minutes = replayOrder(s).map((evs) => [...evs]);
    // Deliver one contract's bar 3 minutes late, after that contract's next bar.
    const m = 100;
    const next = new Set(minutes[m + 1]!.flatMap((e) => (e.kind === 'option' ? [e.bar.ticker] : [])));
    const k = minutes[m]!.findIndex((e) => e.kind === 'option' && next.has(e.bar.ticker));
    expect(k).toBeGreaterThanOrEqual(0);
    const lateEvent = minutes[m]!.splice(k, 1)[0]! as Extract<ReplayEvent, { kind: 'option' }>;
    minutes[m + 3]!.push(lateEvent);
    const engine = engineFor();
    const live = replay(engine, minutes);
    const lateKey = `${lateEvent.bar.ticker}|${lateEvent.bar.timestamp}`;
    expect(engine.counts().late).toBe(1);
    expect(live.has(lateKey)).toBe(false);
    expect(batch.has(lateKey)).toBe(true); // the durable path stored it: the batch view has the row
    // A restart warms from storage (which holds the late bar) and agrees with the batch view again.
    const cut = s.stocks[m + 10]!.timestamp;
    const restarted = engineFor();
    const partial = mkdtempSync(join(tmpdir(), 'live-late-'));
    try {
      await storeSession(partial, s, (t) => t < cut);
      restarted.warm(await readStoredSession({ root: partial, date, newsLookbackMinutes: 60 }));
      const after = replay(restarted, replayOrder(s).filter((evs) => evs.every((e) => (e.kind === 'news' ? e.article.timestamp : e.bar.timestamp) >= cut)));
      expectEqualRows(after, [...after.keys()].filter((key) => key.startsWith(`${lateEvent.bar.ticker}|`)));
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });

  it('option bars that arrive before their minute’s SPY bar wait for it (separate sockets), then match', () => {
    const s = sessions.get(DATES[1]!)!;
    const engine = new LiveSignalEngine({ model, features: settings, schedule: () => {}, barrierWaitMs: 60_000 });
    const out = new Map<string, { features: Float64Array; probability: number }>();
    for (const evs of replayOrder(s)) {
      // options first, flushed alone: they must be held, not scored against the previous minute
      for (const e of evs) if (e.kind === 'option') engine.addOptionBar(e.bar);
      const early = engine.flush();
      expect(early.tickers.length).toBe(0);
      for (const e of evs) {
        if (e.kind === 'index') engine.addIndexBar(e.bar);
        else if (e.kind === 'stock') engine.addStockBar(e.bar);
        else if (e.kind === 'news') engine.addNews(e.article);
      }
      collect(engine.flush(), out);
    }
    engine.close();
    expectEqualRows(out, [...out.keys()]);
    expect(out.size).toBeGreaterThan(1000);
  });
});
