import { SpyglassError } from '@spyglass/core/errors';

const BRACKETED_BASE_SCORE = /"base_score"\s*:\s*"\[([^\]]*)\]"/;

/**
 * Makes an XGBoost JSON model readable by libxgboost 1.7. XGBoost ≥ 3 writes `base_score` as a
 * bracketed vector (`"[5E-1]"`); 1.7 parses that string as 0.5 without complaint, which shifts
 * every margin of a regression model by `base_score − 0.5`. A single-value vector is rewritten to
 * its scalar; a multi-target vector cannot be represented in 1.7 and is rejected.
 *
 * The rewrite works on the text so every other number keeps its exact serialized form.
 *
 * @example
 * ```ts
 * normalizeModelJson('{"learner":{"learner_model_param":{"base_score":"[8.74E0]"}}}');
 * // '{"learner":{"learner_model_param":{"base_score":"8.74E0"}}}'
 * ```
 */
export function normalizeModelJson(text: string): string {
  const match = BRACKETED_BASE_SCORE.exec(text);
  if (!match) return text;
  const values = match[1]!.split(',').map((v) => v.trim());
  if (values.length !== 1 || values[0] === '' || !Number.isFinite(Number(values[0]))) {
    throw new SpyglassError(
      'XGBOOST',
      `model JSON has base_score "[${match[1]}]": a multi-target or non-numeric base_score cannot be loaded by libxgboost 1.7`,
      { details: { baseScore: match[1] } },
    );
  }
  return text.replace(BRACKETED_BASE_SCORE, `"base_score":"${values[0]}"`);
}
