// The real `spyglass` entry in a child process (`node --import tsx src/main.ts`); `@spyglass/*`
// resolve to the libraries' dist there, which the package's `pretest` script builds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the CLI runs with the real `config/`. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const ENTRY = join(REPO, 'apps/cli/src/main.ts');

/** A fresh data root under the OS temp dir. */
export const tempDataRoot = (): string => mkdtempSync(join(tmpdir(), 'spyglass-cli-'));

/** One CLI child: its output so far and how it ended. */
export interface CliRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `spyglass <args>` with `env` laid over the test's environment (minus jest's NODE_OPTIONS). */
export function startCli(args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
  const { NODE_OPTIONS: _jest, MASSIVE_API_KEY: _k, POLYGON_API_KEY: _p, SPYGLASS_DEBUG: _d, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((res) => child.once('exit', (code, signal) => res({ code, signal, at: Date.now() }))),
  };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

/** Runs `spyglass <args>` to the end. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const { code } = await run.exit;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** Polls `check` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

