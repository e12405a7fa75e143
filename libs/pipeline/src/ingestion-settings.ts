import type { Clock, Logger, SpyglassConfig } from '@spyglass/core';
import type { IngestionSettings } from './ingestion.js';

/**
 * Maps the validated configuration to {@link IngestionSettings}: the sources, retry policy,
 * de-duplication and contract-selection sections, with command-line overrides on top.
 *
 * @example
 * ```ts
 * const config = loadConfig({ dir: 'config', env: process.env });
 * const ingestion = new Ingestion(ingestionSettings(config, { logger }));
 * ```
 */
export function ingestionSettings(
  config: SpyglassConfig,
  extra: { logger?: Logger; clock?: Clock; dataRoot?: string; restBaseUrl?: string; apiKey?: string; requestsPerMinute?: number | null; input?: IngestionSettings['input'] } = {},
): IngestionSettings {
  const { massive, options } = config.sources;
  const restBaseUrl = extra.restBaseUrl ?? massive.rest.baseUrl;
  // Which endpoint the key is about to be sent to (the logger masks the key itself).
  extra.logger?.info({ endpoint: restBaseUrl }, `Massive REST endpoint: ${restBaseUrl}`);
  return {
    dataRoot: extra.dataRoot ?? config.settings.dataRoot,
    apiKey: extra.apiKey ?? massive.apiKey,
    restBaseUrl,
    requestsPerMinute: extra.requestsPerMinute !== undefined ? extra.requestsPerMinute : massive.rateLimit.requestsPerMinute,
    retryPolicy: config.retry,
    timeoutMs: massive.rest.timeoutMs,
    dedupCapacity: config.settings.dedup.lruSize,
    parquet: config.sinks.parquet,
    pageLimit: massive.rest.pageLimit,
    extendedHours: config.settings.marketHours.extendedHours,
    options: {
      mode: options.mode,
      params: {
        underlying: options.underlying,
        increment: options.strikeIncrement,
        nCalls: options.nCalls ?? options.strikesPerSide,
        nPuts: options.nPuts ?? options.strikesPerSide,
        expiry: options.expiry,
        ...(options.fixedExpiry ? { fixedExpiry: options.fixedExpiry } : {}),
      },
      discoveryRange: options.discoveryRange,
      concurrency: Math.max(2, config.pipeline.backfill.concurrency),
    },
    ...(extra.logger ? { logger: extra.logger } : {}),
    ...(extra.clock ? { clock: extra.clock } : {}),
    ...(extra.input ? { input: extra.input } : {}),
  };
}
