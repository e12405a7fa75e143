// Which model a `spyglass ml …` command evaluates and on which feature rows: the newest saved
// artifact (or --model) as the ModelStore finds it, its own data range, and the libxgboost the app was told to use.
import { SpyglassError } from '@spyglass/core';
import { ModelStore, loadFeatureTable, type LoadedFeatureTable, type ModelArtifact, type XGBoostLibraryOptions, xgboostLibraryFromEnv } from '@spyglass/ml';
import type { CliContext } from '../../context.js';
import { checkedDay, type ModelArgs, type RangeArgs } from './cli-arguments.js';

/**
 * The libxgboost override for other installs (e.g. a Python wheel's libxgboost.so); apps decode it, libraries never read env.
 *
 * @example
 * ```ts
 * using booster = Booster.fromJson(artifact.model, xgboostLibrary());
 * ```
 */
export function xgboostLibrary(): XGBoostLibraryOptions {
  return xgboostLibraryFromEnv(process.env);
}

/** A model artifact with the directory it was loaded from (printed so a run says which model it used). */
export interface LoadedModel {
  readonly dir: string;
  readonly artifact: ModelArtifact;
}

/**
 * The model of `--model`, or else the newest under `<data-root>/models`.
 *
 * @example
 * ```ts
 * const m = loadModel(ctx, a); // { dir: 'data/models/xgboost_v2', artifact }
 * ```
 */
export function loadModel(ctx: CliContext, a: ModelArgs): LoadedModel {
  return new ModelStore(ctx.dataRoot).load(a.model);
}

/**
 * The feature rows a model is evaluated on. Default: the model's own data range, so the
 * chronological split reproduces the exact validation and test days the model never trained on.
 *
 * @example
 * ```ts
 * const table = await tableForModel(ctx, loadModel(ctx, a), a);
 * ```
 */
export async function tableForModel(ctx: CliContext, m: LoadedModel, a: RangeArgs): Promise<LoadedFeatureTable> {
  const from = checkedDay('start-date', a['start-date']) ?? m.artifact.dataRange.from ?? undefined;
  const to = checkedDay('end-date', a['end-date']) ?? m.artifact.dataRange.to ?? undefined;
  const table = await loadFeatureTable({ root: ctx.dataRoot, columns: m.artifact.featureColumns, ...(from ? { from } : {}), ...(to ? { to } : {}) });
  if (table.rows === 0) {
    throw new SpyglassError('NOT_FOUND', `no labelled feature rows between ${from ?? 'the start'} and ${to ?? 'the end'} under ${ctx.dataRoot}/processed/features: run \`spyglass ml generate-features\``);
  }
  return table;
}
