// The sink's columnar path: RowPacker (typed columns, value checks, a failed row leaves nothing
// behind), packed metrics equal to catalog computeColumnStats for every type, row selection, and
// Parquet from packed batches (non-ASCII strings, surrogates at row boundaries, NOT NULL, timestamps).
import { describe, expect, it } from 'vitest';
import { columnBatchFromRows } from '../../catalog/iceberg/column-batch.js';
import { computeColumnStats } from '../../catalog/iceberg/column-stats.js';
import type { IcebergColumn } from '../../catalog/iceberg/schema.js';
import type { Value } from '../../catalog/types.js';
import { packedValue, sliceRows, takeRows, transferList, type PackedBatch } from '../../engine/sinks/packed-batch.js';
import { packedColumnStats } from '../../engine/sinks/packed-stats.js';
import { decodeParquet, encodeParquetPacked, ParquetEncodeError } from '../../engine/sinks/parquet-writer.js';
import { packRows, RowPacker } from '../../engine/sinks/row-packer.js';

const COLS: IcebergColumn[] = [
  { id: 1, name: 'l', type: { kind: 'long' }, required: false },
  { id: 2, name: 'd18', type: { kind: 'decimal', precision: 18, scale: 2 }, required: false },
  { id: 3, name: 'd38', type: { kind: 'decimal', precision: 38, scale: 0 }, required: false },
  { id: 4, name: 'ts', type: { kind: 'timestamp' }, required: false },
  { id: 5, name: 'tz', type: { kind: 'timestamptz' }, required: false },
  { id: 6, name: 'dt', type: { kind: 'date' }, required: false },
  { id: 7, name: 'i', type: { kind: 'int' }, required: false },
  { id: 8, name: 'x', type: { kind: 'double' }, required: false },
  { id: 9, name: 's', type: { kind: 'string' }, required: false },
  { id: 10, name: 'b', type: { kind: 'boolean' }, required: false },
  { id: 11, name: 'bin', type: { kind: 'binary' }, required: false },
];

/** Deterministic pseudo-random values of every type, with NULLs, signs, extremes, -0, NaN, non-ASCII. */
function randomRows(n: number, seed: number): Value[][] {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const nul = (v: Value): Value => (rnd() < 0.15 ? null : v);
  const big = (bits: number): bigint => {
    let x = 0n;
    for (let k = 0; k < bits; k += 30) x = (x << 30n) | BigInt(Math.floor(rnd() * 2 ** 30));
    x &= (1n << BigInt(bits)) - 1n;
    return rnd() < 0.5 ? -x : x;
  };
  const strs = ['', 'a', 'ab', 'é', '日本語', '😀', 'z'.repeat(20), 'zz\uffff', 'a😀b', 'ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ', 'Zebra', '\u0000'];
  const rows: Value[][] = [];
  for (let r = 0; r < n; r++) {
    rows.push([
      nul(pick([big(63), big(20), -(2n ** 63n), 2n ** 63n - 1n, 0n])),
      nul(pick([big(40), 10n ** 18n - 1n, -(10n ** 18n) + 1n, 0n])),
      nul(pick([big(120), 10n ** 38n - 1n, -(10n ** 38n) + 1n, big(62), -1n, 2n ** 64n, -(2n ** 64n)])),
      nul(pick([Math.floor((rnd() - 0.5) * 2 ** 53), 0, -1, 2 ** 52 + 7])),
      nul(pick([Math.floor(rnd() * 4e15), -86400000000])),
      nul(pick([Math.floor((rnd() - 0.5) * 1e6), 0])),
      nul(pick([2147483647, -2147483648, Math.floor((rnd() - 0.5) * 1e9), 0])),
      nul(pick([rnd() - 0.5, -0, 0, Number.NaN, Number.POSITIVE_INFINITY, -1e300])),
      nul(pick(strs) + (rnd() < 0.3 ? pick(strs) : '')),
      nul(rnd() < 0.5),
      nul(Uint8Array.from({ length: Math.floor(rnd() * 20) }, () => pick([0, 1, 254, 255, 128]))),
    ]);
  }
  return rows;
}

function unpack(batch: PackedBatch): Value[][] {
  return Array.from({ length: batch.length }, (_, r) => batch.columns.map((c) => packedValue(c, r)));
}

