// Starts and kills cluster worker processes for tests (by pid, never by name).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a test worker process is started with. */
export interface WorkerProcessConfig {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly concurrency: number;
  readonly restBaseUrl: string;
  readonly dataRoot: string;
  readonly rateLimit: { max: number; windowMs: number } | null;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** Also run compute flows' steps (consolidation, features). */
  readonly compute?: { readonly concurrency: number };
  readonly s3?: { url: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

/** A started worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly id: string;
  readonly exited: Promise<number | null>;
}

/** Forks `worker-main.mjs` (the libraries' dist: build first) and waits until its BullMQ worker is ready. */
export async function startWorkerProcess(cfg: WorkerProcessConfig): Promise<WorkerProcess> {
  if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) throw new Error('build first: npx tsc -b tsconfig.json (npm test does it before jest)');
  const child = fork(fileURLToPath(new URL('./worker-main.mjs', import.meta.url)), [JSON.stringify(cfg)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const id = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { type: string; id: string }) => resolve(m.id));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
  return { child, id, exited };
}

/** SIGKILLs (crash) or SIGTERMs (graceful) a worker process by pid and waits for its exit. */
export async function stopWorkerProcess(w: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
  await w.exited;
}
