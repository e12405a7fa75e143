// Entry of a ParallelRunner worker process: receives one task over IPC, runs the backfill with
// request permits granted by the parent (one global rate limit across processes), reports progress.
import { toSpyglassError } from '@spyglass/core';
import { Ingestion } from './ingestion.js';
import type { FromWorker, ToWorker } from './parallel-protocol.js';

const send = (m: FromWorker): void => {
  process.send?.(m);
};

let nextRequest = 0;
const waiting = new Map<number, () => void>();
const permits = {
  acquire: (): Promise<void> =>
    new Promise<void>((resolve) => {
      const request = nextRequest++;
      waiting.set(request, resolve);
      send({ type: 'acquire', request });
    }),
};

process.on('message', (m: ToWorker) => {
  if (m.type === 'grant') {
    waiting.get(m.request)?.();
    waiting.delete(m.request);
    return;
  }
  const { task, settings } = m;
  const ingestion = new Ingestion({ ...settings, rateLimiter: permits });
  const ac = new AbortController();
  process.once('SIGTERM', () => ac.abort(new Error('SIGTERM')));
  ingestion
    .backfill(task.dataset, { ticker: task.ticker, from: task.from, to: task.to, resume: task.resume, retryEmpty: task.retryEmpty ?? false, signal: ac.signal }, (p) =>
      send({ type: 'progress', done: p.index + 1, total: p.total, bars: p.totals.stored }),
    )
    .then((summary) => {
      send({ type: 'done', summary: { ...summary } });
      process.disconnect?.();
    })
    .catch((e: unknown) => {
      const err = toSpyglassError(e);
      send({ type: 'failed', code: err.code, message: err.message });
      process.exitCode = 1;
      process.disconnect?.();
    });
});
