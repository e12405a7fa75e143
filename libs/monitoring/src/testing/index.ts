// Subpath entry @spyglass/monitoring/testing: the two halves of a loopback server's load test.
export { forkLoadProbe, quantile, serveLoadProbe, timedGet } from './load-probe.js';
export type { LoadProbeReply, LoadProbeServer } from './load-probe.js';
