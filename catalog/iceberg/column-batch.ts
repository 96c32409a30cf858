// A columnar batch of rows (one value vector per column), the input of data-file encoding and
// column statistics, and the transposition from positional rows. Plain data helpers; no I/O.
import type { Row, Value } from '../types.js';

export interface ColumnBatch {
  /** Number of rows. */
  readonly length: number;
  /** vectors[c][i] is column c of row i; every vector has `length` values. */
  readonly vectors: readonly (readonly Value[])[];
}

/** The batch of rows[start..end) with `width` columns (missing trailing values become null). */
export function columnBatchFromRows(rows: readonly Row[], width: number, start = 0, end = rows.length): ColumnBatch {
  const n = Math.max(0, end - start);
  const vectors: Value[][] = [];
  for (let c = 0; c < width; c++) vectors.push(new Array<Value>(n));
  for (let i = 0; i < n; i++) {
    const row = rows[start + i]!;
    for (let c = 0; c < width; c++) vectors[c]![i] = row[c] ?? null;
  }
  return { length: n, vectors };
}
