// Appendix D single-value encodings, Iceberg value ordering, bound truncation and the column
// statistics computed for data files.
import { describe, expect, it } from 'vitest';
import { columnBatchFromRows } from '../../catalog/iceberg/column-batch.js';
import { computeColumnStats } from '../../catalog/iceberg/column-stats.js';
import type { IcebergColumn } from '../../catalog/iceberg/schema.js';
import { decodeSingleValue, encodeSingleValue } from '../../catalog/iceberg/single-value.js';
import {
  compareUtf8,
  truncateBinaryUpper,
  truncateStringLower,
  truncateStringUpper,
} from '../../catalog/iceberg/value-order.js';
import type { Value } from '../../catalog/types.js';

const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('hex') : 'none');

describe('single-value serialization (Appendix D)', () => {
  it('encodes each type as the spec says', () => {
    expect(hex(encodeSingleValue({ kind: 'boolean' }, true))).toBe('01');
    expect(hex(encodeSingleValue({ kind: 'boolean' }, false))).toBe('00');
    expect(hex(encodeSingleValue({ kind: 'int' }, -2))).toBe('feffffff');
    expect(hex(encodeSingleValue({ kind: 'date' }, 17486))).toBe('4e440000');
    expect(hex(encodeSingleValue({ kind: 'long' }, 9007199254740993n))).toBe('0100000000002000');
    expect(hex(encodeSingleValue({ kind: 'long' }, -1n))).toBe('ffffffffffffffff');
    expect(hex(encodeSingleValue({ kind: 'timestamp' }, 1510871468000000))).toBe('00c3262d215e0500');
    expect(hex(encodeSingleValue({ kind: 'timestamptz' }, -1))).toBe('ffffffffffffffff');
    expect(hex(encodeSingleValue({ kind: 'double' }, 1.5))).toBe('000000000000f83f');
    expect(hex(encodeSingleValue({ kind: 'string' }, 'é'))).toBe('c3a9');
    expect(hex(encodeSingleValue({ kind: 'binary' }, new Uint8Array([0, 255])))).toBe('00ff');
    expect(hex(encodeSingleValue({ kind: 'decimal', precision: 4, scale: 2 }, 1420n))).toBe('058c');
    expect(hex(encodeSingleValue({ kind: 'decimal', precision: 4, scale: 2 }, -1n))).toBe('ff');
    expect(hex(encodeSingleValue({ kind: 'decimal', precision: 38, scale: 0 }, 0n))).toBe('00');
  });
  it('decodes what it encodes', () => {
    const cases: [Parameters<typeof encodeSingleValue>[0], Value][] = [
      [{ kind: 'int' }, -123456],
      [{ kind: 'long' }, -(2n ** 63n)],
      [{ kind: 'timestamp' }, -6213559680000001],
      [{ kind: 'timestamptz' }, 1510871468000001],
      [{ kind: 'double' }, -0.25],
      [{ kind: 'string' }, 'ü😀'],
      [{ kind: 'decimal', precision: 38, scale: 10 }, -(10n ** 37n) + 1n],
      [{ kind: 'boolean' }, true],
    ];
    for (const [t, v] of cases) expect(decodeSingleValue(t, encodeSingleValue(t, v))).toEqual(v);
  });
  it('rejects values of the wrong runtime type', () => {
    expect(() => encodeSingleValue({ kind: 'long' }, 5)).toThrow(/does not match/);
    expect(() => encodeSingleValue({ kind: 'decimal', precision: 3, scale: 1 }, 5)).toThrow(/does not match/);
    expect(() => encodeSingleValue({ kind: 'string' }, new Uint8Array())).toThrow(/does not match/);
  });
});

describe('ordering and truncation', () => {
  it('orders strings by code point (UTF-8 bytes), not UTF-16 units', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 ...), although its UTF-16 unit is larger.
    expect('\uff5e' > '😀').toBe(true);
    expect(compareUtf8('\uff5e', '😀')).toBeLessThan(0);
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('b', 'ab')).toBeGreaterThan(0);
    expect(compareUtf8('x', 'x')).toBe(0);
  });
  it('truncates string bounds by code points and increments truncated upper bounds', () => {
    expect(truncateStringLower('abcdef', 3)).toBe('abc');
    expect(truncateStringUpper('abcdef', 3)).toBe('abd');
    expect(truncateStringUpper('abc', 3)).toBe('abc');
    expect(truncateStringLower('😀😀😀😀', 2)).toBe('😀😀');
    expect(truncateStringUpper('a\u{10ffff}\u{10ffff}z', 3)).toBe('b');
    expect(truncateStringUpper('\u{10ffff}\u{10ffff}z', 2)).toBeUndefined();
    expect(truncateStringUpper('a\ud7ffz', 2)).toBe('a\ue000');
  });
  it('increments truncated binary upper bounds, carrying over 0xff', () => {
    expect(hex(truncateBinaryUpper(new Uint8Array([1, 0xff, 5]), 2))).toBe('02');
    expect(hex(truncateBinaryUpper(new Uint8Array([1, 2, 5]), 2))).toBe('0103');
    expect(truncateBinaryUpper(new Uint8Array([0xff, 0xff, 1]), 2)).toBeUndefined();
  });
});

