// A stream stored through a ParquetWriterThread in its own process, for SIGTERM trials:
// argv = restUrl dataRoot date. Prints "seen <n>" per bar the stream delivered, "stored <n>" after a
// clean stop (SIGTERM: the runner drains into the thread, the thread closes once all is durable).
import { rawDatasetSpecs } from '@spyglass/storage';
import { Deduplicator, recordKeyFor, validatorFor } from '@spyglass/processing';
import { FeedSimulator } from '@spyglass/sources';
import type { StockBar } from '@spyglass/core';
import { Ingestion } from '../ingestion.js';
import { ParquetWriterThread } from '../parquet-writer-thread.js';
import { StreamingRunner, type StreamingSource } from '../streaming-runner.js';
import { tapStream } from '../tap-stream.js';
import { testSettings } from './test-settings.js';

const [restBaseUrl, dataRoot, date] = process.argv.slice(2) as [string, string, string];
const ingestion = new Ingestion(testSettings({ restBaseUrl, dataRoot }));
const bars = (await ingestion.equities.minuteBars('SPY', date, date)).records;
const writer = new ParquetWriterThread({ root: dataRoot, maxInFlight: 2 });
const runner = new StreamingRunner<StockBar>({
  name: 'stocks', dataset: 'stocks', validator: validatorFor('stocks'), quarantine: ingestion.quarantine,
  sink: writer.sink<StockBar>(rawDatasetSpecs.stocks), dedup: new Deduplicator<StockBar>(recordKeyFor('stocks'), { capacity: 10_000 }),
  flushSize: 25, flushIntervalMs: 50,
});
let seen = 0;
// A minute every 20 ms: the whole day would take ~8 s, so the SIGTERM lands mid-stream.
const feed = new FeedSimulator({ records: bars, speed: 3000 }) as unknown as StreamingSource<StockBar>;
// As runLiveSignals stops: SIGTERM closes the feed, the runner reads the tap's queue to its end and drains.
process.once('SIGTERM', () => void feed.close());
const summary = await runner.run(tapStream(feed, (ev) => ev.type === 'bar' && process.stdout.write(`seen ${++seen}\n`)));
await writer.close();
process.stdout.write(`stored ${summary.stored} of ${bars.length}\n`);
// The REST client's idle keep-alive socket must not hold the stopped process open.
process.exit(0);
