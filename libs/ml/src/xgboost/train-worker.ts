// Worker-thread entry of trainInWorker: runs trainBooster and reports progress to the parent.
// Not exported: the parent loads it by URL.
import { parentPort, workerData } from 'node:worker_threads';
import { trainBooster, type TrainBoosterOptions, type TrainData } from './train-booster.js';

interface Input {
  readonly data: TrainData;
  readonly options: Omit<TrainBoosterOptions, 'onIteration'>;
}

const port = parentPort!;
const { data, options } = workerData as Input;
try {
  const result = trainBooster(data, {
    ...options,
    onIteration: (progress) => port.postMessage({ type: 'progress', progress }),
  });
  port.postMessage({ type: 'done', result }, [result.model.buffer as ArrayBuffer]);
} catch (e) {
  const error = e as { code?: string; message?: string; details?: unknown };
  port.postMessage({ type: 'error', error: { code: error.code ?? 'XGBOOST', message: error.message ?? String(e), details: error.details } });
}
