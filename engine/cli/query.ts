// `streamforge query "<SQL>"`: exposes every table the query names (ns.table, or a unique bare
// table name) as a DuckDB view over the Parquet files of its current snapshot, runs the SQL and
// prints a table, CSV or JSON. Table discovery and printing only; DuckDB does the querying.
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IcebergType } from '../../catalog/iceberg/schema.js';
import { listTables, loadTable } from '../../catalog/index.js';
import type { IcebergTable, TableRef } from '../../catalog/index.js';
import { EngineError } from '../core/errors.js';
import { DuckDbError, quoteIdent, quoteString, runDuckDb } from '../query/duckdb.js';
import type { QueryResult } from '../query/duckdb.js';
import type { Warehouses } from '../runtime/warehouses.js';

export interface QueryOptions {
  readonly warehouses: Warehouses;
  readonly format: string;
}

function duckType(t: IcebergType): string {
  switch (t.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'binary':
      return 'BLOB';
    default:
      return 'VARCHAR';
  }
}

function mentions(sql: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_"])"?${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}"?($|[^A-Za-z0-9_])`, 'i').test(sql);
}

async function viewSource(table: IcebergTable): Promise<string> {
  const files = await table.liveDataFiles();
  if (files.length === 0) {
    const cols = table.schema.columns.map((c) => `CAST(NULL AS ${duckType(c.type)}) AS ${quoteIdent(c.name)}`).join(', ');
    return `SELECT ${cols} WHERE false`;
  }
  const paths = await Promise.all(files.map((f) => localFile(table, f.path) ?? cached(table, f.path, f.fileSizeInBytes)));
  // hive_partitioning=false: values come from the files, never from partition path segments.
  return `SELECT * FROM read_parquet([${paths.map(quoteString).join(', ')}], hive_partitioning = false)`;
}

/**
 * The data file itself when the table's store is a local directory. The path is the key as written
 * (partition values in it stay percent-encoded on disk, as Iceberg writers name them), so it is
 * not URL-decoded; a name DuckDB would read as a glob pattern is left to the cached copy.
 */
function localFile(table: IcebergTable, uri: string): string | undefined {
  const store = table.store;
  if (store.localPath !== undefined && uri.startsWith(store.rootUri + '/')) {
    const path = store.localPath(table.keyOf(uri));
    return /[*?[\]{}]/.test(path) ? undefined : path;
  }
  return uri.startsWith('file://') ? uri.slice('file://'.length) : undefined; // written by another warehouse path
}

/** Local copy of a remote data file (data files are immutable: a copy of the right size is current). */
async function cached(table: IcebergTable, uri: string, size: number): Promise<string> {
  const dir = process.env['STREAMFORGE_CACHE'] ?? join(homedir(), '.cache', 'streamforge', 'query');
  const path = join(dir, createHash('sha256').update(uri).digest('hex').slice(0, 32) + '.parquet');
  const have = await stat(path).catch(() => undefined);
  if (have?.size === size) return path;
  const bytes = await table.store.get(table.keyOf(uri));
  if (!bytes) throw new EngineError('exec', `table '${table.qualifiedName}': data file ${uri} is missing`);
  await mkdir(dir, { recursive: true });
  await writeFile(path, bytes);
  return path;
}

export async function setupStatements(sql: string, warehouses: Warehouses): Promise<string[]> {
  const store = warehouses.open(undefined);
  const refs = await listTables(store);
  const byName = new Map<string, TableRef[]>();
  for (const r of refs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const setup: string[] = [];
  for (const r of refs) {
    const qualified = mentions(sql, r.namespace) && mentions(sql, r.name);
    const bare = mentions(sql, r.name) && byName.get(r.name)!.length === 1;
    if (!qualified && !bare) continue;
    const table = await loadTable(store, r.namespace, r.name);
    if (!table) continue;
    const body = await viewSource(table);
    setup.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(r.namespace)}`);
    setup.push(`CREATE OR REPLACE VIEW ${quoteIdent(r.namespace)}.${quoteIdent(r.name)} AS ${body}`);
    if (bare && r.namespace !== 'main') setup.push(`CREATE OR REPLACE VIEW main.${quoteIdent(r.name)} AS ${body}`);
  }
  return setup;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Object.is(v, -0)) return '-0'; // JSON.stringify drops the sign
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function formatResult(r: QueryResult, format: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))), null, 2) + '\n';
    case 'csv': {
      // an empty string is quoted, so it differs from NULL (an empty field), as DuckDB writes CSV
      const esc = (s: string): string => (s === '' || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const lines = [r.columns.map(esc).join(',')];
      for (const row of r.rows) lines.push(row.map((v) => (v === null ? '' : esc(cell(v)))).join(','));
      return lines.join('\n') + '\n';
    }
    default: {
      const body = r.rows.map((row) => row.map(cell));
      const widths = r.columns.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
      const numeric = r.types.map((t) => /INT|DECIMAL|DOUBLE|FLOAT|HUGEINT/.test(t));
      const fmt = (cells: string[]): string =>
        cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
      const lines = [fmt([...r.columns]), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(fmt)];
      lines.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
      return lines.join('\n') + '\n';
    }
  }
}

export async function queryCommand(sql: string, o: QueryOptions): Promise<number> {
  if (!['table', 'csv', 'json'].includes(o.format))
    throw new EngineError('config', `unknown --format '${o.format}' (use table, csv or json)`);
  const setup = await setupStatements(sql, o.warehouses);
  try {
    process.stdout.write(formatResult(await runDuckDb(setup, sql), o.format));
    return 0;
  } catch (err) {
    if (err instanceof DuckDbError) {
      process.stderr.write(`query error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
