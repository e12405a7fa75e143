// The parent side of sim-process.ts, for every benchmark that wants the exchange simulator in its
// own process (ingest, live): spawn it, wait for its one JSON line, stop it by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ExchangeSimOptions } from '@spyglass/exchange-sim';

/** A simulator running in a child process. */
export interface SimProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly child: ChildProcess;
  /** SIGTERM to the child's own pid, then waits for it to exit. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./sim-process.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Starts the simulator in a child process and resolves once it listens. The child exits when this
 * process dies (its stdin closes), so it never outlives the benchmark.
 *
 * @example
 * ```ts
 * const sim = await startSimProcess({ seed: 42, speed: 600, sessionDate: '2025-03-04' });
 * try { await fetch(`${sim.url}/v1/marketstatus/now?apiKey=x`); } finally { await sim.stop(); }
 * ```
 */
export async function startSimProcess(options: Omit<ExchangeSimOptions, 'port'>): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`bench: the simulator process exited (code ${code}) before listening`)));
  });
  const { url, wsUrl } = JSON.parse(line) as { url: string; wsUrl: string };
  return {
    url,
    wsUrl,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
