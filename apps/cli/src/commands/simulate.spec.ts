// `spyglass simulate --source consolidated` (the original's replay of the consolidated dataset) on
// consolidated Parquet built from the exchange simulator: ingestion → consolidation in a temp root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildFeatureDataset, type FeatureDataset } from '@spyglass/pipeline/testing';
import { runCli } from '../__test-support__/run-cli.js';

let data: FeatureDataset;
beforeAll(async () => {
  data = await buildFeatureDataset('2025-03-04', '2025-03-05', 1);
}, 240_000);
afterAll(() => rm(data.root, { recursive: true, force: true }));

/** The stored consolidated rows, read independently of the command: (ticker, epoch ms, opt_close). */
async function stored(where = ''): Promise<Array<[string, number, number]>> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(
      `SELECT ticker, epoch_ms(timestamp)::DOUBLE AS ts, opt_close FROM read_parquet('${data.root}/processed/consolidated/*/*.parquet') ${where} ORDER BY ts, ticker`,
    );
    return r.getRows().map(([t, ts, c]) => [String(t), Number(ts), Number(c)]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const simulate = (...argv: string[]) => runCli('simulate', '--source', 'consolidated', '--speed', '0', '--data-root', data.root, '--log-level', 'silent', ...argv);

describe('simulate --source consolidated', () => {
  it('replays every consolidated row of every stored date once, in event-time order, with its option close', async () => {
    const rows = await stored();
    expect(new Set(rows.map((r) => new Date(r[1]).toISOString().slice(0, 10)))).toEqual(new Set(['2025-03-04', '2025-03-05']));
    const lines = (await simulate()).trim().split('\n');
    const printed = lines.slice(0, -1);
    expect(printed).toEqual(rows.map(([ticker, ts, close]) => `${new Date(ts).toISOString()} ${ticker} ${close}`));
    expect(lines.at(-1)).toMatch(new RegExp(`^replayed ${rows.length} records \\(0 out of order`));
  });

  it('narrows to one date and one contract', async () => {
    const [first] = await stored(`WHERE CAST(timestamp AS DATE) = DATE '2025-03-05'`);
    const ticker = first![0];
    const want = await stored(`WHERE CAST(timestamp AS DATE) = DATE '2025-03-05' AND ticker = '${ticker}'`);
    const out = JSON.parse(await simulate('--date', '2025-03-05', '--ticker', ticker, '--json')) as { replayed: number; outOfOrder: number };
    expect(out).toMatchObject({ replayed: want.length, outOfOrder: 0 });
    expect(want.length).toBeGreaterThan(10);
  });

  it('says where it looked when nothing is consolidated for the date', async () => {
    await expect(simulate('--date', '2025-03-08')).rejects.toThrow(/no consolidated data under .*processed\/consolidated for 2025-03-08: run `spyglass consolidate` first/);
  });

  it('still replays a raw dataset', async () => {
    const out = JSON.parse(await runCli('simulate', '--source', 'indices', '--date', '2025-03-04', '--speed', '0', '--data-root', data.root, '--log-level', 'silent', '--json')) as { replayed: number };
    expect(out.replayed).toBeGreaterThan(300);
  });
});

// An empty data root: the error names the dataset directory rather than replaying nothing.
it('simulate --source consolidated on an empty data root fails with the path', async () => {
  const root = await mkdtemp(join(tmpdir(), 'spyglass-sim-empty-'));
  try {
    await expect(runCli('simulate', '--source', 'consolidated', '--speed', '0', '--data-root', root, '--log-level', 'silent')).rejects.toThrow(
      new RegExp(`no consolidated data under ${join(root, 'processed', 'consolidated')}`),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
