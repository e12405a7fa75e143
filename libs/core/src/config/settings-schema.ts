import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');
const positiveMs = z.number().int().positive();
/** Days to keep, or null to keep forever. */
const retentionDays = z.number().int().positive().nullable();

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * `config/settings.yaml`: data root, logging, market hours, monitoring thresholds, dedup and retention.
 *
 * @example
 * ```ts
 * const settings = settingsConfigSchema.parse({ logLevel: 'debug' });
 * settings.monitoring.heartbeat.intervalMs; // 300000
 * ```
 */
export const settingsConfigSchema = z.strictObject({
  /** Root of raw, processed, quarantine and checkpoint trees; relative to the working directory. */
  dataRoot: z.string().min(1).default('./data'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Exchange time zone; sessions and date partitions are in this zone. */
  timezone: z.string().refine(isTimeZone, 'not an IANA time zone').default('America/New_York'),
  marketHours: z
    .strictObject({
      open: hhmm.default('09:30'),
      close: hhmm.default('16:00'),
      earlyClose: hhmm.default('13:00'),
      /** Also collect pre-market and after-hours bars. */
      extendedHours: z.boolean().default(false),
      preMarketOpen: hhmm.default('04:00'),
      afterHoursClose: hhmm.default('20:00'),
    })
    .prefault({}),
  monitoring: z
    .strictObject({
      performance: z
        .strictObject({
          /** Rolling window of operation samples kept in memory. */
          windowMs: positiveMs.default(3_600_000),
          /** An operation slower than this is an overrun. */
          overrunMs: positiveMs.default(60_000),
          /** An operation with no progress for this long is stale. */
          staleAfterMs: positiveMs.default(300_000),
          /** An operation running longer than this is hung. */
          hungAfterMs: positiveMs.default(900_000),
          /** No records for this long during market hours raises a no-data alert. */
          noDataAfterMs: positiveMs.default(600_000),
          /** Throughput below this fraction of the window's baseline is a degradation (0.5 = 50 %). */
          degradationRatio: z.number().gt(0).lt(1).default(0.5),
          /** This many errors within `burstWindowMs` is an error burst… */
          burstErrors: z.number().int().positive().default(10),
          burstWindowMs: positiveMs.default(60_000),
          /** …which recovers after this long without errors. */
          recoveryAfterMs: positiveMs.default(300_000),
          /** Distinct error types kept by the error aggregator (LRU). */
          maxErrorTypes: z.number().int().positive().default(100),
        })
        .prefault({}),
      heartbeat: z
        .strictObject({
          intervalMs: positiveMs.default(300_000),
          stallAfterMs: positiveMs.default(900_000),
        })
        .prefault({}),
      /** Schema drift of stored Parquet: which changes alert (schema-check, health, consolidation). */
      schemaDrift: z
        .strictObject({
          alerts: z
            .strictObject({
              newColumn: z.boolean().default(true),
              missingColumn: z.boolean().default(true),
              typeChange: z.boolean().default(true),
            })
            .prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  dedup: z.strictObject({ lruSize: z.number().int().positive().default(100_000) }).prefault({}),
  retention: z
    .strictObject({
      raw: retentionDays.default(365),
      processed: retentionDays.default(180),
      metrics: retentionDays.default(30),
      schemaDrift: retentionDays.default(90),
      checkpoints: retentionDays.default(30),
      heartbeat: retentionDays.default(7),
    })
    .prefault({}),
});

/**
 * Typed `config/settings.yaml`.
 *
 * @example
 * ```ts
 * const dataRoot: string = (config.settings as SettingsConfig).dataRoot;
 * ```
 */
export type SettingsConfig = z.infer<typeof settingsConfigSchema>;
