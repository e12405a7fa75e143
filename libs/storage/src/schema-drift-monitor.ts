import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { dataRootLayout, isSpyglassError, SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { physicalTypeOf } from './arrow-codec.js';
import { writeFileAtomic } from './atomic-file.js';
import type { DatasetSpec } from './dataset-spec.js';
import { readParquetInfo, type ParquetColumnInfo } from './parquet-file.js';
import { datasetDir } from './partition-path.js';
import { silentLogger, type StorageLogger } from './storage-logger.js';
import { hiveValue, walkFiles } from './walk-files.js';

/**
 * Kinds of schema drift; each can be switched off in {@link SchemaDriftMonitorOptions.alerts}.
 *
 * @example
 * ```ts
 * const kinds: DriftKind[] = ['new_column', 'missing_column', 'type_change'];
 * ```
 */
export type DriftKind = 'new_column' | 'missing_column' | 'type_change';

/**
 * A dataset's expected schema, stored as `<root>/schema_baselines/<layer>__<name>.json`.
 *
 * @example
 * ```ts
 * const b: SchemaBaseline = { dataset: 'raw/stocks', columns: [{ name: 'close', type: 'float64', nullable: false }], createdAt: 0, updatedAt: 0 };
 * ```
 */
export interface SchemaBaseline {
  /** `<layer>/<name>`. */
  readonly dataset: string;
  readonly columns: readonly ParquetColumnInfo[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * One difference between the files and the baseline, with example files.
 *
 * @example
 * ```ts
 * const c: DriftChange = { kind: 'type_change', column: 'volume', expected: 'float64', actual: 'int64', files: ['…/part-0.parquet'], fileCount: 1 };
 * ```
 */
export interface DriftChange {
  readonly kind: DriftKind;
  readonly column: string;
  /** Baseline type (absent for a new column). */
  readonly expected?: string;
  /** Type in the files (absent for a missing column). */
  readonly actual?: string;
  /** Up to five files showing the change. */
  readonly files: readonly string[];
  readonly fileCount: number;
}

/**
 * Result of {@link SchemaDriftMonitor.check}.
 *
 * @example
 * ```ts
 * const report: DriftReport = await monitor.check(rawDatasetSpecs.stocks);
 * if (report.drifted) for (const c of report.changes) console.warn(c.kind, c.column);
 * ```
 */
export interface DriftReport {
  readonly dataset: string;
  readonly dir: string;
  readonly checkedAt: number;
  readonly filesChecked: number;
  /** Files whose footer could not be read (reported, not fatal). */
  readonly unreadable: readonly string[];
  readonly baselineCreated: boolean;
  readonly baselineUpdated: boolean;
  /** Changes of the enabled kinds. */
  readonly changes: readonly DriftChange[];
  readonly drifted: boolean;
}

/**
 * Options of {@link SchemaDriftMonitor}.
 *
 * @example
 * ```ts
 * const opts: SchemaDriftMonitorOptions = { root: './data', alerts: { new_column: false }, autoUpdateBaseline: true };
 * ```
 */
export interface SchemaDriftMonitorOptions {
  /** Data root: baselines go to `<root>/schema_baselines/`, events to `<root>/schema_drift/events.jsonl`. */
  readonly root: string;
  /** Alert kinds to report (all on by default). */
  readonly alerts?: Partial<Record<DriftKind, boolean>>;
  /** After reporting drift, adopt the newest file's schema as the baseline (default false). */
  readonly autoUpdateBaseline?: boolean;
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

/**
 * Options of one {@link SchemaDriftMonitor.check}.
 *
 * @example
 * ```ts
 * await monitor.check(rawDatasetSpecs.options, { from: '2025-03-01', throwOnDrift: true });
 * ```
 */
export interface DriftCheckOptions {
  /** Only files of partitions dated from/to (inclusive, `YYYY-MM-DD`). */
  readonly from?: string;
  readonly to?: string;
  /** Throw `SCHEMA_DRIFT` (after logging the events) when changes are found. */
  readonly throwOnDrift?: boolean;
}

const EXAMPLES = 5;

/**
 * Watches a dataset's Parquet schema against a stored baseline. Schemas come from each file's
 * footer only (no data page is read), so checking thousands of partitions is cheap. New columns,
 * missing columns and type changes are reported (each kind switchable), appended as JSON lines to
 * `<root>/schema_drift/events.jsonl` and logged; the baseline can follow the data automatically.
 *
 * The first check of a dataset creates its baseline: from the spec when a {@link DatasetSpec} is
 * given (so files already off-spec are reported), otherwise from the newest file.
 *
 * @example
 * ```ts
 * const monitor = new SchemaDriftMonitor({ root: './data', logger });
 * const report = await monitor.check(rawDatasetSpecs.stocks);
 * if (report.drifted) console.warn(report.changes);
 * ```
 */
export class SchemaDriftMonitor {
  private readonly root: string;
  private readonly alerts: Record<DriftKind, boolean>;
  private readonly autoUpdate: boolean;
  private readonly clock: Clock;
  private readonly logger: StorageLogger;

  constructor(opts: SchemaDriftMonitorOptions) {
    this.root = opts.root;
    this.alerts = { new_column: true, missing_column: true, type_change: true, ...opts.alerts };
    this.autoUpdate = opts.autoUpdateBaseline ?? false;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  private target(t: DatasetSpec | string): { id: string; dir: string; spec?: DatasetSpec } {
    if (typeof t !== 'string') return { id: `${t.layer}/${t.name}`, dir: datasetDir(this.root, t), spec: t };
    const dir = path.resolve(t);
    const rel = path.relative(path.resolve(this.root), dir);
    const parts = rel.split(path.sep);
    if (parts.length !== 2 || parts[0] === '..' || parts.some((p) => p === '')) {
      throw new SpyglassError('INVALID_ARGUMENT', `${t}: not a dataset directory <root>/<layer>/<name> under ${this.root}`, { details: { dir: t, root: this.root } });
    }
    return { id: parts.join('/'), dir };
  }

  /** Path of a dataset's baseline JSON. */
  baselinePath(t: DatasetSpec | string): string {
    return path.join(dataRootLayout(this.root).schemaBaselines, `${this.target(t).id.replace('/', '__')}.json`);
  }

  /** The stored baseline, or undefined before the first check. */
  async baseline(t: DatasetSpec | string): Promise<SchemaBaseline | undefined> {
    const file = this.baselinePath(t);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SpyglassError('STORAGE', `${file}: cannot read baseline (${(e as Error).message})`, { cause: e, details: { file } });
    }
    try {
      return JSON.parse(text) as SchemaBaseline;
    } catch (cause) {
      throw new SpyglassError('CORRUPT_FILE', `${file}: schema baseline is not valid JSON`, { cause, details: { file } });
    }
  }

  /** Replaces the baseline (e.g. after a deliberate schema change). */
  async setBaseline(t: DatasetSpec | string, columns: readonly ParquetColumnInfo[]): Promise<SchemaBaseline> {
    const old = await this.baseline(t);
    const now = this.clock.now();
    const b: SchemaBaseline = { dataset: this.target(t).id, columns, createdAt: old?.createdAt ?? now, updatedAt: now };
    const file = this.baselinePath(t);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(b, null, 2)}\n`);
    return b;
  }

  /** Compares every selected file's footer schema with the baseline. */
  async check(t: DatasetSpec | string, opts: DriftCheckOptions = {}): Promise<DriftReport> {
    const { id, dir, spec } = this.target(t);
    const inRange = (f: string) => {
      const d = hiveValue(f, 'date');
      return (!opts.from || (d !== undefined && d >= opts.from)) && (!opts.to || (d !== undefined && d <= opts.to));
    };
    const files = (await walkFiles(dir)).filter((f) => f.path.endsWith('.parquet') && inRange(f.path));
    // Newest partition last, so "the newest schema" is well defined for auto-update.
    files.sort((a, b) => (hiveValue(a.path, 'date') ?? '').localeCompare(hiveValue(b.path, 'date') ?? '') || a.path.localeCompare(b.path));
    const schemas: Array<{ file: string; columns: readonly ParquetColumnInfo[] }> = [];
    const unreadable: string[] = [];
    for (const f of files) {
      try {
        schemas.push({ file: f.path, columns: (await readParquetInfo(f.path)).columns });
      } catch (e) {
        if (!isSpyglassError(e, 'CORRUPT_FILE', 'NOT_FOUND')) throw e;
        unreadable.push(f.path);
        this.logger.warn({ dataset: id, file: f.path, err: e.message }, 'schema drift: unreadable Parquet footer');
      }
    }

    let baseline = await this.baseline(t);
    let baselineCreated = false;
    if (!baseline) {
      const initial = spec
        ? spec.columns.map((c) => ({ name: c.name, type: physicalTypeOf(c.type), nullable: c.nullable === true }))
        : schemas.at(-1)?.columns;
      if (initial) {
        baseline = await this.setBaseline(t, initial);
        baselineCreated = true;
      }
    }

    const changes = baseline ? this.compare(baseline, schemas) : [];
    const checkedAt = this.clock.now();
    let baselineUpdated = false;
    if (changes.length > 0) {
      const events = changes.map((c) => JSON.stringify({ at: checkedAt, dataset: id, ...c }));
      const eventsFile = dataRootLayout(this.root).schemaDriftEvents;
      await mkdir(path.dirname(eventsFile), { recursive: true });
      await appendFile(eventsFile, `${events.join('\n')}\n`);
      for (const c of changes) this.logger.warn({ dataset: id, ...c, files: c.files.slice(0, 1) }, `schema drift in ${id}: ${c.kind} ${c.column}`);
      const newest = schemas.at(-1);
      if (this.autoUpdate && newest) {
        await this.setBaseline(t, newest.columns);
        baselineUpdated = true;
      }
    }
    const report: DriftReport = { dataset: id, dir, checkedAt, filesChecked: schemas.length, unreadable, baselineCreated, baselineUpdated, changes, drifted: changes.length > 0 };
    if (report.drifted && opts.throwOnDrift) {
      throw new SpyglassError('SCHEMA_DRIFT', `${id}: schema differs from its baseline: ${changes.map((c) => `${c.kind} ${c.column}`).join(', ')}`, { details: { dataset: id, changes } });
    }
    return report;
  }

  private compare(baseline: SchemaBaseline, schemas: ReadonlyArray<{ file: string; columns: readonly ParquetColumnInfo[] }>): DriftChange[] {
    const expected = new Map(baseline.columns.map((c) => [c.name, c.type]));
    const found = new Map<string, { kind: DriftKind; column: string; expected?: string; actual?: string; files: string[] }>();
    const note = (kind: DriftKind, column: string, file: string, exp?: string, act?: string) => {
      if (!this.alerts[kind]) return;
      const key = `${kind}\u0000${column}\u0000${exp ?? ''}\u0000${act ?? ''}`;
      let c = found.get(key);
      if (!c) found.set(key, (c = { kind, column, ...(exp === undefined ? {} : { expected: exp }), ...(act === undefined ? {} : { actual: act }), files: [] }));
      c.files.push(file);
    };
    for (const s of schemas) {
      const actual = new Map(s.columns.map((c) => [c.name, c.type]));
      for (const [name, type] of actual) {
        const exp = expected.get(name);
        if (exp === undefined) note('new_column', name, s.file, undefined, type);
        else if (exp !== type) note('type_change', name, s.file, exp, type);
      }
      for (const [name, type] of expected) if (!actual.has(name)) note('missing_column', name, s.file, type, undefined);
    }
    return [...found.values()].map((c) => ({ ...c, files: c.files.slice(0, EXAMPLES), fileCount: c.files.length }));
  }
}
