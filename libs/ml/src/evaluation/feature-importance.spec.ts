import { syntheticTable } from '../__test-support__/synthetic-table.js';
import { Booster } from '../xgboost/booster.js';
import { IMPORTANCE_TYPES } from '../xgboost/booster.js';
import { trainBooster } from '../xgboost/train-booster.js';
import { allFeatureImportances, featureImportance, importanceAsciiChart, importanceChartSvg, importanceCsv } from './feature-importance.js';

describe('feature importance', () => {
  const t = syntheticTable({ days: 8, seed: 9 });
  // a constant column can never be split on: it must still be listed, at 0
  const cols = [...t.columns, 'constant'];
  const width = cols.length;
  const data = new Float32Array(t.rows * width);
  for (let r = 0; r < t.rows; r++) data.set(t.data.subarray(r * t.columns.length, (r + 1) * t.columns.length), r * width);
  const model = trainBooster({ train: { data, rows: t.rows, cols: width, label: t.label } }, { params: { objective: 'binary:logistic', max_depth: 3, nthread: 1 }, rounds: 10, featureNames: cols }).model;

  it.each(IMPORTANCE_TYPES.map((t) => [t]))('%s ranks the signal features first and lists unused features at 0', (type) => {
    using booster = Booster.fromJson(model);
    const rows = featureImportance(booster, cols, type);
    expect(rows.map((r) => r.feature).sort()).toEqual([...cols].sort());
    expect(rows.slice(0, 2).map((r) => r.feature).sort()).toEqual(['signal_a', 'signal_b']);
    expect(rows.find((r) => r.feature === 'constant')).toMatchObject({ importance: 0, importanceShare: 0, rank: cols.length });
    expect(rows.reduce((a, r) => a + r.importanceShare, 0)).toBeCloseTo(1);
  });

  it('maps f0…fN names when the model has no stored names', () => {
    const unnamed = trainBooster({ train: { data, rows: t.rows, cols: width, label: t.label } }, { params: { objective: 'binary:logistic', max_depth: 3, nthread: 1 }, rounds: 5 }).model;
    using booster = Booster.fromJson(unnamed);
    expect(featureImportance(booster, cols, 'gain')[0]!.feature).toMatch(/^signal_/);
  });

  it('writes a CSV, an SVG chart and an ASCII chart of the ranking', () => {
    using booster = Booster.fromJson(model);
    const all = allFeatureImportances(booster, cols);
    const csv = importanceCsv(all.gain).trim().split('\n');
    expect(csv[0]).toBe('feature,importance,importance_share,rank');
    expect(csv).toHaveLength(cols.length + 1);
    expect(csv.at(-1)).toBe('constant,0,0,6');
    const svg = importanceChartSvg(all.gain, 3, 'gain');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Top 3 features by gain');
    expect(svg.match(/<rect x="190"/g)).toHaveLength(3);
    expect(importanceAsciiChart(all.gain, 2).split('\n')).toHaveLength(2);
  });
});
