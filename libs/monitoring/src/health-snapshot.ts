import { systemClock, type Clock, type MarketCalendar } from '@spyglass/core';
import type { HeartbeatRecord } from './heartbeat.js';
import type { ErrorSummary } from './error-aggregator.js';
import { fmtMs } from './format-duration.js';
import type { HardwareSample } from './hardware-monitor.js';
import { marketTimeBetween } from './market-time.js';
import type { PerformanceSnapshot } from './performance-monitor.js';

/**
 * Overall or per-check status, ordered by severity.
 *
 * @example
 * ```ts
 * const s: HealthStatus = snapshot.status; // 'ok' | 'warn' | 'critical'
 * ```
 */
export type HealthStatus = 'ok' | 'warn' | 'critical';

/**
 * A value, or a (possibly async) function producing it: lets the caller wire storage lazily.
 *
 * @example
 * ```ts
 * const p: Provider<QuarantineCount[]> = async () => [{ dataset: 'stocks', records: 3 }];
 * ```
 */
export type Provider<T> = T | (() => T | Promise<T>);

/**
 * A runner (historical, streaming, parallel) as reported by its owner.
 *
 * @example
 * ```ts
 * const r: RunnerHealth = { name: 'stream', state: 'running', heartbeat: hb.snapshot() };
 * ```
 */
export interface RunnerHealth {
  readonly name: string;
  readonly state: 'running' | 'idle' | 'stopped' | 'failed';
  /** Last heartbeat, UTC epoch ms; a running runner silent longer than the stall limit is stalled. */
  readonly lastHeartbeatAt?: number | null;
  /** The runner's core `Heartbeat` record; when given, its own `stalled` verdict is used. */
  readonly heartbeat?: HeartbeatRecord;
  readonly detail?: string;
}

/**
 * One worker process of the parallel runner.
 *
 * @example
 * ```ts
 * const w: WorkerHealth = { id: 'w1', session: 'backfill:SPY', state: 'running', pid: 4242, lastHeartbeatAt: Date.now() };
 * ```
 */
export interface WorkerHealth {
  readonly id: string;
  /** Session label, e.g. `backfill:SPY`. */
  readonly session: string;
  readonly state: 'starting' | 'running' | 'done' | 'stopped' | 'failed';
  readonly pid?: number;
  readonly startedAt?: number;
  readonly lastHeartbeatAt?: number | null;
  /** The worker's core `Heartbeat` record; when given, its own `stalled` verdict is used. */
  readonly heartbeat?: HeartbeatRecord;
  readonly error?: string;
}

/**
 * The newest bar of a dataset (from storage: the max timestamp of its latest partition).
 *
 * @example
 * ```ts
 * const d: DatasetFreshnessInput = { dataset: 'stocks', lastBarAt: Date.UTC(2025, 2, 4, 20, 59), live: true };
 * ```
 */
export interface DatasetFreshnessInput {
  readonly dataset: string;
  readonly lastBarAt: number | null;
  /** Datasets that are not expected to update in market hours (e.g. a frozen archive) are reported only. */
  readonly live?: boolean;
}

/**
 * Quarantined records of one dataset.
 *
 * @example
 * ```ts
 * const q: QuarantineCount = { dataset: 'options', records: 4, files: 1, lastDate: '2025-03-07' };
 * ```
 */
export interface QuarantineCount {
  readonly dataset: string;
  readonly records: number;
  readonly files?: number;
  /** Latest quarantine date (`YYYY-MM-DD`). */
  readonly lastDate?: string | null;
}

/**
 * Schema-drift state of one dataset, as the storage drift monitor reports it.
 *
 * @example
 * ```ts
 * const s: SchemaDriftState = { dataset: 'raw/options', state: 'drift', changes: ['new column vwap (float64)'] };
 * ```
 */
export interface SchemaDriftState {
  readonly dataset: string;
  readonly state: 'ok' | 'drift' | 'no_baseline';
  /** Human-readable changes, e.g. `added column vwap`, `close: double -> float`. */
  readonly changes?: readonly string[];
}

/**
 * Limits of the health checks.
 *
 * @example
 * ```ts
 * const t: HealthThresholds = { ...defaultHealthThresholds, heartbeatStallMs: 600_000 };
 * ```
 */
export interface HealthThresholds {
  /** Market time since the last bar of a live dataset before it is `warn`. */
  readonly freshnessWarnMs: number;
  /** ... and `critical`. */
  readonly freshnessCriticalMs: number;
  /** Silence of a running runner or worker before it counts as stalled (critical). */
  readonly heartbeatStallMs: number;
  readonly diskWarnPct: number;
  readonly diskCriticalPct: number;
  readonly memoryWarnPct: number;
}

