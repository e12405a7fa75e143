import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { Booster } from './booster.js';
import { DMatrix } from './dmatrix.js';
import { trainBooster } from './train-booster.js';

// Debian's python3-xgboost (1.7.4) is installed for the system interpreter, not a pyenv python3.
const PYTHON = '/usr/bin/python3';
const hasPythonXgboost = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' }).status === 0;
if (!hasPythonXgboost) {
  // eslint-disable-next-line no-console
  console.warn(`python interop tests skipped: ${PYTHON} cannot import xgboost (apt-get install -y python3-xgboost)`);
}
const describeIfPython = hasPythonXgboost ? describe : describe.skip;

function python(script: string): string {
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return run.stdout;
}

describeIfPython('interop with Python xgboost', () => {
  const table = syntheticTable({ days: 6, seed: 21, missingRate: 0.05 });
  const cols = table.columns.length;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-interop-'));
    // Rows as JSON with null for NaN, read by both sides.
    const rows = Array.from({ length: 200 }, (_, r) => Array.from(table.data.subarray(r * cols, r * cols + cols), (v) => (Number.isNaN(v) ? null : v)));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const head = () => DMatrix.fromDense({ data: table.data.slice(0, 200 * cols), rows: 200, cols });

  it('a model trained by spyglass predicts the same in Python', () => {
    const result = trainBooster(
      { train: { data: table.data, rows: table.rows, cols, label: table.label } },
      { params: { objective: 'binary:logistic', max_depth: 4, eta: 0.3, nthread: 1 }, rounds: 10, featureNames: table.columns },
    );
    writeFileSync(join(dir, 'spyglass.json'), result.model);
    using booster = Booster.fromJson(result.model);
    using d = head();
    const ours = Array.from(booster.predict(d));
    const theirs = JSON.parse(
      python(`
import json, numpy as np, xgboost as xgb
rows = np.array(json.load(open('${dir}/rows.json')), dtype=float)
b = xgb.Booster(); b.load_model('${dir}/spyglass.json')
print(json.dumps(b.predict(xgb.DMatrix(rows, missing=np.nan, feature_names=b.feature_names)).astype(float).tolist()))
`),
    ) as number[];
    expect(theirs).toEqual(ours);
  });

  it('a model trained by Python predicts the same in spyglass', () => {
    python(`
import json, numpy as np, xgboost as xgb
rows = np.array(json.load(open('${dir}/rows.json')), dtype=float)
y = (np.nan_to_num(rows[:, 0]) + np.nan_to_num(rows[:, 1]) > 0).astype(float)
b = xgb.train({'objective': 'binary:logistic', 'max_depth': 3}, xgb.DMatrix(rows, label=y, missing=np.nan), 6)
b.save_model('${dir}/python.json')
json.dump(b.predict(xgb.DMatrix(rows, missing=np.nan)).astype(float).tolist(), open('${dir}/python-pred.json', 'w'))
`);
    using booster = Booster.loadFile(join(dir, 'python.json'));
    using d = head();
    const expected = JSON.parse(python(`print(open('${dir}/python-pred.json').read())`)) as number[];
    expect(Array.from(booster.predict(d))).toEqual(expected);
  });
});
