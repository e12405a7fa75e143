// A real redis-server for tests: loopback, a free port, no persistence, daemonized with a pid file,
// stopped by that pid (never by name).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isProcessAlive } from '@spyglass/core';

const run = promisify(execFile);

/** A running test redis-server. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The server's process id (0 while stopped), e.g. to read its CPU time from /proc. */
  readonly pid: number;
  /** Kills the server (SIGTERM by pid) and waits until it is gone. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port: with persistence off, everything is lost. */
  restart(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function pingable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write('PING\r\n'));
    c.setTimeout(500, () => (c.destroy(), resolve(false)));
    c.once('data', (d) => (c.destroy(), resolve(d.toString().startsWith('+PONG'))));
    c.once('error', () => resolve(false));
  });
}

/** Starts redis-server on a free loopback port (optionally with `requirepass`). */
export async function startRedis(opts: { password?: string } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'spyglass-redis-'));
  const port = await freePort();
  const pidfile = path.join(dir, 'redis.pid');
  let pid = 0;
  const start = async (): Promise<void> => {
    await run('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes',
      '--pidfile', pidfile, '--dir', dir, '--logfile', path.join(dir, 'redis.log'),
      ...(opts.password ? ['--requirepass', opts.password] : []),
    ]);
    for (let i = 0; i < 100; i++) {
      if (await pingable(port).catch(() => false)) break;
      // With requirepass PING answers -NOAUTH: the server is up.
      if (opts.password && i > 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < 100 && pid === 0; i++) {
      try {
        pid = Number(readFileSync(pidfile, 'utf8').trim());
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    if (!pid) throw new Error(`redis-server did not start on 127.0.0.1:${port} (see ${dir}/redis.log)`);
  };
  const stop = async (): Promise<void> => {
    if (pid && isProcessAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 200 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    pid = 0;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return pid;
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await start();
    },
  };
}
