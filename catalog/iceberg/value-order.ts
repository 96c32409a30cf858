// Iceberg's value ordering for bounds and partition summaries: strings by UTF-8 bytes (= code
// points, not JS UTF-16 units), binary unsigned-lexicographic, plus the truncation of string/binary
// bounds (a truncated upper bound is incremented so it still bounds the data; the string and byte
// orders themselves live in types.ts, shared with SQL evaluation). No encoding here.
import { compareBytes, compareUtf8, type Value } from '../types.js';

export { compareBytes, compareUtf8 };
import type { IcebergType } from './schema.js';

/** Comparator for non-null values of one Iceberg type (NaN must be filtered by the caller). */
export function comparatorFor(t: IcebergType): (a: Value, b: Value) => number {
  switch (t.kind) {
    case 'boolean':
      return (a, b) => Number(a) - Number(b);
    case 'int':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
    case 'double':
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
    case 'long':
    case 'decimal':
      return (a, b) => ((a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0);
    case 'string':
      return (a, b) => compareUtf8(a as string, b as string);
    case 'binary':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
  }
}

/** First `n` code points of `s`. */
export function truncateCodePoints(s: string, n: number): string {
  let units = 0;
  for (let cp = 0; cp < n && units < s.length; cp++) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, units);
}

/** A lower bound of at most `n` code points (a prefix is always <= the string). */
export function truncateStringLower(s: string, n: number): string {
  return truncateCodePoints(s, n);
}

/** An upper bound of at most `n` code points, or undefined when none exists that short. */
export function truncateStringUpper(s: string, n: number): string | undefined {
  const prefix = truncateCodePoints(s, n);
  if (prefix.length === s.length) return s;
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return cps.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

export function truncateBinaryLower(b: Uint8Array, n: number): Uint8Array {
  return b.length <= n ? b : b.slice(0, n);
}

export function truncateBinaryUpper(b: Uint8Array, n: number): Uint8Array | undefined {
  if (b.length <= n) return b;
  const out = b.slice(0, n);
  for (let i = n - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i] = out[i]! + 1;
      return out.slice(0, i + 1);
    }
  }
  return undefined;
}
