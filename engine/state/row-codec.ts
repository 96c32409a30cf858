// Column-major encoding of many rows of one layout for checkpoints. encodeRows packs them into typed
// columns (numbers in Float64Array, int64 bigints in BigInt64Array, strings joined with end offsets,
// booleans as bytes; anything else as tagged JSON), which a binary checkpoint stores as raw blobs
// (see blobs.ts). Columns of BIGINTs held as doubles ('I') come from older checkpoints of the key
// store, which now writes its pages instead (row-store.ts).
// JSON.stringify of the result still gives the legacy JSON column form, and decodeRows reads both
// (old checkpoints keep restoring). Pure functions; no I/O.
import type { JsonValue, Row, Value } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';
import { activeBlobSink, float64Blob, type BlobReader } from './blobs.js';

/** Legacy JSON columns: one array per column. */
export type ColumnJson =
  | { readonly t: 'n'; readonly v: (number | null)[] }
  | { readonly t: 'i'; readonly v: (string | null)[] }
  | { readonly t: 'I'; readonly v: (number | null)[] }
  | { readonly t: 's'; readonly v: (string | null)[] }
  | { readonly t: 'j'; readonly v: JsonValue[] };

export interface RowsJsonV1 {
  readonly n: number;
  readonly cols: ColumnJson[];
}

/** A packed column; `nulls[r]` is 1 for a NULL row (absent: no NULL), whose slot holds 0/''. */
export type PackedRowsColumn =
  | { readonly t: 'F'; readonly v: Float64Array; readonly nulls?: Uint8Array }
  /** BIGINT values held as (safe-integer) doubles: decoded with BigInt(v[r]) (older checkpoints). */
  | { readonly t: 'I'; readonly v: Float64Array; readonly nulls?: Uint8Array }
  | { readonly t: 'L'; readonly v: BigInt64Array; readonly nulls?: Uint8Array }
  | { readonly t: 'B'; readonly v: Uint8Array; readonly nulls?: Uint8Array }
  /** Row r is text.slice(ends[r-1] ?? 0, ends[r]) (UTF-16 offsets). */
  | { readonly t: 'S'; readonly text: string; readonly ends: Int32Array; readonly nulls?: Uint8Array }
  | { readonly t: 'J'; readonly v: JsonValue[] };

/** What encodeRows returns and decodeRows reads: packed rows, or their JSON form after a JSON round trip. */
export type RowsJson = RowsJsonV1 | PackedRows;

/** The JSON key under which a checkpoint header references packed rows. */
export const PACKED_ROWS_KEY = '\u0000packedRows';

type BlobColumn =
  | { readonly t: 'F' | 'I' | 'L' | 'B'; readonly v: number; readonly nulls?: number }
  | { readonly t: 'S'; readonly text: number; readonly enc: 'utf8' | 'utf16le'; readonly ends: number; readonly nulls?: number }
  | { readonly t: 'J'; readonly v: JsonValue[] };

