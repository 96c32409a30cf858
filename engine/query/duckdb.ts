// The one adapter over @duckdb/node-api: runs setup statements and one query in an in-memory
// DuckDB and returns column names, types and JSON-friendly rows. No Iceberg knowledge here.
import { DuckDBInstance } from '@duckdb/node-api';

export interface QueryResult {
  readonly columns: readonly string[];
  readonly types: readonly string[];
  /** Values as DuckDB renders them for JSON: numbers, strings (bigints, decimals, timestamps), booleans, null. */
  readonly rows: readonly (readonly unknown[])[];
}

export class DuckDbError extends Error {}

export async function runDuckDb(setup: readonly string[], sql: string): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const s of setup) await conn.run(s);
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (err) {
      throw new DuckDbError(err instanceof Error ? err.message : String(err), { cause: err });
    }
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map((t) => String(t)),
      rows: reader.getRowsJson() as unknown[][],
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Quote an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal for DuckDB SQL. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
