// End-to-end check with real readers: tables written by createTable/writeDataFiles/commitAppend are
// read by PyIceberg (StaticTable.from_metadata, scans with row filters that prune by partition values
// and column bounds) and DuckDB (read_parquet over the planned files) via test/python/read_table.py.
// Skipped with a warning when .venv/bin/python lacks pyiceberg, pyarrow or duckdb.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PY, PY_READY, READ_TABLE, warnIfNoPython } from '../harness/python.js';
import { formatDecimal } from '../../catalog/iceberg/partition.js';
import { commitAppend, createTable, type IcebergTable } from '../../catalog/iceberg/table.js';
import { FsStore } from '../../catalog/store/fs-store.js';
import type { PartitionField } from '../../catalog/model.js';
import { T, type DataType, type Schema, type Value } from '../../catalog/types.js';
import { writeDataFiles } from '../../engine/sinks/data-file-writer.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const SCRIPT = READ_TABLE;
const READY = PY_READY;
warnIfNoPython('real-readers');

type Canon = string | number | boolean | null;
type CanonRow = Record<string, Canon>;

interface ReadResult {
  rows: CanonRow[];
  count: number;
  duckdb_rows: CanonRow[];
  files: number;
  partitions: { path: string; partition: string[] }[];
  snapshots: { snapshot_id: string; parent_snapshot_id: string | null; sequence_number: number; summary: Record<string, string> }[];
  current_snapshot_id: string | null;
  field_ids_ok: boolean;
  field_id_errors: string[];
  column_size_errors: string[];
  filtered: { filter: string; files: number; rows: CanonRow[] }[];
}

function canon(t: DataType, v: Value): Canon {
  if (v === null) return null;
  switch (t.kind) {
    case 'bigint':
    case 'int':
    case 'timestamp':
    case 'timestamptz':
      return String(v);
    case 'decimal':
      return formatDecimal(v as bigint, t.scale);
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('hex');
    case 'double':
      return Number.isNaN(v) ? 'NaN' : (v as number);
    default:
      return v as Canon;
  }
}

const canonRows = (schema: Schema, rows: readonly Value[][]): CanonRow[] =>
  rows.map((r) => Object.fromEntries(schema.fields.map((f, i) => [f.name, canon(f.type, r[i] ?? null)])));
