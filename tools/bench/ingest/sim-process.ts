// The exchange simulator in its own process, for the ingest benchmark: the simulated exchange then
// runs on the other core and its memory (generated days, option-bar caches) stays out of the
// pipeline's RSS, as a remote exchange would.
//
//   node --import tsx tools/bench/ingest/sim-process.ts '{"seed":42,"speed":600,"sessionDate":"2025-03-04"}'
//
// Prints one JSON line `{ "url": …, "wsUrl": … }` once listening; exits on SIGTERM/SIGINT or when
// its stdin closes (the parent died), so it never outlives the benchmark.
import { createExchangeSim, type ExchangeSimOptions } from '@spyglass/exchange-sim';

const options = JSON.parse(process.argv[2] ?? '{"seed":42}') as ExchangeSimOptions;
const sim = await createExchangeSim({ ...options, port: 0 });
let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  void sim.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('close', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ url: sim.url, wsUrl: sim.wsUrl })}\n`);
