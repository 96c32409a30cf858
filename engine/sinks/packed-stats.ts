// Iceberg column metrics (value/null/NaN counts, Appendix D lower/upper bounds) of a packed batch,
// computed on the typed columns directly: exactly what catalog computeColumnStats returns for the
// same values (bigints compared as 32-bit words, so no BigInt is made per row). Pure; no I/O.
import type { IcebergColumn, Value } from '../../catalog/index.js';
import { DEFAULT_BOUND_TRUNCATE, emptyColumnStats, numberBounds, recordColumnStats, type ColumnStats } from '../../catalog/iceberg/column-stats.js';
import {
  compareBytes,
  compareUtf8,
  truncateBinaryLower,
  truncateBinaryUpper,
  truncateStringLower,
  truncateStringUpper,
} from '../../catalog/iceberg/value-order.js';
import { isValid, packedValue, type PackedBatch, type PackedColumn } from './packed-batch.js';

interface Bounds {
  readonly lo: Value;
  readonly hi: Value;
  readonly nans: number;
}

const NONE: Bounds = { lo: null, hi: null, nans: 0 };

/** Bounds of an int64 column, compared as (signed high word, unsigned low word) pairs. */
function int64Bounds(col: PackedColumn & { values: BigInt64Array }, n: number): Bounds {
  const w = new Int32Array(col.values.buffer, col.values.byteOffset, 2 * n);
  const valid = col.validity;
  let minI = -1;
  let maxI = -1;
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    const lo = w[2 * i]! >>> 0;
    const hi = w[2 * i + 1]!;
    if (minI < 0) {
      minI = maxI = i;
      minHi = maxHi = hi;
      minLo = maxLo = lo;
    } else if (hi < minHi || (hi === minHi && lo < minLo)) {
      minI = i;
      minHi = hi;
      minLo = lo;
    } else if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxI = i;
      maxHi = hi;
      maxLo = lo;
    }
  }
  return minI < 0 ? NONE : { lo: packedValue(col, minI), hi: packedValue(col, maxI), nans: 0 };
}

/** Bounds of a 128-bit column: words 4i..4i+3 little-endian, the top one signed, the others unsigned. */
function int128Bounds(col: PackedColumn & { values: BigInt64Array }, n: number): Bounds {
  const w = new Int32Array(col.values.buffer, col.values.byteOffset, 4 * n);
  const valid = col.validity;
  let min = -1;
  let max = -1;
  // Words of the current min (a) and max (b) rows, most significant first.
  let [a3, a2, a1, a0, b3, b2, b1, b0] = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    const x3 = w[4 * i + 3]!;
    const x2 = w[4 * i + 2]! >>> 0;
    const x1 = w[4 * i + 1]! >>> 0;
    const x0 = w[4 * i]! >>> 0;
    if (min < 0) {
      min = max = i;
      a3 = b3 = x3;
      a2 = b2 = x2;
      a1 = b1 = x1;
      a0 = b0 = x0;
      continue;
    }
    if (x3 < a3 || (x3 === a3 && (x2 < a2 || (x2 === a2 && (x1 < a1 || (x1 === a1 && x0 < a0)))))) {
      min = i;
      a3 = x3;
      a2 = x2;
      a1 = x1;
      a0 = x0;
    } else if (x3 > b3 || (x3 === b3 && (x2 > b2 || (x2 === b2 && (x1 > b1 || (x1 === b1 && x0 > b0)))))) {
      max = i;
      b3 = x3;
      b2 = x2;
      b1 = x1;
      b0 = x0;
    }
  }
  return min < 0 ? NONE : { lo: packedValue(col, min), hi: packedValue(col, max), nans: 0 };
}

function numericColumnBounds(col: PackedColumn & { values: Int32Array | Float64Array }, n: number, isDouble: boolean): Bounds {
  const vs = col.values;
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  let nans = 0;
  const valid = col.validity;
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    const v = vs[i]!;
    if (v !== v) nans++;
    else {
      any = true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!any) return { lo: null, hi: null, nans };
  return { ...numberBounds(min, max, isDouble), nans };
}

function stringBounds(col: PackedColumn & { kind: 'utf8' }, n: number, truncate: number): Bounds {
  let min: string | null = null;
  let max: string | null = null;
  for (let i = 0; i < n; i++) {
    if (!isValid(col, i)) continue;
    const v = col.text.slice(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!);
    if (min === null || (v !== min && compareUtf8(v, min) < 0)) min = v;
    if (max === null || (v !== max && compareUtf8(v, max) > 0)) max = v;
  }
  return {
    lo: min === null ? null : truncateStringLower(min, truncate),
    hi: max === null ? null : (truncateStringUpper(max, truncate) ?? null),
    nans: 0,
  };
}

function binaryBounds(col: PackedColumn & { kind: 'bytes' }, n: number, truncate: number): Bounds {
  let min: Uint8Array | null = null;
  let max: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (!isValid(col, i)) continue;
    const v = col.data.subarray(i === 0 ? 0 : col.ends[i - 1]!, col.ends[i]!);
    if (min === null || compareBytes(v, min) < 0) min = v;
    if (max === null || compareBytes(v, max) > 0) max = v;
  }
  // Copies: a view would carry the whole column buffer along when the stats are posted.
  return {
    lo: min === null ? null : truncateBinaryLower(min, truncate).slice(),
    hi: max === null ? null : (truncateBinaryUpper(max, truncate)?.slice() ?? null),
    nans: 0,
  };
}

function boolBounds(col: PackedColumn & { kind: 'bool' }, n: number): Bounds {
  let sawFalse = false;
  let sawTrue = false;
  for (let i = 0; i < n; i++) {
    if (!isValid(col, i)) continue;
    if (col.values[i] !== 0) sawTrue = true;
    else sawFalse = true;
  }
  return sawFalse || sawTrue ? { lo: !sawFalse, hi: sawTrue, nans: 0 } : NONE;
}

function boundsOf(column: IcebergColumn, col: PackedColumn, n: number, truncate: number): Bounds {
  switch (col.kind) {
    case 'bool':
      return boolBounds(col, n);
    case 'i32':
      return numericColumnBounds(col, n, false);
    case 'f64':
      return numericColumnBounds(col, n, column.type.kind === 'double');
    case 'i64':
      return int64Bounds(col, n);
    case 'i128':
      return int128Bounds(col, n);
    case 'utf8':
      return stringBounds(col, n, truncate);
    case 'bytes':
      return binaryBounds(col, n, truncate);
  }
}

/** Metrics of every column of the batch (batch.columns[c] holds columns[c]). */
export function packedColumnStats(columns: readonly IcebergColumn[], batch: PackedBatch, truncate = DEFAULT_BOUND_TRUNCATE): ColumnStats {
  const stats = emptyColumnStats();
  const n = batch.length;
  columns.forEach((column, c) => {
    const col = batch.columns[c];
    if (!col) throw new Error(`column '${column.name}' is missing from the batch`);
    const { lo, hi, nans } = boundsOf(column, col, n, truncate);
    recordColumnStats(stats, column, n, col.nullCount, nans, lo, hi);
  });
  return stats;
}
