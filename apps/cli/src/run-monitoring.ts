// Heartbeat and performance files of the CLI's long runs (backfill*, download-options, stream-*), where
// `purge --category heartbeat|metrics` looks: the data root's `heartbeat/` and `metrics/` (core's
// dataRootLayout). Before, only log lines carried them and the two purge categories had nothing to purge.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dataRootLayout, type Logger, type SpyglassConfig } from '@spyglass/core';
import { Heartbeat, PerformanceMonitor, type HeartbeatRecord } from '@spyglass/monitoring';
import { performanceThresholds } from '@spyglass/pipeline';
import { writeFileAtomic } from '@spyglass/storage';

/**
 * The liveness and timing of one long run: `start()`, then `done()` per unit of work (a day, a
 * flush), then `stop()`. Shaped as pipeline's `LivenessPort`, so a live stream drives it too.
 *
 * @example
 * ```ts
 * const monitor = runMonitor(ctx.dataRoot, ctx.config, ctx.logger, 'backfill:SPY');
 * monitor.start();
 * monitor.done('day', { durationMs: 850, items: 390 }, { days: 1, bars: 390 });
 * await monitor.stop();
 * ```
 */
export interface RunMonitor {
  /** Starts beating; the first record is written at once, so a run shorter than the interval leaves one. */
  start(): void;
  /** Progress without a timed unit (the heartbeat's counters). */
  touch(progress?: Record<string, number>): void;
  /** One unit done: its duration and items feed the performance monitor, `progress` the heartbeat. */
  done(operation: string, sample: { durationMs: number; items: number }, progress: Record<string, number>): void;
  /** Stops beating; resolves once the final heartbeat record and performance snapshot are on disk. */
  stop(): Promise<void>;
}

/**
 * A {@link RunMonitor} writing `heartbeat/<component>.json` (atomically, the latest record) and
 * appending its performance snapshot to `metrics/<component>-<YYYY-MM>.jsonl` with every beat
 * (every `settings.monitoring.heartbeat.intervalMs`, at the start and at the stop). A failed write is
 * logged, never thrown: a full disk must not stop a backfill.
 *
 * @example
 * ```ts
 * const monitor = runMonitor(ctx.dataRoot, ctx.config, ctx.logger, 'download-options');
 * ```
 */
export function runMonitor(root: string, config: SpyglassConfig, logger: Logger, component: string): RunMonitor {
  const layout = dataRootLayout(root);
  const hb = config.settings.monitoring.heartbeat;
  const performance = new PerformanceMonitor({ session: component, thresholds: performanceThresholds(config.settings.monitoring.performance) });
  performance.onAlert((a) => logger.warn({ alert: a }, a.message));
  let tail = Promise.resolve();
  const write = (file: string, op: () => Promise<void>) => {
    tail = tail
      .then(() => mkdir(dirname(file), { recursive: true }))
      .then(op)
      .catch((e: unknown) => logger.warn({ err: e, file }, `${component}: not written: ${file}`));
  };
  const onBeat = (r: HeartbeatRecord) => {
    const heartbeatFile = layout.heartbeatFile(component);
    write(heartbeatFile, () => writeFileAtomic(heartbeatFile, `${JSON.stringify(r)}\n`));
    const snapshot = performance.snapshot();
    const metricsFile = layout.metricsLog(component, snapshot.at);
    write(metricsFile, () => appendFile(metricsFile, `${JSON.stringify(snapshot)}\n`));
  };
  const heartbeat = new Heartbeat({
    component,
    intervalMs: hb.intervalMs,
    stallAfterMs: hb.stallAfterMs,
    onBeat,
    onStall: (r) => logger.error({ heartbeat: r }, `${component}: no progress for ${Math.round(hb.stallAfterMs / 60_000)} minutes`),
  });
  return {
    start() {
      heartbeat.start();
      heartbeat.beat();
    },
    touch(progress) {
      heartbeat.touch(progress);
    },
    done(operation, sample, progress) {
      performance.record(operation, sample);
      heartbeat.touch(progress);
    },
    async stop() {
      heartbeat.stop();
      heartbeat.beat();
      await tail;
    },
  };
}