interface BlobRows {
  readonly n: number;
  readonly cols: BlobColumn[];
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export class PackedRows {
  constructor(
    readonly n: number,
    readonly cols: readonly PackedRowsColumn[],
  ) {}

  /** Blob references while a checkpoint is written (stringifyWithBlobs), else the legacy JSON form. */
  toJSON(): unknown {
    const sink = activeBlobSink();
    if (sink === undefined) return encodeRowsJson(decodePacked(this), this.cols.length);
    const nulls = (c: PackedRowsColumn & { nulls?: Uint8Array }): { nulls?: number } => (c.nulls ? { nulls: sink.add(c.nulls) } : {});
    const cols = this.cols.map((c): BlobColumn => {
      switch (c.t) {
        case 'F':
        case 'I':
        case 'L':
        case 'B':
          return { t: c.t, v: sink.add(c.v), ...nulls(c) };
        case 'S': {
          // UTF-8 unless a lone surrogate would not survive it (then the UTF-16 units as they are).
          const utf8 = (c.text as string & { isWellFormed(): boolean }).isWellFormed();
          const text = Buffer.from(c.text, utf8 ? 'utf8' : 'utf16le');
          return { t: 'S', text: sink.add(text), enc: utf8 ? 'utf8' : 'utf16le', ends: sink.add(c.ends), ...nulls(c) };
        }
        case 'J':
          return c;
      }
    });
    return { [PACKED_ROWS_KEY]: { n: this.n, cols } satisfies BlobRows };
  }

  /** Rebuild from a checkpoint header entry; `blob(i, align)` returns blob i as bytes aligned to `align`. */
  static fromBlobs(entry: unknown, blob: BlobReader): PackedRows {
    const { n, cols } = entry as BlobRows;
    const f64 = (i: number): Float64Array => float64Blob(blob, i);
    const out = cols.map((c): PackedRowsColumn => {
      const nulls = c.t !== 'J' && c.nulls !== undefined ? { nulls: blob(c.nulls, 1) } : {};
      switch (c.t) {
        case 'F':
        case 'I':
          return { t: c.t, v: f64(c.v), ...nulls };
        case 'L': {
          const b = blob(c.v, 8);
          return { t: 'L', v: new BigInt64Array(b.buffer, b.byteOffset, b.byteLength / 8), ...nulls };
        }
        case 'B':
          return { t: 'B', v: blob(c.v, 1), ...nulls };
        case 'S': {
          const t = blob(c.text, 1);
          const e = blob(c.ends, 4);
          const text = Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString(c.enc);
          return { t: 'S', text, ends: new Int32Array(e.buffer, e.byteOffset, e.byteLength / 4), ...nulls };
        }
        case 'J':
          return c;
      }
    });
    return new PackedRows(n, out);
  }
}

type Builder =
  | { t: '?' }
  | { t: 'F'; v: Float64Array }
  | { t: 'L'; v: BigInt64Array }
  | { t: 'B'; v: Uint8Array }
  | { t: 'S'; parts: string[]; ends: Int32Array; len: number }
  | { t: 'J'; v: JsonValue[] };

function start(v: Value, n: number): Builder {
  switch (typeof v) {
    case 'number':
      return { t: 'F', v: new Float64Array(n) };
    case 'bigint':
      return v >= I64_MIN && v <= I64_MAX ? { t: 'L', v: new BigInt64Array(n) } : { t: 'J', v: new Array<JsonValue>(n).fill(null) };
    case 'string':
      return { t: 'S', parts: new Array<string>(n).fill(''), ends: new Int32Array(n), len: 0 };
    case 'boolean':
      return { t: 'B', v: new Uint8Array(n) };
    default:
      return { t: 'J', v: new Array<JsonValue>(n).fill(null) };
  }
}

/** The column as tagged JSON values (rows 0..r of a builder that met a value it cannot hold). */
function toJsonBuilder(b: Builder, r: number, nulls: Uint8Array | undefined, n: number): Builder & { t: 'J' } {
  const v = new Array<JsonValue>(n).fill(null);
  for (let i = 0; i < r; i++) {
    if (nulls?.[i] === 1) continue;
    switch (b.t) {
      case 'F':
      case 'L':
        v[i] = valueToJson(b.v[i]!);
        break;
      case 'B':
        v[i] = b.v[i] === 1;
        break;
      case 'S':
        v[i] = b.parts[i]!;
        break;
      default:
        break;
    }
  }
  return { t: 'J', v };
}

/** Pack `rows` (each `width` values; missing trailing values read as NULL), in one row-major pass. */
export function encodeRows(rows: readonly Row[], width: number): PackedRows {
  const n = rows.length;
  const bs: Builder[] = Array.from({ length: width }, () => ({ t: '?' }));
  const nulls: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(width).fill(undefined);
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) {
      const v = row[c] ?? null;
      let b = bs[c]!;
      if (v === null) {
        (nulls[c] ??= new Uint8Array(n))[r] = 1;
        continue;
      }
      if (b.t === '?') b = bs[c] = start(v, n);
      switch (b.t) {
        case 'F':
          if (typeof v === 'number') {
            b.v[r] = v;
            continue;
          }
          break;
        case 'L':
          if (typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX) {
            b.v[r] = v;
            continue;
          }
          break;
        case 'S':
          if (typeof v === 'string') {
            b.parts[r] = v;
            continue;
          }
          break;
        case 'B':
          if (typeof v === 'boolean') {
            b.v[r] = v ? 1 : 0;
            continue;
          }
          break;
        case 'J':
          b.v[r] = valueToJson(v);
          continue;
        case '?':
          break;
      }
      // Mixed kinds in one column: fall back to tagged JSON for the whole column.
      const j = (bs[c] = toJsonBuilder(b, r, nulls[c], n));
      j.v[r] = valueToJson(v);
    }
  }
  const cols = bs.map((b, c): PackedRowsColumn => {
    const nl = nulls[c];
    const withNulls = nl ? { nulls: nl } : {};
    switch (b.t) {
      case '?':
        return { t: 'F', v: new Float64Array(n), ...withNulls };
      case 'F':
      case 'L':
      case 'B':
        return { t: b.t, v: b.v, ...withNulls } as PackedRowsColumn;
      case 'S': {
        let pos = 0;
        for (let r = 0; r < n; r++) b.ends[r] = pos += b.parts[r]!.length;
        return { t: 'S', text: b.parts.join(''), ends: b.ends, ...withNulls };
      }
      case 'J':
        return { t: 'J', v: b.v };
    }
  });
  return new PackedRows(n, cols);
}

