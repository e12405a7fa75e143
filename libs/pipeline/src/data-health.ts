import { Dataset, dataRootLayout, type Clock } from '@spyglass/core';
import type { DatasetFreshnessInput, IntegrityState, QuarantineCount, SchemaDriftState, WorkerHealth } from '@spyglass/monitoring';
import { summarizeQuarantine } from '@spyglass/processing';
import { ParquetDataset, SchemaDriftMonitor, rawDatasetSpecs } from '@spyglass/storage';
import { verifyCheckpoints } from './backfill-checkpoints.js';
import { ProcessRegistry } from './process-registry.js';

const LIVE_DATASETS = [Dataset.STOCK_BARS, Dataset.OPTION_BARS, Dataset.INDEX_BARS, Dataset.NEWS] as const;

/**
 * The newest stored `timestamp` of a raw dataset (reads only the latest date's partitions).
 *
 * @example
 * ```ts
 * const newest = await lastRecordAt('data', Dataset.STOCK_BARS);
 * const staleMinutes = newest === null ? Infinity : (Date.now() - newest) / 60_000;
 * ```
 */
export async function lastRecordAt(root: string, dataset: Dataset): Promise<number | null> {
  const ds = new ParquetDataset<{ timestamp: number }>({ root, spec: rawDatasetSpecs[dataset] });
  const parts = await ds.partitions();
  if (parts.length === 0) return null;
  const latest = parts.reduce((a, p) => (p.date > a ? p.date : a), parts[0]!.date);
  let max: number | null = null;
  for await (const batch of ds.read({ from: latest, to: latest, columns: ['timestamp'], onCorrupt: 'skip' })) {
    for (const r of batch) if (max === null || r.timestamp > max) max = r.timestamp;
  }
  return max;
}

/**
 * Health providers over a data root: freshness of each raw dataset, quarantine counts, schema
 * drift against the baselines (no baseline is created by a health check) and the worker registry.
 * Pass the result to monitoring's `buildHealthSnapshot` together with runner states.
 *
 * @example
 * ```ts
 * const snapshot = await buildHealthSnapshot({ ...dataHealthInputs('data'), calendar: nyseCalendar });
 * console.log(renderHealthText(snapshot));
 * ```
 */
export function dataHealthInputs(
  root: string,
  opts: { clock?: Clock } = {},
): {
  datasets: () => Promise<DatasetFreshnessInput[]>;
  quarantine: () => Promise<QuarantineCount[]>;
  schemaDrift: () => Promise<SchemaDriftState[]>;
  workers: () => Promise<WorkerHealth[]>;
  integrity: () => Promise<IntegrityState>;
} {
  return {
    integrity: () => verifyCheckpoints(root),
    datasets: async (): Promise<DatasetFreshnessInput[]> =>
      Promise.all(LIVE_DATASETS.map(async (dataset) => ({ dataset, lastBarAt: await lastRecordAt(root, dataset), live: dataset !== Dataset.NEWS }))),
    quarantine: async (): Promise<QuarantineCount[]> => {
      const q = await summarizeQuarantine(root);
      return Object.entries(q.byDataset).map(([dataset, c]) => ({ dataset, records: c.total }));
    },
    schemaDrift: async (): Promise<SchemaDriftState[]> => {
      const monitor = new SchemaDriftMonitor({ root, ...(opts.clock ? { clock: opts.clock } : {}) });
      return Promise.all(
        LIVE_DATASETS.map(async (dataset): Promise<SchemaDriftState> => {
          const spec = rawDatasetSpecs[dataset];
          if (!(await monitor.baseline(spec))) return { dataset, state: 'no_baseline' };
          const r = await monitor.check(spec);
          return {
            dataset,
            state: r.drifted ? 'drift' : 'ok',
            changes: r.changes.map((c) => `${c.kind} ${c.column}${c.expected || c.actual ? `: ${c.expected ?? '∅'} -> ${c.actual ?? '∅'}` : ''}`),
          };
        }),
      );
    },
    workers: async (): Promise<WorkerHealth[]> =>
      (await new ProcessRegistry({ dir: dataRootLayout(root).workers }).list()).map((w) => ({
        id: w.id,
        session: `${w.job}:${w.ticker}`,
        state: w.status === 'completed' ? 'done' : w.status === 'running' && !w.alive ? 'failed' : w.status,
        pid: w.pid,
        startedAt: w.startedAt,
        lastHeartbeatAt: w.updatedAt,
        ...(w.error ? { error: w.error } : w.status === 'running' && !w.alive ? { error: 'process is gone' } : {}),
      })),
  };
}