/**
 * Defaults: a live dataset is late after 5 market minutes and critical after 30; a heartbeat silent
 * for 15 minutes is a stall (the original's stall alert); disk warns at 90 %, is critical at 97 %.
 *
 * @example
 * ```ts
 * buildHealthSnapshot({ thresholds: { ...defaultHealthThresholds, freshnessWarnMs: 120_000 } });
 * ```
 */
export const defaultHealthThresholds: HealthThresholds = Object.freeze({
  freshnessWarnMs: 5 * 60_000,
  freshnessCriticalMs: 30 * 60_000,
  heartbeatStallMs: 15 * 60_000,
  diskWarnPct: 90,
  diskCriticalPct: 97,
  memoryWarnPct: 90,
});

/**
 * Inputs of {@link buildHealthSnapshot}; every source is optional and injected.
 *
 * @example
 * ```ts
 * const inputs: HealthInputs = { calendar: nyseCalendar, datasets: [{ dataset: 'stocks', lastBarAt: null }] };
 * ```
 */
export interface HealthInputs {
  readonly clock?: Clock;
  /** Trading calendar for market-time freshness; without it, wall-clock lag is used. */
  readonly calendar?: MarketCalendar;
  readonly runners?: Provider<readonly RunnerHealth[]>;
  readonly workers?: Provider<readonly WorkerHealth[]>;
  readonly datasets?: Provider<readonly DatasetFreshnessInput[]>;
  readonly quarantine?: Provider<readonly QuarantineCount[]>;
  readonly schemaDrift?: Provider<readonly SchemaDriftState[]>;
  readonly performance?: Provider<readonly PerformanceSnapshot[]>;
  readonly errors?: Provider<readonly ErrorSummary[]>;
  readonly hardware?: Provider<HardwareSample>;
  /** Stored partitions checked against their checkpoints (`spyglass verify`). */
  readonly integrity?: Provider<IntegrityState | null>;
  readonly thresholds?: Partial<HealthThresholds>;
}

/**
 * Stored partitions checked against what their checkpoints vouch for.
 *
 * @example
 * ```ts
 * const s: IntegrityState = { checked: 250, problems: [{ file: 'data/raw/stocks/ticker=SPY/date=2025-03-04/part-0.parquet', kind: 'corrupt', reason: 'no PAR1 magic at the end' }] };
 * ```
 */
export interface IntegrityState {
  readonly checked: number;
  readonly problems: ReadonlyArray<{ readonly file: string; readonly kind: string; readonly reason: string }>;
}

/**
 * One named check with its verdict.
 *
 * @example
 * ```ts
 * const c: HealthCheck = { name: 'disk', status: 'warn', message: 'data: 91.2 % used' };
 * ```
 */
export interface HealthCheck {
  /** e.g. `runner:stream`, `worker:w1`, `freshness:stocks`, `quarantine`, `schema:options`, `disk`. */
  readonly name: string;
  readonly status: HealthStatus;
  readonly message: string;
}

/**
 * Freshness of one dataset.
 *
 * @example
 * ```ts
 * const late = snapshot.datasets.filter((d: DatasetFreshness) => d.status !== 'ok');
 * ```
 */
export interface DatasetFreshness extends DatasetFreshnessInput {
  /** Wall-clock time since the last bar, or null when there is none. */
  readonly lagMs: number | null;
  /** Regular-session time since the last bar (equals lagMs without a calendar). */
  readonly marketLagMs: number | null;
  readonly status: HealthStatus;
}

/**
 * The whole health picture, JSON-ready: `spyglass health --json` prints exactly this.
 *
 * @example
 * ```ts
 * const snapshot: HealthSnapshot = await buildHealthSnapshot({ calendar: nyseCalendar });
 * ```
 */
export interface HealthSnapshot {
  readonly at: number;
  readonly status: HealthStatus;
  /** Whether the regular session is open at `at` (null without a calendar). */
  readonly marketOpen: boolean | null;
  readonly checks: HealthCheck[];
  readonly runners: RunnerHealth[];
  readonly workers: WorkerHealth[];
  readonly datasets: DatasetFreshness[];
  readonly quarantine: QuarantineCount[];
  readonly schemaDrift: SchemaDriftState[];
  readonly performance: PerformanceSnapshot[];
  readonly errors: ErrorSummary[];
  readonly hardware: HardwareSample | null;
  readonly integrity: IntegrityState | null;
}

