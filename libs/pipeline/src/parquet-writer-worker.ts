// Worker-thread entry of ParquetWriterThread: owns the ParquetDataset writers so Parquet encoding,
// partition merges and fsyncs never run on the live scoring event loop. Not exported: the parent
// loads it by URL. Requests are handled one at a time, in the order they were posted.
import { parentPort, workerData } from 'node:worker_threads';
import { JournaledDataset, ParquetDataset, type DatasetSpec } from '@spyglass/storage';
import type { WriterReply, WriterRequest, WriterThreadConfig } from './parquet-writer-protocol.js';

const port = parentPort!;
const config = workerData as WriterThreadConfig;
const datasets = new Map<string, ParquetDataset<object> | JournaledDataset<object>>();
const datasetFor = (spec: DatasetSpec): ParquetDataset<object> | JournaledDataset<object> => {
  const key = `${spec.layer}/${spec.name}`;
  let ds = datasets.get(key);
  if (!ds) {
    const options = { root: config.root, spec, ...config.parquet };
    ds = config.journal === false ? new ParquetDataset<object>(options) : new JournaledDataset<object>({ ...options, ...config.journal });
    datasets.set(key, ds);
  }
  return ds;
};

let chain = Promise.resolve();
port.on('message', (req: WriterRequest) => {
  chain = chain.then(async () => {
    if (req.type === 'close') {
      // Every earlier request has been answered (the chain is ordered): merge the journals into
      // the partitions, then the thread may end.
      let failed: unknown;
      for (const ds of datasets.values()) {
        if (ds instanceof JournaledDataset) await ds.close().catch((e: unknown) => (failed ??= e));
      }
      const error = failed as { code?: string; message?: string } | undefined;
      port.postMessage({ type: 'closed', ...(error ? { error: { code: error.code ?? 'STORAGE', message: error.message ?? String(failed) } } : {}) } satisfies WriterReply);
      port.close();
      return;
    }
    let reply: WriterReply;
    try {
      const ds = datasetFor(req.spec);
      const result =
        req.type === 'write'
          ? await ds.write(req.records)
          : req.type === 'seal'
            ? ((await ds.seal(req.ticker, req.date)) ?? null)
            : ds instanceof JournaledDataset
              ? await ds.recover()
              : 0;
      reply = { type: 'done', id: req.id, result };
    } catch (e) {
      const error = e as { code?: string; message?: string };
      reply = { type: 'failed', id: req.id, error: { code: error.code ?? 'STORAGE', message: error.message ?? String(e) } };
    }
    port.postMessage(reply);
  });
});
