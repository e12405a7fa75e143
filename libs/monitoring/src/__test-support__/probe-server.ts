// A trivial HTTP server under serveLoadProbe, for load-probe.spec.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveLoadProbe } from '../testing/load-probe.js';

let hits = 0;
const server = createServer((_req, res) => {
  hits++;
  res.end('ok');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
serveLoadProbe({
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  close: () => new Promise((resolve) => server.close(() => resolve())),
  figures: () => ({ hits }),
});
