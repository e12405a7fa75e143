// @spyglass/pipeline from the registry: the process registry records a worker on disk.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProcessRegistry } from '@spyglass/pipeline';

const dir = await mkdtemp(path.join(tmpdir(), 'consumer-pipeline-'));
const registry = new ProcessRegistry({ dir });
await registry.register({ id: 'stocks-SPY', pid: process.pid, ticker: 'SPY', job: 'backfill', status: 'starting', progress: { done: 0, total: 5, bars: 0 } });
await registry.update('stocks-SPY', { status: 'running', progress: { done: 3, total: 5, bars: 1170 } });
const [worker] = await registry.list();
assert.equal(worker?.id, 'stocks-SPY');
assert.equal(worker?.status, 'running');
await rm(dir, { recursive: true, force: true });
console.log(`pipeline: worker ${worker?.id} ${worker?.status}`);
