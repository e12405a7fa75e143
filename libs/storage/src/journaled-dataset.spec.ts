import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StockBar } from '@spyglass/core';
import { JOURNAL_DIR, JournaledDataset, ParquetDataset, rawDatasetSpecs } from './index.js';
import { syntheticBars } from './__test-support__/bars.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, '__test-support__/journal-child.ts');
const childEnv = { ...process.env, TSX_TSCONFIG_PATH: path.join(here, '__test-support__/tsconfig.child.json') };
const spec = rawDatasetSpecs.stocks;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'spyglass-journal-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const journalDir = () => path.join(root, spec.layer, spec.name, JOURNAL_DIR);
const segments = () => (existsSync(journalDir()) ? readdirSync(journalDir()) : []);
const stored = async () => (await new ParquetDataset<StockBar>({ root, spec }).readAll()).map((b) => `${b.ticker}@${b.timestamp}:${b.close}`).sort();
const keys = (bars: readonly StockBar[]) => bars.map((b) => `${b.ticker}@${b.timestamp}:${b.close}`).sort();

/** The pid of a process that has exited (a writer that is no longer running). */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
}

it('makes a write durable in the journal and readable only once merged, each row once', async () => {
  const bars = syntheticBars({ tickers: 3, days: 2, perDay: 30 });
  const ds = new JournaledDataset<StockBar>({ root, spec });
  const first = await ds.write(bars.slice(0, 100));
  const again = await ds.write(bars.slice(50, 180));
  expect(first).toEqual({ added: 100, duplicates: 0, journaled: 100 });
  expect(again).toEqual({ added: 80, duplicates: 50, journaled: 230 });
  expect(segments()).toHaveLength(1);
  expect(await stored()).toEqual([]);
  const merged = await ds.compact();
  expect(merged).toMatchObject({ rowsIn: 230, added: 180, duplicates: 50, partitions: 6 });
  expect(segments()).toEqual([]);
  expect(await stored()).toEqual(keys(bars));
  // Written again after the merge: the partitions keep one row per key.
  await ds.write(bars.slice(0, 10));
  await ds.close();
  expect(await stored()).toEqual(keys(bars));
  await expect(ds.write(bars)).rejects.toThrow(/after close/);
});

it('writes called together share one segment and every row is merged', async () => {
  const bars = syntheticBars({ tickers: 2, days: 1, perDay: 50 });
  const ds = new JournaledDataset<StockBar>({ root, spec });
  await Promise.all(Array.from({ length: 10 }, (_, k) => ds.write(bars.slice(k * 10, k * 10 + 10))));
  expect(segments()).toHaveLength(1);
  await ds.close();
  expect(await stored()).toEqual(keys(bars));
});

it('merges in the background once the oldest journaled row has waited compactIntervalMs', async () => {
  let now = 1_000;
  const bars = syntheticBars({ tickers: 1, days: 1, perDay: 60 });
  const ds = new JournaledDataset<StockBar>({ root, spec, compactIntervalMs: 5_000, now: () => now });
  for (let i = 0; i < 4; i++) {
    await ds.write(bars.slice(i * 10, i * 10 + 10));
    now += 1_000;
  }
  expect(await stored()).toEqual([]);
  now += 1_000;
  // This write is due: it is journaled (durable) and the merge starts behind it.
  expect(await ds.write(bars.slice(40, 50))).toMatchObject({ journaled: 50 });
  // …so the next write starts a new segment.
  expect(await ds.write(bars.slice(50, 60))).toMatchObject({ journaled: 10 });
  // The merge of the first segment is under way or done; compact also merges the second one.
  await ds.compact();
  expect(await stored()).toEqual(keys(bars));
  expect(segments()).toEqual([]);
});

