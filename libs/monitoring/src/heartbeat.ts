import { systemClock, type Clock, type Logger } from '@spyglass/core';

/**
 * One liveness record: who, when, when it last made progress, its counters, and whether it stalled.
 *
 * @example
 * ```ts
 * const r: HeartbeatRecord = hb.snapshot(); // { component: 'streamer', at, lastProgressAt, progress: { bars: 1200 }, stalled: false }
 * ```
 */
export interface HeartbeatRecord {
  component: string;
  /** Instant of this record, UTC epoch ms. */
  at: number;
  /** Last `touch()` (or the start), UTC epoch ms. */
  lastProgressAt: number;
  /** The counters last passed to `touch()`, e.g. `{ bars: 1200, quarantined: 3 }`. */
  progress: Record<string, number>;
  /** No progress for `stallAfterMs` or longer. */
  stalled: boolean;
}

/**
 * Options of {@link Heartbeat}.
 *
 * @example
 * ```ts
 * const opts: HeartbeatOptions = { component: 'streamer', ...config.settings.monitoring.heartbeat };
 * ```
 */
export interface HeartbeatOptions {
  component: string;
  /** Time between liveness records; default 5 minutes. */
  intervalMs?: number;
  /** No progress for this long is a stall; default 15 minutes. */
  stallAfterMs?: number;
  clock?: Clock;
  onBeat?: (r: HeartbeatRecord) => void;
  /** Called once per stall episode (again only after progress resumed and stalled anew). */
  onStall?: (r: HeartbeatRecord) => void;
  /** When given, beats are logged at info and stalls at warn. */
  logger?: Logger;
}

/**
 * Periodic liveness record and stall detection for a long-running component (streamer, worker).
 * The component calls `touch()` whenever it makes progress; every `intervalMs` a record is emitted,
 * and once no progress was seen for `stallAfterMs` the stall callback fires.
 *
 * @example
 * ```ts
 * const hb = new Heartbeat({ component: 'streamer', onStall: (r) => alert(`stalled since ${new Date(r.lastProgressAt).toISOString()}`) });
 * hb.start();
 * stream.on('bars', (n) => hb.touch({ bars: (total += n) }));
 * process.on('SIGTERM', () => hb.stop());
 * ```
 */
export class Heartbeat {
  private readonly component: string;
  private readonly intervalMs: number;
  private readonly stallAfterMs: number;
  private readonly clock: Clock;
  private readonly opts: HeartbeatOptions;
  private lastProgressAt: number;
  private progress: Record<string, number> = {};
  private stallReported = false;
  private controller: AbortController | null = null;

  constructor(opts: HeartbeatOptions) {
    this.opts = opts;
    this.component = opts.component;
    this.intervalMs = opts.intervalMs ?? 300_000;
    this.stallAfterMs = opts.stallAfterMs ?? 900_000;
    this.clock = opts.clock ?? systemClock;
    this.lastProgressAt = this.clock.now();
  }

  /** Starts beating every `intervalMs`; progress is counted from now. Idempotent. */
  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    this.lastProgressAt = this.clock.now();
    void this.loop(this.controller.signal);
  }

  /** Stops beating (pending timer cancelled, so it does not hold the process open). */
  stop(): void {
    this.controller?.abort();
    this.controller = null;
  }

  /** Records progress now; `progress` replaces the counters it names (pass running totals). */
  touch(progress?: Record<string, number>): void {
    this.lastProgressAt = this.clock.now();
    this.stallReported = false;
    if (progress) this.progress = { ...this.progress, ...progress };
  }

  /** The current record, without emitting it. */
  snapshot(): HeartbeatRecord {
    const at = this.clock.now();
    return {
      component: this.component,
      at,
      lastProgressAt: this.lastProgressAt,
      progress: { ...this.progress },
      stalled: at - this.lastProgressAt >= this.stallAfterMs,
    };
  }

  /** Emits a record now (also what the timer calls): onBeat, then onStall on a new stall. */
  beat(): HeartbeatRecord {
    const record = this.snapshot();
    this.safely('onBeat', () => this.opts.onBeat?.(record));
    this.opts.logger?.info({ heartbeat: record }, `${this.component}: heartbeat`);
    if (record.stalled && !this.stallReported) {
      this.stallReported = true;
      this.opts.logger?.warn({ heartbeat: record }, `${this.component}: stalled, no progress for ${record.at - record.lastProgressAt} ms`);
      this.safely('onStall', () => this.opts.onStall?.(record));
    }
    return record;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(this.intervalMs, signal);
      } catch {
        return; // stopped
      }
      this.beat();
    }
  }

  // A failing callback must not end the heartbeat: that would hide exactly the stall it watches for.
  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.opts.logger?.error({ err: e }, `${this.component}: heartbeat ${what} callback failed`);
    }
  }
}
