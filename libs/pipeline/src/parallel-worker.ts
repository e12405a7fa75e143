// Entry of a ParallelRunner worker process: receives one task over IPC, runs the backfill with
// request permits granted by the parent (one global rate limit across processes), reports progress.
// It stops (between days, checkpoints intact) on SIGTERM/SIGINT and when its parent is gone.
import { SpyglassError, toSpyglassError } from '@spyglass/core';
import { Ingestion } from './ingestion.js';
import type { FromWorker, ToWorker } from './parallel-protocol.js';

// After a stop is asked, the run gets this long to end its current day before the process exits anyway.
const STOP_GRACE_MS = 3_000;

const ac = new AbortController();
const stop = (why: string) => {
  if (ac.signal.aborted) return;
  ac.abort(new SpyglassError('ABORTED', why));
  setTimeout(() => process.exit(process.exitCode ?? 1), STOP_GRACE_MS).unref();
};
process.once('SIGTERM', () => stop('stopped by SIGTERM'));
process.once('SIGINT', () => stop('stopped by SIGINT'));
// The IPC channel closes when the parent exits, even by SIGKILL: an orphan stops on its own.
process.once('disconnect', () => stop('parent process is gone'));

/** Sends to the parent while it listens; a message to a parent that is gone is dropped, not an EPIPE crash. */
const send = (m: FromWorker, then?: () => void): void => {
  if (!process.connected || !process.send) {
    then?.();
    return;
  }
  try {
    process.send(m, undefined, {}, () => then?.());
  } catch {
    then?.();
  }
};

let nextRequest = 0;
const waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
// A stop also ends every wait for a permit: a worker queued behind the rate limit does not linger.
ac.signal.addEventListener('abort', () => {
  for (const w of waiting.values()) w.reject(ac.signal.reason);
  waiting.clear();
});
const permits = {
  acquire: (signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (ac.signal.aborted || signal?.aborted) {
        reject(signal?.reason ?? ac.signal.reason);
        return;
      }
      const request = nextRequest++;
      const onAbort = () => {
        waiting.delete(request);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.set(request, {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      });
      send({ type: 'acquire', request });
    }),
};

const finish = (m: FromWorker, code: number) => {
  process.exitCode = code;
  // Exit once the last message is flushed: idle keep-alive sockets must not hold the process.
  send(m, () => process.exit(code));
};

// Started by a parent that is already gone (it was killed while this process loaded): nothing to do.
if (!process.connected) process.exit(1);

process.on('message', (m: ToWorker) => {
  if (m.type === 'grant') {
    waiting.get(m.request)?.resolve();
    waiting.delete(m.request);
    return;
  }
  const { task, settings } = m;
  const ingestion = new Ingestion({ ...settings, rateLimiter: permits });
  ingestion
    .backfill(task.dataset, { ticker: task.ticker, from: task.from, to: task.to, resume: task.resume, retryEmpty: task.retryEmpty ?? false, signal: ac.signal }, (p) =>
      send({ type: 'progress', done: p.index + 1, total: p.total, bars: p.totals.stored }),
    )
    .then((summary) => finish({ type: 'done', summary: { ...summary } }, 0))
    .catch((e: unknown) => {
      const err = ac.signal.aborted ? toSpyglassError(ac.signal.reason) : toSpyglassError(e);
      finish({ type: 'failed', code: err.code, message: err.message }, 1);
    });
});
