// Per-column metrics of a data file as Iceberg records them: value/null/NaN counts and lower/upper
// bounds (Appendix D bytes; strings and binary truncated to 16 units with a correctly incremented
// upper bound; NaN never a bound; zero bounds widened to cover -0.0/+0.0). Pure; no file I/O.
import type { Value } from '../types.js';
import type { ColumnBatch } from './column-batch.js';
import type { IcebergColumn } from './schema.js';
import { encodeSingleValue } from './single-value.js';
import {
  compareBytes,
  compareUtf8,
  truncateBinaryLower,
  truncateBinaryUpper,
  truncateStringLower,
  truncateStringUpper,
} from './value-order.js';

export interface ColumnStats {
  readonly valueCounts: Map<number, number>;
  readonly nullValueCounts: Map<number, number>;
  readonly nanValueCounts: Map<number, number>;
  readonly lowerBounds: Map<number, Uint8Array>;
  readonly upperBounds: Map<number, Uint8Array>;
}

export const DEFAULT_BOUND_TRUNCATE = 16;

export function emptyColumnStats(): ColumnStats {
  return { valueCounts: new Map(), nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() };
}

/**
 * Bounds of a number column from its least and greatest non-NaN values: zero bounds widened to
 * cover -0.0/+0.0 (-0.0 sorts first in Iceberg); only doubles keep infinite bounds.
 */
export function numberBounds(min: number, max: number, isDouble: boolean): { lo: number | null; hi: number | null } {
  if (!isDouble && (!Number.isFinite(min) || !Number.isFinite(max))) return { lo: null, hi: null };
  return { lo: min === 0 ? -0 : min, hi: max === 0 ? 0 : max };
}

/** Records one column's metrics: counts (NaN counts for doubles only) and Appendix D bounds. */
export function recordColumnStats(stats: ColumnStats, col: IcebergColumn, values: number, nulls: number, nans: number, lo: Value, hi: Value): void {
  stats.valueCounts.set(col.id, values);
  stats.nullValueCounts.set(col.id, nulls);
  if (col.type.kind === 'double') stats.nanValueCounts.set(col.id, nans);
  if (lo !== null) stats.lowerBounds.set(col.id, encodeSingleValue(col.type, lo));
  if (hi !== null) stats.upperBounds.set(col.id, encodeSingleValue(col.type, hi));
}

/** Metrics of rows start..end of the batch, for each column (column c is batch.vectors[c]). */
export function computeColumnStats(
  columns: readonly IcebergColumn[],
  batch: ColumnBatch,
  start = 0,
  end = batch.length,
  truncateLength = DEFAULT_BOUND_TRUNCATE,
): ColumnStats {
  const stats = emptyColumnStats();
  columns.forEach((col, ci) => {
    const vec: readonly Value[] | undefined = batch.vectors[ci];
    if (!vec || vec.length < end) throw new Error(`column '${col.name}' has ${vec?.length ?? 0} values, need ${end}`);
    let nulls = 0;
    let nans = 0;
    let lo: Value = null;
    let hi: Value = null;
    switch (col.type.kind) {
      case 'boolean': {
        let sawFalse = false;
        let sawTrue = false;
        for (let r = start; r < end; r++) {
          const v = vec[r];
          if (v === null || v === undefined) nulls++;
          else if (v) sawTrue = true;
          else sawFalse = true;
        }
        if (sawFalse || sawTrue) {
          lo = !sawFalse;
          hi = sawTrue;
        }
        break;
      }
      case 'int':
      case 'date':
      case 'timestamp':
      case 'timestamptz':
      case 'double': {
        let min = Infinity;
        let max = -Infinity;
        let any = false;
        for (let r = start; r < end; r++) {
          const v = vec[r] as number | null | undefined;
          if (v === null || v === undefined) nulls++;
          else if (v !== v) nans++;
          else {
            any = true;
            if (v < min) min = v;
            if (v > max) max = v;
          }
        }
        if (any) ({ lo, hi } = numberBounds(min, max, col.type.kind === 'double'));
        break;
      }
      case 'long':
      case 'decimal': {
        let min: bigint | null = null;
        let max: bigint | null = null;
        for (let r = start; r < end; r++) {
          const v = vec[r] as bigint | null | undefined;
          if (v === null || v === undefined) nulls++;
          else {
            if (min === null || v < min) min = v;
            if (max === null || v > max) max = v;
          }
        }
        lo = min;
        hi = max;
        break;
      }
      case 'string': {
        let min: string | null = null;
        let max: string | null = null;
        for (let r = start; r < end; r++) {
          const v = vec[r] as string | null | undefined;
          if (v === null || v === undefined) nulls++;
          else {
            if (min === null || (v !== min && compareUtf8(v, min) < 0)) min = v;
            if (max === null || (v !== max && compareUtf8(v, max) > 0)) max = v;
          }
        }
        lo = min === null ? null : truncateStringLower(min, truncateLength);
        hi = max === null ? null : (truncateStringUpper(max, truncateLength) ?? null);
        break;
      }
      case 'binary': {
        let min: Uint8Array | null = null;
        let max: Uint8Array | null = null;
        for (let r = start; r < end; r++) {
          const v = vec[r] as Uint8Array | null | undefined;
          if (v === null || v === undefined) nulls++;
          else {
            if (min === null || compareBytes(v, min) < 0) min = v;
            if (max === null || compareBytes(v, max) > 0) max = v;
          }
        }
        lo = min === null ? null : truncateBinaryLower(min, truncateLength);
        hi = max === null ? null : (truncateBinaryUpper(max, truncateLength) ?? null);
        break;
      }
    }
    recordColumnStats(stats, col, end - start, nulls, nans, lo, hi);
  });
  return stats;
}
