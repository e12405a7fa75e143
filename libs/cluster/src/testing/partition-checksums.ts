import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Every Parquet file under `dir` (relative path → row count and DuckDB row-hash checksum, doubles
 * to 12 significant digits), ingestion times left out: two runs' datasets compared partition by
 * partition (embedded vs cluster).
 *
 * @example
 * ```ts
 * const [cluster, embedded] = await Promise.all([partitionChecksums('/tmp/cluster-root'), partitionChecksums('/tmp/embedded-root')]);
 * console.log(JSON.stringify(cluster) === JSON.stringify(embedded));
 * ```
 */
export async function partitionChecksums(dir: string): Promise<Record<string, { rows: number; checksum: string }>> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.parquet')) files.push(p);
    }
  };
  await walk(dir);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const out: Record<string, { rows: number; checksum: string }> = {};
  try {
    for (const f of files.sort()) {
      const cols = (await (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f}')`)).getRowObjects()).filter((r) => r.column_name !== 'ingested_at');
      // Doubles to 12 significant digits: DuckDB's windowed aggregates (features' rolling z-scores)
      // sum in an order that depends on which dates one run processes together, which moves the
      // last bit (measured: opt_volume_z_20 of 31 rows, 2e-16 apart, one date vs two at once).
      const exprs = cols.map((r) => (/^(DOUBLE|FLOAT)$/.test(String(r.column_type)) ? `printf('%.12g', "${String(r.column_name)}")` : `"${String(r.column_name)}"`));
      const row = (await (await con.runAndReadAll(`SELECT count(*)::BIGINT AS n, bit_xor(hash(${exprs.join(', ')}))::VARCHAR AS h FROM read_parquet('${f}')`)).getRowObjects())[0]!;
      out[path.relative(dir, f)] = { rows: Number(row.n), checksum: String(row.h) };
    }
  } finally {
    con.closeSync();
  }
  return out;
}
