// The `spyglass ml …` commands end to end: a real feature dataset (exchange simulator → ingestion →
// consolidation → features, in a temp data root), real libxgboost, every command parsed by yargs
// exactly as `spyglass` parses it, its --json output read back.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSpyglassError } from '@spyglass/core';
import { buildFeatureDataset, CONFIG_DIR, type FeatureDataset } from '@spyglass/pipeline/testing';
import { runCli } from '../../__test-support__/run-cli.js';
import { runCli as runCliProcess, startCli, until } from '../../__test-support__/cli-process.js';

// OpenMP's busy-waiting workers crawl on a shared 2-core machine; libxgboost reads this when it loads.
process.env.OMP_WAIT_POLICY = 'passive';

let data: FeatureDataset;

const run = runCli;

/** Runs `spyglass <argv>` (with --json) and parses what it printed. */
const spyglass = async (...argv: string[]) => JSON.parse(await run(...argv)) as Record<string, any>;

const ml = (...argv: string[]) => spyglass('ml', ...argv, '--json', '--data-root', data.root, '--log-level', 'silent');
const csvLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

let older: Record<string, any>;
let trained: Record<string, any>;

beforeAll(async () => {
  data = await buildFeatureDataset();
  older = await ml('train', '--rounds', '30', '--model-version', 'zz_older');
  // Named to sort first, saved last: "latest" must go by savedAt, not by name.
  trained = await ml('train', '--rounds', '40', '--model-version', 'aa_newer');
}, 300_000);
afterAll(() => rm(data.root, { recursive: true, force: true }));

describe('ml --help', () => {
  it('lists the ten ml commands', async () => {
    const help = await run('ml', '--help');
    for (const c of ['generate-features', 'train', 'feature-importance', 'backtest', 'find-threshold', 'benchmark-speed', 'analyze-errors', 'threshold-analysis', 'explain-signal', 'walk-forward']) {
      expect(help).toContain(`ml ${c}`);
    }
  });

  it.each([
    ['backtest', '--threshold'],
    ['find-threshold', '--min-precision'],
    ['explain-signal', '--timestamp'],
    ['walk-forward', '--mode'],
  ])('ml %s --help documents %s', async (command, option) => {
    expect(await run('ml', command, '--help')).toContain(option);
  });
});

describe('ml train', () => {
  it('saves an artifact, logs metrics and reports held-out figures', () => {
    const a = trained.artifact;
    expect(existsSync(join(trained.modelDir, 'model.json'))).toBe(true);
    expect(existsSync(join(trained.modelDir, 'artifact.json'))).toBe(true);
    expect(a.featureColumns).toHaveLength(66);
    expect(a.featureColumns).not.toContain('max_gain_120m');
    for (const part of ['validation', 'test'] as const) {
      expect(a.metrics[part].rocAuc).toBeGreaterThan(0);
      expect(a.metrics[part].rocAuc).toBeLessThan(1);
    }
    expect(a.dataRange.train.to < a.dataRange.validation.from && a.dataRange.validation.to < a.dataRange.test.from).toBe(true);
    expect(a.dataRange.from).toBe(data.from);
    expect(trained.split.parts.train.rows + trained.split.parts.validation.rows + trained.split.parts.test.rows).toBeLessThanOrEqual(data.featureRows);
    const log = csvLines(trained.metricsLog).map((l) => JSON.parse(l));
    expect(log.map((l) => l.version)).toEqual(['zz_older', 'aa_newer']);
  });
});

describe('model-reading commands default to the newest model by savedAt', () => {
  it('picks aa_newer over zz_older', async () => {
    expect(older.modelDir).not.toBe(trained.modelDir);
    expect((await ml('benchmark-speed', '--iterations', '50')).version).toBe('aa_newer');
  });
});

