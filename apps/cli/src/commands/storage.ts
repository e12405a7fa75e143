import type { CommandModule } from 'yargs';
import { ParquetDataset, SchemaDriftMonitor, rawDatasetSpecs, readParquetInfo } from '@spyglass/storage';
import { loadContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';

const datasetChoices = Object.keys(rawDatasetSpecs);

/** `spyglass schema-check`: compare stored Parquet schemas with their baselines (footers only). */
export const schemaCheckCommand: CommandModule<GlobalArgs, GlobalArgs & { dataset?: string[]; 'auto-update': boolean }> = {
  command: 'schema-check',
  describe: 'check raw datasets for schema drift against their baselines (reads Parquet footers only)',
  builder: (y) =>
    y
      .option('dataset', { type: 'string', array: true, choices: datasetChoices, describe: 'datasets (default all)' })
      .option('auto-update', { type: 'boolean', default: false, describe: 'accept the current schema as the new baseline' }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    const monitor = new SchemaDriftMonitor({ root: ctx.dataRoot, logger: ctx.logger, autoUpdateBaseline: a['auto-update'] });
    const reports = await Promise.all((a.dataset ?? datasetChoices).map((d) => monitor.check(rawDatasetSpecs[d as keyof typeof rawDatasetSpecs])));
    printResult(a, reports, () =>
      reports
        .map((r) =>
          `${r.dataset}: ${r.filesChecked} files, ${r.drifted ? `DRIFT (${r.changes.map((c) => `${c.kind} ${c.column}`).join(', ')})` : r.baselineCreated ? 'baseline created' : 'ok'}` +
          (r.unreadable.length ? `, ${r.unreadable.length} unreadable: ${r.unreadable.join(', ')}` : ''),
        )
        .join('\n'),
    );
    if (reports.some((r) => r.drifted)) process.exitCode = 1;
  },
};

/** `spyglass schema-baseline`: record the current schema of each dataset as its baseline. */
export const schemaBaselineCommand: CommandModule<GlobalArgs, GlobalArgs & { dataset?: string[] }> = {
  command: 'schema-baseline',
  describe: "record each raw dataset's current schema (from its newest file's footer) as the baseline",
  builder: (y) => y.option('dataset', { type: 'string', array: true, choices: datasetChoices }) as never,
  handler: async (a) => {
    const ctx = loadContext(a);
    const monitor = new SchemaDriftMonitor({ root: ctx.dataRoot, logger: ctx.logger });
    const out: Array<{ dataset: string; columns: number } | { dataset: string; skipped: string }> = [];
    for (const d of a.dataset ?? datasetChoices) {
      const spec = rawDatasetSpecs[d as keyof typeof rawDatasetSpecs];
      const parts = await new ParquetDataset({ root: ctx.dataRoot, spec }).partitions();
      const newest = parts.sort((x, y) => x.date.localeCompare(y.date)).at(-1);
      if (!newest) {
        out.push({ dataset: d, skipped: 'no data' });
        continue;
      }
      const b = await monitor.setBaseline(spec, (await readParquetInfo(newest.path)).columns);
      out.push({ dataset: d, columns: b.columns.length });
    }
    printResult(a, out, () => out.map((o) => ('columns' in o ? `${o.dataset}: baseline of ${o.columns} columns` : `${o.dataset}: ${o.skipped}`)).join('\n'));
  },
};
