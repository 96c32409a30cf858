// Turns a batch of rows for an Iceberg table into Parquet data files under <table>/data/: groups rows
// by partition tuple (the spec's transforms), splits large groups, encodes, uploads, and returns the
// DataFile descriptors (exact size, counts, bounds) that commitAppend records. It does not commit.
import { randomUUID } from 'node:crypto';
import {
  columnBatchFromRows,
  computeColumnStats,
  partitionPath,
  specFieldTypes,
  transformFunction,
  type ColumnBatch,
  type DataFile,
  type IcebergTable,
  type ObjectStore,
  type Row,
  type Value,
} from '../../catalog/index.js';
import { encodeParquetBatch, type ParquetCompression } from './parquet-writer.js';

export interface WriteDataFilesOptions {
  /** Split a partition's rows into files of at most this many rows (default 1,000,000). */
  readonly maxRowsPerFile?: number;
  readonly compression?: ParquetCompression;
}

export const DEFAULT_MAX_ROWS_PER_FILE = 1_000_000;

/** The rows of one partition tuple, columnar. */
export interface PartitionGroup extends ColumnBatch {
  readonly values: readonly Value[];
}

function keyPart(v: Value): unknown {
  return v instanceof Uint8Array ? 'x' + Buffer.from(v).toString('hex') : v;
}

function multiKey(values: readonly Value[]): string {
  let k = '';
  for (const v of values) {
    const p = keyPart(v);
    k += (p === null ? 'n' : typeof p === 'bigint' ? 'b' + p : typeof p === 'number' ? 'd' + p : typeof p === 'boolean' ? 'z' + p : 's' + String(p)) + '\u0001';
  }
  return k;
}

/** Rows grouped by partition tuple (first-seen order), transposed to columns in the same pass. */
export function groupByPartition(table: IcebergTable, rows: readonly Row[]): PartitionGroup[] {
  const width = table.schema.columns.length;
  for (let r = 0; r < rows.length; r++)
    if (rows[r]!.length !== width)
      throw new Error(`${table.qualifiedName}: row ${r} has ${rows[r]!.length} values, the table has ${width} columns`);
  const types = specFieldTypes(table.schema, table.spec);
  if (rows.length === 0) return [];
  if (types.length === 0) return [{ values: [], ...columnBatchFromRows(rows, width) }];
  const fns = table.spec.fields.map((f, i) => transformFunction(types[i]!.column.type, f.transform));
  const idx = types.map((t) => t.index);
  // Pass 1: the group of every row. Pass 2: copy values into exactly-sized column vectors
  // (no array growth, so no garbage proportional to the batch).
  const ids = new Map<unknown, number>();
  const tuples: Value[][] = [];
  const counts: number[] = [];
  const gid = new Int32Array(rows.length);
  const single = fns.length === 1;
  const fn0 = fns[0]!;
  const ci0 = idx[0]!;
  const scratch: Value[] = new Array<Value>(fns.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let key: unknown;
    if (single) {
      scratch[0] = fn0(row[ci0] ?? null);
      key = keyPart(scratch[0]);
    } else {
      for (let i = 0; i < fns.length; i++) scratch[i] = fns[i]!(row[idx[i]!] ?? null);
      key = multiKey(scratch);
    }
    let id = ids.get(key);
    if (id === undefined) {
      id = tuples.length;
      ids.set(key, id);
      tuples.push(scratch.slice());
      counts.push(0);
    }
    gid[r] = id;
    counts[id]!++;
  }
  const vectors = counts.map((n) => Array.from({ length: width }, () => new Array<Value>(n)));
  const cursor = new Int32Array(counts.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const g = gid[r]!;
    const pos = cursor[g]!++;
    const vs = vectors[g]!;
    for (let c = 0; c < width; c++) vs[c]![pos] = row[c] ?? null;
  }
  return tuples.map((values, g) => ({ values, vectors: vectors[g]!, length: counts[g]! }));
}

/** Encodes and uploads the rows as Parquet files; returns one descriptor per file (none for no rows). */
export async function writeDataFiles(
  store: ObjectStore,
  table: IcebergTable,
  rows: readonly Row[],
  options: WriteDataFilesOptions = {},
): Promise<DataFile[]> {
  const maxRows = Math.max(1, options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE);
  const columns = table.schema.columns;
  const out: DataFile[] = [];
  let upload: Promise<void> = Promise.resolve();
  for (const g of groupByPartition(table, rows)) {
    const part = partitionPath(table.schema, table.spec, g.values);
    const dir = `${table.keyPrefix}/data/${part === '' ? '' : part + '/'}`;
    for (let start = 0; start < g.length; start += maxRows) {
      const end = Math.min(g.length, start + maxRows);
      const bytes = encodeParquetBatch(columns, g, { start, end, ...(options.compression ? { compression: options.compression } : {}) });
      const stats = computeColumnStats(columns, g, start, end);
      const key = `${dir}${randomUUID()}.parquet`;
      // Overlap the previous upload with this file's encoding, but keep at most one in flight.
      await upload;
      upload = store.put(key, bytes);
      upload.catch(() => undefined); // surfaced by the next await; never an unhandled rejection
      out.push({
        path: store.uri(key),
        fileFormat: 'PARQUET',
        specId: table.spec.specId,
        partition: g.values,
        recordCount: end - start,
        fileSizeInBytes: bytes.length,
        valueCounts: stats.valueCounts,
        nullValueCounts: stats.nullValueCounts,
        ...(stats.nanValueCounts.size > 0 ? { nanValueCounts: stats.nanValueCounts } : {}),
        lowerBounds: stats.lowerBounds,
        upperBounds: stats.upperBounds,
      });
    }
  }
  await upload;
  return out;
}
