import { SchemaDriftMonitor, type DriftReport } from '@spyglass/storage';
import { dataRootLayout } from '@spyglass/core';

/**
 * How a processing run checks the schema of what it wrote: storage's `SchemaDriftMonitor`
 * (baseline per dataset under `<root>/schema_baselines/`, events in `<root>/schema_drift/`), a
 * monitor of your own configuration, or `false` to skip. `failOnDrift` turns a drift into a
 * `SCHEMA_DRIFT` error instead of a report.
 *
 * @example
 * ```ts
 * const drift: SchemaDriftSettings = { monitor: new SchemaDriftMonitor({ root: 'data', autoUpdateBaseline: true }), failOnDrift: false };
 * ```
 */
export interface SchemaDriftSettings {
  readonly monitor?: SchemaDriftMonitor | false;
  readonly failOnDrift?: boolean;
}

/** Checks the written date range of `<root>/processed/<dataset>` against its baseline. */
export async function checkProcessedDrift(
  root: string,
  dataset: string,
  dates: readonly string[],
  settings: SchemaDriftSettings = {},
): Promise<DriftReport | null> {
  if (settings.monitor === false || dates.length === 0) return null;
  const monitor = settings.monitor ?? new SchemaDriftMonitor({ root });
  const sorted = [...dates].sort();
  return monitor.check(dataRootLayout(root).processedDataset(dataset), { from: sorted[0], to: sorted[sorted.length - 1], throwOnDrift: settings.failOnDrift ?? false });
}
