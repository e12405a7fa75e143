import type { CommandModule } from 'yargs';
import { defineCommand } from '../define-command.js';
import { PURGE_CATEGORIES, ParquetDataset, SchemaDriftMonitor, formatSpaceReport, purge, rawDatasetSpecs, readParquetInfo, spaceReport, type PurgeCategory } from '@spyglass/storage';
import { forgetPurgedCheckpoints, verifyCheckpoints } from '@spyglass/pipeline';
import { loadContext, loadWritingContext } from '../context.js';
import { printResult, type GlobalArgs } from '../output.js';

const datasetChoices = Object.keys(rawDatasetSpecs);

/** `spyglass schema-check`: compare stored Parquet schemas with their baselines (footers only). */
export const schemaCheckCommand = defineCommand({
  command: 'schema-check',
  describe: 'check raw datasets for schema drift against their baselines (reads Parquet footers only)',
  builder: (y) =>
    y
      .option('dataset', { type: 'string', array: true, choices: datasetChoices, alias: 'source', describe: "datasets (default all); --source is the original's name" })
      .option('date', { type: 'string', describe: 'only the files of this partition date (YYYY-MM-DD)' })
      .option('auto-update', { type: 'boolean', default: false, describe: 'adopt the newest schema as the baseline when every file has it (never one drifted file for all)' }),
  handler: async (a) => {
    const ctx = loadContext(a);
    const alerts = ctx.config.settings.monitoring.schemaDrift.alerts;
    const monitor = new SchemaDriftMonitor({
      root: ctx.dataRoot,
      logger: ctx.logger,
      autoUpdateBaseline: a['auto-update'],
      // settings.yaml monitoring.schemaDrift.alerts: which kinds of change are reported.
      alerts: { new_column: alerts.newColumn, missing_column: alerts.missingColumn, type_change: alerts.typeChange },
    });
    const range = a.date ? { from: a.date, to: a.date } : {};
    const reports = await Promise.all((a.dataset ?? datasetChoices).map((d) => monitor.check(rawDatasetSpecs[d as keyof typeof rawDatasetSpecs], range)));
    printResult(a, reports, () =>
      reports
        .map((r) =>
          `${r.dataset}: ${r.filesChecked} files, ${r.drifted ? `DRIFT (${r.changes.map((c) => `${c.kind} ${c.column}`).join(', ')})${r.baselineKept ? `; ${r.baselineKept}` : r.baselineUpdated ? '; baseline updated' : ''}` : r.baselineCreated ? 'baseline created' : 'ok'}` +
          (r.unreadable.length ? `, ${r.unreadable.length} unreadable: ${r.unreadable.join(', ')}` : ''),
        )
        .join('\n'),
    );
    if (reports.some((r) => r.drifted)) process.exitCode = 1;
  },
});

/** `spyglass schema-baseline`: record the current schema of each dataset as its baseline. */
export const schemaBaselineCommand = defineCommand({
  command: 'schema-baseline',
  describe: "record each raw dataset's current schema (from its newest file's footer) as the baseline",
  builder: (y) =>
    y
      .option('dataset', { type: 'string', array: true, choices: datasetChoices, alias: 'source', describe: "datasets (default all); --source is the original's name" })
      .option('date', { type: 'string', describe: "take the schema from this partition date's file instead of the newest" }),
  handler: async (a) => {
    const ctx = loadWritingContext(a);
    const monitor = new SchemaDriftMonitor({ root: ctx.dataRoot, logger: ctx.logger });
    const out: Array<{ dataset: string; columns: number } | { dataset: string; skipped: string }> = [];
    for (const d of a.dataset ?? datasetChoices) {
      const spec = rawDatasetSpecs[d as keyof typeof rawDatasetSpecs];
      const parts = await new ParquetDataset({ root: ctx.dataRoot, spec }).partitions();
      const newest = a.date ? parts.find((p) => p.date === a.date) : parts.sort((x, y) => x.date.localeCompare(y.date)).at(-1);
      if (!newest) {
        out.push({ dataset: d, skipped: a.date ? `no data on ${a.date}` : 'no data' });
        continue;
      }
      const b = await monitor.setBaseline(spec, (await readParquetInfo(newest.path)).columns);
      out.push({ dataset: d, columns: b.columns.length });
    }
    printResult(a, out, () => out.map((o) => ('columns' in o ? `${o.dataset}: baseline of ${o.columns} columns` : `${o.dataset}: ${o.skipped}`)).join('\n'));
  },
});

/** The purge flags: ours (`--apply`, `--pattern`) and the original's (`--category`, `--retention-days`, `--dry-run`). */
export interface PurgeArgs {
  apply: boolean;
  'dry-run'?: boolean;
  category?: string[];
  'retention-days'?: number;
  pattern?: string[];
}

