// The dashboard server in a process of its own for the load test: it samples its own RSS every
// 20 ms and answers `reset` (start a new peak) and `figures` (peak RSS and computations) over IPC.
import { createDashboardServer } from '../dashboard-server.js';

const root = process.argv[2];
if (!root || !process.send) throw new Error('load-server: run me with fork(file, [dataRoot]) and an IPC channel');
const server = await createDashboardServer({ root, port: 0 });
let rssPeak = process.memoryUsage().rss;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
process.on('message', (message) => {
  if (message === 'reset') {
    rssPeak = process.memoryUsage().rss;
    process.send!({ rss: rssPeak });
  } else if (message === 'figures') {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    process.send!({ rssPeak, computations: server.computations() });
  }
});
process.once('SIGTERM', () => {
  clearInterval(sampler);
  void server.close().then(() => process.exit(0));
});
process.send({ url: server.url });
