// Map keys for group keys and primary keys: the raw value when a single primitive identifies the
// group (numbers, strings and booleans compare by value in a Map; bigints in the safe-integer range
// become numbers, which hash about twice as fast), else a tupleKey string. Pure functions over
// values; no state, no I/O. Keys are only compared within one column layout, so a raw number and
// a raw string never meet in the same Map.
import type { Value } from '../core/value.js';
import { tupleKey, valueKey } from '../core/value.js';

export type GroupKey = string | number | bigint | boolean | null;

/** Map key of one value. */
export function singleKey(v: Value): GroupKey {
  if (typeof v === 'bigint') {
    // One conversion instead of two bigint comparisons: beyond the safe range the rounded number
    // is not a safe integer either.
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v instanceof Uint8Array ? valueKey(v) : v;
}

/** Map key of a tuple; raw for one primitive column, '' for no column, tupleKey otherwise. */
export function keyOf(values: readonly Value[]): GroupKey {
  if (values.length === 1) return singleKey(values[0]!);
  if (values.length === 0) return '';
  return tupleKey(values);
}

/** Map key of the columns `indexes` of `row` (no intermediate array for one column). */
export function keyOfColumns(row: readonly Value[], indexes: readonly number[]): GroupKey {
  if (indexes.length === 1) return singleKey(row[indexes[0]!] ?? null);
  const vals: Value[] = new Array<Value>(indexes.length);
  for (let i = 0; i < indexes.length; i++) vals[i] = row[indexes[i]!] ?? null;
  return keyOf(vals);
}
