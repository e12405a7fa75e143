import { createServer, request, type Server } from 'node:http';

/**
 * A loopback HTTP proxy in front of the simulator that records every request URL exactly as it
 * arrived on the wire, so tests can assert what the client really sent (query encoding included).
 */
export async function startRecordingProxy(
  target: string,
  /** Answers matching paths itself with this status and a Massive-style body (an endpoint the plan lacks, say). */
  answer?: (path: string) => { status: number; body: unknown } | undefined,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const own = answer?.(new URL(req.url ?? '/', 'http://x').pathname);
    if (own) {
      res.writeHead(own.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(own.body));
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
