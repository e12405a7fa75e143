// Compares two `<root>/processed` trees (consolidated + features) row by row in file order: rows
// per side, rows paired by (date, position in the file), per column the number of values that
// differ (NULL-aware) and, for DOUBLE columns, the largest |a - b| / max(1, |b|). Used to show a
// change of the consolidation/feature code keeps a year's output bit for bit:
//
//   node --import tsx tools/bench/features/bench.ts --root /tmp/year          # old code
//   cp -r /tmp/year/processed /tmp/ref                                        # keep its output
//   node --import tsx tools/bench/features/bench.ts --root /tmp/year --reuse  # new code
//   node tools/bench/features/compare-processed.mjs /tmp/ref /tmp/year/processed
//
// Prints one line per dataset; `differences {}` means every value is identical.
//
// --by-key pairs rows by (date, ticker, timestamp) instead of their position, for trees whose
// files hold the same rows in another order (DuckDB's PARTITION_BY writer, used before the
// per-date writes, moved a block of rows behind a later one on a few dates); `unsorted` counts
// the rows of each side that break (ticker, timestamp) order within their file.
import { DuckDBInstance } from '@duckdb/node-api';
const byKey = process.argv.includes('--by-key');
const [a, b] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
if (!a || !b) throw new Error('usage: compare-processed.mjs <processed dir A> <processed dir B> [--by-key]');
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const c = await db.connect();
for (const ds of ['consolidated', 'features']) {
  const first = (await c.runAndReadAll(`SELECT file FROM glob('${a}/${ds}/*/*.parquet') ORDER BY file LIMIT 1`)).getRowObjects()[0]?.file;
  if (!first) throw new Error(`no Parquet files under ${a}/${ds}`);
  const cols = (await c.runAndReadAll(`SELECT name, type FROM parquet_schema('${first}') WHERE num_children IS NULL`)).getRowObjects();
  const rd = (r) => `SELECT regexp_extract(filename, 'date=([0-9-]+)', 1) AS d, file_row_number AS n, * EXCLUDE (filename, file_row_number) FROM read_parquet('${r}/${ds}/*/*.parquet', filename = true, file_row_number = true, hive_partitioning = false)`;
  const num = cols.filter((x) => x.type === 'DOUBLE').map((x) => x.name);
  const exprs = cols.map((x) => `count(*) FILTER (WHERE x."${x.name}" IS DISTINCT FROM y."${x.name}") AS "${x.name}"`);
  const rel = num.map((n) => `max(abs(x."${n}" - y."${n}") / greatest(1, abs(y."${n}"))) AS "rel_${n}"`);
  const on = byKey ? 'x.d = y.d AND x.ticker = y.ticker AND x."timestamp" = y."timestamp"' : 'x.d = y.d AND x.n = y.n';
  const unsorted = (r) => `(SELECT count(*) FROM (SELECT ticker, "timestamp" AS t, lag(ticker) OVER w AS pt, lag("timestamp") OVER w AS pts FROM (${rd(r)}) WINDOW w AS (PARTITION BY d ORDER BY n)) WHERE ticker < pt OR (ticker = pt AND t <= pts))`;
  const q = `SELECT (SELECT count(*) FROM (${rd(a)})) AS rows_a, (SELECT count(*) FROM (${rd(b)})) AS rows_b, count(*) AS joined, ${unsorted(a)} AS unsorted_a, ${unsorted(b)} AS unsorted_b, ${exprs.join(', ')}, ${rel.join(', ')} FROM (${rd(a)}) x JOIN (${rd(b)}) y ON ${on}`;
  const r = (await c.runAndReadAll(q)).getRowObjects()[0];
  const diff = Object.fromEntries(Object.entries(r).filter(([k, v]) => k.startsWith('rel_') ? Number(v) > 0 : !['rows_a', 'rows_b', 'joined', 'unsorted_a', 'unsorted_b'].includes(k) && Number(v) > 0));
  console.log(ds, 'rows', String(r.rows_a), String(r.rows_b), 'joined', String(r.joined), 'unsorted', String(r.unsorted_a), String(r.unsorted_b), 'columns', cols.length, 'differences', JSON.stringify(diff, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}
