import { Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkLoadProbe, quantile, timedGet } from './load-probe.js';

const HERE = dirname(fileURLToPath(import.meta.url));

describe('quantile', () => {
  it.each([
    [[5, 1, 3], 0.5, 3],
    [[5, 1, 3], 0, 1],
    [[5, 1, 3], 0.99, 5],
    [[5, 1, 3], 1, 5],
  ])('%j at %d is %d', (xs, q, expected) => {
    expect(quantile(xs, q)).toBe(expected);
  });
});

describe('forkLoadProbe + serveLoadProbe', () => {
  it('forks the server, measures requests against it, reads its RSS and figures over IPC, and stops it by SIGTERM', async () => {
    const server = await forkLoadProbe(join(HERE, '../__test-support__/probe-server.ts'), []);
    try {
      const agent = new Agent({ keepAlive: false });
      const { rss } = await server.ask('reset');
      const results = await Promise.all(Array.from({ length: 20 }, () => timedGet(agent, server.url, '127.0.0.1')));
      const figures = await server.ask('figures');
      agent.destroy();
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(results.every((r) => r.ms >= 0)).toBe(true);
      expect(rss).toBeGreaterThan(0);
      expect(figures.rssPeak).toBeGreaterThanOrEqual(rss!);
      expect(figures['hits']).toBe(20);
    } finally {
      await server.stop();
    }
    await server.stop(); // a second stop is a no-op
  }, 60_000);

  it('says so when the script exits before sending its URL', async () => {
    await expect(forkLoadProbe(join(HERE, 'no-such-script.ts'), [])).rejects.toThrow(/exited with 1 before it sent its URL/);
  }, 60_000);
});
