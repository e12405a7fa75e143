import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Every Parquet file under `dir` (relative path → row count and DuckDB row-hash checksum), ingestion times left out. */
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
      const cols = (await (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f}')`)).getRowObjects()).map((r) => String(r.column_name)).filter((c) => c !== 'ingested_at');
      const row = (await (await con.runAndReadAll(`SELECT count(*)::BIGINT AS n, bit_xor(hash(${cols.map((c) => `"${c}"`).join(', ')}))::VARCHAR AS h FROM read_parquet('${f}')`)).getRowObjects())[0]!;
      out[path.relative(dir, f)] = { rows: Number(row.n), checksum: String(row.h) };
    }
  } finally {
    con.closeSync();
  }
  return out;
}