/**
 * What a `purge` invocation deletes: days to keep per category (settings.yaml `retention`, narrowed
 * by `--category`, overridden by `--retention-days`) and whether it only reports. A dry run unless
 * `--apply` or the original's `--no-dry-run`; `--dry-run` always wins.
 *
 * @example
 * ```ts
 * purgePlan({ apply: false, category: ['raw'], 'retention-days': 30 }, retention);
 * // { retentionDays: { raw: 30 }, dryRun: true }
 * ```
 */
export function purgePlan(a: PurgeArgs, retention: Readonly<Record<PurgeCategory, number | null>>): { retentionDays: Partial<Record<PurgeCategory, number>>; dryRun: boolean } {
  const days: Partial<Record<PurgeCategory, number>> = {};
  for (const c of (a.category ?? PURGE_CATEGORIES) as PurgeCategory[]) {
    const keep = a['retention-days'] ?? retention[c];
    if (keep !== null) days[c] = keep;
  }
  const dryRun = a['dry-run'] === true || (!a.apply && a['dry-run'] !== false);
  return { retentionDays: days, dryRun };
}

/** `spyglass purge`: retention per category (settings.yaml `retention`), dry run unless `--apply`. */
export const purgeCommand = defineCommand({
  command: 'purge',
  describe: 'delete data older than its retention (settings.yaml retention); a dry run unless --apply',
  builder: (y) =>
    y
      .option('apply', { type: 'boolean', default: false, describe: 'really delete (default: only list what would go)' })
      .option('dry-run', { type: 'boolean', describe: "the original's flag: --dry-run only lists, --no-dry-run deletes (as --apply)" })
      .option('category', { type: 'string', array: true, choices: PURGE_CATEGORIES, describe: 'categories to purge (default: all with a retention)' })
      .option('retention-days', { type: 'number', describe: 'days to keep, overriding settings.yaml for the chosen categories' })
      .option('pattern', { type: 'string', array: true, describe: 'file-name globs to consider, e.g. "*.parquet"' }),
  handler: async (a) => {
    const ctx = (a.apply || a['dry-run'] === false ? loadWritingContext(a) : loadContext(a));
    const r = ctx.config.settings.retention;
    // settings.yaml names the categories in camelCase; null = keep forever.
    const map: Record<PurgeCategory, number | null> = { raw: r.raw, processed: r.processed, metrics: r.metrics, schema_drift: r.schemaDrift, checkpoints: r.checkpoints, heartbeat: r.heartbeat };
    const plan = purgePlan(a, map);
    const s = await purge({ root: ctx.dataRoot, retentionDays: plan.retentionDays, dryRun: plan.dryRun, ...(a.pattern ? { patterns: a.pattern } : {}) });
    // A resumed backfill must fetch what was purged, not skip it on a checkpoint of deleted data.
    const checkpointsForgotten = s.dryRun ? 0 : await forgetPurgedCheckpoints(ctx.dataRoot, s.files.map((f) => f.path));
    printResult(a, { ...s, checkpointsForgotten }, () =>
      [
        `${s.dryRun ? 'would delete' : 'deleted'} ${s.totalFiles} files (${(s.totalBytes / 1_048_576).toFixed(1)} MiB)${s.dryRun ? ' — dry run, pass --apply to delete' : `, forgot ${checkpointsForgotten} checkpoints of deleted partitions`}`,
        ...Object.entries(s.byCategory).map(([c, v]) => `  ${c.padEnd(13)} ${String(v.files).padStart(6)} files ${(v.bytes / 1_048_576).toFixed(1).padStart(8)} MiB${v.cutoff ? `  older than ${v.cutoff}` : ''}`),
      ].join('\n'),
    );
  },
});

/** `spyglass report-space`: sizes by dataset, ticker and month, with compression ratios. */
export const reportSpaceCommand = defineCommand({
  command: 'report-space',
  describe: 'disk use by dataset, ticker and month, with Parquet compression ratios',
  handler: async (a) => {
    const ctx = loadContext(a);
    const r = await spaceReport({ root: ctx.dataRoot });
    printResult(a, r, () => formatSpaceReport(r));
  },
});

/** `spyglass verify`: every checkpointed partition against its checkpoint and its Parquet footer. */
export const verifyCommand = defineCommand({
  command: 'verify',
  describe: 'check every checkpointed partition against its checkpoint (rows, size, hash) and Parquet footer; exit 1 on any problem',
  handler: async (a) => {
    const ctx = loadContext(a);
    const r = await verifyCheckpoints(ctx.dataRoot);
    printResult(a, r, () =>
      [
        `${r.checked} checkpointed partitions checked, ${r.problems.length} problem(s)${r.unsealed ? `; ${r.unsealed} checkpoints predate seals (not checkable)` : ''}`,
        ...r.problems.map((p) => `  ${p.kind.toUpperCase()} ${p.file}: ${p.reason} (${p.job} ${p.ticker} ${p.date}; backfill --resume fetches it again)`),
      ].join('\n'),
    );
    if (r.problems.length > 0) process.exitCode = 1;
  },
});
