// The streamer (and its simulator) in a process of its own for the load test, so the load test's
// 2,000 client sockets do not share its event loop or its RSS. Replays the session into the data
// root given as argv[2], then serves the load test over IPC (see serveLoadProbe).
import { createLogger } from '@spyglass/core';
import { serveLoadProbe } from '@spyglass/monitoring/testing';
import { createExchangeSim } from '@spyglass/exchange-sim';
import { startStreamer } from '../start-streamer.js';
import { SESSION, simConfig, storedSpy, until } from './streamer-fixture.js';

const dataRoot = process.argv[2];
if (!dataRoot) throw new Error('load-streamer: run me with fork(file, [dataRoot])');
const sim = await createExchangeSim({ seed: 42, port: 0, speed: 0, sessionDate: SESSION });
const streamer = await startStreamer({ config: simConfig(sim, dataRoot), logger: createLogger({ level: 'silent', name: 'streamer' }), port: 0, ignoreMarketHours: true, optionsDate: SESSION });
// The whole replayed session on disk first: each /health then reads a real data root of a quiet daemon.
await until(async () => (await storedSpy(dataRoot)).length === 390, 'the replayed session stored', 90_000);
serveLoadProbe({ url: streamer.url, close: () => streamer.stop().then(() => sim.close()) });
