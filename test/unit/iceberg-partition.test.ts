// Partition transforms on runtime values (spec semantics incl. pre-epoch values), result types,
// spec building/validation, transform JSON names and Hive-style partition paths.
import { describe, expect, it } from 'vitest';
import { daysFromCivil, formatTimestamp } from '../../catalog/iceberg/calendar.js';
import {
  buildPartitionSpec,
  parseSpecJson,
  parseTransform,
  partitionPath,
  partitionResultType,
  partitionTransformError,
  specToJson,
  transformFunction,
  transformToString,
} from '../../catalog/iceberg/partition.js';
import { buildIcebergSchema, type IcebergType } from '../../catalog/iceberg/schema.js';
import { T } from '../../catalog/types.js';

const DAY = 86_400_000_000;
const HOUR = 3_600_000_000;
const ts = (iso: string): number => Date.parse(iso + 'Z') * 1000;
const tsT: IcebergType = { kind: 'timestamp' };
const dateT: IcebergType = { kind: 'date' };

describe('temporal transforms', () => {
  it('year/month/day/hour of timestamps', () => {
    const v = ts('2017-11-16T22:31:08');
    expect(transformFunction(tsT, { kind: 'year' })(v)).toBe(47);
    expect(transformFunction(tsT, { kind: 'month' })(v)).toBe(47 * 12 + 10);
    expect(transformFunction(tsT, { kind: 'day' })(v)).toBe(17486);
    expect(transformFunction(tsT, { kind: 'hour' })(v)).toBe(Math.floor(v / HOUR));
    expect(transformFunction({ kind: 'timestamptz' }, { kind: 'hour' })(v)).toBe(419686);
  });
  it('floors pre-epoch values (not toward zero)', () => {
    expect(transformFunction(tsT, { kind: 'day' })(-1)).toBe(-1);
    expect(transformFunction(tsT, { kind: 'hour' })(-1)).toBe(-1);
    expect(transformFunction(tsT, { kind: 'year' })(-1)).toBe(-1);
    expect(transformFunction(tsT, { kind: 'month' })(-1)).toBe(-1);
    expect(transformFunction(dateT, { kind: 'month' })(daysFromCivil(1969, 1, 31))).toBe(-12);
    expect(transformFunction(dateT, { kind: 'year' })(daysFromCivil(1900, 3, 1))).toBe(-70);
    expect(transformFunction(tsT, { kind: 'day' })(ts('1969-12-31T23:59:59'))).toBe(-1);
  });
  it('dates: day is identity, month/year from the civil date, leap days', () => {
    const d = daysFromCivil(2024, 2, 29);
    expect(transformFunction(dateT, { kind: 'day' })(d)).toBe(d);
    expect(transformFunction(dateT, { kind: 'month' })(d)).toBe(54 * 12 + 1);
    expect(transformFunction(dateT, { kind: 'month' })(d + 1)).toBe(54 * 12 + 2);
    expect(transformFunction(dateT, { kind: 'year' })(daysFromCivil(2000, 12, 31))).toBe(30);
  });
  it('civil conversion agrees with Date for many days', () => {
    const f = transformFunction(dateT, { kind: 'month' });
    for (let d = -800_000; d < 800_000; d += 997) {
      const dt = new Date(d * 86_400_000);
      expect(f(d)).toBe((dt.getUTCFullYear() - 1970) * 12 + dt.getUTCMonth());
      expect(daysFromCivil(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate())).toBe(d);
    }
  });
  it('maps null to null', () => {
    for (const t of ['year', 'month', 'day', 'hour'] as const) expect(transformFunction(tsT, { kind: t })(null)).toBeNull();
    expect(transformFunction({ kind: 'long' }, { kind: 'bucket', n: 4 })(null)).toBeNull();
  });
});

