// Runtime values and rows (re-exported from the catalog vocabulary), a total order over values,
// a stable key encoding for grouping/hashing, and a JSON codec for checkpointed state.
// Pure functions: no I/O.
export type { Row, Value } from '../../catalog/types.js';
import { compareBytes, compareUtf8, type Row, type Value } from '../../catalog/types.js';

/** Total order: NULL first, then by type tag, then by value. Numbers and bigints compare numerically. */
export function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) {
    if (ta === tb) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    // mixed number/bigint: compare exactly
    const x = a as number | bigint;
    const y = b as number | bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // strings by code point (UTF-8 byte order, as SQL engines compare them), not by UTF-16 unit
  if (ta === 'string' && tb === 'string') return compareUtf8(a as string, b as string);
  if (ta === 'boolean' && tb === 'boolean') return a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  const order = (v: Value): number =>
    typeof v === 'boolean' ? 1 : typeof v === 'number' || typeof v === 'bigint' ? 2 : typeof v === 'string' ? 3 : 4;
  return order(a) - order(b);
}

function keyPart(v: Value): string {
  if (v === null) return '\u0000';
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + String(v);
    case 'bigint':
      return 'i' + v.toString();
    case 'boolean':
      return v ? 't' : 'f';
    default:
      return 'b' + Buffer.from(v).toString('base64');
  }
}

/** Stable string key of one value (distinct values map to distinct keys within one type). */
export function valueKey(v: Value): string {
  return keyPart(v);
}

/** Stable string key of a tuple of values; used for group keys and multisets. */
export function tupleKey(values: readonly Value[]): string {
  if (values.length === 1) return keyPart(values[0]!);
  let s = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) s += '\u0001';
    s += keyPart(values[i]!);
  }
  return s;
}

export function rowKey(row: Row): string {
  return tupleKey(row);
}

/** JSON-safe encoding of a value for checkpoints (bigint and bytes are tagged). */
export type JsonValue = null | boolean | number | string | { b: string } | { i: string } | { n: string };

export function valueToJson(v: Value): JsonValue {
  if (typeof v === 'bigint') return { i: v.toString() };
  if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('base64') };
  if (typeof v === 'number' && !Number.isFinite(v)) return { n: String(v) };
  return v;
}

export function valueFromJson(j: JsonValue): Value {
  if (j === null || typeof j !== 'object') return j;
  if ('i' in j) return BigInt(j.i);
  if ('b' in j) return new Uint8Array(Buffer.from(j.b, 'base64'));
  return Number(j.n);
}

export function rowToJson(row: Row): JsonValue[] {
  return row.map(valueToJson);
}

export function rowFromJson(j: readonly JsonValue[]): Value[] {
  return j.map(valueFromJson);
}