const sortRows = (rows: CanonRow[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

function readTable(table: IcebergTable, root: string, filters: string[] = []): ReadResult {
  const args = [SCRIPT, path.join(root, table.keyPrefix), ...filters.flatMap((f) => ['--filter', f])];
  return JSON.parse(execFileSync(PY, args, { encoding: 'utf8', maxBuffer: 64 << 20 })) as ReadResult;
}

function tmpRoot(): string {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  const d = mkdtempSync(path.resolve('test/.tmp/readers-'));
  made.push(d);
  return d;
}

async function writeTwoSnapshots(
  store: FsStore,
  name: string,
  schema: Schema,
  partitionBy: PartitionField[],
  batches: [Value[][], Value[][]],
): Promise<IcebergTable> {
  let t = await createTable(store, 'features', name, schema, partitionBy);
  t = await commitAppend(t, await writeDataFiles(store, t, batches[0]), { 'streamforge.positions': '{"orders":{"0":1}}' });
  t = await commitAppend(t, await writeDataFiles(store, t, batches[1]), { 'streamforge.positions': '{"orders":{"0":2}}' });
  return t;
}

const DAY = 86_400_000_000;
const NOV1 = Date.UTC(2026, 10, 1) * 1000;

describe.skipIf(!READY)('real readers (PyIceberg 0.12 + DuckDB)', () => {
  let root: string;
  let store: FsStore;
  beforeAll(() => {
    root = tmpRoot();
    store = new FsStore(root);
  });

  const pSchema: Schema = {
    fields: [
      { name: 'id', type: T.bigint, nullable: false },
      { name: 'ts', type: T.timestamp(6), nullable: true },
      { name: 'cat', type: T.varchar, nullable: true },
      { name: 'amount', type: T.decimal(10, 2), nullable: true },
      { name: 'at', type: T.timestamptz(6), nullable: true },
      { name: 'd', type: T.date, nullable: true },
    ],
  };
  const pRows = (from: number, to: number): Value[][] => {
    const out: Value[][] = [];
    for (let i = from; i < to; i++)
      out.push([
        i === from ? 9007199254740993n + BigInt(i) : BigInt(i),
        i % 11 === 10 ? null : NOV1 + (i % 4) * DAY + i * 1_000_001,
        i % 5 === 0 ? null : i % 2 ? 'a b/c' : 'plain',
        i % 7 === 0 ? null : BigInt(i * 137 - 500),
        i % 6 === 0 ? null : NOV1 - i * 3_600_000_001,
        i % 9 === 0 ? null : -400 + i * 13,
      ]);
    return out;
  };

  it('reads a partitioned table (day, bucket[4], identity) exactly and prunes with row filters', async () => {
    const batches: [Value[][], Value[][]] = [pRows(0, 60), pRows(60, 100)];
    const t = await writeTwoSnapshots(store, 'partitioned', pSchema, [
      { column: 'ts', transform: { kind: 'day' } },
      { column: 'id', transform: { kind: 'bucket', n: 4 } },
      { column: 'cat', transform: { kind: 'identity' } },
    ], batches);
    const all = [...batches[0], ...batches[1]];
    const expected = canonRows(pSchema, all);
    const nov3 = '2026-11-03T00:00:00';
    const out = readTable(t, root, ['id == 42', `ts >= '${nov3}'`, "cat == 'a b/c'", 'id == 9007199254740993']);

    expect(out.field_id_errors).toEqual([]);
    expect(out.field_ids_ok).toBe(true);
    expect(out.column_size_errors).toEqual([]);
    expect(out.count).toBe(100);
    expect(sortRows(out.rows)).toEqual(sortRows(expected));
    expect(sortRows(out.duckdb_rows)).toEqual(sortRows(expected));

    expect(out.snapshots).toHaveLength(2);
    expect(out.snapshots[1]!.parent_snapshot_id).toBe(out.snapshots[0]!.snapshot_id);
    expect(out.snapshots.map((s) => s.sequence_number)).toEqual([1, 2]);
    expect(out.snapshots[1]!.summary).toMatchObject({
      operation: 'append',
      'added-records': '40',
      'total-records': '100',
      'streamforge.positions': '{"orders":{"0":2}}',
    });
    expect(out.current_snapshot_id).toBe(String(t.currentSnapshot!.snapshotId));

    // Partition tuples PyIceberg reads from the manifests match what we wrote.
    const ours = (await t.liveDataFiles()).map((f) => JSON.stringify(f.partition.map((v) => (v === null ? 'None' : String(v)))));
    expect(out.partitions.map((p) => JSON.stringify(p.partition)).sort()).toEqual(ours.sort());

    const byFilter = Object.fromEntries(out.filtered.map((f) => [f.filter, f]));
    const pick = (pred: (r: Value[]) => boolean): string[] => sortRows(canonRows(pSchema, all.filter(pred)));
    // bucket pruning: an equality on id reads only files of one bucket.
    expect(sortRows(byFilter['id == 42']!.rows)).toEqual(pick((r) => r[0] === 42n));
    expect(byFilter['id == 42']!.files).toBeLessThan(out.files / 3);
    expect(sortRows(byFilter['id == 9007199254740993']!.rows)).toEqual(pick((r) => r[0] === 9007199254740993n));
    // day pruning on the timestamp partition.
    const nov3us = Date.parse(nov3 + 'Z') * 1000;
    expect(sortRows(byFilter[`ts >= '${nov3}'`]!.rows)).toEqual(pick((r) => r[1] !== null && (r[1] as number) >= nov3us));
    expect(byFilter[`ts >= '${nov3}'`]!.files).toBeLessThan(out.files);
    // identity pruning on an escaped string partition.
    expect(sortRows(byFilter["cat == 'a b/c'"]!.rows)).toEqual(pick((r) => r[2] === 'a b/c'));
    expect(byFilter["cat == 'a b/c'"]!.files).toBeLessThan(out.files);
  });

  it('reads partition values of every transform and result type (decimal, timestamp, month, hour, truncate)', async () => {
    const schema: Schema = {
      fields: [
        { name: 'id', type: T.bigint, nullable: false },
        { name: 'amount', type: T.decimal(12, 3), nullable: true },
        { name: 'd', type: T.date, nullable: true },
        { name: 'name', type: T.varchar, nullable: true },
        { name: 'at', type: T.timestamptz(6), nullable: true },
        { name: 'ts', type: T.timestamp(6), nullable: true },
        { name: 'n', type: T.int, nullable: true },
      ],
    };
    const rows = (from: number, to: number): Value[][] =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        return [
          BigInt(i),
          i % 5 === 0 ? null : BigInt((i % 3) * 1000 - 1500),
          i % 7 === 0 ? null : -90 + i * 11,
          i % 4 === 0 ? null : ['alpha', 'alps', 'beta', 'über'][i % 4]!,
          NOV1 - 5 * 3_600_000_000 + (i % 6) * 3_600_000_000 + 1,
          i % 3 === 0 ? null : -DAY * 365 * (i % 3) + i,
          i % 8 === 0 ? null : i * 7 - 40,
        ];
      });
    const batches: [Value[][], Value[][]] = [rows(0, 30), rows(30, 50)];
    const t = await writeTwoSnapshots(store, 'transforms', schema, [
      { column: 'amount', transform: { kind: 'identity' } },
      { column: 'd', transform: { kind: 'month' } },
      { column: 'name', transform: { kind: 'truncate', width: 3 } },
      { column: 'at', transform: { kind: 'hour' } },
      { column: 'ts', transform: { kind: 'year' } },
      { column: 'n', transform: { kind: 'truncate', width: 10 } },
    ], batches);
    const all = [...batches[0], ...batches[1]];
    const filters = ['amount == -0.500', "name == 'alps'", "at < '2026-10-31T21:00:00+00:00'", 'd < 100', "ts < '1969-06-01T00:00:00'", 'n >= 100'];
    const out = readTable(t, root, filters);
    expect(out.field_ids_ok).toBe(true);
    expect(out.column_size_errors).toEqual([]);
    expect(sortRows(out.rows)).toEqual(sortRows(canonRows(schema, all)));
    expect(sortRows(out.duckdb_rows)).toEqual(sortRows(canonRows(schema, all)));
    const ours = (await t.liveDataFiles()).map((f) =>
      JSON.stringify(f.partition.map((v, i) => (v === null ? 'None' : i === 0 ? formatDecimal(v as bigint, 3) : String(v)))),
    );
    expect(out.partitions.map((p) => JSON.stringify(p.partition)).sort()).toEqual(ours.sort());

    const preds: Record<string, (r: Value[]) => boolean> = {
      'amount == -0.500': (r) => r[1] === -500n,
      "name == 'alps'": (r) => r[3] === 'alps',
      "at < '2026-10-31T21:00:00+00:00'": (r) => (r[4] as number) < NOV1 - 3 * 3_600_000_000,
      'd < 100': (r) => r[2] !== null && (r[2] as number) < 100,
      "ts < '1969-06-01T00:00:00'": (r) => r[5] !== null && (r[5] as number) < Date.UTC(1969, 5, 1) * 1000,
      'n >= 100': (r) => r[6] !== null && (r[6] as number) >= 100,
    };
    for (const f of out.filtered) {
      expect(sortRows(f.rows), f.filter).toEqual(sortRows(canonRows(schema, all.filter(preds[f.filter]!))));
      expect(f.files, f.filter).toBeLessThan(out.files);
    }
  });

  it('reads tables whose manifests were merged (EXISTING entries)', async () => {
    let t = await createTable(store, 'features', 'merged', pSchema, [{ column: 'ts', transform: { kind: 'day' } }], {
      'commit.manifest.min-count-to-merge': '2',
    });
    const all: Value[][] = [];
    for (let c = 0; c < 5; c++) {
      const batch = pRows(c * 10, c * 10 + 10);
      all.push(...batch);
      t = await commitAppend(t, await writeDataFiles(store, t, batch), {});
    }
    expect((await t.manifests()).some((m) => m.existingFilesCount > 0)).toBe(true);
    const out = readTable(t, root, [`ts >= '2026-11-03T00:00:00'`]);
    expect(out.snapshots).toHaveLength(5);
    expect(sortRows(out.rows)).toEqual(sortRows(canonRows(pSchema, all)));
    expect(out.files).toBe((await t.liveDataFiles()).length);
    const nov3us = Date.UTC(2026, 10, 3) * 1000;
    expect(sortRows(out.filtered[0]!.rows)).toEqual(
      sortRows(canonRows(pSchema, all.filter((r) => r[1] !== null && (r[1] as number) >= nov3us))),
    );
    expect(out.filtered[0]!.files).toBeLessThan(out.files);
  });

  const uSchema: Schema = {
    fields: [
      { name: 'id', type: T.bigint, nullable: false },
      { name: 'n', type: T.int, nullable: true },
      { name: 'score', type: T.double, nullable: true },
      { name: 'price', type: T.decimal(18, 2), nullable: true },
      { name: 'big', type: T.decimal(38, 10), nullable: true },
      { name: 'name', type: T.varchar, nullable: true },
      { name: 'doc', type: T.json, nullable: true },
      { name: 'd', type: T.date, nullable: true },
      { name: 'ts', type: T.timestamp(3), nullable: true },
      { name: 'tstz', type: T.timestamptz(6), nullable: true },
      { name: 'ok', type: T.boolean, nullable: true },
      { name: 'raw', type: T.bytes, nullable: true },
    ],
  };
  const uRow = (i: number): Value[] => [
    i < 0 ? -9223372036854775807n : BigInt(i) * 1_000_000_000_007n,
    i % 4 === 1 ? null : i * -3,
    i % 4 === 2 ? null : i === 3 ? NaN : i / 8,
    i % 4 === 3 ? null : BigInt(i) * 999_999_999_999_999n - 7n,
    i % 5 === 4 ? null : -(10n ** 37n) + BigInt(i) * 12345678901234567890n,
    i % 6 === 5 ? null : i === 7 ? `A-${'ü😀'.repeat(20)}` : `${i >= 100 ? 'B' : 'A'}-näme-${i}-😀`,
    i % 7 === 6 ? null : `{"k":${i}}`,
    i % 8 === 7 ? null : -30000 + i * 1000,
    i % 9 === 8 ? null : -2_000_000_000_000_000 + i * 123_456_789_012,
    i % 10 === 9 ? null : 1_700_000_000_000_000 + i,
    i % 3 === 2 ? null : i % 2 === 0,
    i % 11 === 10 ? null : new Uint8Array([i, 0, 255 - i]),
  ];

  it('reads an unpartitioned table with every type, and prunes files by column bounds', async () => {
    const first = [uRow(-1), ...Array.from({ length: 20 }, (_, i) => uRow(i))];
    const second = Array.from({ length: 20 }, (_, i) => uRow(100 + i));
    const t = await writeTwoSnapshots(store, 'all_types', uSchema, [], [first, second]);
    const expected = canonRows(uSchema, [...first, ...second]);
    const out = readTable(t, root, ['id >= 100000000000700', "name == 'B-näme-105-😀'", 'price < 0']);

    expect(out.field_ids_ok).toBe(true);
    expect(out.column_size_errors).toEqual([]);
    expect(out.files).toBe(2);
    expect(out.count).toBe(41);
    expect(sortRows(out.rows)).toEqual(sortRows(expected));
    expect(sortRows(out.duckdb_rows)).toEqual(sortRows(expected));

    const byFilter = Object.fromEntries(out.filtered.map((f) => [f.filter, f]));
    expect(byFilter['id >= 100000000000700']!.files).toBe(1);
    expect(byFilter['id >= 100000000000700']!.rows).toHaveLength(20);
    expect(byFilter["name == 'B-näme-105-😀'"]!.files).toBe(1);
    expect(byFilter["name == 'B-näme-105-😀'"]!.rows.map((r) => r['id'])).toEqual([String(105n * 1_000_000_000_007n)]);
    expect(sortRows(byFilter['price < 0']!.rows)).toEqual(
      sortRows(canonRows(uSchema, [...first, ...second].filter((r) => r[3] !== null && (r[3] as bigint) < 0n))),
    );
    expect(byFilter['price < 0']!.files).toBe(1);
  });
});
