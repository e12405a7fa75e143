import type { FeatureTable } from '../data/feature-table.js';

export interface RowSpec {
  date: string;
  label: 0 | 1;
  maxGain?: number;
  minLoss?: number;
  features?: number[];
  minute?: number;
}

/** A small hand-written feature table: one feature column unless rows carry `features`. */
export function makeTable(rows: RowSpec[], columns: string[] = ['f0']): FeatureTable {
  const width = columns.length;
  const perDay = new Map<string, number>();
  return {
    columns,
    rows: rows.length,
    data: Float32Array.from(rows.flatMap((r) => r.features ?? new Array<number>(width).fill(0))),
    label: Uint8Array.from(rows.map((r) => r.label)),
    timestamp: Float64Array.from(rows.map((r) => {
      const n = perDay.get(r.date) ?? 0;
      perDay.set(r.date, n + 1);
      return Date.parse(`${r.date}T14:30:00Z`) + (r.minute ?? n) * 60_000;
    })),
    date: rows.map((r) => r.date),
    ticker: rows.map((_, i) => `O:SPY250303C0059${i}000`),
    maxGain: Float64Array.from(rows.map((r) => r.maxGain ?? Number.NaN)),
    minLoss: Float64Array.from(rows.map((r) => r.minLoss ?? Number.NaN)),
    timeToMax: new Float64Array(rows.length).fill(10),
  };
}
