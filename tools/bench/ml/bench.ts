// XGBoost training and scoring through @spyglass/ml (libxgboost via koffi), on a synthetic year of
// option-minute features, with Python xgboost on the same data in the same run as the baseline.
//
//   npx tsc -b libs/ml/tsconfig.lib.json
//   node --import tsx tools/bench/ml/bench.ts [--days 250] [--contracts 8] [--minutes 390] [--rounds 300]
//                                             [--root data] [--python /usr/bin/python3] [--json]
//                                             [--nthread 2] [--train-rounds 3]
//                                             [--only shap] [--model <artifact dir>] [--save-model <dir>]
// `--only shap` runs the trainer (section 1; or loads `--model`, an artifact directory written by
// `--save-model`) and the single-row SHAP part (section 3) only: the other JSON fields are null.
// Ends with one JSON line: {"bench":"ml","trainVsPython","trainCpuVsPython","predictP99Ms","shapP99Ms",…}.
//
// Data: `--root` loads the processing feature dataset (<root>/processed/features); otherwise a
// synthetic table (250 days × 8 contracts × 390 minutes ≈ 780k rows × the 66 FEATURE_COLUMNS)
// whose label depends on a few features plus noise. Figures are from synthetic data, not market data.
//
// Measured:
//  1. the whole trainer (split → balance → worker training with early stopping → evaluation), default config;
//  2. 300 rounds of the default parameters on the same balanced training matrix, spyglass (worker
//     thread) vs Python xgboost's `xgb.train`, same nthread (--nthread, default 2), DMatrix
//     construction and per-round train-set evaluation inside both timings, CPU seconds beside
//     wall seconds, sides alternated over --train-rounds (default 3) rounds, ratio of medians
//     (skipped with a note when python3-xgboost is absent);
//  3. single-row predict and SHAP latency (Scorer; SHAP by the JavaScript TreeShap, checked
//     value for value against libxgboost's pred_contribs: max |diff|, bias, top-10 order), p50/p99
//     and CPU ms per row, beside the same explanation through libxgboost's pred_contribs and
//     Python's pred_contribs on the same model (section 1's) and the same 1000 test rows;
//  4. batch prediction rows/s over the test split.
//
// OpenMP: on a shared machine libgomp's default busy-waiting makes nthread = 2 up to 8× slower than
// nthread = 1 (measured here at load 6 on 2 cores); with OMP_WAIT_POLICY=passive both behave. The
// bench sets it (unless already set) before libxgboost loads, and Python inherits the same value.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FEATURE_COLUMNS } from '@spyglass/processing';
import {
  Booster,
  DMatrix,
  DEFAULT_TRAINER_CONFIG,
  DataBalancer,
  Scorer,
  XGBoostTrainer,
  benchmarkPredictionSpeed,
  boosterParams,
  loadFeatureTable,
  loadModelArtifact,
  predictTable,
  saveModelArtifact,
  seededRandom,
  timeBasedSplit,
  trainInWorker,
  type FeatureTable,
} from '@spyglass/ml';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const days = Number(arg('days', '250'));
const contracts = Number(arg('contracts', '8'));
const minutes = Number(arg('minutes', '390'));
const rounds = Number(arg('rounds', String(DEFAULT_TRAINER_CONFIG.rounds)));
const python = arg('python', '/usr/bin/python3');
const root = arg('root', '');
const asJson = args.includes('--json');
const nthread = Number(arg('nthread', '2'));
const trainRounds = Number(arg('train-rounds', '3'));
const only = arg('only', '');
const modelDir = arg('model', '');
const saveModel = arg('save-model', '');
if (only !== '' && only !== 'shap') throw new Error(`--only ${only}: only 'shap' is known`);
const log = (s: string) => {
  if (!asJson) console.log(s);
};