describe('column statistics', () => {
  const cols: IcebergColumn[] = [
    { id: 1, name: 'l', type: { kind: 'long' }, required: false },
    { id: 2, name: 'd', type: { kind: 'double' }, required: false },
    { id: 3, name: 's', type: { kind: 'string' }, required: false },
    { id: 4, name: 'b', type: { kind: 'boolean' }, required: false },
    { id: 5, name: 'dec', type: { kind: 'decimal', precision: 10, scale: 2 }, required: false },
    { id: 6, name: 'ts', type: { kind: 'timestamptz' }, required: false },
    { id: 7, name: 'bin', type: { kind: 'binary' }, required: false },
    { id: 8, name: 'allnull', type: { kind: 'int' }, required: false },
  ];
  const rows: Value[][] = [
    [5n, 0, 'banana', true, -5n, 10, new Uint8Array([9]), null],
    [-(2n ** 60n), NaN, 'apple-pie-with-cream-and-more', true, 12345n, -3, new Uint8Array([1, 2]), null],
    [null, -0, null, null, null, null, null, null],
    [7n, 2.5, 'zz', true, 0n, 7, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), null],
  ];
  const st = computeColumnStats(cols, columnBatchFromRows(rows, cols.length));

  it('counts values, nulls and NaNs', () => {
    expect([...st.valueCounts.values()]).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    expect([...st.nullValueCounts.entries()]).toEqual([
      [1, 1],
      [2, 0],
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 1],
      [8, 4],
    ]);
    expect([...st.nanValueCounts.entries()]).toEqual([[2, 1]]);
  });
  it('computes bounds that cover every non-null, non-NaN value', () => {
    const lo = (id: number, t: IcebergColumn['type']) => decodeSingleValue(t, st.lowerBounds.get(id)!);
    const hi = (id: number, t: IcebergColumn['type']) => decodeSingleValue(t, st.upperBounds.get(id)!);
    expect(lo(1, { kind: 'long' })).toBe(-(2n ** 60n));
    expect(hi(1, { kind: 'long' })).toBe(7n);
    expect(Object.is(lo(2, { kind: 'double' }), -0)).toBe(true);
    expect(hi(2, { kind: 'double' })).toBe(2.5);
    expect(lo(3, { kind: 'string' })).toBe('apple-pie-with-c');
    expect(hi(3, { kind: 'string' })).toBe('zz');
    expect(lo(4, { kind: 'boolean' })).toBe(true);
    expect(hi(4, { kind: 'boolean' })).toBe(true);
    expect(lo(5, { kind: 'decimal', precision: 10, scale: 2 })).toBe(-5n);
    expect(hi(5, { kind: 'decimal', precision: 10, scale: 2 })).toBe(12345n);
    expect(lo(6, { kind: 'timestamptz' })).toBe(-3);
    expect(hi(6, { kind: 'timestamptz' })).toBe(10);
    expect(hex(st.lowerBounds.get(7))).toBe('0102');
    // 17 x 0xff cannot be truncated to 16 bytes and still bound the value: no upper bound.
    expect(st.upperBounds.has(7)).toBe(false);
    expect(st.lowerBounds.has(8)).toBe(false);
    expect(st.upperBounds.has(8)).toBe(false);
  });
  it('widens a zero upper bound to +0.0 and honours row ranges', () => {
    const s = computeColumnStats([cols[1]!], { length: 2, vectors: [[-0, -1]] });
    expect(Object.is(decodeSingleValue({ kind: 'double' }, s.upperBounds.get(2)!), 0)).toBe(true);
    const part = computeColumnStats([cols[0]!], { length: 4, vectors: [rows.map((r) => r[0]!)] }, 2, 4);
    expect(part.valueCounts.get(1)).toBe(2);
    expect(part.nullValueCounts.get(1)).toBe(1);
    expect(decodeSingleValue({ kind: 'long' }, part.lowerBounds.get(1)!)).toBe(7n);
  });
});
