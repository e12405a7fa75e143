import { DuckDBInstance } from '@duckdb/node-api';

/** Runs one query in a throwaway DuckDB and returns plain JS row objects (test assertions only). */
export async function duckQuery(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
