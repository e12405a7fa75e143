import type { PipelineConfig } from '@spyglass/core';
import type { ConsolidateOptions } from './consolidation/consolidate.js';
import type { GenerateFeaturesOptions } from './feature-generation/generate-features.js';
import type { ScanOptions } from './scanner/scan-options.js';
import type { PrepareTrainingOptions } from './training/prepare-training.js';

/**
 * The settings of each processing step as `config/pipeline.yaml` states them, ready to spread into
 * the step's options next to `root` and `dates`.
 *
 * @example
 * ```ts
 * const o: ProcessingOptions = processingOptions(config.pipeline);
 * await consolidate({ root, dates, ...o.consolidate });
 * ```
 */
export interface ProcessingOptions {
  readonly consolidate: Pick<ConsolidateOptions, 'riskFreeRate' | 'dividendYield' | 'newsLookbackMinutes'>;
  readonly features: Pick<GenerateFeaturesOptions, 'labels' | 'newsLookbackMinutes' | 'riskFreeRate' | 'dividendYield'>;
  readonly training: Pick<PrepareTrainingOptions, 'labels' | 'minTargetCoverage'>;
  readonly scanner: Pick<ScanOptions, 'threshold'>;
}

/**
 * The one mapping from the pipeline configuration to the processing steps' options (used by the
 * main job, the live scorer, the trainer, the CLI's processing commands and the test fixtures).
 *
 * @example
 * ```ts
 * const o = processingOptions(config.pipeline);
 * await generateFeatures({ root, dates, ...o.features });
 * await scanOptions({ root, dates, ...o.scanner });
 * ```
 */
export function processingOptions(pipeline: Pick<PipelineConfig, 'consolidation' | 'labels' | 'trainingPrep' | 'scanner'>): ProcessingOptions {
  const c = pipeline.consolidation;
  return {
    consolidate: { riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield, newsLookbackMinutes: c.newsLookbackMinutes },
    // The rates consolidation used: the feature engine re-solves IV with them (else it falls back to DuckDB).
    features: { labels: pipeline.labels, newsLookbackMinutes: c.newsLookbackMinutes, riskFreeRate: c.riskFreeRate, dividendYield: c.dividendYield },
    training: { labels: pipeline.labels, minTargetCoverage: pipeline.trainingPrep.minTargetCoverage },
    scanner: { threshold: pipeline.scanner.threshold },
  };
}
