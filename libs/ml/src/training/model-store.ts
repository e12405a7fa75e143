import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataRootLayout, SpyglassError } from '@spyglass/core';
import { ARTIFACT_FILES, appendMetricsLog, loadModelArtifact, saveModelArtifact, type ModelArtifact } from './model-artifact.js';

/**
 * One saved model as {@link ModelStore.list} sees it.
 *
 * @example
 * ```ts
 * const newest: StoredModel = new ModelStore('data').latest(); // { version, dir, savedAt }
 * ```
 */
export interface StoredModel {
  readonly version: string;
  readonly dir: string;
  /** ISO-8601 UTC from the artifact; '' when its metadata is unreadable. */
  readonly savedAt: string;
}

/**
 * The one owner of the model artifacts under a data root: `<root>/models/<version>/` and the
 * training metrics log `<root>/logs/training/metrics.jsonl`. The CLI, the trainer, the training
 * job and the live scorer save and find models only through it.
 *
 * @example
 * ```ts
 * const store = new ModelStore('data');
 * const dir = store.save(run.artifact, { runId: '2026-02-19T23-00-00-000Z' });
 * const { artifact } = store.load(); // the newest model
 * ```
 */
export class ModelStore {
  private readonly layout;

  constructor(readonly root: string) {
    this.layout = dataRootLayout(root);
  }

  /** Where the model `version` lives (whether or not it exists). */
  dir(version: string): string {
    if (!/^[\w.-]+$/.test(version)) throw new SpyglassError('INVALID_ARGUMENT', `model version "${version}" must be a plain directory name ([A-Za-z0-9_.-])`);
    return this.layout.model(version);
  }

  /**
   * Writes the artifact to `<root>/models/<version>/` (atomically, replacing a previous save of the
   * same version) and appends one line to the metrics log: version, savedAt, `extra`, metrics.
   * Returns the model directory.
   */
  save(artifact: ModelArtifact, extra: Readonly<Record<string, unknown>> = {}): string {
    const dir = this.dir(artifact.version);
    saveModelArtifact(dir, artifact);
    appendMetricsLog(this.metricsLog, { version: artifact.version, savedAt: artifact.savedAt, ...extra, ...artifact.metrics });
    return dir;
  }

  /** The metrics log every {@link save} appends to. */
  get metricsLog(): string {
    return this.layout.trainingMetricsLog;
  }

  /** Every saved model, newest first by the artifact's `savedAt` (versions are free-form names, so their order says nothing). */
  list(): StoredModel[] {
    const models = this.layout.models;
    if (!existsSync(models)) return [];
    return readdirSync(models, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(models, e.name, ARTIFACT_FILES.metadata)))
      .map((e) => {
        const dir = join(models, e.name);
        let savedAt = '';
        try {
          savedAt = String((JSON.parse(readFileSync(join(dir, ARTIFACT_FILES.metadata), 'utf8')) as { savedAt?: unknown }).savedAt ?? '');
        } catch {
          // An unreadable artifact sorts last; loading it (explicitly, or as the only one) reports why.
        }
        return { version: e.name, dir, savedAt };
      })
      .sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  }

  /** The newest model; `NOT_FOUND` when none was saved. */
  latest(): StoredModel {
    const newest = this.list()[0];
    if (!newest) throw new SpyglassError('NOT_FOUND', `no model under ${this.layout.models}: run \`spyglass ml train\` first or pass --model <dir>`, { details: { modelsDir: this.layout.models } });
    return newest;
  }

  /** The artifact in `dir` (any directory, e.g. from `--model`), or else the newest saved one. */
  load(dir?: string): { readonly dir: string; readonly artifact: ModelArtifact } {
    const at = dir ?? this.latest().dir;
    return { dir: at, artifact: loadModelArtifact(at) };
  }
}
