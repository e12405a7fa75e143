// Load tests of loopback servers (the dashboard, the streamer's /health and /metrics): the server runs
// in a process of its own, so that the test's thousands of client sockets share neither its event loop
// nor its RSS. The two halves meet over an IPC channel: `reset` starts a new RSS peak, `figures` reads it.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request, type Agent } from 'node:http';

/** What the server process answers: its URL once started, then RSS figures and any extra figures. */
export interface LoadProbeReply {
  readonly url?: string;
  readonly rss?: number;
  readonly rssPeak?: number;
  readonly [figure: string]: unknown;
}

/**
 * GET `url` (with a `host` header when given) and resolve with the status and the milliseconds it took.
 *
 * @example
 * ```ts
 * import { Agent } from 'node:http';
 * import { timedGet } from '@spyglass/monitoring/testing';
 * const { status, ms } = await timedGet(new Agent(), 'http://127.0.0.1:8080/health');
 * ```
 */
export function timedGet(agent: Agent, url: string, host?: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, ...(host ? { headers: { host } } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The `q` quantile of `xs` (nearest rank, no interpolation), as a load test's p50/p99 reads.
 *
 * @example
 * ```ts
 * import { quantile } from '@spyglass/monitoring/testing';
 * quantile([5, 1, 3], 0.5); // 3
 * ```
 */
export const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/**
 * The server's half, in the forked process: samples its own RSS every 20 ms, answers `reset` with the
 * RSS now and `figures` with the peak since (plus `figures()`), and on SIGTERM awaits `close` and exits.
 * Sends `{ url }` once called.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { serveLoadProbe } from '@spyglass/monitoring/testing';
 * const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
 * serveLoadProbe({ url: 'http://127.0.0.1:8080', close: async () => void server.close() });
 * ```
 */
export function serveLoadProbe(server: { url: string; close: () => Promise<void>; figures?: () => Record<string, unknown> }): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveLoadProbe: run this process with fork(file, args) and an IPC channel');
  let rssPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  process.on('message', (message) => {
    if (message === 'reset') {
      rssPeak = process.memoryUsage().rss;
      send({ rss: rssPeak });
    } else if (message === 'figures') {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      send({ rssPeak, ...server.figures?.() });
    }
  });
  process.once('SIGTERM', () => {
    clearInterval(sampler);
    void server.close().then(() => process.exit(0));
  });
  send({ url: server.url });
}

/** The test's half: the forked server, its URL, a question over IPC, and a stop by SIGTERM. */
export interface LoadProbeServer {
  readonly url: string;
  ask(message: 'reset' | 'figures'): Promise<LoadProbeReply>;
  stop(): Promise<void>;
}

/**
 * Forks the TypeScript server script `file` (run through tsx, without jest's NODE_OPTIONS) with `args`
 * and resolves once it has sent its URL (see {@link serveLoadProbe}).
 *
 * @example
 * ```ts
 * import { forkLoadProbe } from '@spyglass/monitoring/testing';
 * const server = await forkLoadProbe('./load-server.ts', ['/tmp/data-root']);
 * const { rss } = await server.ask('reset');
 * await server.stop();
 * ```
 */
export async function forkLoadProbe(file: string, args: readonly string[]): Promise<LoadProbeServer> {
  const { NODE_OPTIONS: _jest, ...env } = process.env;
  const child: ChildProcess = fork(file, [...args], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = once(child, 'message');
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`load probe ${file} exited with ${String(code)} before it sent its URL`);
  });
  const [reply] = (await Promise.race([first, exited])) as [LoadProbeReply];
  return {
    url: reply.url!,
    async ask(message) {
      const answer = once(child, 'message');
      child.send(message);
      return (await answer)[0] as LoadProbeReply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
