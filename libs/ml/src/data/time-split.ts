import { SpyglassError, type ValidationIssue } from '@spyglass/core';
import { rowsByDay, selectRows, tradingDays, type FeatureTable } from './feature-table.js';

/**
 * Train/validation ratios; test gets the rest.
 *
 * @example
 * ```ts
 * const ratios: SplitRatios = { trainRatio: 0.6, valRatio: 0.2 }; // test gets the last 20 % of days
 * const split = timeBasedSplit(table, ratios);
 * ```
 */
export interface SplitRatios {
  /** Default 0.70. */
  readonly trainRatio?: number;
  /** Default 0.15. */
  readonly valRatio?: number;
}

/**
 * Trading days assigned to each part, all chronological and disjoint.
 *
 * @example
 * ```ts
 * const { train, validation, test }: DaySplit = splitDays(tradingDays(table), { trainRatio: 0.7, valRatio: 0.15 });
 * ```
 */
export interface DaySplit {
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
}

/**
 * A chronological split of a feature table into whole trading days.
 *
 * @example
 * ```ts
 * const { train, validation, test, days }: TimeSplit = timeBasedSplit(table);
 * console.log(train.rows, validation.rows, test.rows, days.test[0]);
 * ```
 */
export interface TimeSplit {
  readonly train: FeatureTable;
  readonly validation: FeatureTable;
  readonly test: FeatureTable;
  readonly days: DaySplit;
}

/**
 * Row counts, date ranges and positive rates of a split (the original's `get_summary`).
 *
 * @example
 * ```ts
 * const s: SplitSummary = splitSummary(timeBasedSplit(table));
 * console.log(s.parts.test.from, s.parts.test.to, s.parts.test.positiveRate);
 * ```
 */
export interface SplitSummary {
  readonly parts: Record<'train' | 'validation' | 'test', { rows: number; days: number; from: string | null; to: string | null; positiveRate: number }>;
  readonly testRatio: number;
}

/**
 * Checks split ratios: each in (0, 1) and train + validation < 1 so the test part is not empty.
 *
 * @example
 * ```ts
 * validateSplitRatios({ trainRatio: 0.9, valRatio: 0.2 }); // [{ code: 'RATIO_SUM', … }]
 * ```
 */
export function validateSplitRatios(ratios: SplitRatios): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { trainRatio = 0.7, valRatio = 0.15 } = ratios;
  for (const [name, value] of [['trainRatio', trainRatio], ['valRatio', valRatio]] as const) {
    if (!Number.isFinite(value) || value <= 0 || value >= 1) {
      issues.push({ code: 'RATIO_RANGE', path: [name], message: `must be strictly between 0 and 1, got ${value}` });
    }
  }
  if (trainRatio + valRatio >= 1) {
    issues.push({ code: 'RATIO_SUM', path: ['valRatio'], message: `trainRatio + valRatio = ${trainRatio + valRatio} leaves no test data` });
  }
  return issues;
}

/**
 * Splits a sorted list of trading days 70/15/15 (by default): train days first, then validation,
 * then test; every part gets at least one day.
 *
 * @example
 * ```ts
 * splitDays(['2025-03-03', …20 days]); // { train: 14 days, validation: 3, test: 3 }
 * ```
 */
export function splitDays(days: readonly string[], ratios: SplitRatios = {}): DaySplit {
  const issues = validateSplitRatios(ratios);
  if (issues.length) {
    throw new SpyglassError('INVALID_ARGUMENT', `invalid split ratios: ${issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, {
      details: { issues },
    });
  }
  const sorted = [...new Set(days)].sort();
  if (sorted.length < 3) {
    throw new SpyglassError('INVALID_ARGUMENT', `a time-based split needs at least 3 trading days, got ${sorted.length}`);
  }
  const { trainRatio = 0.7, valRatio = 0.15 } = ratios;
  const n = sorted.length;
  const trainEnd = Math.min(Math.max(1, Math.floor(n * trainRatio)), n - 2);
  const valEnd = Math.min(Math.max(trainEnd + 1, Math.floor(n * (trainRatio + valRatio))), n - 1);
  return { train: sorted.slice(0, trainEnd), validation: sorted.slice(trainEnd, valEnd), test: sorted.slice(valEnd) };
}

/**
 * Chronological split of whole trading days (no day spans two parts, no shuffling), rows inside
 * each part ordered by timestamp.
 *
 * @example
 * ```ts
 * const { train, validation, test } = timeBasedSplit(table); // 70/15/15 of the days
 * ```
 */
export function timeBasedSplit(table: FeatureTable, ratios: SplitRatios = {}): TimeSplit {
  const days = splitDays(tradingDays(table), ratios);
  const byDay = rowsByDay(table);
  const part = (list: readonly string[]): FeatureTable => {
    const idx = list.flatMap((d) => byDay.get(d) ?? []);
    idx.sort((a, b) => table.timestamp[a]! - table.timestamp[b]! || a - b);
    return selectRows(table, idx);
  };
  return { train: part(days.train), validation: part(days.validation), test: part(days.test), days };
}

/**
 * Row counts, date ranges and positive rates per part.
 *
 * @example
 * ```ts
 * splitSummary(timeBasedSplit(table)).parts.test.positiveRate;
 * ```
 */
export function splitSummary(split: TimeSplit): SplitSummary {
  const describe = (t: FeatureTable, days: readonly string[]) => {
    let positives = 0;
    for (let i = 0; i < t.rows; i++) positives += t.label[i]!;
    return { rows: t.rows, days: days.length, from: days[0] ?? null, to: days.at(-1) ?? null, positiveRate: t.rows ? positives / t.rows : 0 };
  };
  const total = split.days.train.length + split.days.validation.length + split.days.test.length;
  return {
    parts: {
      train: describe(split.train, split.days.train),
      validation: describe(split.validation, split.days.validation),
      test: describe(split.test, split.days.test),
    },
    testRatio: total ? split.days.test.length / total : 0,
  };
}
