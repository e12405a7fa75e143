import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpyglassError } from '@spyglass/core';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { Booster, parseEvalLine } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { loadXGBoost } from './native-library.js';
import { XGBOOST_INSTALL_COMMAND } from './locate-xgboost.js';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
const readJson = (name: string): any => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

function trainSmall(rounds = 15) {
  const t = syntheticTable({ days: 10, seed: 3 });
  const dtrain = DMatrix.fromDense({ data: t.data, rows: t.rows, cols: t.columns.length, label: t.label });
  const booster = Booster.create({ objective: 'binary:logistic', max_depth: 3, eta: 0.3, nthread: 1 }, [dtrain]);
  booster.featureNames = t.columns;
  for (let i = 0; i < rounds; i++) booster.update(i, dtrain);
  return { t, dtrain, booster };
}

describe('XGBoost ≥ 3 fixture models (bracketed base_score)', () => {
  it.each(['regression', 'binary_logistic', 'binary_logistic_missing', 'single_tree'])(
    '%s predicts exactly the expected margins and values',
    (name) => {
      const input = readJson(`boosters_gbtree_${name}.input.json`).features as (number | null)[][];
      const expected = readJson(`boosters_gbtree_${name}.expected.json`);
      const rows = input.length;
      const cols = input[0]!.length;
      const data = Float32Array.from(input.flat(), (v) => (v === null ? Number.NaN : v));
      using booster = Booster.loadFile(join(fixtures, `boosters_gbtree_${name}.model.json`));
      using d = DMatrix.fromDense({ data, rows, cols });
      expect(Array.from(booster.predict(d, { outputMargin: true }))).toEqual(expected.predictions);
      const transformed = expected.predictions_transformed ?? expected.predictions;
      expect(Array.from(booster.predict(d))).toEqual(transformed);
      using fast = booster.densePredictor(cols, rows);
      expect(Array.from(fast.predict(data, { outputMargin: true }))).toEqual(expected.predictions);
    },
  );
});

describe('Booster on synthetic data', () => {
  it.each([2, -1])('builds the same DMatrix with nthread %i as on one thread (NaN missing)', (nthread) => {
    const { t, booster } = trainSmall(5);
    const data = Float32Array.from(t.data, (v, i) => (i % 7 === 0 ? Number.NaN : v));
    const cols = t.columns.length;
    using one = DMatrix.fromDense({ data, rows: t.rows, cols });
    using many = DMatrix.fromDense({ data, rows: t.rows, cols }, { nthread });
    expect(Array.from(booster.predict(many))).toEqual(Array.from(booster.predict(one)));
    expect(Array.from(booster.contributions(many).values)).toEqual(Array.from(booster.contributions(one).values));
  });

  it('learns the signal, and SHAP contributions sum to the margin', () => {
    const { t, dtrain, booster } = trainSmall();
    const p = booster.predict(dtrain);
    let correct = 0;
    for (let i = 0; i < t.rows; i++) correct += Number((p[i]! > 0.5 ? 1 : 0) === t.label[i]);
    expect(correct / t.rows).toBeGreaterThan(0.75);
    const margin = booster.predict(dtrain, { outputMargin: true });
    const contribs = booster.contributions(dtrain);
    expect(contribs.width).toBe(t.columns.length + 1);
    for (let r = 0; r < 50; r++) {
      let sum = 0;
      for (let c = 0; c < contribs.width; c++) sum += contribs.values[r * contribs.width + c]!;
      expect(sum).toBeCloseTo(margin[r]!, 4);
    }
    using dense = booster.densePredictor(t.columns.length);
    const row = t.data.subarray(0, t.columns.length);
    expect(dense.predict(row)[0]).toBe(p[0]);
    expect(Array.from(dense.contributions(row).values)).toEqual(Array.from(contribs.values.subarray(0, contribs.width)));
    booster.dispose();
    dtrain.dispose();
  });

  it('round-trips through JSON bytes and files with identical predictions', () => {
    const { dtrain, booster } = trainSmall(8);
    const before = booster.predict(dtrain);
    using fromBytes = Booster.fromJson(booster.toJsonBytes());
    expect(fromBytes.predict(dtrain)).toEqual(before);
    expect(fromBytes.featureNames).toEqual(booster.featureNames);
    expect(fromBytes.boostedRounds).toBe(8);
    const dir = mkdtempSync(join(tmpdir(), 'ml-booster-'));
    try {
      booster.saveFile(join(dir, 'model.json'));
      using fromFile = Booster.loadFile(join(dir, 'model.json'));
      expect(fromFile.predict(dtrain)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      booster.dispose();
      dtrain.dispose();
    }
  });

  it('reports feature scores by name, evaluates and slices', () => {
    const { t, dtrain, booster } = trainSmall(10);
    const gain = booster.featureScore('gain');
    expect(gain.get('signal_a')).toBeGreaterThan(gain.get('noise_0') ?? 0);
    booster.setParam('eval_metric', 'logloss');
    const ev = booster.evaluate(9, [[dtrain, 'train']]);
    expect(ev.train!.logloss).toBeGreaterThan(0);
    expect(ev.train!.logloss).toBeLessThan(0.69);
    using first = booster.slice(0, 3);
    expect(first.boostedRounds).toBe(3);
    expect(booster.numFeatures).toBe(t.columns.length);
    booster.dispose();
    dtrain.dispose();
  });
});

describe('errors', () => {
  it('turns XGBGetLastError into a SpyglassError without the C++ stack trace', () => {
    using d = DMatrix.fromDense({ data: new Float32Array([1, 2]), rows: 2, cols: 1, label: [0, 1] });
    using booster = Booster.create({ max_depth: 'not-a-number' }, [d]);
    let error: unknown;
    try {
      booster.update(0, d);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpyglassError);
    expect((error as SpyglassError).code).toBe('XGBOOST');
    expect((error as SpyglassError).message).toMatch(/max_depth|Invalid/);
    expect((error as SpyglassError).message).not.toMatch(/Stack trace/);
  });

  it('names the apt command when the library is missing', () => {
    expect(() => loadXGBoost({ libraryPath: '/nonexistent/libxgboost.so' })).toThrow(XGBOOST_INSTALL_COMMAND);
  });

  it('refuses to use a disposed handle and rejects mis-shaped input', () => {
    const d = DMatrix.fromDense({ data: new Float32Array(4), rows: 2, cols: 2 });
    d.dispose();
    d.dispose();
    expect(() => d.handle).toThrow(/after dispose/);
    expect(() => DMatrix.fromDense({ data: new Float32Array(5), rows: 2, cols: 2 })).toThrow(/rows × cols/);
  });

  it.each([
    ['[0]\ttrain-logloss:0.5\tvalid-auc:0.75', { train: { logloss: 0.5 }, valid: { auc: 0.75 } }],
    ['[12]\tvalid-error@0.7:0.125', { valid: { 'error@0.7': 0.125 } }],
  ])('parses eval line %j', (line, expected) => {
    expect(parseEvalLine(line)).toEqual(expected);
  });
});