describe('bucket and truncate', () => {
  it('bucket[N] = (murmur3 & MAX_INT) % N for each type', () => {
    // Spec vectors: 34 -> 2017239379, "iceberg" -> 1210000089, 14.20 -> -500754589.
    expect(transformFunction({ kind: 'int' }, { kind: 'bucket', n: 100 })(34)).toBe(2017239379 % 100);
    expect(transformFunction({ kind: 'long' }, { kind: 'bucket', n: 100 })(34n)).toBe(2017239379 % 100);
    expect(transformFunction({ kind: 'string' }, { kind: 'bucket', n: 7 })('iceberg')).toBe(1210000089 % 7);
    expect(transformFunction({ kind: 'decimal', precision: 4, scale: 2 }, { kind: 'bucket', n: 16 })(1420n)).toBe(
      (-500754589 & 0x7fffffff) % 16,
    );
    expect(transformFunction(dateT, { kind: 'bucket', n: 1000 })(17486)).toBe((-653330422 & 0x7fffffff) % 1000);
    expect(transformFunction(tsT, { kind: 'bucket', n: 1000 })(1510871468000000)).toBe((-2047944441 & 0x7fffffff) % 1000);
    expect(transformFunction({ kind: 'binary' }, { kind: 'bucket', n: 9 })(new Uint8Array([0, 1, 2, 3]))).toBe(
      (-188683207 & 0x7fffffff) % 9,
    );
  });
  it('truncate[W] on ints, longs and decimals floors toward -infinity', () => {
    const i = transformFunction({ kind: 'int' }, { kind: 'truncate', width: 10 });
    expect([1, 10, -1, -10, -11, 0].map((v) => i(v))).toEqual([0, 10, -10, -10, -20, 0]);
    const l = transformFunction({ kind: 'long' }, { kind: 'truncate', width: 10 });
    expect(l(-1n)).toBe(-10n);
    expect(l(9223372036854775807n)).toBe(9223372036854775800n);
    const d = transformFunction({ kind: 'decimal', precision: 9, scale: 2 }, { kind: 'truncate', width: 50 });
    expect(d(1065n)).toBe(1050n); // 10.65 -> 10.50 (spec example)
    expect(d(-1n)).toBe(-50n);
  });
  it('truncate[W] on ints and longs wraps around near the minimum as Java int/long arithmetic does', () => {
    const i = transformFunction({ kind: 'int' }, { kind: 'truncate', width: 10 });
    expect(i(-2147483648)).toBe(2147483646);
    expect(i(-2147483641)).toBe(-2147483650 + 4294967296);
    expect(i(2147483647)).toBe(2147483640);
    const wide = transformFunction({ kind: 'int' }, { kind: 'truncate', width: 2147483647 });
    expect(wide(2147483646)).toBe(-2147483647); // (v % W) + W overflows first
    const l = transformFunction({ kind: 'long' }, { kind: 'truncate', width: 10 });
    expect(l(-9223372036854775808n)).toBe(9223372036854775806n);
  });
  it('truncate[W] on strings counts code points; on binary counts bytes', () => {
    const s = transformFunction({ kind: 'string' }, { kind: 'truncate', width: 3 });
    expect(s('iceberg')).toBe('ice');
    expect(s('😀a😀b')).toBe('😀a😀');
    expect(s('ab')).toBe('ab');
    const b = transformFunction({ kind: 'binary' }, { kind: 'truncate', width: 2 });
    expect([...(b(new Uint8Array([1, 2, 3])) as Uint8Array)]).toEqual([1, 2]);
  });
});

describe('validation, result types and JSON names', () => {
  it('rejects transforms that do not apply to a type', () => {
    expect(partitionTransformError({ kind: 'string' }, { kind: 'day' })).toMatch(/DATE or TIMESTAMP/);
    expect(partitionTransformError(dateT, { kind: 'hour' })).toMatch(/TIMESTAMP/);
    expect(partitionTransformError({ kind: 'double' }, { kind: 'bucket', n: 2 })).toMatch(/cannot hash/);
    expect(partitionTransformError({ kind: 'long' }, { kind: 'bucket', n: 0 })).toMatch(/N >= 1/);
    expect(partitionTransformError(tsT, { kind: 'truncate', width: 3 })).toMatch(/truncate/);
    expect(partitionTransformError({ kind: 'boolean' }, { kind: 'identity' })).toBeUndefined();
    expect(() => transformFunction({ kind: 'string' }, { kind: 'year' })).toThrow();
  });
  it('result types follow the spec', () => {
    expect(partitionResultType(tsT, { kind: 'day' })).toEqual({ kind: 'date' });
    expect(partitionResultType(tsT, { kind: 'hour' })).toEqual({ kind: 'int' });
    expect(partitionResultType({ kind: 'string' }, { kind: 'bucket', n: 3 })).toEqual({ kind: 'int' });
    expect(partitionResultType({ kind: 'decimal', precision: 9, scale: 2 }, { kind: 'truncate', width: 3 })).toEqual({
      kind: 'decimal',
      precision: 9,
      scale: 2,
    });
  });
  it('transform names round-trip', () => {
    for (const s of ['identity', 'year', 'month', 'day', 'hour', 'bucket[16]', 'truncate[10]']) expect(transformToString(parseTransform(s))).toBe(s);
    expect(() => parseTransform('void')).toThrow(/unsupported/);
  });
});

