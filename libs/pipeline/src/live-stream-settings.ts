import type { Clock, Logger, SpyglassConfig } from '@spyglass/core';
import type { LiveStreamSettings } from './live-streams.js';

/**
 * Maps the validated configuration to {@link LiveStreamSettings}: the Massive WebSocket endpoint,
 * the streaming section (flush, queue, reconnect) and the heartbeat's stall time.
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const streams = new LiveStreams(ingestion, liveStreamSettings(config, { enforceMarketHours: true, logger }));
 * ```
 */
export function liveStreamSettings(config: SpyglassConfig, extra: { enforceMarketHours: boolean; logger?: Logger; clock?: Clock }): LiveStreamSettings {
  extra.logger?.info({ endpoint: config.sources.massive.ws.baseUrl }, `Massive WebSocket endpoint: ${config.sources.massive.ws.baseUrl}`);
  const s = config.sources.streaming;
  return {
    apiKey: config.sources.massive.apiKey,
    wsBaseUrl: config.sources.massive.ws.baseUrl,
    connectTimeoutMs: config.sources.massive.ws.connectTimeoutMs,
    flushSize: s.flushSize,
    flushIntervalMs: s.flushIntervalMs,
    queueCapacity: s.bufferSize,
    // An unset maxAttempts means "keep reconnecting": a live feed should outlast any outage.
    reconnect: { maxAttempts: s.reconnect.maxAttempts ?? Number.MAX_SAFE_INTEGER, initialDelayMs: s.reconnect.initialDelayMs, backoffBase: s.reconnect.backoffBase, maxDelayMs: s.reconnect.maxDelayMs, jitter: 0.2 },
    stallTimeoutMs: config.settings.monitoring.heartbeat.stallAfterMs,
    enforceMarketHours: extra.enforceMarketHours,
    ...(extra.logger ? { logger: extra.logger } : {}),
    ...(extra.clock ? { clock: extra.clock } : {}),
  };
}
