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
  /**
   * Registers this (parent) process in the registry under this id, so `workers stop all` reaches
   * it too and no queued task starts after a stop.
   */
  readonly coordinatorId?: string;
  /** How long a stop waits for workers to end their current day before SIGKILL (default 10 s). */
  readonly stopTimeoutMs?: number;
}

/** Error codes that make every other worker pointless: the key is refused for all of them. */
const FATAL_CODES = new Set(['AUTH_FAILED', 'NOT_ENTITLED']);

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

  /**
   * Runs the tasks. When `signal` aborts (the CLI's SIGINT/SIGTERM), or a worker fails with an
   * authentication or entitlement error, no further task starts, the running workers get SIGTERM
   * and end their current day (bounded by `stopTimeoutMs`), and tasks never started are reported
   * `stopped`. Registry entries and temp files of processes that are gone are swept first.
   */
  async run(tasks: readonly WorkerTask[], signal?: AbortSignal): Promise<WorkerOutcome[]> {
    const { registry, coordinatorId } = this.opts;
    await registry.sweep();
    const limiter = createRateLimiter(this.opts.settings.requestsPerMinute, this.clock);
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    if (coordinatorId) {
      await registry.register({ id: coordinatorId, pid: process.pid, ticker: '*', job: 'backfill-all', status: 'running', progress: { done: 0, total: tasks.length, bars: 0 } });
    }
    let finished = 0;
    try {
      const outcomes = await runPool(tasks, this.opts.workers, async (task) => {
        const o = stop.signal.aborted ? { task, pid: -1, status: 'stopped' as const } : await this.runOne(task, limiter, stop.signal);
        if (o.error && FATAL_CODES.has(o.error.code) && !stop.signal.aborted) {
          this.opts.logger?.error({ code: o.error.code }, `stopping every worker: ${o.error.code} is fatal for all of them`);
          stop.abort(o.error);
        }
        if (coordinatorId) await registry.update(coordinatorId, { progress: { done: ++finished, total: tasks.length, bars: 0 } });
        return o;
      });
      if (coordinatorId) await registry.update(coordinatorId, { status: stop.signal.aborted ? 'stopped' : 'completed' });
      return outcomes;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private runOne(task: WorkerTask, limiter: { acquire(signal?: AbortSignal): Promise<unknown> }, stop: AbortSignal): Promise<WorkerOutcome> {
    const { registry, logger } = this.opts;
    const entry = workerEntry();
    // Its own process group would not get the terminal's Ctrl-C: the parent forwards the stop itself.
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onStop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeoutMs = this.opts.stopTimeoutMs ?? 10_000;
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, timeoutMs).unref();
    };
    stop.addEventListener('abort', onStop, { once: true });
    const pid = child.pid ?? -1;
    // With a callback, a send racing the child's exit reports to it instead of crashing the parent.
    const send = (m: ToWorker) => child.connected && child.send(m, () => undefined);
    child.on('error', (e) => logger?.warn({ err: e, task: task.id }, `worker ${task.id}: ${e.message}`));
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
          // A permit for a stopped run is never granted: the worker is ending anyway.
          void limiter.acquire(stop).then(
            () => send({ type: 'grant', request: m.request }),
            () => undefined,
          );
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
        stop.removeEventListener('abort', onStop);
        // Asked to stop (by this run, or by a signal from `workers stop`): however it ended, it stopped.
        const stopped = stop.aborted || ((signal === 'SIGTERM' || signal === 'SIGKILL' || signal === 'SIGINT') && !error) || error?.code === 'ABORTED';
        const status: WorkerOutcome['status'] = summary && code === 0 ? 'completed' : stopped ? 'stopped' : 'failed';
        if (status === 'stopped') error = undefined;
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