describe('partition specs and paths', () => {
  const schema = buildIcebergSchema({
    fields: [
      { name: 'id', type: T.bigint, nullable: false },
      { name: 'window_start', type: T.timestamp(6), nullable: false },
      { name: 'Cat', type: T.varchar, nullable: true },
      { name: 'amount', type: T.decimal(10, 2), nullable: true },
    ],
  });

  it('assigns field ids from 1000, names like PyIceberg, and resolves columns case-insensitively', () => {
    const spec = buildPartitionSpec(schema, [
      { column: 'window_start', transform: { kind: 'day' } },
      { column: 'id', transform: { kind: 'bucket', n: 4 } },
      { column: 'cat', transform: { kind: 'identity' } },
      { column: 'amount', transform: { kind: 'truncate', width: 100 } },
    ]);
    expect(specToJson(spec)).toEqual({
      'spec-id': 0,
      fields: [
        { name: 'window_start_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
        { name: 'id_bucket_4', transform: 'bucket[4]', 'source-id': 1, 'field-id': 1001 },
        { name: 'Cat', transform: 'identity', 'source-id': 3, 'field-id': 1002 },
        { name: 'amount_trunc_100', transform: 'truncate[100]', 'source-id': 4, 'field-id': 1003 },
      ],
    });
    expect(parseSpecJson(specToJson(spec))).toEqual(spec);
  });

  it('rejects unknown columns, bad transforms and duplicates', () => {
    expect(() => buildPartitionSpec(schema, [{ column: 'nope', transform: { kind: 'identity' } }])).toThrow(/not a column/);
    expect(() => buildPartitionSpec(schema, [{ column: 'cat', transform: { kind: 'day' } }])).toThrow(/cannot partition by day\(Cat\)/);
    expect(() =>
      buildPartitionSpec(schema, [
        { column: 'id', transform: { kind: 'identity' } },
        { column: 'id', transform: { kind: 'identity' } },
      ]),
    ).toThrow(/twice/);
  });

  it('renders human-readable, escaped path segments', () => {
    const spec = buildPartitionSpec(schema, [
      { column: 'window_start', transform: { kind: 'day' } },
      { column: 'window_start', transform: { kind: 'hour' } },
      { column: 'window_start', transform: { kind: 'month' } },
      { column: 'window_start', transform: { kind: 'year' } },
      { column: 'cat', transform: { kind: 'identity' } },
      { column: 'amount', transform: { kind: 'identity' } },
      { column: 'id', transform: { kind: 'bucket', n: 4 } },
    ]);
    const day = daysFromCivil(2026, 11, 1);
    const path = partitionPath(schema, spec, [day, day * 24 + 13, 56 * 12 + 10, 56, 'a b/c=d', -5n, null]);
    expect(path).toBe(
      'window_start_day=2026-11-01/window_start_hour=2026-11-01-13/window_start_month=2026-11/window_start_year=2026/' +
        'Cat=a%20b%2Fc%3Dd/amount=-0.05/id_bucket_4=null',
    );
    expect(partitionPath(schema, buildPartitionSpec(schema, []), [])).toBe('');
    const tsSpec = buildPartitionSpec(schema, [{ column: 'window_start', transform: { kind: 'identity' } }]);
    expect(partitionPath(schema, tsSpec, [ts('2026-11-01T08:05:00') + 7])).toBe('window_start=2026-11-01T08%3A05%3A00.000007');
    expect(formatTimestamp(-1, true)).toBe('1969-12-31T23:59:59.999999+00:00');
    expect(formatTimestamp(DAY, false)).toBe('1970-01-02T00:00:00');
  });
});
