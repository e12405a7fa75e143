import type { Redis } from 'ioredis';
import { connectRedis } from './redis-connection.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { HEARTBEAT_MS, WorkerRegistry, type ClusterWorkerInfo } from './worker-registry.js';

describe('WorkerRegistry.requestStop (real redis-server)', () => {
  let redis: TestRedis;
  let client: Redis;
  const now = Date.now();
  const worker = (id: string, over: Partial<ClusterWorkerInfo> = {}): Omit<ClusterWorkerInfo, 'alive'> => ({
    id, host: 'h', pid: 1, concurrency: 1, startedAt: now - 60_000, lastSeen: now, processed: 0, failed: 0, active: [], status: 'running', ...over,
  });
  beforeAll(async () => {
    redis = await startRedis();
    client = await connectRedis(redis.url);
    const registry = new WorkerRegistry(client, 'reg');
    await registry.beat(worker('w-live'));
    await registry.beat(worker('w-stopped', { status: 'stopped' }));
    await registry.beat(worker('w-gone', { lastSeen: now - 10 * HEARTBEAT_MS }));
  });
  afterAll(async () => {
    await client.quit();
    await redis.stop();
  });

  it.each([
    ['an id no worker has', 'nobody', /^no worker with id nobody in namespace reg; live workers: w-live/],
    ['a stopped worker', 'w-stopped', /^worker w-stopped is stopped in namespace reg; live workers: w-live/],
    ['a worker without heartbeat', 'w-gone', /^worker w-gone is gone \(no heartbeat\) in namespace reg; live workers: w-live/],
  ])('%s is NOT_FOUND, naming the live workers, and asks nobody', async (_case, id, message) => {
    await expect(new WorkerRegistry(client, 'reg').requestStop(id, now)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(message) });
    expect(await client.keys('reg:workers:stop:*')).toEqual([]);
  });

  it('a live id is asked; `all` with nobody live asks nobody and is no error', async () => {
    expect(await new WorkerRegistry(client, 'reg').requestStop('w-live', now)).toEqual(['w-live']);
    expect(await client.keys('reg:workers:stop:*')).toEqual(['reg:workers:stop:w-live']);
    expect(await new WorkerRegistry(client, 'empty').requestStop('all', now)).toEqual([]);
  });
});