function decodePacked(p: PackedRows): Value[][] {
  const { n, cols } = p;
  const rows: Value[][] = new Array<Value[]>(n);
  for (let r = 0; r < n; r++) rows[r] = new Array<Value>(cols.length);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c]!;
    const nulls = col.t === 'J' ? undefined : col.nulls;
    switch (col.t) {
      case 'F':
      case 'L':
        for (let r = 0; r < n; r++) rows[r]![c] = nulls?.[r] === 1 ? null : col.v[r]!;
        break;
      case 'I':
        for (let r = 0; r < n; r++) rows[r]![c] = nulls?.[r] === 1 ? null : BigInt(col.v[r]!);
        break;
      case 'B':
        for (let r = 0; r < n; r++) rows[r]![c] = nulls?.[r] === 1 ? null : col.v[r] === 1;
        break;
      case 'S': {
        let from = 0;
        for (let r = 0; r < n; r++) {
          const to = col.ends[r]!;
          rows[r]![c] = nulls?.[r] === 1 ? null : col.text.slice(from, to);
          from = to;
        }
        break;
      }
      case 'J':
        for (let r = 0; r < n; r++) rows[r]![c] = valueFromJson(col.v[r] ?? null);
        break;
    }
  }
  return rows;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function columnTag(rows: readonly Row[], c: number): ColumnJson['t'] {
  let tag: ColumnJson['t'] | undefined;
  let safe = true;
  for (const row of rows) {
    const v = row[c] ?? null;
    if (v === null) continue;
    const t = typeof v === 'bigint' ? 'i' : typeof v === 'string' ? 's' : typeof v === 'number' && Number.isFinite(v) ? 'n' : 'j';
    if (t === 'j') return 'j';
    if (t === 'i' && safe && ((v as bigint) > MAX_SAFE || (v as bigint) < -MAX_SAFE)) safe = false;
    if (tag === undefined) tag = t;
    else if (tag !== t) return 'j';
  }
  return tag === 'i' && safe ? 'I' : (tag ?? 'n');
}

/** The legacy JSON column form (what JSON.stringify of encodeRows' result produces). */
export function encodeRowsJson(rows: readonly Row[], width: number): RowsJsonV1 {
  const cols: ColumnJson[] = [];
  const n = rows.length;
  const column = <T>(c: number, f: (v: Value) => T): T[] => {
    const v = new Array<T>(n);
    for (let r = 0; r < n; r++) v[r] = f(rows[r]![c] ?? null);
    return v;
  };
  for (let c = 0; c < width; c++) {
    switch (columnTag(rows, c)) {
      case 'n':
        cols.push({ t: 'n', v: column(c, (x) => x as number | null) });
        break;
      case 'i':
        cols.push({ t: 'i', v: column(c, (x) => (x === null ? null : (x as bigint).toString())) });
        break;
      case 'I':
        cols.push({ t: 'I', v: column(c, (x) => (x === null ? null : Number(x as bigint))) });
        break;
      case 's':
        cols.push({ t: 's', v: column(c, (x) => x as string | null) });
        break;
      case 'j':
        cols.push({ t: 'j', v: column(c, valueToJson) });
        break;
    }
  }
  return { n, cols };
}

function decodeRowsJson(json: RowsJsonV1): Value[][] {
  const { n, cols } = json;
  const rows: Value[][] = new Array<Value[]>(n);
  for (let r = 0; r < n; r++) rows[r] = new Array<Value>(cols.length);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c]!;
    switch (col.t) {
      case 'n':
      case 's':
        for (let r = 0; r < n; r++) rows[r]![c] = col.v[r] ?? null;
        break;
      case 'i':
      case 'I':
        for (let r = 0; r < n; r++) {
          const x = col.v[r] ?? null;
          rows[r]![c] = x === null ? null : BigInt(x);
        }
        break;
      case 'j':
        for (let r = 0; r < n; r++) rows[r]![c] = valueFromJson(col.v[r] ?? null);
        break;
    }
  }
  return rows;
}

/** Decode what encodeRows produced (packed, or its JSON form) back into mutable rows. */
export function decodeRows(rows: RowsJson): Value[][] {
  return rows instanceof PackedRows ? decodePacked(rows) : decodeRowsJson(rows);
}
