import { SpyglassError, systemClock, type Clock } from '@spyglass/core';
import { fmtMs } from './format-duration.js';
import { defaultPerformanceThresholds, thresholdsFor, type PerformanceThresholds } from './performance-thresholds.js';

/**
 * What a check found. `recovery` is emitted once when an earlier condition clears.
 *
 * @example
 * ```ts
 * monitor.onAlert((a) => { if (a.kind === ('hung' satisfies PerformanceAlertKind)) restart(); });
 * ```
 */
export type PerformanceAlertKind = 'overrun' | 'stale' | 'hung' | 'no_data' | 'degradation' | 'burst' | 'recovery';

/**
 * Severity of an alert; `critical` means an operator should act now.
 *
 * @example
 * ```ts
 * const page = alerts.some((a) => a.severity === ('critical' satisfies AlertSeverity));
 * ```
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/**
 * One finding of {@link PerformanceMonitor.check} (or an overrun reported as it happens).
 *
 * @example
 * ```ts
 * monitor.onAlert((a: PerformanceAlert) => log.warn({ session: a.session, op: a.operation }, a.message));
 * ```
 */
export interface PerformanceAlert {
  readonly kind: PerformanceAlertKind;
  readonly severity: AlertSeverity;
  readonly operation: string;
  /** The worker's session label, so alerts of parallel workers can be told apart. */
  readonly session: string;
  /** Clock time of the finding, UTC epoch ms. */
  readonly at: number;
  readonly message: string;
  /** The measured value (ms, count or ratio) that crossed the threshold. */
  readonly value?: number;
  readonly threshold?: number;
  /** For `recovery`: which condition cleared. */
  readonly recovered?: PerformanceAlertKind;
}

/**
 * One completed operation as kept in the window.
 *
 * @example
 * ```ts
 * const s: OperationSample = monitor.record('ws.message', { durationMs: 12, items: 3 });
 * ```
 */
export interface OperationSample {
  readonly operation: string;
  /** Start time, UTC epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** Items (bars, rows, records) the operation handled; drives throughput and no-data detection. */
  readonly items: number;
  readonly ok: boolean;
}

/**
 * Aggregates of one operation over the window.
 *
 * @example
 * ```ts
 * const s: OperationStats | undefined = monitor.stats('rest.fetch'); // { count, p95Ms, itemsPerSecond, … }
 * ```
 */
export interface OperationStats {
  readonly operation: string;
  readonly count: number;
  readonly failures: number;
  readonly items: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Items per second over the part of the window the monitor has been observing. */
  readonly itemsPerSecond: number;
  readonly operationsPerSecond: number;
  /** End of the last completed operation, or null when none is in the window. */
  readonly lastCompletedAt: number | null;
  /** End of the last operation that carried items (kept beyond the window). */
  readonly lastDataAt: number | null;
}

/**
 * A running operation; call `end` exactly once.
 *
 * @example
 * ```ts
 * const t: OperationTimer = monitor.begin('parquet.write'); t.end({ items: 390 });
 * ```
 */
export interface OperationTimer {
  readonly id: number;
  readonly operation: string;
  readonly startedAt: number;
  /** Completes the operation and records its sample. A second call throws INVALID_ARGUMENT. */
  end(result?: { items?: number; ok?: boolean }): OperationSample;
}

/**
 * Everything the monitor knows, as plain JSON (used by the health snapshot and `spyglass health`).
 *
 * @example
 * ```ts
 * const snap: PerformanceSnapshot = monitor.snapshot();
 * ```
 */
export interface PerformanceSnapshot {
  readonly session: string;
  readonly at: number;
  readonly windowMs: number;
  readonly operations: OperationStats[];
  readonly inFlight: Array<{ id: number; operation: string; startedAt: number; runningMs: number }>;
  readonly alerts: PerformanceAlert[];
}

/**
 * Options of {@link PerformanceMonitor}.
 *
 * @example
 * ```ts
 * const opts: PerformanceMonitorOptions = { session: 'backfill:SPY', isActive: (t) => nyseCalendar.isOpen(t) };
 * ```
 */
export interface PerformanceMonitorOptions {
  /** Label of the worker/session (e.g. `backfill:SPY`), copied into every alert and snapshot. */
  readonly session: string;
  readonly thresholds?: PerformanceThresholds;
  readonly clock?: Clock;
  /** Window kept for statistics; older samples are pruned. Default one hour. */
  readonly windowMs?: number;
  /** Hard cap per operation so a very hot operation cannot grow memory without bound. */
  readonly maxSamplesPerOperation?: number;
  /**
   * Whether data is expected at time `t` (e.g. `nyseCalendar.isOpen`). `no_data` is only raised
   * while this returns true; by default data is always expected.
   */
  readonly isActive?: (t: number) => boolean;
}

