import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SpyglassError } from '@spyglass/core';
import type { ClassificationMetrics } from '../evaluation/classification-metrics.js';
import type { BoosterParams } from '../xgboost/booster.js';
import type { TrainerConfig } from './trainer-config.js';

/**
 * First and last trading day of a data range.
 *
 * @example
 * ```ts
 * const { from, to }: DayRange = loadModelArtifact('data/models/xgboost_v1').dataRange.test;
 * ```
 */
export interface DayRange {
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * Everything needed to score with, audit and reproduce a trained model. On disk it is a directory:
 * `model.json` (native XGBoost JSON, loadable by Python) and `artifact.json` (the rest).
 *
 * @example
 * ```ts
 * const artifact: ModelArtifact = loadModelArtifact('data/models/xgboost_v1');
 * console.log(artifact.version, artifact.threshold, artifact.featureColumns.length);
 * ```
 */
export interface ModelArtifact {
  readonly version: string;
  /** XGBoost JSON model bytes. */
  readonly model: Uint8Array;
  /** Model input columns, in order. */
  readonly featureColumns: readonly string[];
  readonly threshold: number;
  readonly params: BoosterParams;
  readonly config: TrainerConfig;
  readonly bestIteration: number;
  readonly dataRange: DayRange & { readonly train: DayRange; readonly validation: DayRange; readonly test: DayRange };
  /** Git revision of the code that trained the model (passed in by the app), or null. */
  readonly gitRevision: string | null;
  /** ISO-8601 UTC. */
  readonly savedAt: string;
  readonly metrics: { readonly validation: ClassificationMetrics; readonly test: ClassificationMetrics };
  readonly xgboostVersion: string;
}

/**
 * File names inside an artifact directory.
 *
 * @example
 * ```ts
 * const modelPath = join('data/models/xgboost_v1', ARTIFACT_FILES.model); // …/model.json
 * ```
 */
export const ARTIFACT_FILES = { model: 'model.json', metadata: 'artifact.json' } as const;

function atomicWrite(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Writes an artifact directory (`model.json` + `artifact.json`), each file atomically.
 *
 * @example
 * ```ts
 * saveModelArtifact('data/models/xgboost_v1', run.artifact);
 * ```
 */
export function saveModelArtifact(dir: string, artifact: ModelArtifact): { modelPath: string; metadataPath: string } {
  const modelPath = join(dir, ARTIFACT_FILES.model);
  const metadataPath = join(dir, ARTIFACT_FILES.metadata);
  try {
    mkdirSync(dir, { recursive: true });
    atomicWrite(modelPath, artifact.model);
    const { model: _model, ...metadata } = artifact;
    atomicWrite(metadataPath, `${JSON.stringify({ ...metadata, modelFile: ARTIFACT_FILES.model }, null, 2)}\n`);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `cannot write model artifact to ${dir}`, { cause, details: { dir } });
  }
  return { modelPath, metadataPath };
}

/**
 * Reads an artifact directory written by {@link saveModelArtifact}.
 *
 * @example
 * ```ts
 * const artifact = loadModelArtifact('data/models/xgboost_v1');
 * using booster = Booster.fromJson(artifact.model);
 * ```
 */
export function loadModelArtifact(dir: string): ModelArtifact {
  const metadataPath = join(dir, ARTIFACT_FILES.metadata);
  let metadata: Omit<ModelArtifact, 'model'>;
  let model: Uint8Array;
  try {
    metadata = JSON.parse(readFileSync(metadataPath, 'utf8')) as Omit<ModelArtifact, 'model'>;
    model = new Uint8Array(readFileSync(join(dir, ARTIFACT_FILES.model)));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'CORRUPT_FILE';
    throw new SpyglassError(code, `cannot read model artifact in ${dir}: ${(cause as Error).message}`, { cause, details: { dir } });
  }
  if (!Array.isArray(metadata.featureColumns) || typeof metadata.threshold !== 'number') {
    throw new SpyglassError('CORRUPT_FILE', `${metadataPath}: missing featureColumns or threshold`, { details: { path: metadataPath } });
  }
  return { ...metadata, model };
}

/**
 * Appends one JSON record as a line to a metrics log (JSONL), creating its directory.
 *
 * @example
 * ```ts
 * appendMetricsLog('data/logs/training/metrics.jsonl', { version: 'v1', ...run.artifact.metrics });
 * ```
 */
export function appendMetricsLog(path: string, record: Record<string, unknown>): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${JSON.stringify(record)}\n`);
  } catch (cause) {
    throw new SpyglassError('STORAGE', `cannot append to metrics log ${path}`, { cause, details: { path } });
  }
}
