import { createMetricsServer, type HealthSnapshot } from '@spyglass/monitoring';
import { createStreamSupervisor, type StreamerSummary, type StreamOutcome, type StreamSupervisorOptions } from '@spyglass/pipeline';

/**
 * Options of {@link startStreamer}: the supervisor's, plus the port of the HTTP endpoints.
 *
 * @example
 * ```ts
 * const opts: StreamerOptions = { config, logger, port: 9464, ignoreMarketHours: false };
 * ```
 */
export interface StreamerOptions extends StreamSupervisorOptions {
  /** Port of `/metrics` and `/health` on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
}

/**
 * A running daemon.
 *
 * @example
 * ```ts
 * const streamer = await startStreamer({ config, logger, port: 9464, ignoreMarketHours: false });
 * process.once('SIGTERM', () => void streamer.stop());
 * const summary = await streamer.done;
 * ```
 */
export interface Streamer {
  /** Base URL of `/metrics` and `/health`, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Resolves once every stream has ended (stopped, failed, or its feed closed). Never rejects. */
  readonly done: Promise<StreamerSummary>;
  /** Aborts every stream (each flushes what it buffered), waits for them, closes the server. Idempotent. */
  stop(): Promise<StreamerSummary>;
  /** The health snapshot `/health` serves. */
  health(): Promise<HealthSnapshot>;
  /** Each stream's outcome so far. */
  outcomes(): StreamOutcome[];
}

/**
 * The daemon as wiring: pipeline's stream supervisor, with its metrics and health served on
 * 127.0.0.1 (`/metrics` Prometheus, `/health` JSON, 503 when critical) before the streams start.
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const logger = createLogger({ secrets: configSecrets(config) });
 * const streamer = await startStreamer({ config, logger, port: 9464, ignoreMarketHours: false });
 * process.once('SIGTERM', () => void streamer.stop());
 * const summary = await streamer.done;
 * ```
 */
export async function startStreamer(options: StreamerOptions): Promise<Streamer> {
  const supervisor = createStreamSupervisor(options);
  const server = await createMetricsServer({ port: options.port, host: '127.0.0.1', registry: supervisor.metrics.registry, health: () => supervisor.health() });
  options.logger.info({ url: server.url }, `streamer: /metrics and /health on ${server.url}`);
  const done = supervisor.start();
  let stopping: Promise<StreamerSummary> | undefined;
  return {
    url: server.url,
    done,
    health: () => supervisor.health(),
    outcomes: () => supervisor.outcomes(),
    stop: () =>
      (stopping ??= (async () => {
        const summary = await supervisor.stop();
        await server.close();
        return summary;
      })()),
  };
}
