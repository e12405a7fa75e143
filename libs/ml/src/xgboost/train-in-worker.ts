import { Worker } from 'node:worker_threads';
import { SpyglassError, workerEntry, type ErrorCode } from '@spyglass/core';
import type { DenseMatrixInput } from './dmatrix.js';
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
    const entry = workerEntry(import.meta.url, 'train-worker');
    // a built (.js) entry needs no TypeScript loader: without the parent's tsx flags the worker
    // starts in about half the CPU time
    const execArgv = entry.eval ? undefined : withoutTsxLoader(process.execArgv);
    // the matrices go over as SharedArrayBuffers: structured-cloning an 82 MB Float32Array copies it
    // twice (serialise, deserialise) in the caller's CPU time; a shared one crosses without a copy
    const shared: TrainData = { train: sharedMatrix(data.train), ...(data.valid ? { valid: sharedMatrix(data.valid) } : {}) };
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: { data: shared, options: rest }, ...(execArgv ? { execArgv } : {}) });
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

/**
 * The flags without `--import tsx`-style loaders (`--import`, `--loader`, `--experimental-loader`,
 * `--require` or `-r` with a tsx module, separate or `=`-joined) and without `--expose-gc`, a
 * per-process flag a Worker refuses (`ERR_WORKER_INVALID_EXEC_ARGV`: the benches run with it);
 * every other flag is kept.
 *
 * @example
 * ```ts
 * withoutTsxLoader(['--import', 'tsx', '--max-old-space-size=4096']); // ['--max-old-space-size=4096']
 * ```
 */
export function withoutTsxLoader(argv: readonly string[]): string[] {
  const loaderFlag = /^(--import|--loader|--experimental-loader|--require|-r)$/;
  const isTsx = (v: string | undefined) => v !== undefined && /(^|[/\\])tsx([/\\]|$)|^tsx(\/|$)/.test(v);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--expose-gc' || a === '--expose_gc') continue;
    if (loaderFlag.test(a) && isTsx(argv[i + 1])) {
      i++;
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0 && loaderFlag.test(a.slice(0, eq)) && isTsx(a.slice(eq + 1))) continue;
    out.push(a);
  }
  return out;
}

/**
 * The matrix with its values, labels and weights as Float32Arrays over SharedArrayBuffers, so that
 * a worker receives them without a structured-clone copy. Arrays already shared are kept as they are
 * (no copy at all); others are copied once, and the caller's arrays are left untouched (never
 * transferred or detached). Labels and weights become Float32 exactly as `DMatrix.setFloatInfo`
 * would convert them, so the trained model is the same.
 *
 * @example
 * ```ts
 * const m = sharedMatrix({ data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2, label: [0, 1] });
 * m.data.buffer instanceof SharedArrayBuffer; // true
 * ```
 */
export function sharedMatrix(input: DenseMatrixInput): DenseMatrixInput {
  return {
    ...input,
    data: sharedFloat32(input.data),
    ...(input.label ? { label: sharedFloat32(input.label) } : {}),
    ...(input.weight ? { weight: sharedFloat32(input.weight) } : {}),
  };
}

function sharedFloat32(values: ArrayLike<number>): Float32Array {
  if (values instanceof Float32Array && values.buffer instanceof SharedArrayBuffer) return values;
  const out = new Float32Array(new SharedArrayBuffer(values.length * Float32Array.BYTES_PER_ELEMENT));
  out.set(values);
  return out;
}
