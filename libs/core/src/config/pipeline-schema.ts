import { z } from 'zod';

const fraction = z.number().gt(0).lt(1);

/**
 * The label defaults, the original's target: a rise of 20 % (a fraction) within 120 minutes. The one
 * place they are stated; `pipeline.labels` defaults to them and the label kernels fall back to them.
 *
 * @example
 * ```ts
 * LABEL_DEFAULTS.windowMinutes; // 120
 * ```
 */
export const LABEL_DEFAULTS = { threshold: 0.2, windowMinutes: 120 } as const;

/**
 * `config/pipeline.yaml`: backfill span and parallelism, consolidation inputs, labels, training-data
 * preparation and the options scanner.
 *
 * @example
 * ```ts
 * const pipeline = pipelineConfigSchema.parse({ labels: { threshold: 0.3 } });
 * pipeline.labels.windowMinutes; // 120
 * ```
 */
export const pipelineConfigSchema = z.strictObject({
  backfill: z
    .strictObject({
      /** Trading days back from the latest session when no dates are given. */
      spanDays: z.number().int().positive().default(5),
      /** Records validated and written per batch. */
      batchSize: z.number().int().positive().default(10_000),
      /** Requests in flight within one worker (all share the rate limiter). */
      concurrency: z.number().int().positive().default(1),
      /** Worker processes of a multi-ticker backfill. */
      workers: z.number().int().positive().default(2),
    })
    .prefault({}),
  consolidation: z
    .strictObject({
      /** News published within this many minutes before a bar counts for its sentiment. */
      newsLookbackMinutes: z.number().int().positive().default(60),
      /** Continuously compounded annual rate for Black-Scholes. */
      riskFreeRate: z.number().min(-0.05).max(0.25).default(0.045),
      /** Continuous annual dividend yield of the underlying. */
      dividendYield: z.number().min(0).max(0.25).default(0.013),
    })
    .prefault({}),
  labels: z
    .strictObject({
      /** A rise of this fraction (0.20 = 20 %) within the window is a positive label. */
      threshold: fraction.default(LABEL_DEFAULTS.threshold),
      windowMinutes: z.number().int().positive().default(LABEL_DEFAULTS.windowMinutes),
    })
    .prefault({}),
  trainingPrep: z
    .strictObject({
      /** Rows whose future window has fewer bars than this fraction of its minutes are dropped (0.5 = 50 %). */
      minTargetCoverage: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  scanner: z
    .strictObject({
      /** Intraday rise from the day's first price that counts as an event (0.20 = 20 %). */
      threshold: fraction.default(0.2),
    })
    .prefault({}),
});

/**
 * Typed `config/pipeline.yaml`.
 *
 * @example
 * ```ts
 * function labels(p: PipelineConfig) { return p.labels.windowMinutes; }
 * ```
 */
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