describe('RowPacker', () => {
  it('packs every type and reads back the same values', () => {
    const rows = randomRows(3000, 1);
    const batch = packRows(COLS, rows);
    expect(batch.length).toBe(3000);
    expect(batch.columns.map((c) => c.kind)).toEqual(['i64', 'i128', 'i128', 'f64', 'f64', 'i32', 'i32', 'f64', 'utf8', 'bool', 'bytes']);
    expect(unpack(batch)).toEqual(rows);
    expect(batch.columns[0]!.nullCount).toBe(rows.filter((r) => r[0] === null).length);
  });

  it('rejects a bad value with the column, the value and the row, keeping the rows before it intact', () => {
    const p = new RowPacker(COLS);
    const good = randomRows(5, 2);
    p.append(good[0]!);
    const row = (i: number, v: Value): Value[] => good[1]!.map((x, j) => (j === i ? v : x));
    // a NULL written before the failing column must not survive the failed row
    const withNull = (i: number, v: Value): Value[] => row(i, v).map((x, j) => (j === 0 ? null : x));
    expect(() => p.append(withNull(0 + 1, 10n ** 18n))).toThrow(/column 'd18' \(decimal\) cannot store 1000000000000000000n \(bigint\) at row 1/);
    expect(() => p.append(row(0, 2n ** 63n))).toThrow(ParquetEncodeError);
    expect(() => p.append(row(2, 10n ** 38n))).toThrow(/d38/);
    expect(() => p.append(row(6, 2 ** 31))).toThrow(/'i'/);
    expect(() => p.append(row(6, 1.5))).toThrow(/'i'/);
    expect(() => p.append(row(8, 3))).toThrow(/'s'/);
    expect(() => p.append(row(9, 'yes'))).toThrow(/'b'/);
    expect(() => p.append(row(3, 5n))).toThrow(/'ts'/);
    expect(() => p.append(row(10, 'x'))).toThrow(/'bin'/);
    expect(() => p.append([1n])).toThrow(/1 values, the table has 11 columns/);
    expect(p.length).toBe(1);
    for (const r of good.slice(1)) p.append(r);
    expect(unpack(p.seal())).toEqual(good);
    expect(p.length).toBe(0);
  });

  it('takes BIGINT and DECIMAL values as safe-integer numbers, packing exactly what their bigints pack', () => {
    const rows = randomRows(3000, 4);
    const edges = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -0];
    edges.forEach((x, k) => {
      rows[k]![0] = BigInt(x);
      rows[k]![2] = BigInt(x);
      rows[k]![1] = BigInt(x % 1e15);
    });
    // every safe bigint of the three columns as its number
    const asNumbers = rows.map((r) =>
      r.map((v, c) => (c <= 2 && typeof v === 'bigint' && v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v)),
    );
    edges.forEach((x, k) => (asNumbers[k]![0] = asNumbers[k]![2] = x));
    expect(asNumbers.flat().filter((v) => typeof v === 'number').length).toBeGreaterThan(3000);
    const strict = packRows(COLS, rows);
    const loose = packRows(COLS, asNumbers);
    expect(loose.columns.slice(0, 3)).toEqual(strict.columns.slice(0, 3));
    expect(unpack(loose)).toEqual(rows);
    // across a grow and a seal, and mixed with bigints in one batch
    const p = new RowPacker(COLS);
    for (let i = 0; i < 3000; i++) p.append(i % 2 === 0 ? asNumbers[i]! : rows[i]!);
    expect(unpack(p.seal())).toEqual(rows);
  });

  it('rejects numbers that are not safe integers, or beyond the precision, in BIGINT and DECIMAL columns', () => {
    const p = new RowPacker(COLS);
    const row = (i: number, v: Value): Value[] => randomRows(1, 5)[0]!.map((x, j) => (j === i ? v : x));
    expect(() => p.append(row(0, 1.5))).toThrow(/column 'l' \(long\) cannot store 1.5 \(number\) at row 0/);
    expect(() => p.append(row(0, 2 ** 53))).toThrow(/'l'/);
    expect(() => p.append(row(0, Number.NaN))).toThrow(/'l'/);
    expect(() => p.append(row(2, -(2 ** 60)))).toThrow(/'d38'/);
    const d4: IcebergColumn[] = [{ id: 1, name: 'd4', type: { kind: 'decimal', precision: 4, scale: 2 }, required: false }];
    expect(unpack(packRows(d4, [[9999], [-9999]]))).toEqual([[9999n], [-9999n]]);
    expect(() => packRows(d4, [[10000]])).toThrow(/'d4'/);
    expect(() => packRows(d4, [[-10000]])).toThrow(/'d4'/);
    expect(p.length).toBe(0);
  });

  it('grows past its initial capacity and starts the next batch empty', () => {
    const p = new RowPacker(COLS);
    const rows = randomRows(5000, 3);
    for (const r of rows) p.append(r);
    expect(unpack(p.seal())).toEqual(rows);
    p.append(rows[7]!);
    expect(unpack(p.seal())).toEqual([rows[7]]);
  });

  it('selects rows (takeRows, sliceRows) and lists each buffer once for transfer', () => {
    const rows = randomRows(200, 4);
    const batch = packRows(COLS, rows);
    const idx = Int32Array.from([199, 0, 57, 57, 3]);
    expect(unpack(takeRows(batch, idx))).toEqual([...idx].map((i) => rows[i]));
    expect(unpack(sliceRows(batch, 10, 20))).toEqual(rows.slice(10, 20));
    expect(sliceRows(batch, 0, 200)).toBe(batch);
    const buffers = transferList(batch);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers.length).toBeGreaterThanOrEqual(COLS.length);
  });
});

