// The dashboard server in a process of its own for the load test (see serveLoadProbe): it samples
// its own RSS and reports it, with the computations per route, over IPC.
import { serveLoadProbe } from '@spyglass/monitoring/testing';
import { createDashboardServer } from '../dashboard-server.js';

const root = process.argv[2];
if (!root) throw new Error('load-server: run me with fork(file, [dataRoot])');
const server = await createDashboardServer({ root, port: 0 });
serveLoadProbe({ url: server.url, close: () => server.close(), figures: () => ({ computations: server.computations() }) });
