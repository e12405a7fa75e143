import { mkdtemp, readdir, readFile, rm, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@spyglass/core';
import { Quarantine, readQuarantine, summarizeQuarantine } from '../index.js';

const issue = (code: string) => ({ code, path: ['x'], message: `${code} found` });

describe('Quarantine', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'spyglass-q-'))));
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('partitions by ET trading date, unknown when there is no usable timestamp', async () => {
    const q = new Quarantine({ root, clock: new ManualClock(Date.UTC(2025, 2, 6)) });
    await q.add('stocks', [
      { record: { timestamp: Date.UTC(2025, 2, 5, 2, 0) }, issues: [issue('A')] }, // 21:00 ET on the 4th
      { record: { timestamp: Date.UTC(2025, 2, 5, 15, 0) }, issues: [issue('A'), issue('B')] },
      { record: { timestamp: 'yesterday' }, issues: [issue('B')] },
      { record: 'garbage', issues: [issue('C')] },
    ]);
    expect(await readdir(join(root, 'quarantine', 'stocks'))).toEqual(['date=2025-03-04', 'date=2025-03-05', 'date=unknown']);
    const unknown = [];
    for await (const e of readQuarantine(root, { dataset: 'stocks', date: 'unknown' })) unknown.push(e);
    expect(unknown.map((e) => e.record)).toEqual([{ timestamp: 'yesterday' }, 'garbage']);
    expect(unknown[0]?.quarantinedAt).toBe(Date.UTC(2025, 2, 6));
    expect(q.counts()).toEqual({ total: 4, byDataset: { stocks: { total: 4, byCode: { A: 2, B: 2, C: 1 } } } });
  });

  it('never overwrites an earlier batch and leaves no temp files', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 6));
    const q = new Quarantine({ root, clock });
    const rec = { record: { timestamp: Date.UTC(2025, 2, 5, 15, 0) }, issues: [issue('A')] };
    await q.add('options', [rec]);
    await q.add('options', [rec]);
    // A second process (new instance, same millisecond) must not collide either.
    await new Quarantine({ root, clock }).add('options', [rec]);
    const files = await readdir(join(root, 'quarantine', 'options', 'date=2025-03-05'));
    expect(files.filter((f) => f.endsWith('.jsonl'))).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await summarizeQuarantine(root)).byDataset.options?.total).toBe(3);
  });

  it('replays of the same batchId replace their file: a resumed job quarantines each record once', async () => {
    const q = new Quarantine({ root, clock: new ManualClock(Date.UTC(2025, 2, 6)) });
    const rec = { record: { timestamp: Date.UTC(2025, 2, 5, 15, 0) }, issues: [issue('A')] };
    await q.add('stocks', [rec, rec], { batchId: 'backfill:stocks:SPY:2025-03-05' });
    await new Quarantine({ root }).add('stocks', [rec, rec], { batchId: 'backfill:stocks:SPY:2025-03-05' });
    const files = await readdir(join(root, 'quarantine', 'stocks', 'date=2025-03-05'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^batch-backfill_stocks_SPY_2025-03-05-[0-9a-f]{12}\.jsonl$/);
    expect((await summarizeQuarantine(root)).byDataset.stocks?.total).toBe(2);
  });

  it('keeps batch ids that sanitise alike apart', async () => {
    const q = new Quarantine({ root });
    const rec = { record: { timestamp: Date.UTC(2025, 2, 5, 15, 0) }, issues: [issue('A')] };
    await q.add('stocks', [rec], { batchId: 'backfill:SPY:2025-03-05' });
    await q.add('stocks', [rec], { batchId: 'backfill:SPY/2025-03-05' });
    expect(await readdir(join(root, 'quarantine', 'stocks', 'date=2025-03-05'))).toHaveLength(2);
    expect((await summarizeQuarantine(root)).byDataset.stocks?.total).toBe(2);
  });

  it('keeps NaN, Infinity and bigint visible in the stored line', async () => {
    const q = new Quarantine({ root });
    await q.add('indices', [{ record: { timestamp: Date.UTC(2025, 2, 5, 15, 0), open: NaN, high: -Infinity, n: 5n }, issues: [issue('NOT_FINITE')] }]);
    const dir = join(root, 'quarantine', 'indices', 'date=2025-03-05');
    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file!), 'utf8');
    expect(text).toContain('{"$number":"NaN"}');
    expect(text).toContain('{"$number":"-Infinity"}');
    expect(text).toContain('{"$bigint":"5"}');
  });

  it('reports a corrupt quarantine file by name', async () => {
    const dir = join(root, 'quarantine', 'news', 'date=2025-03-05');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'part-1.jsonl'), '{"dataset":"news"\n');
    await expect(summarizeQuarantine(root)).rejects.toMatchObject({ code: 'CORRUPT_FILE', message: expect.stringContaining('part-1.jsonl') });
  });

  it('fails with STORAGE, not silently, when the directory is not writable', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; block the path with a file instead.
      await mkdir(join(root, 'quarantine'), { recursive: true });
      await writeFile(join(root, 'quarantine', 'stocks'), 'not a directory');
    } else {
      await chmod(root, 0o500);
    }
    const q = new Quarantine({ root });
    await expect(q.add('stocks', [{ record: {}, issues: [issue('A')] }])).rejects.toMatchObject({ code: 'STORAGE' });
    expect(q.counts().total).toBe(0);
  });

  it('rejects dataset names that would escape the quarantine directory', async () => {
    await expect(new Quarantine({ root }).add('../etc', [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reads nothing from a root without a quarantine', async () => {
    expect(await summarizeQuarantine(root)).toEqual({ total: 0, byDataset: {} });
  });
});
