// The columnar, transferable form of a batch of output rows for one Iceberg table: one typed column
// per table column (BIGINT in BigInt64Array, DECIMAL as 128-bit words, timestamps and doubles in
// Float64Array, strings joined with UTF-16 end offsets, Arrow validity bitmaps). The sink builds it on
// the main thread and posts it, by transfer, to the Parquet encoder. Types, reads and row selection
// only: no Parquet, no I/O, no validation beyond what reading needs.
import type { IcebergType, Value } from '../../catalog/index.js';

/** A value that cannot be written into its Parquet column (wrong type, out of range, NULL in NOT NULL). */
export class ParquetEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParquetEncodeError';
  }
}

interface Nullable {
  /** Arrow layout: bit i set = row i holds a value; absent when the column has no NULL. */
  readonly validity: Uint8Array | undefined;
  readonly nullCount: number;
}

/**
 * One column of `length` rows. Typed arrays may be longer than the batch (builder capacity, so they
 * transfer without a copy); only the first `length` rows (2 words per row for i128) are meaningful,
 * and the slots of NULL rows hold arbitrary values.
 */
export type PackedColumn =
  | (Nullable & { readonly kind: 'bool'; readonly values: Uint8Array })
  | (Nullable & { readonly kind: 'i32'; readonly values: Int32Array })
  | (Nullable & { readonly kind: 'i64'; readonly values: BigInt64Array })
  /** Two's complement 128-bit values, little-endian: word 2i is the low half, 2i+1 the high half. */
  | (Nullable & { readonly kind: 'i128'; readonly values: BigInt64Array })
  | (Nullable & { readonly kind: 'f64'; readonly values: Float64Array })
  /** Row i is text.slice(ends[i-1] ?? 0, ends[i]) (UTF-16 offsets; NULL rows are empty). */
  | (Nullable & { readonly kind: 'utf8'; readonly text: string; readonly ends: Int32Array })
  | (Nullable & { readonly kind: 'bytes'; readonly data: Uint8Array; readonly ends: Int32Array });

export type PackedKind = PackedColumn['kind'];

export interface PackedBatch {
  readonly length: number;
  readonly columns: readonly PackedColumn[];
}

/** The packed representation of each Iceberg type. */
export function packedKindOf(t: IcebergType): PackedKind {
  switch (t.kind) {
    case 'boolean':
      return 'bool';
    case 'int':
    case 'date':
      return 'i32';
    case 'long':
      return 'i64';
    case 'decimal':
      return 'i128';
    case 'double':
    case 'timestamp':
    case 'timestamptz':
      return 'f64';
    case 'string':
      return 'utf8';
    case 'binary':
      return 'bytes';
  }
}

export function isValid(col: PackedColumn, i: number): boolean {
  const v = col.validity;
  return v === undefined || ((v[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** Index of the first NULL row, or -1. */
export function firstNull(col: PackedColumn, length: number): number {
  if (col.nullCount === 0 || col.validity === undefined) return -1;
  for (let i = 0; i < length; i++) if (!isValid(col, i)) return i;
  return -1;
}

const TWO64 = 1n << 64n;

/** The runtime value of row i (bigint for i64/i128, number for i32/f64, ...), or null. */
export function packedValue(col: PackedColumn, i: number): Value {
  if (!isValid(col, i)) return null;
  switch (col.kind) {
    case 'bool':
      return col.values[i] !== 0;
    case 'i32':
    case 'f64':
      return col.values[i]!;
    case 'i64':
      return col.values[i]!;
    case 'i128': {
      const lo = col.values[2 * i]!;
      const hi = col.values[2 * i + 1]!;
      if (hi === (lo < 0n ? -1n : 0n)) return lo;
      return hi * TWO64 + (lo < 0n ? lo + TWO64 : lo);
    }
    case 'utf8':
      return col.text.slice(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!);
    case 'bytes':
      return col.data.slice(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!);
  }
}

/** Validity bitmap of the selected rows (undefined when none of them is NULL). */
function takeValidity(col: PackedColumn, idx: Int32Array, n: number): { validity: Uint8Array | undefined; nullCount: number } {
  if (col.validity === undefined || col.nullCount === 0) return { validity: undefined, nullCount: 0 };
  const out = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    if (isValid(col, idx[k]!)) out[k >> 3]! |= 1 << (k & 7);
    else nulls++;
  }
  return nulls === 0 ? { validity: undefined, nullCount: 0 } : { validity: out, nullCount: nulls };
}

function takeColumn(col: PackedColumn, idx: Int32Array, n: number): PackedColumn {
  const nulls = takeValidity(col, idx, n);
  switch (col.kind) {
    case 'bool':
    case 'i32':
    case 'i64':
    case 'f64': {
      const src = col.values;
      const out = new (src.constructor as new (n: number) => typeof src)(n);
      for (let k = 0; k < n; k++) out[k] = src[idx[k]!]!;
      return { ...nulls, kind: col.kind, values: out } as PackedColumn;
    }
    case 'i128': {
      const out = new BigInt64Array(2 * n);
      for (let k = 0; k < n; k++) {
        const i = idx[k]!;
        out[2 * k] = col.values[2 * i]!;
        out[2 * k + 1] = col.values[2 * i + 1]!;
      }
      return { ...nulls, kind: 'i128', values: out };
    }
    case 'utf8': {
      const parts = new Array<string>(n);
      const ends = new Int32Array(n);
      let pos = 0;
      for (let k = 0; k < n; k++) {
        const i = idx[k]!;
        const s = col.text.slice(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!);
        parts[k] = s;
        ends[k] = pos += s.length;
      }
      return { ...nulls, kind: 'utf8', text: parts.join(''), ends };
    }
    case 'bytes': {
      const ends = new Int32Array(n);
      let total = 0;
      for (let k = 0; k < n; k++) {
        const i = idx[k]!;
        ends[k] = total += col.ends[i]! - (i === 0 ? 0 : col.ends[i - 1]!);
      }
      const data = new Uint8Array(total);
      for (let k = 0; k < n; k++) {
        const i = idx[k]!;
        data.set(col.data.subarray(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!), k === 0 ? 0 : ends[k - 1]!);
      }
      return { ...nulls, kind: 'bytes', data, ends };
    }
  }
}

/** The batch of rows idx[0..n) (in that order). */
export function takeRows(batch: PackedBatch, idx: Int32Array, n = idx.length): PackedBatch {
  return { length: n, columns: batch.columns.map((c) => takeColumn(c, idx, n)) };
}

/** Rows start..end of the batch (a copy; the whole batch itself when the range covers it). */
export function sliceRows(batch: PackedBatch, start: number, end: number): PackedBatch {
  if (start === 0 && end === batch.length) return batch;
  const idx = new Int32Array(end - start);
  for (let k = 0; k < idx.length; k++) idx[k] = start + k;
  return takeRows(batch, idx);
}

/** The distinct ArrayBuffers of the batch, to transfer it to another thread without copying. */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | undefined): void => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  for (const c of batch.columns) {
    add(c.validity);
    switch (c.kind) {
      case 'utf8':
        add(c.ends);
        break;
      case 'bytes':
        add(c.ends);
        add(c.data);
        break;
      default:
        add(c.values);
    }
  }
  return [...out];
}
