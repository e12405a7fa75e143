import { SpyglassError } from '@spyglass/core';
import { readFeature } from './feature-descriptions.js';

/**
 * One SHAP factor of a prediction, with its reading.
 *
 * @example
 * ```ts
 * for (const f of scorer.explain(row).factors as readonly ExplanationFactor[]) console.log(f.direction, f.strength, f.reading);
 * ```
 */
export interface ExplanationFactor {
  readonly feature: string;
  /** The feature value (null when missing). */
  readonly value: number | null;
  /** Contribution to the log-odds (margin). */
  readonly shap: number;
  readonly direction: 'bullish' | 'bearish';
  /** 1–5, from |shap| × 20 as the original's strength dots. */
  readonly strength: number;
  readonly reading: string;
}

/**
 * The explanation of one scored row (the original's `explain_signal`).
 *
 * @example
 * ```ts
 * const e: SignalExplanation = scorer.explain(row, { topN: 5 });
 * if (e.isSignal && e.recommendation) console.warn(e.recommendation);
 * ```
 */
export interface SignalExplanation {
  readonly probability: number;
  readonly threshold: number;
  /** probability − threshold. */
  readonly margin: number;
  readonly isSignal: boolean;
  /** |margin| below the close-call margin (default 0.02). */
  readonly closeCall: boolean;
  /** Top factors by |SHAP|, largest first. */
  readonly factors: readonly ExplanationFactor[];
  /** Top factors pushing the probability down. */
  readonly riskFactors: readonly ExplanationFactor[];
  /** Expected log-odds before any feature (the SHAP bias term). */
  readonly baseMargin: number;
  /** "Proceed with caution" when there are ≥ 2 risk factors or a close call; null otherwise. */
  readonly recommendation: string | null;
}

/**
 * Inputs of {@link explainSignal}.
 *
 * @example
 * ```ts
 * const input: ExplainInput = { featureColumns, values: row, contributions: booster.contributions(dm).values, probability: 0.74, threshold: 0.67, topN: 5 };
 * console.log(formatExplanation(explainSignal(input)));
 * ```
 */
export interface ExplainInput {
  readonly featureColumns: readonly string[];
  /** Feature values of the row, in `featureColumns` order (NaN = missing). */
  readonly values: ArrayLike<number>;
  /** SHAP row: one value per feature plus the bias last (XGBoost `pred_contribs`). */
  readonly contributions: ArrayLike<number>;
  readonly probability: number;
  readonly threshold: number;
  /** Default 10. */
  readonly topN?: number;
  /** Default 0.02 (the original's 2 %). */
  readonly closeCallMargin?: number;
}

/**
 * Ranks SHAP contributions and reads the top factors in plain English, flags risk factors
 * (negative SHAP) and close calls near the threshold.
 *
 * @example
 * ```ts
 * const e = explainSignal({ featureColumns, values: row, contributions: shapRow, probability: 0.71, threshold: 0.67 });
 * console.log(formatExplanation(e));
 * ```
 */
export function explainSignal(input: ExplainInput): SignalExplanation {
  const { featureColumns, values, contributions, probability, threshold } = input;
  if (contributions.length !== featureColumns.length + 1 || values.length !== featureColumns.length) {
    throw new SpyglassError(
      'INVALID_ARGUMENT',
      `explainSignal: ${featureColumns.length} features need ${featureColumns.length} values and ${featureColumns.length + 1} contributions, got ${values.length} and ${contributions.length}`,
    );
  }
  const topN = input.topN ?? 10;
  const closeCallMargin = input.closeCallMargin ?? 0.02;
  const factors: ExplanationFactor[] = topByMagnitude(contributions, featureColumns.length, topN)
    .map((i) => {
      const feature = featureColumns[i]!;
      const shap = contributions[i]!;
      const v = values[i]!;
      return {
        feature,
        value: Number.isNaN(v) ? null : v,
        shap,
        direction: shap > 0 ? 'bullish' : 'bearish',
        strength: Math.min(5, Math.max(1, Math.round(Math.abs(shap) * 20))),
        reading: readFeature(feature, Number.isNaN(v) ? null : v),
      } as const;
    });
  const riskFactors = factors.filter((f) => f.shap < 0);
  const margin = probability - threshold;
  const closeCall = Math.abs(margin) < closeCallMargin;
  const reasons = [
    ...(riskFactors.length >= 2 ? [`${riskFactors.length} risk factors`] : []),
    ...(closeCall ? ['a close call near the threshold'] : []),
  ];
  return {
    probability,
    threshold,
    margin,
    isSignal: probability >= threshold,
    closeCall,
    factors,
    riskFactors,
    baseMargin: contributions[featureColumns.length]!,
    recommendation: reasons.length ? `Proceed with caution: ${reasons.join(' and ')}.` : null,
  };
}

// Indices of the `k` largest |values[0 … n)| (zeros left out), largest first, ties by index:
// a partial insertion selection, O(n·k) with k small, instead of sorting every feature.
function topByMagnitude(values: ArrayLike<number>, n: number, k: number): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  for (let i = 0; i < n; i++) {
    const m = Math.abs(values[i]!);
    if (m === 0 || Number.isNaN(m)) continue;
    if (top.length === k && m <= Math.abs(values[top[k - 1]!]!)) continue;
    let j = top.length < k ? top.length : k - 1;
    while (j > 0 && Math.abs(values[top[j - 1]!]!) < m) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}

/**
 * The explanation as the original's text block: header, confidence vs threshold, numbered
 * factors with strength dots, risk factors, recommendation.
 *
 * @example
 * ```ts
 * console.log(formatExplanation(scorer.explain(row)));
 * ```
 */
export function formatExplanation(e: SignalExplanation): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines: string[] = [];
  lines.push(e.isSignal ? (e.closeCall ? '🎯 SIGNAL DETECTED (CAUTION: Near Threshold)' : '🎯 SIGNAL DETECTED') : '· no signal');
  lines.push(`Confidence: ${pct(e.probability)} | Threshold: ${pct(e.threshold)} | Margin: ${e.margin >= 0 ? '+' : ''}${pct(e.margin)}`);
  if (e.closeCall) lines.push('⚠️ CLOSE CALL: the probability is within 2 points of the threshold');
  lines.push('', `Top ${e.factors.length} factors:`);
  e.factors.forEach((f, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${'🔴'.repeat(f.strength)}${'⚪'.repeat(5 - f.strength)} ${f.direction.toUpperCase()} ${f.feature} (SHAP ${f.shap >= 0 ? '+' : ''}${f.shap.toFixed(3)})`);
    lines.push(`    ${f.reading}`);
  });
  if (e.riskFactors.length) {
    lines.push('', '⚠️ RISK FACTORS:');
    for (const f of e.riskFactors) lines.push(`  - ${f.reading} (SHAP ${f.shap.toFixed(3)})`);
  }
  if (e.recommendation) lines.push('', `💡 RECOMMENDATION: ${e.recommendation}`);
  return lines.join('\n');
}
