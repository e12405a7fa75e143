// Runs a command to completion with a deadline and returns its output; a failure carries the
// command line and the tail of its output, so a red test says what broke without a re-run.
import { spawn } from 'node:child_process';

/**
 * What a finished command printed.
 *
 * @example
 * ```ts
 * const r: CommandResult = await runCommand('npm', ['--version'], { cwd: '.' });
 * ```
 */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `command args` in `cwd`; rejects on a non-zero exit (unless `allowFailure`) or after `timeoutMs`.
 *
 * @example
 * ```ts
 * const { stdout } = await runCommand('npm', ['pack', '--json'], { cwd: 'libs/core', timeoutMs: 60_000 });
 * ```
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFailure?: boolean },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
      if (code === 0 || options.allowFailure) return resolve(result);
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} ${signal ? `killed (${signal}, timeout)` : `exited ${code}`}:\n${tail}`));
    });
  });
}
