import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StockBar } from '@spyglass/core';
import { createExchangeSim, type ExchangeSim } from '@spyglass/exchange-sim';
import { ParquetDataset, rawDatasetSpecs } from '@spyglass/storage';
import { Ingestion } from './ingestion.js';
import { ParquetWriterThread } from './parquet-writer-thread.js';
import { testSettings } from './__test-support__/test-settings.js';

const DATE = '2025-03-04';
const childScript = fileURLToPath(new URL('./__test-support__/writer-thread-child.ts', import.meta.url));
let sim: ExchangeSim;
let root: string;
let bars: StockBar[];

beforeAll(async () => {
  sim = await createExchangeSim({ seed: 5, speed: 0, sessionDate: DATE });
  root = mkdtempSync(join(tmpdir(), 'writer-thread-'));
  bars = (await new Ingestion(testSettings({ restBaseUrl: sim.url, dataRoot: root })).equities.minuteBars('SPY', DATE, DATE)).records;
});

afterAll(async () => {
  await sim.close();
  rmSync(root, { recursive: true, force: true });
});

it('writes through the thread in order, at most maxInFlight at a time, readable on the main thread once write resolves', async () => {
  const dir = mkdtempSync(join(root, 'order-'));
  const writer = new ParquetWriterThread({ root: dir, maxInFlight: 2 });
  const sink = writer.sink<StockBar>(rawDatasetSpecs.stocks);
  let peak = 0;
  const writes = [];
  for (let i = 0; i < bars.length; i += 40) {
    writes.push(sink.write(bars.slice(i, i + 40)));
    peak = Math.max(peak, writer.inFlight());
  }
  // The same bars again: the dataset's key de-duplicates them in the thread too.
  writes.push(sink.write(bars.slice(0, 10)));
  const results = await Promise.all(writes);
  expect(peak).toBe(2);
  expect(results.reduce((a, r) => a + r.added, 0)).toBe(bars.length);
  expect(results.at(-1)).toMatchObject({ added: 0, duplicates: 10 });
  const seal = await sink.seal!('SPY', DATE);
  expect(seal).toEqual(expect.objectContaining({ rows: bars.length }));
  await writer.close();
  const stored = await new ParquetDataset<StockBar>({ root: dir, spec: rawDatasetSpecs.stocks }).readAll();
  expect(stored.map((b) => b.timestamp)).toEqual(bars.map((b) => b.timestamp));
  await expect(sink.write(bars.slice(0, 1))).rejects.toThrow(/write after close/);
});

it('reports a failed write with its code and keeps serving the next ones', async () => {
  const writer = new ParquetWriterThread({ root: mkdtempSync(join(root, 'fail-')) });
  const sink = writer.sink<StockBar>(rawDatasetSpecs.stocks);
  await expect(sink.write([{ ...bars[0]!, ticker: undefined as unknown as string }])).rejects.toThrow(/parquet writer thread/);
  await expect(sink.write(bars.slice(0, 5))).resolves.toMatchObject({ added: 5, duplicates: 0 });
  await writer.close();
});

it.each([1, 2])('SIGTERM mid-stream (trial %i): every bar the stream delivered is durable before the process exits', async (trial) => {
  const dir = mkdtempSync(join(root, `sigterm-${trial}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, sim.url, dir, DATE], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += String(c)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += String(c);
      if (out.includes(`seen ${60 * trial}\n`)) resolve();
    });
    child.once('exit', () => reject(new Error(`child exited early: ${err}`)));
  });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const seen = Math.max(...[...out.matchAll(/^seen (\d+)$/gm)].map((m) => Number(m[1])));
  expect(out).toMatch(new RegExp(`^stored ${seen} of ${bars.length}$`, 'm'));
  expect(seen).toBeLessThan(bars.length);
  const stored = await new ParquetDataset<StockBar>({ root: dir, spec: rawDatasetSpecs.stocks }).readAll();
  expect(stored.map((b) => b.timestamp)).toEqual(bars.slice(0, seen).map((b) => b.timestamp));
}, 60_000);
