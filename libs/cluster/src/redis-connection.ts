import { SpyglassError } from '@spyglass/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * `redis://…` / `rediss://…` with the password replaced by `***`, for messages and logs.
 *
 * @example
 * ```ts
 * redactRedisUrl('redis://:s3cret@10.0.0.2:6379/0'); // 'redis://:***@10.0.0.2:6379/0'
 * ```
 */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, info: string) => `${scheme}${info.includes(':') ? `${info.slice(0, info.indexOf(':'))}:***` : '***'}@`);
}

/**
 * Parses a queue URL into ioredis options.
 *
 * @throws SpyglassError `CONFIG` when it is not `redis[s]://[user[:password]@]host[:port][/db]`.
 * @example
 * ```ts
 * redisOptionsOf('redis://:pw@127.0.0.1:6380/2'); // { host: '127.0.0.1', port: 6380, password: 'pw', db: 2 }
 * ```
 */
export function redisOptionsOf(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new SpyglassError('CONFIG', `${redactRedisUrl(url)}: not a URL; expected redis://[user:password@]host[:port][/db]`, { cause });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new SpyglassError('CONFIG', `${redactRedisUrl(url)}: scheme must be redis:// or rediss://`);
  if (!u.hostname) throw new SpyglassError('CONFIG', `${redactRedisUrl(url)}: no host`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new SpyglassError('CONFIG', `${redactRedisUrl(url)}: database '${db}' is not a number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Maps a Redis connection failure to one coded line naming the URL (never its password):
 * `AUTH_FAILED` for refused credentials, `NETWORK` when unreachable, `TIMEOUT` when it did not answer.
 */
export function redisError(e: unknown, url: string, what = 'cannot connect'): SpyglassError {
  const msg = (e as Error)?.message ?? String(e);
  const where = redactRedisUrl(url);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password|AUTH/i.test(msg)) {
    return new SpyglassError('AUTH_FAILED', `${where}: credentials refused (${msg.split('\n')[0]!.replace(/\s+/g, ' ').slice(0, 80)})`, { cause: e });
  }
  if (/timed? ?out/i.test(msg)) return new SpyglassError('TIMEOUT', `${where}: ${what} (no answer in time)`, { cause: e });
  return new SpyglassError('NETWORK', `${where}: ${what} (${msg.split('\n')[0]!.slice(0, 120)})`, { cause: e });
}

/**
 * Connects to Redis, failing fast: one attempt within `connectTimeoutMs`, then a PING. After that
 * first success the client reconnects on its own (backoff up to 2 s) and waits for the server
 * instead of failing commands, so workers ride out a Redis restart.
 *
 * @example
 * ```ts
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 * await redis.set('k', 'v');
 * await redis.quit();
 * ```
 */
export async function connectRedis(url: string, opts: { connectTimeoutMs?: number; name?: string } = {}): Promise<Redis> {
  const base = redisOptionsOf(url);
  let connected = false;
  const client = new Redis({
    ...base,
    lazyConnect: true,
    connectTimeout: opts.connectTimeoutMs ?? 3_000,
    // Required by BullMQ for blocking connections; commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => (connected ? Math.min(100 * times, 2_000) : null),
    ...(opts.name ? { connectionName: opts.name } : {}),
  });
  // Errors after the first connect are reconnects in progress; the commands wait. Before it, a
  // refused AUTH arrives here while connect() only says the connection closed.
  let refused: Error | undefined;
  client.on('error', (e: Error) => {
    if (!connected && /NOAUTH|WRONGPASS|AUTH/.test(e.message)) refused = e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw redisError(refused ?? e, url);
  }
  connected = true;
  return client;
}
