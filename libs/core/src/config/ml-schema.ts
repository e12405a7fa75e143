import { z } from 'zod';

const unit = z.number().gt(0).max(1);
const share = z.number().min(0).max(1);

/**
 * `config/ml.yaml`: XGBoost parameters, chronological split, class balancing, decision threshold
 * and walk-forward validation. `split` must sum to 1; `walkForward.purgeMinutes` must cover the label
 * window (checked against `pipeline.labels.windowMinutes` by `loadConfig`).
 *
 * @example
 * ```ts
 * const ml = mlConfigSchema.parse({ xgboost: { maxDepth: 4 } });
 * ml.xgboost.numRounds; // 300
 * ```
 */
export const mlConfigSchema = z.strictObject({
  xgboost: z
    .strictObject({
      numRounds: z.number().int().positive().default(300),
      maxDepth: z.number().int().positive().default(6),
      eta: unit.default(0.05),
      subsample: unit.default(0.8),
      colsampleBytree: unit.default(0.8),
      minChildWeight: z.number().min(0).default(5),
      gamma: z.number().min(0).default(0.1),
      earlyStoppingRounds: z.number().int().positive().default(30),
      evalMetric: z.enum(['auc', 'aucpr', 'logloss', 'error']).default('auc'),
      seed: z.number().int().min(0).default(42),
      /** Threads; 0 = all cores. */
      nthread: z.number().int().min(0).default(0),
    })
    .prefault({}),
  split: z
    .strictObject({
      train: share.default(0.7),
      validation: share.default(0.15),
      test: share.default(0.15),
    })
    .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
      message: 'train + validation + test must sum to 1',
    })
    .prefault({}),
  balance: z
    .strictObject({
      /** Applied to the training split only. */
      method: z.enum(['undersample', 'class_weights']).default('undersample'),
      /** Majority rows kept per minority row when undersampling. */
      undersampleRatio: z.number().min(1).default(1),
    })
    .prefault({}),
  threshold: z
    .strictObject({
      default: unit.default(0.5),
      /** The run picks, on the validation days, the lowest threshold reaching this precision … */
      targetPrecision: unit.default(0.9),
      /** … with at least this many validation signals (else the most precise such threshold). */
      minSignals: z.number().int().positive().default(50),
      sweep: z
        .strictObject({ from: share.default(0.5), to: share.default(0.99), step: unit.default(0.01) })
        .refine((s) => s.from < s.to, { message: 'sweep.from must be below sweep.to' })
        .prefault({}),
    })
    .prefault({}),
  walkForward: z
    .strictObject({
      mode: z.enum(['rolling', 'expanding']).default('rolling'),
      /** Training window in calendar months (rolling), or the first months (expanding). */
      trainMonths: z.number().int().positive().default(3),
      /** Test window per split, in months. */
      testMonths: z.number().int().positive().default(1),
      /** Months the windows advance per split. */
      stepMonths: z.number().int().positive().default(1),
      /** Gap between train and test so no label window leaks across; at least the label window. */
      purgeMinutes: z.number().int().min(120).default(120),
    })
    .prefault({}),
});

/**
 * Typed `config/ml.yaml`.
 *
 * @example
 * ```ts
 * function rounds(ml: MlConfig) { return ml.xgboost.numRounds; }
 * ```
 */
export type MlConfig = z.infer<typeof mlConfigSchema>;