function syntheticYear(): FeatureTable {
  const rand = seededRandom(42);
  const cols = FEATURE_COLUMNS.length;
  const rows = days * contracts * minutes;
  const data = new Float32Array(rows * cols);
  const label = new Uint8Array(rows);
  const timestamp = new Float64Array(rows);
  const maxGain = new Float64Array(rows);
  const minLoss = new Float64Array(rows);
  const date: string[] = new Array(rows);
  const ticker: string[] = new Array(rows);
  let r = 0;
  let day = 0;
  for (let d = 0; day < days; d++) {
    const start = Date.UTC(2025, 0, 2, 14, 30) + d * 86_400_000;
    const wd = new Date(start).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const iso = new Date(start).toISOString().slice(0, 10);
    for (let m = 0; m < minutes; m++) {
      for (let c = 0; c < contracts; c++) {
        const base = r * cols;
        // uniform(-1.7, 1.7) ≈ unit variance; cheap enough for 51 M cells
        for (let k = 0; k < cols; k++) data[base + k] = (rand() - 0.5) * 3.46;
        const logit = 1.5 * data[base + 6]! - 1.2 * data[base + 19]! + 0.8 * data[base + 32]! * data[base + 45]! - 1.6 + (rand() - 0.5) * 2;
        const y = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        label[r] = y;
        timestamp[r] = start + m * 60_000;
        date[r] = iso;
        ticker[r] = `O:SPY${iso.slice(2).replaceAll('-', '')}${c % 2 ? 'P' : 'C'}00${590 + c}000`;
        maxGain[r] = y ? 0.2 + 0.6 * rand() : 0.19 * rand();
        minLoss[r] = -(y ? 0.1 * rand() : 0.05 + 0.3 * rand());
        r++;
      }
    }
    day++;
  }
  return { columns: FEATURE_COLUMNS, rows, data, label, timestamp, date, ticker, maxGain, minLoss };
}

function pythonAvailable(): boolean {
  return spawnSync(python, ['-c', 'import xgboost'], { encoding: 'utf8' }).status === 0;
}

async function main(): Promise<void> {
  process.env.OMP_WAIT_POLICY ??= 'passive';
  const results: Record<string, unknown> = { source: root ? `feature dataset ${root}` : 'synthetic', rounds, ompWaitPolicy: process.env.OMP_WAIT_POLICY };
  let t0 = performance.now();
  const table = root ? await loadFeatureTable({ root }) : syntheticYear();
  results.rows = table.rows;
  results.features = table.columns.length;
  log(`data: ${table.rows} rows × ${table.columns.length} features (${results.source}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // 1. the whole trainer, default config (or a saved artifact: `--model`)
  t0 = performance.now();
  let lastIteration = 0;
  const run = modelDir
    ? { artifact: loadModelArtifact(modelDir) }
    : await new XGBoostTrainer().train(table, { version: 'bench', onProgress: (p) => (lastIteration = p.iteration) });
  if (saveModel) saveModelArtifact(saveModel, run.artifact);
  const trainerSeconds = (performance.now() - t0) / 1000;
  if ('balance' in run) {
    results.trainer = {
      seconds: trainerSeconds,
      iterations: lastIteration + 1,
      bestIteration: run.artifact.bestIteration,
      trainRows: run.balance.after.rows,
      testRocAuc: run.artifact.metrics.test.rocAuc,
    };
    log(`trainer (split+balance+train+eval, early stopping): ${trainerSeconds.toFixed(1)} s, ${lastIteration + 1} iterations, best ${run.artifact.bestIteration}, test AUC ${run.artifact.metrics.test.rocAuc.toFixed(3)}`);
  } else {
    results.trainer = { loaded: modelDir };
    log(`model loaded from ${modelDir} (best iteration ${run.artifact.bestIteration})`);
  }

  // 2. fixed rounds on the same balanced matrix: spyglass vs Python, measured the same way —
  // same parameters and thread count, DMatrix construction inside both timings, the same
  // per-round evaluation of the training set (trainBooster evaluates every round, so Python is
  // given evals=[(dtrain, 'train')]) and the model serialised to JSON (trainInWorker returns JSON
  // bytes; Python's save_raw('json')), CPU seconds of the whole process beside wall seconds, and
  // the two sides alternated over `--train-rounds` rounds so a busy neighbour slows both.
  const split = timeBasedSplit(table);
  const train = new DataBalancer({ seed: 42 }).balance(split.train).table;
  const cols = table.columns.length;
  const params = { ...boosterParams(DEFAULT_TRAINER_CONFIG), nthread };
  type Timing = { wall: number; cpu: number };
  const oursOnce = async (): Promise<Timing> => {
    const c = process.cpuUsage();
    const t = performance.now();
    await trainInWorker({ train: { data: train.data, rows: train.rows, cols, label: train.label } }, { params, rounds });
    const used = process.cpuUsage(c);
    return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
  };
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const fixed: Record<string, unknown> = { trainRows: train.rows, nthread, alternatingRounds: trainRounds };
  if (pythonAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-ml-'));
    try {
      writeFileSync(join(dir, 'x.f32'), train.data);
      writeFileSync(join(dir, 'y.u8'), train.label);
      writeFileSync(join(dir, 'model.json'), run.artifact.model);
      writeFileSync(join(dir, 't.f32'), split.test.data.subarray(0, 1000 * cols));
      const script = `
import json, time, numpy as np, xgboost as xgb
x = np.fromfile('${dir}/x.f32', dtype=np.float32).reshape(-1, ${cols})
y = np.fromfile('${dir}/y.u8', dtype=np.uint8).astype(np.float32)
params = json.loads('${JSON.stringify(params)}')
mode = '${'${MODE}'}'
if mode == 'train':
    c = time.process_time(); t = time.perf_counter()
    d = xgb.DMatrix(x, label=y, missing=np.nan, nthread=${nthread})  # default -1 = every core; ours builds with nthread too
    b = xgb.train(params, d, ${rounds}, evals=[(d, 'train')], verbose_eval=False)
    model = b.save_raw(raw_format='json')  # trainInWorker hands the model back as JSON bytes too
    print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "version": xgb.__version__}))
