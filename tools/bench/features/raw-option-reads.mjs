// How to read the many small raw option files (one per contract-day: 24 a day, 6,048 a year) into
// DuckDB: one read_parquet per file, one read_parquet([list]) per 4-date pass (what consolidate
// does, with and without union_by_name / filename), or one scan of the whole range. Rounds
// alternate the variants; CPU seconds (every thread of this process) are printed beside wall.
//
//   node tools/bench/features/raw-option-reads.mjs <root written by bench.ts --root> [--rounds 3]
//
// The baseline of the ratios is the per-pass list read as consolidate does it, in the same run.
// Ends with one JSON line of per-file CPU milliseconds by variant.
import { readdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const root = process.argv[2];
if (!root) throw new Error('usage: raw-option-reads.mjs <root> [--rounds N]');
const k = process.argv.indexOf('--rounds');
const rounds = k > 0 ? Number(process.argv[k + 1]) : 3;
const base = `${root}/raw/options`;
const files = [];
for (const t of readdirSync(base)) for (const d of readdirSync(`${base}/${t}`)) for (const f of readdirSync(`${base}/${t}/${d}`)) files.push({ date: d.slice(5), path: `${base}/${t}/${d}/${f}` });
const dates = [...new Set(files.map((x) => x.date))].sort();
const db = await DuckDBInstance.create(':memory:', { threads: '2', enable_external_file_cache: 'false' });
const c = await db.connect();
const lit = (l) => `[${l.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]`;
const cols = `ticker, epoch_ms(timestamp) AS ts, open::DOUBLE AS open, high::DOUBLE AS high, low::DOUBLE AS low, "close"::DOUBLE AS "close", volume::DOUBLE AS volume,
  vwap::DOUBLE AS vwap, transactions::DOUBLE AS transactions, underlying, expiration, strike::DOUBLE AS strike, contract_type`;
const passes = [];
for (let b = 0; b < dates.length; b += 4) {
  const ds = new Set(dates.slice(b, b + 4));
  passes.push(files.filter((x) => ds.has(x.date)));
}
const variants = {
  pass_list_union_filename: async () => {
    for (const p of passes) await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT regexp_extract(filename, 'date=([0-9-]+)', 1) AS date, ${cols} FROM read_parquet(${lit(p.map((x) => x.path))}, hive_partitioning = false, filename = true, union_by_name = true)`);
  },
  pass_list_plain: async () => {
    for (const p of passes) await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT ${cols} FROM read_parquet(${lit(p.map((x) => x.path))}, hive_partitioning = false)`);
  },
  per_file: async () => {
    for (const p of passes) {
      await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT '' AS date, ${cols} FROM read_parquet(${lit([p[0].path])}, hive_partitioning = false) LIMIT 0`);
      for (const x of p) await c.run(`INSERT INTO t SELECT '${x.date}' AS date, ${cols} FROM read_parquet(${lit([x.path])}, hive_partitioning = false)`);
    }
  },
  whole_range_glob: async () => {
    await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT regexp_extract(filename, 'date=([0-9-]+)', 1) AS date, ${cols} FROM read_parquet('${base}/*/*/*.parquet', hive_partitioning = false, filename = true)`);
  },
};
const cpuMs = {};
const wall = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(r % 2 === 0 ? variants : Object.fromEntries(Object.entries(variants).reverse()))) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const cu = process.cpuUsage(c0);
    (cpuMs[name] ??= []).push((cu.user + cu.system) / 1000);
    (wall[name] ??= []).push(performance.now() - t0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ref = median(cpuMs.pass_list_union_filename);
console.log(`${files.length} raw option files, ${dates.length} dates, ${passes.length} passes of 4 dates; ${rounds} alternating rounds (median)`);
for (const name of Object.keys(variants)) {
  console.log(`  ${name.padEnd(26)} CPU ${(median(cpuMs[name]) / 1000).toFixed(2)} s (${(median(cpuMs[name]) / files.length).toFixed(2)} ms a file, ${(median(cpuMs[name]) / ref).toFixed(2)}× the pass list), wall ${(median(wall[name]) / 1000).toFixed(2)} s`);
}
c.closeSync();
db.closeSync();
console.log(JSON.stringify({ bench: 'raw-option-reads', files: files.length, ...Object.fromEntries(Object.keys(variants).map((n) => [`${n}CpuMsPerFile`, +(median(cpuMs[n]) / files.length).toFixed(3)])) }));
