// Worker-thread entry of ParquetWriterThread: owns the ParquetDataset writers so Parquet encoding,
// partition merges and fsyncs never run on the live scoring event loop. Not exported: the parent
// loads it by URL. Requests are handled one at a time, in the order they were posted.
import { parentPort, workerData } from 'node:worker_threads';
import { ParquetDataset, type DatasetSpec } from '@spyglass/storage';
import type { WriterReply, WriterRequest, WriterThreadConfig } from './parquet-writer-protocol.js';

const port = parentPort!;
const config = workerData as WriterThreadConfig;
const datasets = new Map<string, ParquetDataset<object>>();
const datasetFor = (spec: DatasetSpec): ParquetDataset<object> => {
  const key = `${spec.layer}/${spec.name}`;
  let ds = datasets.get(key);
  if (!ds) datasets.set(key, (ds = new ParquetDataset<object>({ root: config.root, spec, ...config.parquet })));
  return ds;
};

let chain = Promise.resolve();
port.on('message', (req: WriterRequest) => {
  chain = chain.then(async () => {
    if (req.type === 'close') {
      // Every earlier request has been answered (the chain is ordered): the thread may end.
      port.postMessage({ type: 'closed' } satisfies WriterReply);
      port.close();
      return;
    }
    let reply: WriterReply;
    try {
      const ds = datasetFor(req.spec);
      reply = { type: 'done', id: req.id, result: req.type === 'write' ? await ds.write(req.records) : ((await ds.seal(req.ticker, req.date)) ?? null) };
    } catch (e) {
      const error = e as { code?: string; message?: string };
      reply = { type: 'failed', id: req.id, error: { code: error.code ?? 'STORAGE', message: error.message ?? String(e) } };
    }
    port.postMessage(reply);
  });
});
