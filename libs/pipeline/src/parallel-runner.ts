import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRateLimiter, systemClock, type Clock, type Logger } from '@spyglass/core';
import type { FromWorker, ToWorker, WorkerSettings, WorkerTask } from './parallel-protocol.js';
import { ProcessRegistry } from './process-registry.js';
import { runPool } from '@spyglass/core';

/**
 * How one worker ended.
 *
 * @example
 * ```ts
 * const outcomes: WorkerOutcome[] = await runner.run(tasks);
 * for (const o of outcomes) if (o.status === 'failed') console.error(o.task.ticker, o.error?.code, o.error?.message);
 * ```
 */
export interface WorkerOutcome {
  readonly task: WorkerTask;
  readonly pid: number;
  readonly status: 'completed' | 'failed' | 'stopped';
  readonly summary?: Record<string, unknown>;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Options of {@link ParallelRunner}.
 *
 * @example
 * ```ts
 * const opts: ParallelRunnerOptions = { settings, workers: 2, registry: new ProcessRegistry({ dir: 'data/workers' }),
 *   onProgress: (task, p) => console.log(task.ticker, `${p.done}/${p.total}`) };
 * ```
 */
export interface ParallelRunnerOptions {
  readonly settings: WorkerSettings;
  /** Processes at once. */
  readonly workers: number;
  readonly registry: ProcessRegistry;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly onProgress?: (task: WorkerTask, p: { done: number; total: number; bars: number }) => void;
}

/**
 * A multi-ticker backfill across worker processes (the original's step 9): one child process per
 * task, at most `workers` at once, all drawing request permits from ONE token bucket in this
 * process, so the account's rate limit holds across processes. Each worker is recorded in the
 * {@link ProcessRegistry} (id, pid, ticker, status, progress, start time), so `spyglass workers
 * list|stop` see it from another shell. A failed worker is reported and the others go on.
 *
 * @example
 * ```ts
 * const runner = new ParallelRunner({ settings, workers: 2, registry: new ProcessRegistry({ dir: 'data/workers' }) });
 * const outcomes = await runner.run(['SPY', 'QQQ', 'IWM'].map((t) => ({ id: `stocks-${t}`, dataset: 'stocks', ticker: t,
 *   from: '2025-03-03', to: '2025-03-07', resume: true })));
 * ```
 */
export class ParallelRunner {
  private readonly clock: Clock;

  constructor(private readonly opts: ParallelRunnerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  async run(tasks: readonly WorkerTask[]): Promise<WorkerOutcome[]> {
    const limiter = createRateLimiter(this.opts.settings.requestsPerMinute, this.clock);
    return runPool(tasks, this.opts.workers, (task) => this.runOne(task, limiter));
  }

  private runOne(task: WorkerTask, limiter: { acquire(): Promise<unknown> }): Promise<WorkerOutcome> {
    const { registry, logger } = this.opts;
    const entry = workerEntry();
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pid = child.pid ?? -1;
    const send = (m: ToWorker) => child.connected && child.send(m);
    let summary: Record<string, unknown> | undefined;
    let error: { code: string; message: string } | undefined;
    let writes = Promise.resolve();
    const record = (patch: Parameters<ProcessRegistry['update']>[1]) => {
      writes = writes.then(() => registry.update(task.id, patch).then(() => undefined));
    };
    const registered = registry.register({ id: task.id, pid, ticker: task.ticker, job: `backfill:${task.dataset}`, status: 'running', progress: { done: 0, total: 0, bars: 0 } });
    writes = registered.then(() => undefined);
    child.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'acquire':
          void limiter.acquire().then(() => send({ type: 'grant', request: m.request }));
          return;
        case 'progress':
          record({ progress: { done: m.done, total: m.total, bars: m.bars } });
          this.opts.onProgress?.(task, m);
          return;
        case 'done':
          summary = m.summary;
          return;
        case 'failed':
          error = { code: m.code, message: m.message };
          return;
      }
    });
    send({ type: 'start', task, settings: this.opts.settings });
    return new Promise<WorkerOutcome>((resolve) => {
      child.on('exit', (code, signal) => {
        const status: WorkerOutcome['status'] = summary && code === 0 ? 'completed' : signal === 'SIGTERM' && !error ? 'stopped' : 'failed';
        if (status === 'failed' && !error) error = { code: 'INTERNAL', message: `worker exited with ${signal ?? `code ${code}`}` };
        if (error) logger?.error({ task, error }, `worker ${task.id} (${task.ticker}) failed: ${error.code}: ${error.message}`);
        record({ status, ...(error ? { error: `${error.code}: ${error.message}` } : {}) });
        void writes.then(() => resolve({ task, pid, status, ...(summary ? { summary } : {}), ...(error ? { error } : {}) }));
      });
    });
  }
}

/** The worker module next to this file: compiled JS, or the TypeScript source under tsx (tests). */
function workerEntry(): { path: string; execArgv: string[] } {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const path = fileURLToPath(new URL(ts ? './parallel-worker.ts' : './parallel-worker.js', here));
  return { path, execArgv: ts ? ['--import', 'tsx'] : [] };
}