const ONE_HOUR = 3_600_000;
// Conditions that announce their own end with a `recovery` alert.
const recoverable: ReadonlySet<PerformanceAlertKind> = new Set(['stale', 'hung', 'no_data', 'degradation', 'burst']);

interface OperationState {
  samples: OperationSample[];
  lastDataAt: number | null;
  /** When the operation was first seen or expected: the no-data clock starts here. */
  since: number;
  /** Declared with expect() or seen carrying items: only such operations can have "no data". */
  carriesData: boolean;
}

/**
 * Times operations per worker session over a pruned one-hour window and flags overruns, stale and
 * hung operations, missing data, degradation against the window's baseline, failure bursts and
 * recoveries, with thresholds from config and an injectable clock.
 *
 * @example
 * ```ts
 * const monitor = new PerformanceMonitor({ session: 'backfill:SPY', thresholds: defaultPerformanceThresholds });
 * monitor.onAlert((a) => log.warn(a, a.message));
 * const bars = await monitor.time('rest.fetch', () => client.fetchDay('SPY', '2025-03-04'), (b) => b.length);
 * for (const alert of monitor.check()) console.log(alert.kind, alert.operation);
 * ```
 */
export class PerformanceMonitor {
  readonly session: string;
  private readonly thresholds: PerformanceThresholds;
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly maxSamples: number;
  private readonly isActive: (t: number) => boolean;
  private readonly createdAt: number;
  private readonly ops = new Map<string, OperationState>();
  private readonly running = new Map<number, { operation: string; startedAt: number }>();
  private readonly listeners = new Set<(alert: PerformanceAlert) => void>();
  private readonly sampleListeners = new Set<(sample: OperationSample) => void>();
  private pendingOverruns: PerformanceAlert[] = [];
  private active = new Map<string, PerformanceAlert>();
  private nextId = 1;

  constructor(options: PerformanceMonitorOptions) {
    if (!options.session) {
      throw new SpyglassError('INVALID_ARGUMENT', 'PerformanceMonitor: session label must be a non-empty string');
    }
    this.session = options.session;
    this.thresholds = options.thresholds ?? defaultPerformanceThresholds;
    this.clock = options.clock ?? systemClock;
    this.windowMs = options.windowMs ?? ONE_HOUR;
    this.maxSamples = options.maxSamplesPerOperation ?? 100_000;
    this.isActive = options.isActive ?? (() => true);
    this.createdAt = this.clock.now();
  }

  /**
   * Declares an operation that must produce data, so `no_data` fires even if it never ran.
   * (Operations that once recorded items are watched for `no_data` automatically; others, like a
   * query that reports no item count, never are.)
   *
   * @example
   * ```ts
   * monitor.expect('ws.bars');
   * ```
   */
  expect(operation: string): void {
    this.state(operation).carriesData = true;
  }

  /**
   * Starts timing an operation; the returned timer's `end` records it.
   *
   * @example
   * ```ts
   * const t = monitor.begin('parquet.write');
   * await dataset.write(bars);
   * t.end({ items: bars.length });
   * ```
   */
  begin(operation: string): OperationTimer {
    const id = this.nextId++;
    const startedAt = this.clock.now();
    this.running.set(id, { operation, startedAt });
    return {
      id,
      operation,
      startedAt,
      end: (result = {}) => {
        if (!this.running.delete(id)) {
          throw new SpyglassError('INVALID_ARGUMENT', `PerformanceMonitor: operation '${operation}' #${id} was already ended`);
        }
        return this.add({
          operation,
          startedAt,
          durationMs: this.clock.now() - startedAt,
          items: result.items ?? 0,
          ok: result.ok ?? true,
        });
      },
    };
  }