describe('packedColumnStats', () => {
  it('equals computeColumnStats over the same values, for every type', () => {
    for (const seed of [5, 6, 7]) {
      const rows = randomRows(seed === 7 ? 3 : 2000, seed);
      const expected = computeColumnStats(COLS, columnBatchFromRows(rows, COLS.length));
      expect(packedColumnStats(COLS, packRows(COLS, rows))).toEqual(expected);
    }
  });

  it('has no bounds for all-NULL columns and exact ones for a single row', () => {
    const allNull = Array.from({ length: 4 }, () => COLS.map(() => null));
    const s = packedColumnStats(COLS, packRows(COLS, allNull));
    expect(s.lowerBounds.size).toBe(0);
    expect(s.nullValueCounts.get(9)).toBe(4);
    const one = randomRows(1, 9);
    expect(packedColumnStats(COLS, packRows(COLS, one))).toEqual(computeColumnStats(COLS, columnBatchFromRows(one, COLS.length)));
  });
});

describe('encodeParquetPacked', () => {
  it('writes what decodeParquet reads back, for every type', () => {
    const rows = randomRows(1500, 8);
    expect(decodeParquet(encodeParquetPacked(COLS, packRows(COLS, rows))).rows).toEqual(
      // Parquet has no lone surrogates: the writer stores U+FFFD like TextEncoder
      rows.map((r) => r.map((v) => (typeof v === 'string' ? new TextDecoder().decode(new TextEncoder().encode(v)) : v))),
    );
  });

  it('encodes a surrogate pair split across two rows as two replacement characters', () => {
    const cols: IcebergColumn[] = [{ id: 1, name: 's', type: { kind: 'string' }, required: true }];
    const rows = [['a\ud83d'], ['\ude00b'], ['😀']];
    expect(decodeParquet(encodeParquetPacked(cols, packRows(cols, rows))).rows).toEqual([['a\ufffd'], ['\ufffdb'], ['😀']]);
  });

  it('rejects NULL in a NOT NULL column and fractional or unsafe timestamps', () => {
    const req: IcebergColumn[] = [{ id: 1, name: 'k', type: { kind: 'long' }, required: true }];
    expect(() => encodeParquetPacked(req, packRows(req, [[1n], [null]]))).toThrow(/column 'k' is NOT NULL but row 1 is NULL/);
    const ts: IcebergColumn[] = [{ id: 1, name: 't', type: { kind: 'timestamp' }, required: false }];
    expect(() => encodeParquetPacked(ts, packRows(ts, [[1], [1.5]]))).toThrow(/column 't' \(timestamp\) cannot store 1.5 \(number\) at row 1/);
    expect(() => encodeParquetPacked(ts, packRows(ts, [[2 ** 53]]))).toThrow(ParquetEncodeError);
    expect(decodeParquet(encodeParquetPacked(ts, packRows(ts, [[null], [-1]]))).rows).toEqual([[null], [-1]]);
  });
});
