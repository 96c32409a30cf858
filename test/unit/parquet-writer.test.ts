// Parquet encoding of every Iceberg type (values, nulls, field ids, timestamp UTC flags, decimals),
// value validation, codecs, and the data-file writer (partition grouping, file splitting, stats).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSingleValue } from '../../catalog/iceberg/single-value.js';
import { createTable, commitAppend } from '../../catalog/iceberg/table.js';
import type { IcebergColumn } from '../../catalog/iceberg/schema.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import { T, type Value } from '../../catalog/types.js';
import { writeDataFiles } from '../../engine/sinks/data-file-writer.js';
import { parquetColumnSizes } from '../../engine/sinks/parquet-footer.js';
import { decodeParquet, encodeParquet, ParquetEncodeError } from '../../engine/sinks/parquet-writer.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const PY = path.resolve('.venv/bin/python');
const HAS_PYARROW = (() => {
  if (!existsSync(PY)) return false;
  try {
    execFileSync(PY, ['-c', 'import pyarrow.parquet'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_PYARROW) console.warn('SKIPPED: pyarrow checks need .venv/bin/python with pyarrow (see test/python/read_table.py)');

function tmp(prefix: string): string {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  const d = mkdtempSync(path.resolve('test/.tmp', prefix));
  made.push(d);
  return d;
}

const COLS: IcebergColumn[] = [
  { id: 1, name: 'id', type: { kind: 'long' }, required: true },
  { id: 2, name: 'amount', type: { kind: 'decimal', precision: 18, scale: 2 }, required: false },
  { id: 3, name: 'huge', type: { kind: 'decimal', precision: 38, scale: 6 }, required: false },
  { id: 4, name: 'small', type: { kind: 'decimal', precision: 5, scale: 1 }, required: false },
  { id: 5, name: 'ts', type: { kind: 'timestamp' }, required: false },
  { id: 6, name: 'tstz', type: { kind: 'timestamptz' }, required: false },
  { id: 7, name: 'd', type: { kind: 'date' }, required: false },
  { id: 8, name: 's', type: { kind: 'string' }, required: false },
  { id: 9, name: 'b', type: { kind: 'boolean' }, required: false },
  { id: 10, name: 'bin', type: { kind: 'binary' }, required: false },
  { id: 11, name: 'x', type: { kind: 'double' }, required: false },
  { id: 12, name: 'n', type: { kind: 'int' }, required: false },
];

const ROWS: Value[][] = [
  [9223372036854775807n, 12345n, -(10n ** 37n) + 1n, 9999n, 1510871468000001, -1, 17486, 'héllo 😀', true, new Uint8Array([0, 1, 255]), 1.5, -7],
  [-9223372036854775808n, null, null, null, null, null, null, null, null, null, null, null],
  [0n, -1n, 10n ** 37n, -9999n, -86400000000, 0, -719162, '', false, new Uint8Array(), -0, 2147483647],
  [9007199254740993n, 999999999999999999n, 1n, 0n, 7258118400000001, 4102444800000000, 2932896, 'x'.repeat(1000), null, new Uint8Array(3000).fill(7), Infinity, -2147483648],
];

describe('encodeParquet', () => {
  it('round-trips every type, null and extreme value', () => {
    const out = decodeParquet(encodeParquet(COLS, ROWS));
    expect(out.fields.map((f) => [f.name, f.fieldId, f.nullable])).toEqual(COLS.map((c) => [c.name, c.id, !c.required]));
    expect(out.fields.find((f) => f.name === 'tstz')!.arrowType).toBe('Timestamp<MICROSECOND, UTC>');
    expect(out.fields.find((f) => f.name === 'ts')!.arrowType).toBe('Timestamp<MICROSECOND>');
    expect(out.rows).toEqual(ROWS);
  });

  it('its footer gives each column\'s compressed size (Iceberg column_sizes), summed over row groups', () => {
    const bytes = encodeParquet(COLS, ROWS, { compression: 'none' });
    const sizes = parquetColumnSizes(bytes);
    expect([...sizes.keys()]).toEqual(COLS.map((c) => c.name));
    for (const v of sizes.values()) expect(v).toBeGreaterThan(0);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBeLessThan(bytes.length);
    const many = Array.from({ length: 30 }, (_, i) => ROWS[i % ROWS.length]!);
    const one = parquetColumnSizes(encodeParquet(COLS, many, { compression: 'none' }));
    const split = parquetColumnSizes(encodeParquet(COLS, many, { compression: 'none', rowGroupSize: 10 }));
    for (const c of COLS) expect(split.get(c.name)!, c.name).toBeGreaterThan(one.get(c.name)! / 2);
    expect(() => parquetColumnSizes(new Uint8Array(64))).toThrow(/not a Parquet file/);
    expect(() => parquetColumnSizes(bytes.subarray(0, bytes.length - 20))).toThrow();
  });

  it('encodes a row range and zero rows', () => {
    expect(decodeParquet(encodeParquet(COLS, ROWS, { start: 1, end: 3 })).rows).toEqual(ROWS.slice(1, 3));
    expect(decodeParquet(encodeParquet(COLS, [])).rows).toEqual([]);
  });

  it('supports zstd, snappy and no compression', () => {
    for (const compression of ['zstd', 'snappy', 'none'] as const)
      expect(decodeParquet(encodeParquet(COLS, ROWS, { compression })).rows).toEqual(ROWS);
  });

  it('rejects NULL in a required column and values of the wrong runtime type', () => {
    const row = (i: number, v: Value): Value[] => ROWS[0]!.map((x, j) => (j === i ? v : x));
    expect(() => encodeParquet(COLS, [row(0, null)])).toThrow(/NOT NULL/);
    expect(() => encodeParquet(COLS, [row(0, 5.5)])).toThrow(ParquetEncodeError);
    expect(() => encodeParquet(COLS, [row(0, 'x')])).toThrow(ParquetEncodeError);
    // a safe-integer number is taken for the equal BIGINT (Output.int64AsNumber)
    expect(decodeParquet(encodeParquet(COLS, [row(0, 5)])).rows[0]![0]).toBe(5n);
    expect(() => encodeParquet(COLS, [row(0, 2n ** 63n)])).toThrow(/cannot store/);
    expect(() => encodeParquet(COLS, [row(1, 10n ** 18n)])).toThrow(/amount/);
    expect(() => encodeParquet(COLS, [row(4, 1.5)])).toThrow(/ts/);
    expect(() => encodeParquet(COLS, [row(7, 3)])).toThrow(/'s'/);
    expect(() => encodeParquet(COLS, [row(11, 2 ** 31)])).toThrow(/'n'/);
  });

  it.skipIf(!HAS_PYARROW)('writes field ids, UTC flags and decimal types into the Parquet schema (pyarrow)', () => {
    const file = path.join(tmp('pq-'), 'all.parquet');
    writeFileSync(file, encodeParquet(COLS, ROWS));
    const script = `
import pyarrow.parquet as pq, json, sys
f = pq.ParquetFile(sys.argv[1])
print(json.dumps({"schema": str(f.schema), "codec": f.metadata.row_group(0).column(0).compression,
  "rows": f.metadata.num_rows, "ids": [ (fl.metadata or {}).get(b"PARQUET:field_id", b"").decode() for fl in pq.read_schema(sys.argv[1]) ]}))`;
    const out = JSON.parse(execFileSync(PY, ['-c', script, file], { encoding: 'utf8' }));
    expect(out.ids).toEqual(COLS.map((c) => String(c.id)));
    expect(out.rows).toBe(4);
    expect(out.codec).toBe('ZSTD');
    const s: string = out.schema;
    expect(s).toContain('required int64 field_id=1 id');
    expect(s).toMatch(/optional int64 field_id=2 amount \(Decimal\(precision=18, scale=2\)\)/);
    expect(s).toMatch(/optional fixed_len_byte_array\(16\) field_id=3 huge \(Decimal\(precision=38, scale=6\)\)/);
    expect(s).toMatch(/optional int32 field_id=4 small \(Decimal\(precision=5, scale=1\)\)/);
    expect(s).toMatch(/field_id=5 ts \(Timestamp\(isAdjustedToUTC=false, timeUnit=microseconds/);
    expect(s).toMatch(/field_id=6 tstz \(Timestamp\(isAdjustedToUTC=true, timeUnit=microseconds/);
    expect(s).toMatch(/optional int32 field_id=7 d \(Date\)/);
    expect(s).toMatch(/optional binary field_id=8 s \(String\)/);
  });
});

describe('writeDataFiles', () => {
  const schema = {
    fields: [
      { name: 'id', type: T.bigint, nullable: false },
      { name: 'ts', type: T.timestamp(6), nullable: true },
      { name: 'cat', type: T.varchar, nullable: true },
    ],
  };
  const DAY = 86_400_000_000;
  const base = Date.UTC(2026, 10, 1) * 1000;

  it('writes one file per partition tuple under data/<partition path>/ with exact sizes and stats', async () => {
    const dir = tmp('dfw-');
    const store = new FsStore(dir);
    const table = await createTable(store, 'ns', 't', schema, [
      { column: 'ts', transform: { kind: 'day' } },
      { column: 'cat', transform: { kind: 'identity' } },
    ]);
    const rows: Value[][] = [];
    for (let i = 0; i < 30; i++) rows.push([BigInt(i), i === 29 ? null : base + (i % 3) * DAY + i, i % 2 ? 'odd' : 'even']);
    const files = await writeDataFiles(store, table, rows);
    expect(files).toHaveLength(7); // 3 days x 2 cats + the null day
    expect(files.reduce((s, f) => s + f.recordCount, 0)).toBe(30);
    for (const f of files) {
      const key = table.keyOf(f.path);
      const onDisk = readFileSync(path.join(dir, key));
      expect(f.fileSizeInBytes).toBe(onDisk.length);
      const [day, cat] = f.partition as [number | null, string];
      expect(key).toMatch(
        new RegExp(`^ns/t/data/ts_day=${day === null ? 'null' : new Date(day * 86400000).toISOString().slice(0, 10)}/cat=${cat}/[0-9a-f-]{36}\\.parquet$`),
      );
      const decoded = decodeParquet(onDisk);
      expect(decoded.rows).toHaveLength(f.recordCount);
      for (const r of decoded.rows) {
        expect(r[2]).toBe(cat);
        expect(r[1] === null ? null : Math.floor((r[1] as number) / DAY)).toBe(day);
      }
      const ids = decoded.rows.map((r) => r[0] as bigint);
      const min = ids.reduce((a, b) => (b < a ? b : a));
      const max = ids.reduce((a, b) => (b > a ? b : a));
      expect(decodeSingleValue({ kind: 'long' }, f.lowerBounds!.get(1)!)).toBe(min);
      expect(decodeSingleValue({ kind: 'long' }, f.upperBounds!.get(1)!)).toBe(max);
      expect(f.valueCounts!.get(3)).toBe(f.recordCount);
      expect(f.nullValueCounts!.get(2)).toBe(day === null ? f.recordCount : 0);
    }
    const committed = await commitAppend(table, files, {});
    expect((await committed.liveDataFiles()).map((f) => f.partition)).toEqual(files.map((f) => f.partition));
  });

  it('splits a partition above maxRowsPerFile and writes nothing for no rows', async () => {
    const store = new FsStore(tmp('dfw-'));
    const table = await createTable(store, 'ns', 'u', schema, []);
    const rows: Value[][] = Array.from({ length: 25 }, (_, i) => [BigInt(i), base, null]);
    const files = await writeDataFiles(store, table, rows, { maxRowsPerFile: 10 });
    expect(files.map((f) => f.recordCount)).toEqual([10, 10, 5]);
    expect(files.every((f) => f.partition.length === 0 && table.keyOf(f.path).startsWith('ns/u/data/'))).toBe(true);
    expect(decodeSingleValue({ kind: 'long' }, files[2]!.lowerBounds!.get(1)!)).toBe(20n);
    expect(await writeDataFiles(store, table, [])).toEqual([]);
  });

  it('rejects rows whose width does not match the table', async () => {
    const store = new FsStore(tmp('dfw-'));
    const table = await createTable(store, 'ns', 'v', schema, []);
    await expect(writeDataFiles(store, table, [[1n, null]])).rejects.toThrow(/3 columns/);
  });
});