  /**
   * Times `fn`; a throw is recorded as a failure and rethrown. `items` counts what it handled.
   *
   * @example
   * ```ts
   * const rows = await monitor.time('duckdb.query', () => db.all(sql), (r) => r.length);
   * ```
   */
  async time<T>(operation: string, fn: () => T | Promise<T>, items?: number | ((result: T) => number)): Promise<T> {
    const timer = this.begin(operation);
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      timer.end({ ok: false });
      throw e;
    }
    timer.end({ items: typeof items === 'function' ? items(result) : (items ?? 0) });
    return result;
  }

  /**
   * Records an operation measured elsewhere (e.g. a latency reported by a worker process).
   *
   * @example
   * ```ts
   * monitor.record('ws.message', { durationMs: 12, items: 3 });
   * ```
   */
  record(operation: string, sample: { durationMs: number; items?: number; ok?: boolean; startedAt?: number }): OperationSample {
    if (!Number.isFinite(sample.durationMs) || sample.durationMs < 0) {
      throw new SpyglassError('INVALID_ARGUMENT', `PerformanceMonitor.record('${operation}'): durationMs must be >= 0, got ${sample.durationMs}`);
    }
    return this.add({
      operation,
      startedAt: sample.startedAt ?? this.clock.now() - sample.durationMs,
      durationMs: sample.durationMs,
      items: sample.items ?? 0,
      ok: sample.ok ?? true,
    });
  }

  /**
   * Subscribes to alerts as they are raised (overruns at once, other conditions at `check`).
   *
   * @example
   * ```ts
   * const off = monitor.onAlert((a) => console.warn(a.message));
   * off();
   * ```
   */
  onAlert(listener: (alert: PerformanceAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes to every completed sample (used to feed Prometheus histograms).
   *
   * @example
   * ```ts
   * monitor.onSample((s) => histogram.observe({ operation: s.operation }, s.durationMs / 1000));
   * ```
   */
  onSample(listener: (sample: OperationSample) => void): () => void {
    this.sampleListeners.add(listener);
    return () => this.sampleListeners.delete(listener);
  }

  /**
   * Statistics of one operation over the window, or undefined when it was never seen.
   *
   * @example
   * ```ts
   * monitor.stats('rest.fetch')?.p95Ms;
   * ```
   */
  stats(operation: string): OperationStats | undefined {
    const state = this.ops.get(operation);
    if (!state) return undefined;
    const now = this.clock.now();
    this.prune(state, now);
    const { samples } = state;
    const durations = samples.map((s) => s.durationMs).sort((a, b) => a - b);
    const items = samples.reduce((n, s) => n + s.items, 0);
    const observedSeconds = Math.max(1, Math.min(this.windowMs, now - state.since)) / 1000;
    const last = samples[samples.length - 1];
    return {
      operation,
      count: samples.length,
      failures: samples.filter((s) => !s.ok).length,
      items,
      meanMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0,
      p50Ms: quantile(durations, 0.5),
      p95Ms: quantile(durations, 0.95),
      maxMs: durations.length ? durations[durations.length - 1] : 0,
      itemsPerSecond: items / observedSeconds,
      operationsPerSecond: samples.length / observedSeconds,
      lastCompletedAt: last ? last.startedAt + last.durationMs : null,
      lastDataAt: state.lastDataAt,
    };
  }

  /**
   * Evaluates every threshold now. Returns the overruns since the previous check, every condition
   * currently active and a `recovery` for each condition that cleared; listeners hear each newly
   * raised condition and recovery once.
   *
   * @example
   * ```ts
   * setInterval(() => monitor.check(), 30_000);
   * ```
   */
  check(): PerformanceAlert[] {
    const now = this.clock.now();
    const found = new Map<string, PerformanceAlert>();
    const raise = (key: string, alert: Omit<PerformanceAlert, 'session' | 'at'>) =>
      found.set(key, { ...alert, session: this.session, at: now });

    for (const [id, run] of this.running) {
      const limits = thresholdsFor(this.thresholds, run.operation);
      const runningMs = now - run.startedAt;
      if (runningMs >= limits.hungMs) {
        raise(`running:${run.operation}:${id}`, {
          kind: 'hung', severity: 'critical', operation: run.operation, value: runningMs, threshold: limits.hungMs,
          message: `${run.operation} #${id} has been running ${fmtMs(runningMs)} (hung after ${fmtMs(limits.hungMs)})`,
        });
      } else if (runningMs >= limits.staleMs) {
        raise(`running:${run.operation}:${id}`, {
          kind: 'stale', severity: 'warning', operation: run.operation, value: runningMs, threshold: limits.staleMs,
          message: `${run.operation} #${id} has been running ${fmtMs(runningMs)} (stale after ${fmtMs(limits.staleMs)})`,
        });
      }
    }

    for (const [operation, state] of this.ops) {
      this.prune(state, now);
      const limits = thresholdsFor(this.thresholds, operation);
      const quietMs = now - (state.lastDataAt ?? state.since);
      if (state.carriesData && quietMs >= limits.noDataMs && this.isActive(now)) {
        raise(`no_data:${operation}`, {
          kind: 'no_data', severity: 'warning', operation, value: quietMs, threshold: limits.noDataMs,
          message: `${operation}: no data for ${fmtMs(quietMs)} (limit ${fmtMs(limits.noDataMs)})`,
        });
      }
      const recentFrom = now - limits.recentWindowMs;
      const recent = state.samples.filter((s) => s.startedAt >= recentFrom);
      const baseline = state.samples.filter((s) => s.startedAt < recentFrom);
      if (recent.length >= limits.minSamples && baseline.length >= limits.minSamples) {
        const ratio = mean(recent) / Math.max(mean(baseline), Number.EPSILON);
        if (ratio >= limits.degradationFactor) {
          raise(`degradation:${operation}`, {
            kind: 'degradation', severity: 'warning', operation, value: ratio, threshold: limits.degradationFactor,
            message: `${operation}: recent mean ${fmtMs(mean(recent))} is ${ratio.toFixed(1)}x the baseline ${fmtMs(mean(baseline))}`,
          });
        }
      }
      const burstFrom = now - limits.burstWindowMs;
      const bad = state.samples.filter((s) => s.startedAt + s.durationMs >= burstFrom && (!s.ok || s.durationMs > limits.overrunMs)).length;
      if (bad >= limits.burstCount) {
        raise(`burst:${operation}`, {
          kind: 'burst', severity: 'critical', operation, value: bad, threshold: limits.burstCount,
          message: `${operation}: ${bad} failures/overruns within ${fmtMs(limits.burstWindowMs)}`,
        });
      }
    }

    const alerts: PerformanceAlert[] = [...this.pendingOverruns];
    this.pendingOverruns = [];
    for (const [key, alert] of found) {
      alerts.push(alert);
      // A stale operation escalating to hung is announced again; an unchanged condition is not.
      if (this.active.get(key)?.kind !== alert.kind) this.emit(alert);
    }
    for (const [key, previous] of this.active) {
      if (found.has(key) || !recoverable.has(previous.kind)) continue;
      const recovery: PerformanceAlert = {
        kind: 'recovery', severity: 'info', operation: previous.operation, session: this.session, at: now,
        recovered: previous.kind, message: `${previous.operation}: recovered from ${previous.kind}`,
      };
      alerts.push(recovery);
      this.emit(recovery);
    }
    this.active = found;
    return alerts;
  }

  /**
   * A JSON-ready view of every operation, the running ones and the currently active conditions.
   *
   * @example
   * ```ts
   * console.log(JSON.stringify(monitor.snapshot(), null, 2));
   * ```
   */
  snapshot(): PerformanceSnapshot {
    const now = this.clock.now();
    return {
      session: this.session,
      at: now,
      windowMs: this.windowMs,
      operations: [...this.ops.keys()].sort().map((op) => this.stats(op)!),
      inFlight: [...this.running].map(([id, r]) => ({ id, operation: r.operation, startedAt: r.startedAt, runningMs: now - r.startedAt })),
      alerts: [...this.active.values()],
    };
  }

  private state(operation: string): OperationState {
    let state = this.ops.get(operation);
    if (!state) {
      state = { samples: [], lastDataAt: null, since: Math.max(this.createdAt, this.clock.now() - this.windowMs), carriesData: false };
      this.ops.set(operation, state);
    }
    return state;
  }

  private add(sample: OperationSample): OperationSample {
    const state = this.state(sample.operation);
    state.samples.push(sample);
    if (state.samples.length > this.maxSamples) state.samples.splice(0, state.samples.length - this.maxSamples);
    const end = sample.startedAt + sample.durationMs;
    if (sample.ok && sample.items > 0) {
      state.lastDataAt = Math.max(state.lastDataAt ?? end, end);
      state.carriesData = true;
    }
    this.prune(state, this.clock.now());
    for (const listener of this.sampleListeners) listener(sample);
    const limits = thresholdsFor(this.thresholds, sample.operation);
    if (sample.durationMs > limits.overrunMs) {
      const alert: PerformanceAlert = {
        kind: 'overrun', severity: 'warning', operation: sample.operation, session: this.session, at: end,
        value: sample.durationMs, threshold: limits.overrunMs,
        message: `${sample.operation} took ${fmtMs(sample.durationMs)} (limit ${fmtMs(limits.overrunMs)})`,
      };
      this.pendingOverruns.push(alert);
      // Keep at most one window's worth of unread overruns.
      if (this.pendingOverruns.length > 1000) this.pendingOverruns.shift();
      this.emit(alert);
    }
    return sample;
  }

  private prune(state: OperationState, now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < state.samples.length && state.samples[drop].startedAt + state.samples[drop].durationMs < from) drop++;
    if (drop > 0) state.samples.splice(0, drop);
  }

  private emit(alert: PerformanceAlert): void {
    for (const listener of this.listeners) listener(alert);
  }
}

function mean(samples: OperationSample[]): number {
  return samples.reduce((n, s) => n + s.durationMs, 0) / samples.length;
}

// Nearest-rank quantile of an ascending array.
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