else:
    # the model trained above (section 1) on the same 1000 test rows as our side
    b = xgb.Booster(model_file='${dir}/model.json')
    b.set_param({"nthread": 1})
    t_rows = np.fromfile('${dir}/t.f32', dtype=np.float32).reshape(-1, ${cols})
    lat = []
    c = 0.0
    for i in range(1020):
        row = xgb.DMatrix(t_rows[i % 1000:i % 1000 + 1], missing=np.nan)
        c0 = time.process_time(); t = time.perf_counter(); b.predict(row, pred_contribs=True, validate_features=False); lat.append((time.perf_counter() - t) * 1000)
        if i >= 20: c += time.process_time() - c0
    lat = sorted(lat[20:])
    print(json.dumps({"p50": lat[len(lat)//2], "p99": lat[int(len(lat)*0.99)], "cpuMsPerRow": c * 1000 / len(lat)}))
`;
      const py = (mode: 'train' | 'shap'): string => {
        const out = spawnSync(python, ['-c', script.replace('${MODE}', mode)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (out.status !== 0) throw new Error(out.stderr);
        return out.stdout.trim().split('\n').at(-1)!;
      };
      const ours: Timing[] = [];
      const theirs: Timing[] = [];
      let version = '';
      for (let i = 0; i < (only ? 0 : trainRounds); i++) {
        // alternate which side goes first, so a slow phase of the machine hits both
        const pyRun = (): void => {
          const r = JSON.parse(py('train')) as Timing & { version: string };
          theirs.push(r);
          version = r.version;
        };
        if (i % 2 === 0) {
          ours.push(await oursOnce());
          pyRun();
        } else {
          pyRun();
          ours.push(await oursOnce());
        }
        log(`  round ${i + 1}: spyglass ${ours.at(-1)!.wall.toFixed(1)} s (cpu ${ours.at(-1)!.cpu.toFixed(1)} s), python ${theirs.at(-1)!.wall.toFixed(1)} s (cpu ${theirs.at(-1)!.cpu.toFixed(1)} s)`);
      }
      fixed.pythonShapMs = JSON.parse(py('shap')) as { p50: number; p99: number };
      if (ours.length > 0) {
        const wallRatio = median(ours.map((r) => r.wall)) / median(theirs.map((r) => r.wall));
        const cpuRatio = median(ours.map((r) => r.cpu)) / median(theirs.map((r) => r.cpu));
        Object.assign(fixed, { spyglass: ours, python: theirs, pythonVersion: version, trainVsPython: wallRatio, trainCpuVsPython: cpuRatio });
        log(
          `fixed ${rounds} rounds on ${train.rows} balanced rows, nthread ${nthread}, ${trainRounds} alternating rounds: spyglass median ${median(ours.map((r) => r.wall)).toFixed(1)} s wall / ${median(ours.map((r) => r.cpu)).toFixed(1)} s cpu, ` +
            `python xgboost ${version} ${median(theirs.map((r) => r.wall)).toFixed(1)} s / ${median(theirs.map((r) => r.cpu)).toFixed(1)} s → spyglass/python wall ${wallRatio.toFixed(2)}, cpu ${cpuRatio.toFixed(2)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (!only) {
    const ours = await oursOnce();
    Object.assign(fixed, { spyglass: [ours] });
    fixed.python = `skipped: ${python} cannot import xgboost (apt-get install -y python3-xgboost)`;
    log(`fixed ${rounds} rounds on ${train.rows} balanced rows: spyglass ${ours.wall.toFixed(1)} s (cpu ${ours.cpu.toFixed(1)} s); python ${fixed.python}`);
  }
  results.fixedRounds = fixed;

  // 3. single-row latency through the Scorer
  using scorer = Scorer.fromArtifact(run.artifact);
  const test = split.test;
  let k = 0;
  const nextRow = () => test.data.subarray((k = (k + 1) % 1000) * cols, k * cols + cols);
  const predict = benchmarkPredictionSpeed(() => scorer.probability(nextRow()), { iterations: 5000 });
  // the SHAP tables are built on the first explanation: timed on their own
  t0 = performance.now();
  scorer.contributions(nextRow());
  const shapBuildMs = performance.now() - t0;
  {
    // every value of 1000 test rows against libxgboost's pred_contribs (float32): max |difference|,
    // the same in float32 ulps of the row's Σ|contribution|, the bias bit for bit, and the top 10
    // features by |SHAP| in the same order
    const n = 1000;
    using native = Booster.fromJson(run.artifact.model);
    using matrix = DMatrix.fromDense({ data: test.data.subarray(0, n * cols), rows: n, cols });
    const expected = native.contributions(matrix).values;
    let maxAbsDiff = 0;
    let maxScaledUlps = 0;
    let biasUnequal = 0;
    let topTenDiffer = 0;
    const top = (v: ArrayLike<number>): string =>
      Array.from({ length: cols }, (_, c) => c)
        .sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!) || a - b)
        .slice(0, 10)
        .join(',');
    for (let r = 0; r < n; r++) {
      const got = scorer.contributions(test.data.subarray(r * cols, r * cols + cols));
      const want = expected.subarray(r * (cols + 1), (r + 1) * (cols + 1));
      let scale = 0;
      for (let c = 0; c <= cols; c++) scale += Math.abs(want[c]!);
      for (let c = 0; c < cols; c++) {
        const d = Math.abs(got[c]! - want[c]!);
        maxAbsDiff = Math.max(maxAbsDiff, d);
        maxScaledUlps = Math.max(maxScaledUlps, d / (scale * 2 ** -23));
      }
      if (got[cols] !== want[cols]) biasUnequal++;
      if (top(got) !== top(want)) topTenDiffer++;
    }
    results.shapVsXgboost = { rows: n, maxAbsDiff, maxScaledUlps, biasUnequal, topTenDiffer };
    log(
      `SHAP (JavaScript TreeShap) set up in ${shapBuildMs.toFixed(0)} ms; vs libxgboost pred_contribs on ${n} rows: max |diff| ${maxAbsDiff.toExponential(2)} ` +
        `(${maxScaledUlps.toFixed(2)} float32 ulps of the row's Σ|SHAP|), bias unequal in ${biasUnequal}, top-10 order differs in ${topTenDiffer}`,
    );
  }
  const shapCpu = process.cpuUsage();
  // warm-up past the optimising compiler's tiers (the default 20 calls leave it compiling)
  const shap = benchmarkPredictionSpeed(() => scorer.explain(nextRow()), { iterations: 2000, warmup: 300 });
  const shapCpuUsed = process.cpuUsage(shapCpu);
  const shapCpuMsPerRow = (shapCpuUsed.user + shapCpuUsed.system) / 1000 / 2000;
  // per-call CPU time (getrusage, process-wide): the explanation's own tail, without the time the
  // process waited for a core — at load ≫ 2 cores the wall p99 is mostly the scheduler's
  const cpuSamples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const c = process.cpuUsage();
    scorer.explain(nextRow());
    const used = process.cpuUsage(c);
    cpuSamples.push((used.user + used.system) / 1000);
  }
  cpuSamples.sort((a, b) => a - b);
  const shapCpuP50Ms = cpuSamples[1000]!;
  const shapCpuP99Ms = cpuSamples[1980]!;
  // the same explanation with libxgboost's pred_contribs (a DMatrix per row): the native baseline
  using nativeScorer = Scorer.fromArtifact(run.artifact, { shap: 'libxgboost' });
  const nativeCpu = process.cpuUsage();
  const nativeShap = benchmarkPredictionSpeed(() => nativeScorer.explain(nextRow()), { iterations: 1000 });
  const nativeCpuUsed = process.cpuUsage(nativeCpu);
  const nativeShapCpuMsPerRow = (nativeCpuUsed.user + nativeCpuUsed.system) / 1000 / 1000;
  results.singleRowPredictMs = predict;
  results.singleRowShapMs = { ...shap, cpuMsPerRow: shapCpuMsPerRow, cpuP50Ms: shapCpuP50Ms, cpuP99Ms: shapCpuP99Ms };
  results.singleRowShapLibxgboostMs = { ...nativeShap, cpuMsPerRow: nativeShapCpuMsPerRow };
  log(`single-row predict: p50 ${predict.p50Ms.toFixed(3)} ms, p95 ${predict.p95Ms.toFixed(3)}, p99 ${predict.p99Ms.toFixed(3)}, mean ${predict.meanMs.toFixed(3)} (original mean 0.2 ms → ${predict.ratioToOriginalMean.toFixed(2)}×)`);
  log(
    `single-row SHAP explain (top 10): wall p50 ${shap.p50Ms.toFixed(3)} ms, p99 ${shap.p99Ms.toFixed(3)} ms; cpu ${shapCpuMsPerRow.toFixed(3)} ms/row, per-call cpu p50 ${shapCpuP50Ms.toFixed(3)} ms, p99 ${shapCpuP99Ms.toFixed(3)} ms (load ${loadavg()[0]!.toFixed(1)})`,
  );
  log(
    `  the same through libxgboost pred_contribs (Scorer shap: 'libxgboost'): p50 ${nativeShap.p50Ms.toFixed(3)} ms, p99 ${nativeShap.p99Ms.toFixed(3)} ms, cpu ${nativeShapCpuMsPerRow.toFixed(3)} ms/row → TreeShap/libxgboost cpu ${(shapCpuMsPerRow / nativeShapCpuMsPerRow).toFixed(2)}`,
  );
  if (fixed.pythonShapMs) {
    const p = fixed.pythonShapMs as { p50: number; p99: number; cpuMsPerRow: number };
    log(`  python Booster.predict(pred_contribs=True) one row, the same model and rows: p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, cpu ${p.cpuMsPerRow.toFixed(3)} ms/row → spyglass/python cpu ${(shapCpuMsPerRow / p.cpuMsPerRow).toFixed(2)}`);
  }

  // 4. batch prediction
  if (!only) {
    using booster = Booster.fromJson(run.artifact.model);
    t0 = performance.now();
    const reps = 3;
    for (let i = 0; i < reps; i++) predictTable(booster, test);
    const batchSeconds = (performance.now() - t0) / 1000 / reps;
    results.batchPredict = { rows: test.rows, seconds: batchSeconds, rowsPerSecond: test.rows / batchSeconds };
    log(`batch predict: ${test.rows} rows in ${(batchSeconds * 1000).toFixed(0)} ms → ${Math.round(test.rows / batchSeconds).toLocaleString('en-US')} rows/s`);
  }
  if (asJson) console.log(JSON.stringify(results, null, 2));
  console.log(
    JSON.stringify({
      bench: 'ml',
      trainVsPython: fixed.trainVsPython ?? null,
      trainCpuVsPython: fixed.trainCpuVsPython ?? null,
      predictP99Ms: predict.p99Ms,
      shapP99Ms: shap.p99Ms,
      shapP50Ms: shap.p50Ms,
      shapCpuMsPerRow,
      shapCpuP99Ms,
      shapCpuVsPython: fixed.pythonShapMs ? shapCpuMsPerRow / (fixed.pythonShapMs as { cpuMsPerRow: number }).cpuMsPerRow : null,
      shapCpuVsLibxgboost: shapCpuMsPerRow / nativeShapCpuMsPerRow,
      shapMaxAbsDiffVsXgboost: (results.shapVsXgboost as { maxAbsDiff: number }).maxAbsDiff,
      loadAverage: loadavg()[0],
      rows: table.rows,
      nthread,
    }),
  );
}

await main();
