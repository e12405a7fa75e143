import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SpyglassError, type ErrorCode } from '@spyglass/core';
import type { TrainBoosterOptions, TrainData, TrainProgress, TrainResult } from './train-booster.js';

/**
 * Options of {@link trainInWorker}: those of `trainBooster` plus progress and cancellation.
 *
 * @example
 * ```ts
 * const opts: TrainInWorkerOptions = { params, rounds: 300, signal: AbortSignal.timeout(600_000), onProgress: (p) => bar.update(p.iteration) };
 * const result = await trainInWorker(data, opts);
 * ```
 */
export interface TrainInWorkerOptions extends Omit<TrainBoosterOptions, 'onIteration'> {
  /** Called on the caller's thread after every iteration. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Aborting terminates the worker and rejects with `SpyglassError('ABORTED')`. */
  readonly signal?: AbortSignal;
}

// require.resolve picks the CommonJS build of 'tsx/esm/api', which cannot import its ESM half;
// the `import` condition of tsx's export map names the file a worker can import.
function tsxEsmApiUrl(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
}

function workerEntry(): { script: string | URL; eval: boolean } {
  const self = import.meta.url;
  if (self.endsWith('.js')) return { script: new URL('./train-worker.js', self), eval: false };
  // Running from TypeScript sources (tests, tsx): Node 20 cannot start a Worker on a .ts file, so a
  // tiny bootstrap registers tsx inside the worker first. tsx is a root dev dependency only.
  const tsxApi = tsxEsmApiUrl(self);
  const entry = new URL('./train-worker.ts', self).href;
  return {
    script: `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

/**
 * Trains in a `worker_threads` Worker so the event loop stays free (koffi's `.async()` calls into
 * libxgboost fail, so a worker is the way to get training off the main thread). Resolves with the
 * same {@link TrainResult} as `trainBooster`.
 *
 * @example
 * ```ts
 * const result = await trainInWorker(
 *   { train: { data, rows, cols, label }, valid },
 *   { params: { objective: 'binary:logistic' }, rounds: 300, earlyStoppingRounds: 30,
 *     onProgress: (p) => console.log(p.iteration, p.metrics.valid) },
 * );
 * ```
 */
export function trainInWorker(data: TrainData, options: TrainInWorkerOptions): Promise<TrainResult> {
  const { onProgress, signal, ...rest } = options;
  if (signal?.aborted) return Promise.reject(new SpyglassError('ABORTED', 'training aborted before it started'));
  return new Promise<TrainResult>((resolve, reject) => {
    const entry = workerEntry();
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: { data, options: rest } });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      finish(() => reject(new SpyglassError('ABORTED', 'training aborted', { cause: signal?.reason })));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { type: string; progress?: TrainProgress; result?: TrainResult; error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } }) => {
      if (message.type === 'progress' && message.progress) onProgress?.(message.progress);
      else if (message.type === 'done' && message.result) finish(() => resolve(message.result!));
      else if (message.type === 'error' && message.error) {
        const { code, message: text, details } = message.error;
        finish(() => reject(new SpyglassError(code, text, details ? { details } : {})));
      }
    });
    worker.on('error', (cause) => finish(() => reject(new SpyglassError('XGBOOST', `training worker crashed: ${cause.message}`, { cause }))));
    worker.on('exit', (code) => {
      finish(() => reject(new SpyglassError('XGBOOST', `training worker exited with code ${code} before finishing`)));
    });
  });
}
