import type { FeatureTable } from '../data/feature-table.js';
import { seededRandom } from '../data/seeded-random.js';

export { seededRandom };

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export interface SyntheticOptions {
  days?: number;
  tickersPerDay?: number;
  minutesPerDay?: number;
  extraColumns?: number;
  seed?: number;
  /** Share of missing values (NaN) sprinkled into the noise columns. */
  missingRate?: number;
  firstDay?: string;
}

/**
 * A feature table with learnable structure: the label depends on `signal_a` and `signal_b`
 * through a logistic link plus noise; `noise_*` columns carry nothing. max_gain / min_loss
 * follow the label so backtests and error analyses have realistic signs.
 */
export function syntheticTable(options: SyntheticOptions = {}): FeatureTable {
  const days = options.days ?? 20;
  const tickers = options.tickersPerDay ?? 2;
  const minutes = options.minutesPerDay ?? 60;
  const extra = options.extraColumns ?? 3;
  const rand = seededRandom(options.seed ?? 7);
  const columns = ['signal_a', 'signal_b', ...Array.from({ length: extra }, (_, i) => `noise_${i}`)];
  const rows = days * tickers * minutes;
  const data = new Float32Array(rows * columns.length);
  const label = new Uint8Array(rows);
  const timestamp = new Float64Array(rows);
  const maxGain = new Float64Array(rows);
  const minLoss = new Float64Array(rows);
  const timeToMax = new Float64Array(rows);
  const date: string[] = [];
  const ticker: string[] = [];
  const start = Date.parse(`${options.firstDay ?? '2025-03-03'}T14:30:00Z`);
  let r = 0;
  let day = 0;
  for (let d = 0; day < days; d++) {
    const dayStart = start + d * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const iso = new Date(dayStart).toISOString().slice(0, 10);
    for (let m = 0; m < minutes; m++) {
      for (let t = 0; t < tickers; t++) {
        const a = gaussian(rand);
        const b = gaussian(rand);
        const base = r * columns.length;
        data[base] = a;
        data[base + 1] = b;
        for (let c = 2; c < columns.length; c++) {
          data[base + c] = options.missingRate && rand() < options.missingRate ? Number.NaN : gaussian(rand);
        }
        const logit = 2.5 * a + 2 * b - 1 + 0.5 * gaussian(rand);
        const y = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        label[r] = y;
        timestamp[r] = dayStart + m * 60_000;
        date.push(iso);
        ticker.push(`O:SPY${iso.slice(2).replaceAll('-', '')}${t % 2 ? 'P' : 'C'}00${590 + t}000`);
        maxGain[r] = y ? 0.2 + 0.6 * rand() : 0.19 * rand();
        minLoss[r] = -(y ? 0.1 * rand() : 0.05 + 0.3 * rand());
        timeToMax[r] = Math.floor(120 * rand());
        r++;
      }
    }
    day++;
  }
  return { columns, rows, data, label, timestamp, date, ticker, maxGain, minLoss, timeToMax };
}
