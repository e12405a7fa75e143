import { createServer } from 'node:http';
import { isSpyglassError } from '@spyglass/core';
import { listenHttp } from './listen-http.js';

describe('listenHttp', () => {
  it('listens on the port the OS picks and serves until closed', async () => {
    const listener = await listenHttp(createServer((_req, res) => res.end('ok')), { name: 'probe', host: '127.0.0.1', port: 0 });
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}`);
    expect(await (await fetch(listener.url)).text()).toBe('ok');
    await listener.close();
    await expect(fetch(listener.url)).rejects.toThrow();
  });

  it('rejects with NETWORK naming the server when the port is taken', async () => {
    const first = await listenHttp(createServer(), { name: 'first', host: '127.0.0.1', port: 0 });
    try {
      const err = await listenHttp(createServer(), { name: 'second', host: '127.0.0.1', port: first.port }).catch((e: unknown) => e);
      expect(isSpyglassError(err) && err.code).toBe('NETWORK');
      expect((err as Error).message).toContain(`second cannot listen on 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
    }
  });
});