const rank: Record<HealthStatus, number> = { ok: 0, warn: 1, critical: 2 };

/**
 * The worse of two statuses.
 *
 * @example
 * ```ts
 * worstStatus('ok', 'warn'); // 'warn'
 * ```
 */
export function worstStatus(a: HealthStatus, b: HealthStatus): HealthStatus {
  return rank[a] >= rank[b] ? a : b;
}

async function resolveProvider<T>(name: string, provider: Provider<T> | undefined, fallback: T, checks: HealthCheck[]): Promise<T> {
  if (provider === undefined) return fallback;
  try {
    return typeof provider === 'function' ? await (provider as () => T | Promise<T>)() : provider;
  } catch (e) {
    // Health must report a broken source, never crash on it.
    checks.push({ name: `source:${name}`, status: 'critical', message: `could not read ${name}: ${e instanceof Error ? e.message : String(e)}` });
    return fallback;
  }
}

/**
 * Builds one health snapshot from injected sources: runners and workers (with heartbeat stall
 * detection), per-dataset freshness measured in market time, quarantine counts, schema drift,
 * performance and error summaries, and hardware. A source that throws becomes a critical check.
 *
 * @example
 * ```ts
 * import { nyseCalendar } from '@spyglass/core';
 * const snapshot = await buildHealthSnapshot({
 *   calendar: nyseCalendar,
 *   datasets: async () => [{ dataset: 'stocks', lastBarAt: await lastBar('stocks'), live: true }],
 *   quarantine: [{ dataset: 'stocks', records: 3 }],
 *   hardware: () => hw.sample(),
 * });
 * console.log(renderHealthText(snapshot));
 * ```
 */
