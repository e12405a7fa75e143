import { SpyglassError } from '@spyglass/core';
import { barChartSvg } from '../report/svg-charts.js';
import { IMPORTANCE_TYPES, type Booster, type ImportanceType } from '../xgboost/booster.js';

/**
 * One feature's importance; `rank` starts at 1.
 *
 * @example
 * ```ts
 * const [top]: ImportanceRow[] = featureImportance(booster, artifact.featureColumns, 'gain');
 * console.log(top.feature, `${(100 * top.importanceShare).toFixed(1)} %`);
 * ```
 */
export interface ImportanceRow {
  readonly feature: string;
  readonly importance: number;
  /** Share of the total, a fraction in [0, 1]. */
  readonly importanceShare: number;
  readonly rank: number;
}

/**
 * Importance of every model feature for one type (weight, gain, cover, total_gain, total_cover),
 * sorted descending; features never used in a split are listed with 0. XGBoost's internal
 * `f0, f1, …` names (models without stored names) are mapped to `featureColumns` by index.
 *
 * @example
 * ```ts
 * featureImportance(booster, artifact.featureColumns, 'gain').slice(0, 5);
 * ```
 */
export function featureImportance(booster: Booster, featureColumns: readonly string[], type: ImportanceType = 'gain'): ImportanceRow[] {
  if (!IMPORTANCE_TYPES.includes(type)) {
    throw new SpyglassError('INVALID_ARGUMENT', `unknown importance type "${type}"; expected one of ${IMPORTANCE_TYPES.join(', ')}`);
  }
  const raw = booster.featureScore(type);
  const scores = new Map<string, number>();
  for (const [name, value] of raw) {
    const m = /^f(\d+)$/.exec(name);
    const feature = m && !featureColumns.includes(name) ? featureColumns[Number(m[1])] : name;
    if (feature !== undefined) scores.set(feature, value);
  }
  const total = [...scores.values()].reduce((a, b) => a + b, 0);
  return featureColumns
    .map((feature) => ({ feature, importance: scores.get(feature) ?? 0 }))
    .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature))
    .map((r, i) => ({ ...r, importanceShare: total ? r.importance / total : 0, rank: i + 1 }));
}

/**
 * All five importance types at once.
 *
 * @example
 * ```ts
 * const all = allFeatureImportances(booster, columns);
 * all.total_gain[0].feature;
 * ```
 */
export function allFeatureImportances(booster: Booster, featureColumns: readonly string[]): Record<ImportanceType, ImportanceRow[]> {
  return Object.fromEntries(IMPORTANCE_TYPES.map((t) => [t, featureImportance(booster, featureColumns, t)])) as Record<ImportanceType, ImportanceRow[]>;
}

/**
 * CSV (`feature,importance,importance_share,rank`; the share a fraction) of an importance ranking.
 *
 * @example
 * ```ts
 * writeFileSync('gain_importance.csv', importanceCsv(rows));
 * ```
 */
export function importanceCsv(rows: readonly ImportanceRow[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['feature,importance,importance_share,rank', ...rows.map((r) => `${quote(r.feature)},${r.importance},${r.importanceShare},${r.rank}`)].join('\n') + '\n';
}

/**
 * Top-N horizontal bar chart as SVG.
 *
 * @example
 * ```ts
 * writeFileSync('importance.svg', importanceChartSvg(rows, 20, 'gain'));
 * ```
 */
export function importanceChartSvg(rows: readonly ImportanceRow[], topN = 20, type: ImportanceType = 'gain'): string {
  const top = rows.slice(0, topN);
  return barChartSvg({ title: `Top ${top.length} features by ${type}`, labels: top.map((r) => r.feature), values: top.map((r) => r.importance), xLabel: type });
}

/**
 * Top-N ASCII bar chart for terminals (the original's `plot_summary`).
 *
 * @example
 * ```ts
 * console.log(importanceAsciiChart(rows, 10));
 * ```
 */
export function importanceAsciiChart(rows: readonly ImportanceRow[], topN = 20, width = 40): string {
  const top = rows.slice(0, topN);
  const max = Math.max(1e-12, ...top.map((r) => r.importance));
  const nameW = Math.max(...top.map((r) => r.feature.length), 7);
  return top
    .map((r) => `${String(r.rank).padStart(3)}. ${r.feature.padEnd(nameW)} ${'█'.repeat(Math.round((r.importance / max) * width)).padEnd(width)} ${(100 * r.importanceShare).toFixed(1)}%`)
    .join('\n');
}
