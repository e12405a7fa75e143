import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckSession } from '../duck/duck-session.js';
import { duckQuery } from '../__test-support__/duck-query.js';
import { writeDateFiles, writeDatePartitions } from './partition-writer.js';

describe('date partition writers', () => {
  let root: string;
  let duck: DuckSession;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'spyglass-writer-'));
    duck = await DuckSession.open(2);
    // 3 dates × 40,000 rows in a descending key order no sort would produce.
    await duck.run(`CREATE TEMP TABLE r AS SELECT '2025-03-0' || (3 + i % 3) AS date, 1e6 - i AS k, i / 3.0 AS x FROM range(120000) t(i)`);
  });
  afterAll(async () => {
    duck.close();
    await rm(root, { recursive: true, force: true });
  });
  const file = (dataset: string, date: string) => join(root, 'processed', dataset, `date=${date}`, 'part-0.parquet');

  it('writeDateFiles keeps the query order in each file', async () => {
    const out = await writeDateFiles(duck, root, 'one', (d) => `SELECT k, x FROM r WHERE date = '${d}'`, ['2025-03-05', '2025-03-03', '2025-03-04']);
    expect(out.dates).toEqual(['2025-03-03', '2025-03-04', '2025-03-05']);
    for (const d of out.dates) {
      const rows = await duckQuery(`SELECT k, file_row_number AS n FROM read_parquet('${file('one', d)}', file_row_number = true)`);
      expect(rows.length).toBe(40000);
      const keys = rows.map((r) => Number(r.k));
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
    }
  });

  it('writeDateFiles removes the old file of a date the query has no rows for, and leaves no temp directory', async () => {
    await writeDatePartitions(duck, root, 'two', `SELECT date, k FROM r`, ['2025-03-03', '2025-03-04', '2025-03-05']);
    expect((await stat(file('two', '2025-03-04'))).size).toBeGreaterThan(0);
    const out = await writeDateFiles(duck, root, 'two', (d) => (d === '2025-03-04' ? null : `SELECT k FROM r WHERE date = '${d}'`), ['2025-03-03', '2025-03-04', '2025-03-05']);
    expect(out.dates).toEqual(['2025-03-03', '2025-03-05']);
    await expect(stat(file('two', '2025-03-04'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readdir(join(root, 'processed'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('writeDatePartitions writes one file per date, in the query order, for a year-sized table (600k rows over 20 dates)', async () => {
    // DuckDB's PARTITION_BY writer split the demo's training date 2024-10-31 into two files (505k rows
    // kept of 530k) and, with two threads, moved blocks of rows behind later ones (the order check below).
    await duck.run(`CREATE TEMP TABLE big AS SELECT '2025-04-' || lpad((1 + i % 20)::VARCHAR, 2, '0') AS date, 1e7 - i AS k FROM range(600000) t(i)`);
    const dates = Array.from({ length: 21 }, (_, i) => `2025-04-${String(i + 1).padStart(2, '0')}`);
    const out = await writeDatePartitions(duck, root, 'big', `SELECT date, k FROM big`, dates);
    expect(out.dates).toEqual(dates.slice(0, 20));
    for (const d of out.dates) {
      expect(await readdir(join(root, 'processed', 'big', `date=${d}`))).toEqual(['part-0.parquet']);
      const keys = (await duckQuery(`SELECT k FROM read_parquet('${file('big', d)}')`)).map((r) => Number(r.k));
      expect(keys.length).toBe(30000);
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
    }
    expect((await readdir(join(root, 'processed'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  }, 120_000);
});
