import { statSync } from 'node:fs';
import { isSpyglassError, nyseCalendar, systemClock, type Clock, type MarketCalendar } from '@spyglass/core';
import { buildHealthSnapshot, type HealthCheck, type DatasetFreshness, type SchemaDriftState } from '@spyglass/monitoring';
import { ParquetDataset, ParquetInfoCache, rawDatasetSpecs, spaceReport, type DatasetSpec } from '@spyglass/storage';
import { summarizeQuarantineDir, type QuarantineDatasetSummary } from './quarantine-summary.js';
import { readSchemaDriftState } from './schema-drift-state.js';

/**
 * One day of one dataset's coverage.
 *
 * @example
 * ```ts
 * const day: CoverageDay = { date: '2025-03-04', tickers: 4, rows: 1560, bytes: 61_440 };
 * ```
 */
export interface CoverageDay {
  readonly date: string;
  /** Partitions (tickers) present that day. */
  readonly tickers: number;
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Coverage of one raw dataset.
 *
 * @example
 * ```ts
 * const gaps = overview.coverage.find((c) => c.dataset === 'stocks')?.missingTradingDays;
 * ```
 */
export interface DatasetCoverage {
  readonly dataset: string;
  readonly tickers: readonly string[];
  readonly partitions: number;
  readonly rows: number;
  readonly bytes: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly days: readonly CoverageDay[];
  /** Trading days between `from` and `to` with no partition (not computed for `contracts`, keyed by expiration). */
  readonly missingTradingDays: readonly string[];
  /** Partition files whose footer could not be read. */
  readonly corruptFiles: readonly string[];
}

/**
 * Bytes of one area of the data root: a dataset (`raw/stocks`) or another directory (`quarantine`).
 *
 * @example
 * ```ts
 * const a: SpaceArea = { area: 'raw/stocks', bytes: 45_000, files: 3, rows: 1173, compressionRatio: 1.1 };
 * ```
 */
export interface SpaceArea {
  readonly area: string;
  readonly bytes: number;
  readonly files: number;
  /** Rows and compression ratio (uncompressed over on-disk bytes) of Parquet datasets; null elsewhere. */
  readonly rows: number | null;
  readonly compressionRatio: number | null;
}

/**
 * Disk use of the data root by area, largest first (from storage's `spaceReport`).
 *
 * @example
 * ```ts
 * const { totalBytes, areas } = (await reader.read()).space;
 * ```
 */
export interface SpaceUsage {
  readonly totalBytes: number;
  readonly totalFiles: number;
  readonly areas: readonly SpaceArea[];
}

/**
 * Everything the Data tab shows (`GET /api/data`).
 *
 * @example
 * ```ts
 * const overview: DataOverview = await new DataOverviewReader({ root: 'data' }).read();
 * ```
 */
export interface DataOverview {
  readonly generatedAt: number;
  readonly coverage: readonly DatasetCoverage[];
  /** Per-dataset freshness in market time, from monitoring's health snapshot. */
  readonly freshness: readonly DatasetFreshness[];
  /** The health checks behind freshness, quarantine and schema drift. */
  readonly checks: readonly HealthCheck[];
  readonly space: SpaceUsage;
  readonly quarantine: readonly QuarantineDatasetSummary[];
  readonly schemaDrift: readonly SchemaDriftState[];
  readonly marketOpen: boolean | null;
}

/**
 * Options of {@link DataOverviewReader}.
 *
 * @example
 * ```ts
 * const opts: DataOverviewOptions = { root: 'data', liveDatasets: ['stocks'] };
 * ```
 */
export interface DataOverviewOptions {
  readonly root: string;
  readonly clock?: Clock;
  /** Calendar for freshness in market time and for missing trading days. Default NYSE. */
  readonly calendar?: MarketCalendar;
  /** Datasets expected to update during market hours (freshness status applies). Default stocks, options, indices. */
  readonly liveDatasets?: readonly string[];
  /**
   * Schema-drift state per dataset. Default: {@link readSchemaDriftState} over the baselines and
   * drift events storage's `SchemaDriftMonitor` left in the root (datasets with data but no
   * baseline show as `no_baseline`).
   */
  readonly schemaDrift?: () => Promise<readonly SchemaDriftState[]> | readonly SchemaDriftState[];
}

const TIME_SERIES = new Set(['stocks', 'options', 'indices', 'news']);

/**
 * Reads the Data tab's facts from a data root: coverage per raw dataset (from partition listings
 * and Parquet footers, cached by file size and mtime so a refresh re-reads only changed files; the
 * space report shares that cache, and the newest bar is re-read only when the newest day changed),
 * freshness of the newest bar in market time, disk space by area (storage's `spaceReport`, with
 * compression ratios), quarantine counts and schema drift.
 *
 * @example
 * ```ts
 * const reader = new DataOverviewReader({ root: 'data' });
 * const overview = await reader.read();
 * for (const c of overview.coverage) console.log(c.dataset, c.from, c.to, c.missingTradingDays.length);
 * ```
 */
export class DataOverviewReader {
  private readonly root: string;
  private readonly clock: Clock;
  private readonly calendar: MarketCalendar;
  private readonly live: ReadonlySet<string>;
  private readonly schemaDrift: DataOverviewOptions['schemaDrift'];
  private readonly footers = new ParquetInfoCache();
  /** Newest bar per dataset, valid while the newest day's files are the same versions. */
  private readonly lastBars = new Map<string, { versions: string; lastBarAt: number | null }>();

  constructor(options: DataOverviewOptions) {
    this.root = options.root;
    this.clock = options.clock ?? systemClock;
    this.calendar = options.calendar ?? nyseCalendar;
    this.live = new Set(options.liveDatasets ?? ['stocks', 'options', 'indices']);
    this.schemaDrift = options.schemaDrift;
  }