it('refuses what the partitions would refuse, before journaling it', async () => {
  const ds = new JournaledDataset<StockBar>({ root, spec });
  const [bar] = syntheticBars({ tickers: 1, days: 1, perDay: 1 });
  await expect(ds.write([{ ...bar!, ticker: undefined as unknown as string }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  await expect(ds.write([{ ...bar!, close: 'x' as unknown as number }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  expect(await ds.write([bar!])).toMatchObject({ added: 1, journaled: 1 });
  await ds.close();
  expect(await stored()).toEqual(keys([bar!]));
});

it('merges a journal that no further write makes due, once compactIntervalMs has passed', async () => {
  const bars = syntheticBars({ tickers: 2, days: 1, perDay: 10 });
  const ds = new JournaledDataset<StockBar>({ root, spec, compactIntervalMs: 200 });
  await ds.write(bars);
  expect(await stored()).toEqual([]);
  const deadline = Date.now() + 20_000;
  while (segments().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(await stored()).toEqual(keys(bars));
  await ds.close();
});

it('seals a partition with every journaled row in it', async () => {
  const bars = syntheticBars({ tickers: 1, days: 1, perDay: 40 });
  const ds = new JournaledDataset<StockBar>({ root, spec });
  await ds.write(bars);
  const seal = await ds.seal('T000', '2025-03-10');
  expect(seal).toMatchObject({ rows: 40 });
});

it('a writer killed with SIGKILL loses no acknowledged row: the next writer merges its journal, exactly once', async () => {
  const bars = syntheticBars({ tickers: 4, days: 1, perDay: 50 });
  const proc = spawn(process.execPath, ['--import', 'tsx', child, root, '35'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += String(d)));
  proc.stderr.on('data', (d: Buffer) => (err += String(d)));
  const exited = new Promise<NodeJS.Signals | null>((r) => proc.once('exit', (_c, signal) => r(signal)));
  proc.stdin.end(JSON.stringify(bars));
  expect(await exited).toBe('SIGKILL');
  expect(out.trim().split('\n').at(-1)).toBe(`journaled ${bars.length}`);
  expect(err).toBe('');
  expect(await stored()).toEqual([]);
  const dead = segments();
  expect(dead).toHaveLength(1);
  // Merged once, then the same segment again (a writer killed after merging, before deleting it).
  const copy = readdirSync(journalDir())[0]!.replace(/-(\d+)\.jsonl$/, '-999999.jsonl');
  copyFileSync(path.join(journalDir(), dead[0]!), path.join(journalDir(), copy));
  const next = new JournaledDataset<StockBar>({ root, spec });
  expect(await next.recover()).toBe(2 * bars.length);
  expect(await stored()).toEqual(keys(bars));
  expect(segments()).toEqual([]);
}, 60_000);

it('drops a torn last line (a write never acknowledged) and reads non-finite numbers back', async () => {
  const pid = await deadPid();
  const bars = syntheticBars({ tickers: 1, days: 1, perDay: 3 });
  const withNaN = { ...bars[2]!, vwap: Number.NaN };
  // A dead writer's segment, written by hand: two whole lines, one with NaN, then half a line.
  const dir = journalDir();
  const line = (r: object) => `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v))}\n`;
  const file = path.join(dir, `${pid}-1-abc-000000.jsonl`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, line(bars[0]!) + line(withNaN));
  appendFileSync(file, line(bars[1]!).slice(0, 40));
  const next = new JournaledDataset<StockBar>({ root, spec });
  expect(await next.recover()).toBe(2);
  const rows = await new ParquetDataset<StockBar>({ root, spec }).readAll();
  expect(rows.map((r) => r.timestamp)).toEqual([bars[0]!.timestamp, bars[2]!.timestamp]);
  expect(rows[1]!.vwap).toBeNaN();
});

it('leaves the journals of a running writer alone', async () => {
  const ds = new JournaledDataset<StockBar>({ root, spec });
  await ds.write(syntheticBars({ tickers: 1, days: 1, perDay: 5 }));
  // Another instance in a live process (here: this one) does not take over its segment.
  expect(await new JournaledDataset<StockBar>({ root, spec }).recover()).toBe(0);
  expect(segments()).toHaveLength(1);
  await ds.close();
  expect(segments()).toEqual([]);
});
