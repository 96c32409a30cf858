// Turns a packed batch of one Iceberg table's rows into encoded data files: groups rows by partition
// tuple (the spec's transforms), splits large groups, and computes each file's Parquet bytes and
// column metrics. Runs on the Parquet worker thread (or in-thread as a fallback); pure CPU work:
// no uploads, no commits, no object store.
import type { Value } from '../../catalog/index.js';
import type { ColumnStats } from '../../catalog/iceberg/column-stats.js';
import { partitionPath, specFieldTypes, transformFunction, type IcebergPartitionSpec } from '../../catalog/iceberg/partition.js';
import type { IcebergSchema } from '../../catalog/iceberg/schema.js';
import { packedValue, sliceRows, takeRows, type PackedBatch } from './packed-batch.js';
import { packedColumnStats } from './packed-stats.js';
import { encodeParquetPacked, type ParquetCompression } from './parquet-writer.js';

export interface EncodeJob {
  readonly schema: IcebergSchema;
  readonly spec: IcebergPartitionSpec;
  readonly batch: PackedBatch;
  /** Split a partition's rows into files of at most this many rows. */
  readonly maxRowsPerFile: number;
  readonly compression: ParquetCompression;
}

export interface EncodedFile {
  /** Partition tuple in spec order (empty when unpartitioned) and its path ('' when unpartitioned). */
  readonly partition: readonly Value[];
  readonly partitionPath: string;
  readonly bytes: Uint8Array;
  readonly recordCount: number;
  readonly stats: ColumnStats;
}

interface Group {
  readonly values: readonly Value[];
  readonly batch: PackedBatch;
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

/** Rows grouped by partition tuple, in first-seen order of the tuples and input order within one. */
export function groupByPartition(schema: IcebergSchema, spec: IcebergPartitionSpec, batch: PackedBatch): Group[] {
  if (batch.length === 0) return [];
  const types = specFieldTypes(schema, spec);
  if (types.length === 0) return [{ values: [], batch }];
  const fns = spec.fields.map((f, i) => transformFunction(types[i]!.column.type, f.transform));
  const cols = types.map((t) => batch.columns[t.index]!);
  const ids = new Map<unknown, number>();
  const tuples: Value[][] = [];
  const counts: number[] = [];
  const gid = new Int32Array(batch.length);
  const scratch: Value[] = new Array<Value>(fns.length);
  for (let r = 0; r < batch.length; r++) {
    for (let i = 0; i < fns.length; i++) scratch[i] = fns[i]!(packedValue(cols[i]!, r));
    const key = fns.length === 1 ? keyPart(scratch[0]!) : multiKey(scratch);
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
  if (tuples.length === 1) return [{ values: tuples[0]!, batch }];
  const idx = counts.map((n) => new Int32Array(n));
  const cursor = new Int32Array(counts.length);
  for (let r = 0; r < batch.length; r++) {
    const g = gid[r]!;
    idx[g]![cursor[g]!++] = r;
  }
  return tuples.map((values, g) => ({ values, batch: takeRows(batch, idx[g]!) }));
}

/** Encodes the batch as Parquet files, one or more per partition tuple (none for no rows). */
export function encodeDataFiles(job: EncodeJob): EncodedFile[] {
  const columns = job.schema.columns;
  const maxRows = Math.max(1, job.maxRowsPerFile);
  const out: EncodedFile[] = [];
  for (const g of groupByPartition(job.schema, job.spec, job.batch)) {
    const path = job.spec.fields.length === 0 ? '' : partitionPath(job.schema, job.spec, g.values);
    for (let start = 0; start < g.batch.length; start += maxRows) {
      const part = sliceRows(g.batch, start, Math.min(g.batch.length, start + maxRows));
      const bytes = encodeParquetPacked(columns, part, { compression: job.compression });
      out.push({ partition: g.values, partitionPath: path, bytes, recordCount: part.length, stats: packedColumnStats(columns, part) });
    }
  }
  return out;
}