  /**
   * Collects the overview now.
   *
   * @example
   * ```ts
   * const { freshness } = await new DataOverviewReader({ root: 'data' }).read();
   * ```
   */
  async read(): Promise<DataOverview> {
    const specs = Object.values(rawDatasetSpecs);
    const coverage: DatasetCoverage[] = [];
    const lastBars: Array<{ dataset: string; lastBarAt: number | null; live: boolean }> = [];
    for (const spec of specs) {
      const { cov, lastBarAt } = await this.readDataset(spec);
      if (cov.partitions === 0) continue;
      coverage.push(cov);
      if (TIME_SERIES.has(spec.name)) lastBars.push({ dataset: spec.name, lastBarAt, live: this.live.has(spec.name) });
    }
    const [space, quarantine] = await Promise.all([this.readSpace(), summarizeQuarantineDir(this.root)]);
    const health = await buildHealthSnapshot({
      clock: this.clock,
      calendar: this.calendar,
      datasets: lastBars,
      quarantine: quarantine.map((q) => ({ dataset: q.dataset, records: q.records, files: q.files, lastDate: q.lastDate })),
      schemaDrift: this.schemaDrift ?? (() => readSchemaDriftState(this.root, coverage.map((c) => `raw/${c.dataset}`))),
    });
    return {
      generatedAt: health.at,
      coverage,
      freshness: health.datasets,
      checks: health.checks,
      space,
      quarantine,
      schemaDrift: health.schemaDrift,
      marketOpen: health.marketOpen,
    };
  }

  private async readDataset(spec: DatasetSpec): Promise<{ cov: DatasetCoverage; lastBarAt: number | null }> {
    const ds = new ParquetDataset<{ timestamp: number }>({ root: this.root, spec });
    const partitions = await ds.partitions();
    const byDate = new Map<string, { tickers: number; rows: number; bytes: number }>();
    const tickers = new Set<string>();
    const corruptFiles: string[] = [];
    const versions = new Map<string, string>();
    for (const p of partitions) {
      if (p.ticker !== undefined) tickers.add(p.ticker);
      const rows = await this.rowsOf(p.path, corruptFiles, versions);
      const d = byDate.get(p.date) ?? { tickers: 0, rows: 0, bytes: 0 };
      d.tickers++;
      d.rows += rows;
      d.bytes += p.bytes;
      byDate.set(p.date, d);
    }
    const days = [...byDate].map(([date, d]) => ({ date, ...d })).sort((a, b) => a.date.localeCompare(b.date));
    const from = days[0]?.date ?? null;
    const to = days.at(-1)?.date ?? null;
    let missingTradingDays: string[] = [];
    if (from && to && spec.name !== 'contracts') {
      const lo = from < this.calendar.range.from ? this.calendar.range.from : from;
      const hi = to > this.calendar.range.to ? this.calendar.range.to : to;
      if (lo <= hi) missingTradingDays = this.calendar.tradingDays(lo, hi).filter((d) => !byDate.has(d));
    }
    let lastBarAt: number | null = null;
    if (to && TIME_SERIES.has(spec.name)) {
      // Only the newest date's partitions can hold the newest bar; read them again only when one changed.
      const newest = partitions.filter((p) => p.date === to).map((p) => `${p.path}\u0000${versions.get(p.path) ?? ''}`).join('\u0001');
      const known = this.lastBars.get(spec.name);
      if (known?.versions === newest) lastBarAt = known.lastBarAt;
      else {
        // Columns, not records: only the largest timestamp is wanted.
        for await (const { columns, nulls, length } of ds.readColumns({ from: to, to, columns: ['timestamp'], onCorrupt: 'skip' })) {
          const ts = columns.timestamp as Float64Array;
          const isNull = nulls.timestamp;
          for (let i = 0; i < length; i++) if (!isNull?.[i] && (lastBarAt === null || ts[i]! > lastBarAt)) lastBarAt = ts[i]!;
        }
        this.lastBars.set(spec.name, { versions: newest, lastBarAt });
      }
    }
    return {
      cov: {
        dataset: spec.name,
        tickers: [...tickers].sort(),
        partitions: partitions.length,
        rows: days.reduce((n, d) => n + d.rows, 0),
        bytes: days.reduce((n, d) => n + d.bytes, 0),
        from,
        to,
        days,
        missingTradingDays,
        corruptFiles,
      },
      lastBarAt,
    };
  }

  private async readSpace(): Promise<SpaceUsage> {
    const report = await spaceReport({ root: this.root, cache: this.footers });
    const areas: SpaceArea[] = [
      ...report.datasets.map((d) => ({ area: `${d.layer}/${d.dataset}`, bytes: d.bytes, files: d.files, rows: d.rows, compressionRatio: d.compressionRatio })),
      ...report.other.map((o) => ({ area: o.dir, bytes: o.bytes, files: o.files, rows: null, compressionRatio: null })),
    ].sort((a, b) => b.bytes - a.bytes || a.area.localeCompare(b.area));
    return { totalBytes: report.totalBytes, totalFiles: areas.reduce((n, a) => n + a.files, 0), areas };
  }

  private async rowsOf(file: string, corrupt: string[], versions: Map<string, string>): Promise<number> {
    let s;
    try {
      s = statSync(file);
    } catch {
      return 0; // removed since the listing
    }
    versions.set(file, `${s.size}:${s.mtimeMs}`);
    try {
      return (await this.footers.read(file, s)).rows;
    } catch (e) {
      if (isSpyglassError(e, 'NOT_FOUND')) return 0;
      if (!isSpyglassError(e, 'CORRUPT_FILE')) throw e;
      corrupt.push(file);
      return 0;
    }
  }
}
