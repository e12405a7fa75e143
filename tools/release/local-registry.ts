// A throw-away npm registry (Verdaccio) on a free loopback port, with no uplinks: it serves what is
// published to it and proxies nothing, so a consumer install can only get @spyglass/* from here.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./verdaccio-server.mjs', import.meta.url));

/**
 * A running local registry: its URL, a publish token, and how to stop it (by pid).
 *
 * @example
 * ```ts
 * const registry: LocalRegistry = await startLocalRegistry('/tmp/registry');
 * await registry.stop();
 * ```
 */
export interface LocalRegistry {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Verdaccio with its storage under `dir`, waits until it listens and registers a user.
 *
 * @example
 * ```ts
 * const registry = await startLocalRegistry(mkdtempSync(join(tmpdir(), 'registry-')));
 * console.log(registry.url); // http://127.0.0.1:40123
 * ```
 */
export async function startLocalRegistry(dir: string, timeoutMs = 60_000): Promise<LocalRegistry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      'max_body_size: 100mb',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [SERVER, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`verdaccio did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`verdaccio exited (${code}) before listening:\n${output}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGTERM');
      setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000).unref();
    });
  try {
    const res = await fetch(`${url}/-/user/org.couchdb.user:spyglass`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'spyglass', password: 'spyglass-local', type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const body = (await res.json()) as { token?: string };
    if (!res.ok || !body.token) throw new Error(`verdaccio user creation: ${res.status} ${JSON.stringify(body)}`);
    return { url, token: body.token, pid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