describe('ml feature-importance', () => {
  it('writes all five types as CSV with every feature, unused ones at 0, sorted by importance', async () => {
    const r = await ml('feature-importance', '--importance-type', 'all', '--top-n', '5');
    expect(r.results.map((x: any) => x.type)).toEqual(['weight', 'gain', 'cover', 'total_gain', 'total_cover']);
    for (const x of r.results) {
      const lines = csvLines(x.csv);
      expect(lines[0]).toBe('feature,importance,importance_share,rank');
      expect(lines).toHaveLength(67);
      const values = lines.slice(1).map((l) => Number(l.split(',')[1]));
      expect(values).toEqual([...values].sort((p, q) => q - p));
      expect(values.filter((v) => v > 0)).toHaveLength(x.usedFeatures);
      expect(x.top).toHaveLength(5);
    }
  });
});

describe('ml backtest', () => {
  let base: Record<string, any>;
  beforeAll(async () => {
    base = await ml('backtest');
  });

  it('trades the test days only and writes a trades CSV with max_gain_120m and min_loss_120m', () => {
    const lines = csvLines(base.trades);
    expect(lines[0]!.split(',')).toEqual(expect.arrayContaining(['max_gain_120m', 'min_loss_120m', 'is_true_positive']));
    expect(lines.length - 1).toBe(base.metrics.nSignals);
    const days = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    for (const d of days) expect(base.testDays).toContain(d);
    expect(base.testDays[0]).toBe(trained.artifact.dataRange.test.from);
    expect(base.metrics.threshold).toBe(trained.artifact.threshold);
    expect(base.metrics.lift).toEqual(expect.any(Number));
    expect(base.metrics.precisionLift).toBeCloseTo(base.metrics.precision / base.metrics.positiveRateTest, 9);
    expect(JSON.parse(readFileSync(base.report, 'utf8')).metrics).toEqual(base.metrics);
  });

  it('refuses a --start-date/--end-date whose test days the model trained or validated on', async () => {
    const { train } = trained.artifact.dataRange;
    const e = await ml('backtest', '--start-date', train.from, '--end-date', train.to).catch((err: unknown) => err);
    expect(isSpyglassError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect((e as Error).message).toMatch(/test days \(\S+…\S+\) lie in the model's train \(\S+…\S+\) or validation \(\S+…\S+\) range: its metrics there are not a test/);
  });

  it('with --allow-training-days evaluates them but flags every one, in the JSON and the text', async () => {
    const { train } = trained.artifact.dataRange;
    const r = await ml('backtest', '--start-date', train.from, '--end-date', train.to, '--allow-training-days');
    expect(r.trainingDaysInTest).toEqual(r.testDays);
    expect(r.trainingDaysInTest.length).toBeGreaterThan(0);
    const text = await run('ml', 'backtest', '--start-date', train.from, '--end-date', train.to, '--allow-training-days', '--data-root', data.root, '--log-level', 'silent');
    expect(text).toMatch(/^WARNING: \d+ of \d+ test days .* optimistic, not a test\./);
    expect(base.trainingDaysInTest).toEqual([]);
  });

  it('honours --threshold: a higher bar gives a subset of the signals', async () => {
    const high = await ml('backtest', '--threshold', '0.7');
    expect(high.metrics.threshold).toBe(0.7);
    expect(high.metrics.nSignals).toBeLessThanOrEqual(base.metrics.nSignals);
    expect(high.metrics.nTestRows).toBe(base.metrics.nTestRows);
  });
});

describe('ml backtest --pnl', () => {
  let pnl: Record<string, any>;
  beforeAll(async () => {
    pnl = await ml('backtest', '--pnl', '--threshold', '0.5', '--random-draws', '40', '--bootstrap-draws', '200', '--data-source', 'simulator');
  }, 300_000);

  it('trades only days after the model’s validation range and says they are simulator days', () => {
    expect(pnl.days.from > trained.artifact.dataRange.validation.to).toBe(true);
    expect(pnl.days.simulator).toBe(true);
    expect(pnl.days.note).toMatch(/simulator days \(synthetic data, not market results\)/);
  });

  it('writes every trade with its rule outcomes, entering after the signal bar, and sums to the cent', () => {
    const [header, ...rows] = csvLines(pnl.tradesCsv);
    const cols = header!.split(',');
    expect(cols).toEqual(expect.arrayContaining(['signal_time', 'entry_time', 'entry_price', 'exit_reason', 'take_profit_price', 'stop_price', 'commission', 'pnl']));
    expect(rows).toHaveLength(pnl.metrics.trades);
    const at = (row: string, c: string) => row.split(',')[cols.indexOf(c)]!;
    let cents = 0;
    for (const row of rows) {
      expect(Date.parse(at(row, 'entry_time'))).toBeGreaterThan(Date.parse(at(row, 'signal_time')));
      expect(['take_profit', 'stop_loss', 'time_limit', 'session_close']).toContain(at(row, 'exit_reason'));
      cents += Math.round(Number(at(row, 'pnl')) * 100);
    }
    expect(cents / 100).toBe(pnl.metrics.totalPnl);
    const skipped = Object.values(pnl.skipped as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(pnl.metrics.trades + skipped).toBe(pnl.signals);
  });

  it('reports intervals, baselines and calibration in the same run', () => {
    for (const i of [pnl.intervals.precision, pnl.intervals.meanTradeReturn]) {
      expect(i.level).toBe(0.95);
      if (i.low !== null) expect(i.low).toBeLessThanOrEqual(i.high);
    }
    expect(pnl.baselines.random.distribution).toHaveLength(40);
    expect(pnl.baselines.random.percentile).toBeGreaterThanOrEqual(0);
    expect(pnl.baselines.random.percentile).toBeLessThanOrEqual(1);
    expect(pnl.baselines.baseRate.testPositiveRate).toBeGreaterThan(0);
    expect(pnl.baselines.linear.signals).toBe(pnl.signals);
    expect(pnl.calibration.bins).toHaveLength(10);
    expect(pnl.calibration.bins.reduce((a: number, b: any) => a + b.count, 0)).toBe(pnl.calibration.rows);
  });

  it('prints the summary with the rules, the interval and the random-entry percentile', async () => {
    const text = await run('ml', 'backtest', '--pnl', '--random-draws', '20', '--bootstrap-draws', '100', '--data-root', data.root, '--log-level', 'silent');
    expect(text).toMatch(/P&L backtest — \d+ held-out trading day/);
    expect(text).toMatch(/rules {8}enter at the next bar's open/);
    expect(text).toMatch(/vs random {4}20 portfolios/);
  });

  it.each([
    [['--start-date', '2025-01-02'], /fall in model aa_newer's training\/validation range/],
    [['--contracts', '2', '--premium', '500'], /alternatives/],
  ])('refuses %j', async (flags, message) => {
    const e = await ml('backtest', '--pnl', ...flags).then(() => undefined, (err: unknown) => err);
    expect(isSpyglassError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect((e as Error).message).toMatch(message);
  });
});

describe('ml find-threshold', () => {
  it('sweeps the validation days and returns a threshold inside the sweep', async () => {
    const r = await ml('find-threshold', '--min-precision', '0.8', '--min-signals', '5', '--sweep-from', '0.5', '--sweep-to', '0.9', '--step', '0.05');
    expect(r.sweep.map((s: any) => s.threshold)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]);
    expect(r.optimalThreshold).toBeGreaterThanOrEqual(0.5);
    expect(r.optimalThreshold).toBeLessThanOrEqual(0.9);
    expect(r.validationDays[0]).toBe(trained.artifact.dataRange.validation.from);
    if (r.achievable) {
      expect(r.achievedPrecision).toBeGreaterThanOrEqual(0.8);
      // The lowest threshold that qualifies: every lower one misses the precision or the signal count.
      for (const s of r.sweep.filter((x: any) => x.threshold < r.optimalThreshold)) expect(s.precision < 0.8 || s.nSignals < 5).toBe(true);
    }
  });
});

describe('ml benchmark-speed', () => {
  it('reports ordered single-row and SHAP latency percentiles against the original 0.2 ms', async () => {
    const r = await ml('benchmark-speed', '--iterations', '300', '--shap-iterations', '50');
    for (const s of [r.predict, r.shap]) {
      expect(s.p50Ms).toBeGreaterThan(0);
      expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
      expect(s.p95Ms).toBeLessThanOrEqual(s.p99Ms);
      expect(s.p99Ms).toBeLessThanOrEqual(s.maxMs);
    }
    expect(r.predict.iterations).toBe(300);
    expect(r.shap.iterations).toBe(50);
    expect(r.predict.ratioToOriginalMean).toBeCloseTo(r.predict.meanMs / 0.2, 9);
  });
});

describe('ml analyze-errors', () => {
  it('reads the backtest trades CSV: drawdowns, buckets, stop-loss table, EV and break-even', async () => {
    const bt = await ml('backtest', '--threshold', '0.6');
    const out = join(data.root, 'reports', 'errors.json');
    const r = await ml('analyze-errors', '--trades', bt.trades, '--output', out);
    expect(r.trades).toBe(bt.metrics.nSignals);
    expect(r.truePositives).toBe(bt.metrics.nTruePositives);
    expect(r.falsePositives).toBeLessThanOrEqual(bt.metrics.nFalsePositives);
    expect(r.risk.totalFalsePositives).toBe(r.falsePositives);
    // The JSON's unit is the fraction (−0.05 = −5 %): stop levels, shares, drawdowns (a long option loses at most 100 %).
    expect(r.stopLossImpact.map((s: any) => s.stopLoss)).toEqual([-0.05, -0.1, -0.15, -0.2, -0.25]);
    for (const s of r.stopLossImpact) expect(s.triggeredCount + s.uncaughtCount).toBe(r.falsePositives);
    const buckets = Object.values(r.risk.buckets) as number[];
    if (r.falsePositives) {
      expect(buckets.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 9);
      expect(r.risk.drawdown.worst).toBeGreaterThanOrEqual(-1);
    }
    if (r.expectedValue) {
      expect(r.expectedValue.winRate).toBeCloseTo(bt.metrics.precision, 9);
      expect(r.expectedValue.breakevenWinRate).toBeGreaterThan(0);
      expect(r.expectedValue.breakevenWinRate).toBeLessThan(1);
    }
    expect(r.drawdownHistogram.counts.reduce((p: number, q: number) => p + q, 0)).toBe(r.falsePositives);
    expect(JSON.parse(readFileSync(out, 'utf8')).risk).toEqual(r.risk);
  });
});

describe('ml threshold-analysis', () => {
  it('analyses every threshold in aggregate, per month and per day, writes the files and recommends', async () => {
    const out = join(data.root, 'reports', 'ta');
    const r = await ml('threshold-analysis', '--min-threshold', '0.6', '--max-threshold', '0.8', '--step', '0.05', '--output', out);
    expect(r.aggregate.map((a: any) => a.threshold)).toEqual([0.6, 0.65, 0.7, 0.75, 0.8]);
    expect(r.nDates).toBe(data.days);
    expect(r.nMonths).toBe(2);
    expect(r.monthly).toHaveLength(2 * 5);
    expect(r.daily).toHaveLength(data.days * 5);
    // Per-month signals add up to the aggregate at every threshold.
    for (const a of r.aggregate) {
      expect(r.monthly.filter((m: any) => m.threshold === a.threshold).reduce((s: number, m: any) => s + m.totalSignals, 0)).toBe(a.totalSignals);
    }
    expect(r.recommendations.map((x: any) => x.name)).toEqual(['best expected value', 'highest precision']);
    expect(Object.values(r.files).filter((f) => existsSync(f as string))).toHaveLength(7);
    expect(csvLines(r.files.aggregate)).toHaveLength(1 + 5);
    expect(csvLines(r.files.aggregateKeyThresholds)).toHaveLength(1 + 3); // 0.7, 0.75, 0.8 fall in 0.6…0.8
    expect(csvLines(r.files.daily)).toHaveLength(1 + data.days * 5);
    expect(csvLines(r.files.monthlySummary)[0]).toContain('precision_0.7');
  });

  it('--test-only covers only the held-out test days', async () => {
    const r = await ml('threshold-analysis', '--test-only', '--min-threshold', '0.7', '--max-threshold', '0.7', '--output', join(data.root, 'reports', 'ta-test'));
    expect(r.dateRange.from).toBe(trained.artifact.dataRange.test.from);
    expect(r.dateRange.to).toBe(trained.artifact.dataRange.test.to);
  });
});

describe('ml explain-signal', () => {
  it('explains the most confident test row with 10 factors, each read in plain English', async () => {
    const r = await ml('explain-signal');
    const e = r.explanation;
    expect(e.factors).toHaveLength(10);
    for (const f of e.factors) {
      expect(f.reading).toEqual(expect.any(String));
      expect(f.reading.length).toBeGreaterThan(3);
      expect(f.direction).toBe(f.shap > 0 ? 'bullish' : 'bearish');
    }
    const shap = e.factors.map((f: any) => Math.abs(f.shap));
    expect(shap).toEqual([...shap].sort((p, q) => q - p));
    expect(e.riskFactors.every((f: any) => f.shap < 0)).toBe(true);
    expect(e.closeCall).toBe(Math.abs(e.margin) < 0.02);
    expect(r.date >= trained.artifact.dataRange.test.from).toBe(true);
  });

  it('finds the same row by --row and by --ticker --timestamp', async () => {
    const byRow = await ml('explain-signal', '--row', '3', '--threshold', '0.6');
    const byKey = await ml('explain-signal', '--ticker', byRow.ticker, '--timestamp', byRow.timestamp, '--threshold', '0.6');
    expect(byKey.row).toBe(3);
    expect(byKey.explanation.probability).toBe(byRow.explanation.probability);
    expect(byRow.explanation.threshold).toBe(0.6);
    expect(byRow.explanation.isSignal).toBe(byRow.explanation.probability >= 0.6);
  });
});

describe('ml walk-forward', () => {
  it('trains on January and tests February, purged by the 120-minute label horizon', async () => {
    const r = await ml('walk-forward', '--mode', 'expanding', '--train-months', '1', '--test-months', '1', '--allow-partial-test', '--rounds', '20', '--threshold', '0.6');
    expect(r.config).toMatchObject({ mode: 'expanding', trainMonths: 1, testMonths: 1, threshold: 0.6 });
    expect(r.config.purgeMinutes).toBeGreaterThanOrEqual(120);
    expect(r.splits).toHaveLength(1);
    const s = r.splits[0];
    expect(s.window).toMatchObject({ testMonth: '2025-02', trainFrom: data.from, testTo: data.to });
    expect(s.status).toBe('OK');
    // Jan 31 closes days before Feb 3 opens, so the purge gap has nothing to drop here.
    expect(s.window.trainTo < s.window.testFrom).toBe(true);
    expect(s.purgedRows).toBe(0);
    expect(s.tp + s.fp).toBe(s.totalSignals);
    expect(existsSync(r.output)).toBe(true);
  });
});

describe('human output (without --json)', () => {
  it.each([
    [['feature-importance', '--top-n', '3'], /Top 3 features by gain \(\d+ of 66 used in splits\)\n {2}1\. /],
    [['backtest'], /Backtest \(test split only, threshold [\d.]+\)[\s\S]*lift over all bars: [\d.]+x/],
    [['benchmark-speed', '--iterations', '50'], /vs the original's 0\.2 ms mean: [\d.]+x[\s\S]*SHAP explanation latency \(50 calls/],
    [['explain-signal', '--row', '0'], /Row 0 of the test split: O:SPY\S+ at \S+Z[\s\S]*Top 10 factors:/],
  ])('ml %j prints the summary', async (argv, expected) => {
    expect(await run('ml', ...argv, '--data-root', data.root, '--log-level', 'silent')).toMatch(expected);
  });
});

describe('failures carry a code and a one-line reason', () => {
  it.each([
    [['backtest', '--threshold', '1.5'], 'INVALID_ARGUMENT', /--threshold must be a probability/],
    [['backtest', '--model', '/nonexistent/model'], 'NOT_FOUND', /cannot read model artifact in \/nonexistent\/model/],
    [['explain-signal', '--row', '999999'], 'INVALID_ARGUMENT', /outside the test split/],
    [['explain-signal', '--ticker', 'O:SPY000000C00000000'], 'NOT_FOUND', /no test-split row for O:SPY000000C00000000/],
    [['explain-signal', '--timestamp', '2025-02-05T15:00:00Z'], 'INVALID_ARGUMENT', /--timestamp needs --ticker/],
    [['analyze-errors', '--trades', '/nonexistent/trades.csv'], 'NOT_FOUND', /cannot read trades CSV/],
    [['train', '--start-date', '2025-13-45x'], 'INVALID_ARGUMENT', /not a YYYY-MM-DD date/],
  ])('ml %j → %s', async (argv, code, message) => {
    const e = await ml(...argv).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isSpyglassError(e, code as never)).toBe(true);
    expect((e as Error).message).toMatch(message);
  });

  it('says where to start when there is no model', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'spyglass-empty-'));
    const e = await spyglass('ml', 'backtest', '--json', '--data-root', empty).catch((err: unknown) => err);
    expect(isSpyglassError(e, 'NOT_FOUND')).toBe(true);
    expect((e as Error).message).toContain('run `spyglass ml train` first');
  });
});


// The README's one command for live signals, run as a user runs it: a child process, the embedded
// simulator, the model the trainer saved. A shell exporting MASSIVE_REST_URL for another server
// must not divert it (it did: 0 bars scored, exit 0), and --speed 0 must replay the session (its
// end-of-replay timer was Infinity ms, which Node fires after 1 ms: it stopped at once).
describe('stream-signals --sim (child process, embedded simulator)', () => {
  const dead = { MASSIVE_API_KEY: 'unused', MASSIVE_REST_URL: 'http://127.0.0.1:9', MASSIVE_WS_URL: 'ws://127.0.0.1:9' };
  const args = () => ['--data-root', data.root, '--log-level', 'info', 'stream-signals', '--sim', '--model', trained.modelDir, '--band', '3', '--threshold', '0.3', '--no-warm-start'];
  const summaryOf = (stderr: string) => JSON.parse(stderr.split('\n').find((l) => l.includes('"stream-signals: done"'))!).engine as Record<string, number>;

  it('--speed 0 replays the whole session: every bar scored, signals as JSON lines, exit 0', async () => {
    const r = await runCliProcess([...args(), '--speed', '0'], dead);
    expect(r.code).toBe(0);
    const engine = summaryOf(r.stderr);
    expect(engine.bursts).toBe(390);
    const signals = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ticker: string; probability: number; threshold: number });
    expect(signals.length).toBe(engine.signals);
    expect(signals.length).toBeGreaterThan(0);
    for (const s of signals) expect(s.probability).toBeGreaterThanOrEqual(s.threshold);
  }, 300_000);

  it('SIGTERM mid-session: exits 0 within seconds with its summary', async () => {
    const run = startCli([...args(), '--speed', '60'], dead);
    await until(() => (run.stderr.includes('live signals: following') ? true : undefined), 120_000, 'the live session to start');
    await new Promise((r) => setTimeout(r, 3_000));
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const end = await run.exit;
    expect(end.code).toBe(0);
    expect(end.at - sent).toBeLessThan(10_000);
    expect(summaryOf(run.stderr).bursts).toBeGreaterThan(0);
  }, 300_000);
});