export async function buildHealthSnapshot(inputs: HealthInputs = {}): Promise<HealthSnapshot> {
  const clock = inputs.clock ?? systemClock;
  const limits: HealthThresholds = { ...defaultHealthThresholds, ...inputs.thresholds };
  const checks: HealthCheck[] = [];
  const [runners, workers, datasetInputs, quarantine, schemaDrift, performance, errors, hardware, integrity] = await Promise.all([
    resolveProvider('runners', inputs.runners, [], checks),
    resolveProvider('workers', inputs.workers, [], checks),
    resolveProvider('datasets', inputs.datasets, [], checks),
    resolveProvider('quarantine', inputs.quarantine, [], checks),
    resolveProvider('schemaDrift', inputs.schemaDrift, [], checks),
    resolveProvider('performance', inputs.performance, [], checks),
    resolveProvider('errors', inputs.errors, [], checks),
    resolveProvider<HardwareSample | null>('hardware', inputs.hardware, null, checks),
    resolveProvider<IntegrityState | null>('integrity', inputs.integrity, null, checks),
  ]);
  const now = clock.now();
  const marketOpen = inputs.calendar ? safeIsOpen(inputs.calendar, now) : null;

  const heartbeat = (name: string, running: boolean, last: number | null | undefined, what: string, record?: HeartbeatRecord): void => {
    if (!running) return;
    if (record) {
      // The Heartbeat judged the stall with its own stallAfterMs; report its progress counters.
      const idle = now - record.lastProgressAt;
      const counters = Object.entries(record.progress).map(([k, v]) => `${k}=${v}`).join(' ');
      checks.push(
        record.stalled
          ? { name, status: 'critical', message: `${what} stalled: no progress for ${fmtMs(idle)}${counters ? ` (${counters})` : ''}` }
          : { name, status: 'ok', message: `${what} running, progress ${fmtMs(idle)} ago${counters ? ` (${counters})` : ''}` },
      );
      return;
    }
    if (last == null) {
      checks.push({ name, status: 'warn', message: `${what} is running but has sent no heartbeat` });
      return;
    }
    const silent = now - last;
    checks.push(
      silent >= limits.heartbeatStallMs
        ? { name, status: 'critical', message: `${what} stalled: no heartbeat for ${fmtMs(silent)}` }
        : { name, status: 'ok', message: `${what} running, heartbeat ${fmtMs(silent)} ago` },
    );
  };
  for (const r of runners) {
    if (r.state === 'failed') checks.push({ name: `runner:${r.name}`, status: 'critical', message: `runner ${r.name} failed${r.detail ? `: ${r.detail}` : ''}` });
    else if (r.state !== 'running') checks.push({ name: `runner:${r.name}`, status: 'ok', message: `runner ${r.name} ${r.state}` });
    heartbeat(`runner:${r.name}`, r.state === 'running', r.lastHeartbeatAt, `runner ${r.name}`, r.heartbeat);
  }
  for (const w of workers) {
    if (w.state === 'failed') checks.push({ name: `worker:${w.id}`, status: 'critical', message: `worker ${w.id} (${w.session}) failed${w.error ? `: ${w.error}` : ''}` });
    heartbeat(`worker:${w.id}`, w.state === 'running', w.lastHeartbeatAt, `worker ${w.id} (${w.session})`, w.heartbeat);
  }

  const datasets = datasetInputs.map((d): DatasetFreshness => {
    if (d.lastBarAt == null) {
      checks.push({ name: `freshness:${d.dataset}`, status: 'warn', message: `${d.dataset}: no data yet` });
      return { ...d, lagMs: null, marketLagMs: null, status: 'warn' };
    }
    const lagMs = Math.max(0, now - d.lastBarAt);
    const marketLagMs = inputs.calendar ? marketTimeBetween(inputs.calendar, d.lastBarAt, now) : lagMs;
    let status: HealthStatus = 'ok';
    if (d.live !== false) {
      if (marketLagMs >= limits.freshnessCriticalMs) status = 'critical';
      else if (marketLagMs >= limits.freshnessWarnMs) status = 'warn';
    }
    checks.push({ name: `freshness:${d.dataset}`, status, message: `${d.dataset}: last bar ${fmtMs(marketLagMs)} of market time ago` });
    return { ...d, lagMs, marketLagMs, status };
  });

  const quarantined = quarantine.reduce((n, q) => n + q.records, 0);
  if (quarantine.length > 0) {
    checks.push({
      name: 'quarantine',
      status: quarantined > 0 ? 'warn' : 'ok',
      message: quarantined > 0 ? `${quarantined} quarantined record(s) in ${quarantine.filter((q) => q.records > 0).map((q) => q.dataset).join(', ')}` : 'no quarantined records',
    });
  }
  for (const s of schemaDrift) {
    checks.push({
      name: `schema:${s.dataset}`,
      status: s.state === 'drift' ? 'warn' : 'ok',
      message: s.state === 'drift' ? `${s.dataset}: schema drift (${(s.changes ?? []).join('; ') || 'changed'})` : s.state === 'no_baseline' ? `${s.dataset}: no schema baseline yet` : `${s.dataset}: schema matches baseline`,
    });
  }
  if (integrity) {
    const n = integrity.problems.length;
    checks.push({
      name: 'integrity',
      status: n > 0 ? 'critical' : 'ok',
      message: n > 0
        ? `${n} of ${integrity.checked} checkpointed partition(s) do not match their checkpoint: ${integrity.problems.slice(0, 3).map((p) => `${p.file} ${p.kind}`).join('; ')}${n > 3 ? '; …' : ''} (see spyglass verify)`
        : `${integrity.checked} checkpointed partition(s) match their checkpoints`,
    });
  }
  for (const p of performance) {
    const worst = p.alerts.reduce<HealthStatus>((w, a) => worstStatus(w, a.severity === 'critical' ? 'critical' : a.severity === 'warning' ? 'warn' : 'ok'), 'ok');
    checks.push({ name: `performance:${p.session}`, status: worst, message: p.alerts.length ? p.alerts.map((a) => a.message).join('; ') : `${p.operations.length} operation(s) within limits` });
  }
  if (hardware) {
    const d = hardware.disk.usedPct;
    checks.push({
      name: 'disk',
      status: d >= limits.diskCriticalPct ? 'critical' : d >= limits.diskWarnPct ? 'warn' : 'ok',
      message: `${hardware.disk.path}: ${d.toFixed(1)} % used, ${(hardware.disk.availableBytes / 2 ** 30).toFixed(1)} GiB free`,
    });
    checks.push({
      name: 'memory',
      status: hardware.memory.usedPct >= limits.memoryWarnPct ? 'warn' : 'ok',
      message: `${hardware.memory.usedPct.toFixed(1)} % of ${(hardware.memory.totalBytes / 2 ** 30).toFixed(1)} GiB used`,
    });
  }

  return {
    at: now,
    status: checks.reduce<HealthStatus>((s, c) => worstStatus(s, c.status), 'ok'),
    marketOpen,
    checks,
    runners: [...runners],
    workers: [...workers],
    datasets,
    quarantine: [...quarantine],
    schemaDrift: [...schemaDrift],
    performance: [...performance],
    errors: [...errors],
    hardware,
    integrity,
  };
}

function safeIsOpen(calendar: MarketCalendar, t: number): boolean | null {
  try {
    return calendar.isOpen(t);
  } catch {
    return null; // outside the calendar's known years
  }
}
