// Table metadata structure (v1 and after commits), manifests and manifest lists on disk, sequence
// number inheritance, liveDataFiles, loading the newest version by listing, lossless JSON, listTables.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FsStore } from '../../catalog/store/fs-store.js';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import { readAvroContainer } from '../../catalog/iceberg/avro-reader.js';
import type { DataFile } from '../../catalog/iceberg/data-file.js';
import { parseJsonLossless, stringifyJson } from '../../catalog/iceberg/json.js';
import { decodeSingleValue, encodeSingleValue } from '../../catalog/iceberg/single-value.js';
import { commitAppend, createTable, loadTable } from '../../catalog/iceberg/table.js';
import { listTables } from '../../catalog/iceberg/warehouse.js';
import { T, type Schema } from '../../catalog/types.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const TMP = path.resolve('test/.tmp');
let dir: string;
let store: FsStore;
beforeEach(() => {
  mkdirSync(TMP, { recursive: true });
  dir = mkdtempSync(path.join(TMP, 'table-'));
  made.push(dir);
  store = new FsStore(dir);
});

const schema: Schema = {
  fields: [
    { name: 'id', type: T.bigint, nullable: false },
    { name: 'window_start', type: T.timestamp(3), nullable: false },
    { name: 'spend', type: T.decimal(18, 2), nullable: true },
    { name: 'name', type: T.varchar, nullable: true },
    { name: 'at', type: T.timestamptz(), nullable: true },
    { name: 'd', type: T.date, nullable: true },
    { name: 'ok', type: T.boolean, nullable: true },
    { name: 'raw', type: T.bytes, nullable: true },
    { name: 'score', type: T.double, nullable: true },
    { name: 'n', type: T.int, nullable: true },
    { name: 'doc', type: T.json, nullable: true },
  ],
};

const readJson = (rel: string): Record<string, any> => JSON.parse(readFileSync(path.join(dir, rel), 'utf8'));

function dataFile(uri: string, day: number, rows: number, idLo: bigint, idHi: bigint): DataFile {
  return {
    path: uri,
    fileFormat: 'PARQUET',
    specId: 0,
    partition: [day],
    recordCount: rows,
    fileSizeInBytes: 1000 + rows,
    valueCounts: new Map([[1, rows]]),
    nullValueCounts: new Map([[1, 0]]),
    lowerBounds: new Map([[1, encodeSingleValue({ kind: 'long' }, idLo)]]),
    upperBounds: new Map([[1, encodeSingleValue({ kind: 'long' }, idHi)]]),
  };
}

describe('createTable', () => {
  it('writes v1 metadata with all v2-required fields and no snapshot', async () => {
    const t = await createTable(store, 'features', 'spend', schema, [{ column: 'window_start', transform: { kind: 'day' } }], {
      owner: 'me',
    });
    expect(t.version).toBe(1);
    expect(t.currentSnapshot).toBeUndefined();
    expect(readFileSync(path.join(dir, 'features/spend/metadata/version-hint.text'), 'utf8')).toBe('1');
    const m = readJson('features/spend/metadata/v1.metadata.json');
    expect(m['format-version']).toBe(2);
    expect(m['table-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(m['location']).toBe('file://' + path.join(dir, 'features/spend'));
    expect(m['last-sequence-number']).toBe(0);
    expect(m['last-column-id']).toBe(11);
    expect(m['current-schema-id']).toBe(0);
    expect(m['schemas'][0].fields.map((f: any) => [f.id, f.name, f.required, f.type])).toEqual([
      [1, 'id', true, 'long'],
      [2, 'window_start', true, 'timestamp'],
      [3, 'spend', false, 'decimal(18, 2)'],
      [4, 'name', false, 'string'],
      [5, 'at', false, 'timestamptz'],
      [6, 'd', false, 'date'],
      [7, 'ok', false, 'boolean'],
      [8, 'raw', false, 'binary'],
      [9, 'score', false, 'double'],
      [10, 'n', false, 'int'],
      [11, 'doc', false, 'string'],
    ]);
    expect(m['partition-specs']).toEqual([
      { 'spec-id': 0, fields: [{ name: 'window_start_day', transform: 'day', 'source-id': 2, 'field-id': 1000 }] },
    ]);
    expect(m['default-spec-id']).toBe(0);
    expect(m['last-partition-id']).toBe(1000);
    expect(m['sort-orders']).toEqual([{ 'order-id': 0, fields: [] }]);
    expect(m['default-sort-order-id']).toBe(0);
    expect(m['current-snapshot-id']).toBe(-1);
    expect(m['snapshots']).toEqual([]);
    expect(m['properties']).toMatchObject({ owner: 'me', 'write.format.default': 'parquet' });
    expect(t.schema.columns[1]).toEqual({ id: 2, name: 'window_start', type: { kind: 'timestamp' }, required: true });
  });

  it('uses last-partition-id 999 for an unpartitioned table', async () => {
    await createTable(store, 'ns', 't', schema, []);
    expect(readJson('ns/t/metadata/v1.metadata.json')['last-partition-id']).toBe(999);
  });

  it('returns the existing table when v1 already exists', async () => {
    const [a, b] = await Promise.all([createTable(store, 'ns', 't', schema, []), createTable(store, 'ns', 't', schema, [])]);
    expect(a.metadata.tableUuid).toBe(b.metadata.tableUuid);
    const c = await createTable(store, 'ns', 't', schema, []);
    expect(c.metadata.tableUuid).toBe(a.metadata.tableUuid);
  });

  it('rejects bad names and unstorable types', async () => {
    await expect(createTable(store, 'a/b', 't', schema, [])).rejects.toThrow(/invalid table namespace/);
    await expect(createTable(store, 'ns', 't', { fields: [{ name: 'x', type: T.interval, nullable: true }] }, [])).rejects.toThrow(
      /INTERVAL/,
    );
    await expect(createTable(store, 'ns', 't', { fields: [{ name: 'x', type: T.decimal(40, 2), nullable: true }] }, [])).rejects.toThrow(
      /precision/,
    );
  });
});

describe('commitAppend', () => {
  it('writes manifests, manifest lists and metadata following the v2 commit rules', async () => {
    const t1 = await createTable(store, 'ns', 't', schema, [{ column: 'window_start', transform: { kind: 'day' } }]);
    const f1 = dataFile(store.uri('ns/t/data/window_start_day=2026-11-01/a.parquet'), 20758, 10, -3n, 9007199254740993n);
    const f2 = dataFile(store.uri('ns/t/data/window_start_day=2026-11-03/b.parquet'), 20760, 5, 1n, 2n);
    const t2 = await commitAppend(t1, [f1, f2], { 'streamforge.positions': '{"orders":{"0":42}}' });
    expect(t2.version).toBe(2);
    const snap1 = t2.currentSnapshot!;
    expect(snap1.sequenceNumber).toBe(1);
    expect(snap1.snapshotId > 0n && snap1.snapshotId <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(snap1.summary).toMatchObject({
      operation: 'append',
      'added-data-files': '2',
      'added-records': '15',
      'added-files-size': '2015',
      'changed-partition-count': '2',
      'total-records': '15',
      'total-data-files': '2',
      'total-files-size': '2015',
      'total-delete-files': '0',
      'streamforge.positions': '{"orders":{"0":42}}',
    });

    const m = readJson('ns/t/metadata/v2.metadata.json');
    expect(m['last-sequence-number']).toBe(1);
    expect(m['current-snapshot-id']).toBe(Number(snap1.snapshotId));
    expect(m['refs']).toEqual({ main: { 'snapshot-id': Number(snap1.snapshotId), type: 'branch' } });
    expect(m['snapshot-log']).toEqual([{ 'timestamp-ms': snap1.timestampMs, 'snapshot-id': Number(snap1.snapshotId) }]);
    expect(m['metadata-log']).toEqual([{ 'timestamp-ms': t1.metadata.lastUpdatedMs, 'metadata-file': t1.metadataUri }]);
    expect(m['last-updated-ms']).toBeGreaterThanOrEqual(t1.metadata.lastUpdatedMs);
    expect(m['snapshots'][0]).not.toHaveProperty('parent-snapshot-id');
    expect(m['snapshots'][0]['manifest-list']).toMatch(new RegExp(`^file:///.*/ns/t/metadata/snap-${snap1.snapshotId}-1-[0-9a-f-]{36}\\.avro$`));
    expect(readFileSync(path.join(dir, 'ns/t/metadata/version-hint.text'), 'utf8')).toBe('2');

    // Manifest list: header keys and one manifest with the new sequence number.
    const listKey = t2.keyOf(snap1.manifestList);
    const list = readAvroContainer((await store.get(listKey))!);
    expect(list.metadata.get('snapshot-id')).toBe(String(snap1.snapshotId));
    expect(list.metadata.get('parent-snapshot-id')).toBe('null');
    expect(list.metadata.get('sequence-number')).toBe('1');
    expect(list.metadata.get('format-version')).toBe('2');
    expect(list.records).toHaveLength(1);
    const entry = list.records[0] as Record<string, any>;
    expect(entry).toMatchObject({
      partition_spec_id: 0,
      content: 0,
      sequence_number: 1n,
      min_sequence_number: 1n,
      added_snapshot_id: snap1.snapshotId,
      added_files_count: 2,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_rows_count: 15n,
    });
    expect(entry['partitions']).toHaveLength(1);
    expect(entry['partitions'][0].contains_null).toBe(false);
    expect(decodeSingleValue({ kind: 'date' }, entry['partitions'][0].lower_bound)).toBe(20758);
    expect(decodeSingleValue({ kind: 'date' }, entry['partitions'][0].upper_bound)).toBe(20760);
    const manifestBytes = (await store.get(t2.keyOf(entry['manifest_path'])))!;
    expect(Number(entry['manifest_length'])).toBe(manifestBytes.length);
    expect(entry['manifest_path']).toMatch(/\/ns\/t\/metadata\/[0-9a-f-]{36}-m0\.avro$/);

    // Manifest: header keys and ADDED entries with inherited sequence numbers.
    const manifest = readAvroContainer(manifestBytes);
    expect(JSON.parse(manifest.metadata.get('schema')!)).toEqual(m['schemas'][0]);
    expect(manifest.metadata.get('schema-id')).toBe('0');
    expect(JSON.parse(manifest.metadata.get('partition-spec')!)).toEqual(m['partition-specs'][0].fields);
    expect(manifest.metadata.get('partition-spec-id')).toBe('0');
    expect(manifest.metadata.get('format-version')).toBe('2');
    expect(manifest.metadata.get('content')).toBe('data');
    const e0 = manifest.records[0] as Record<string, any>;
    expect(e0.status).toBe(1);
    expect(e0.snapshot_id).toBe(snap1.snapshotId);
    expect(e0.sequence_number).toBeNull();
    expect(e0.file_sequence_number).toBeNull();
    expect(e0.data_file).toMatchObject({ content: 0, file_path: f1.path, file_format: 'PARQUET', record_count: 10n, file_size_in_bytes: 1010n });
    expect(e0.data_file.partition).toEqual({ window_start_day: 20758 });

    // Second commit carries the first manifest forward unchanged.
    const f3 = dataFile(store.uri('ns/t/data/window_start_day=2026-11-01/c.parquet'), 20758, 1, 5n, 5n);
    const t3 = await commitAppend(t2, [f3], {});
    const snap2 = t3.currentSnapshot!;
    expect(snap2.parentSnapshotId).toBe(snap1.snapshotId);
    expect(snap2.sequenceNumber).toBe(2);
    expect(snap2.summary['total-records']).toBe('16');
    expect(snap2.summary['total-data-files']).toBe('3');
    expect(snap2.summary['total-files-size']).toBe('3016');
    const manifests = await t3.manifests();
    expect(manifests.map((x) => [x.sequenceNumber, x.addedSnapshotId, x.addedFilesCount])).toEqual([
      [2, snap2.snapshotId, 1],
      [1, snap1.snapshotId, 2],
    ]);
    expect(manifests[1]!.manifestPath).toBe(entry['manifest_path']);
    const m3 = readJson('ns/t/metadata/v3.metadata.json');
    expect(m3['snapshots']).toHaveLength(2);
    expect(m3['snapshot-log']).toHaveLength(2);
    expect(m3['metadata-log'].map((x: any) => x['metadata-file'])).toEqual([t1.metadataUri, t2.metadataUri]);

    // liveDataFiles returns every file with partition values and bounds.
    const live = await (await loadTable(store, 'ns', 't'))!.liveDataFiles();
    expect(live.map((f) => f.path).sort()).toEqual([f1.path, f2.path, f3.path].sort());
    const l1 = live.find((f) => f.path === f1.path)!;
    expect(l1.partition).toEqual([20758]);
    expect(l1.recordCount).toBe(10);
    expect(l1.fileSizeInBytes).toBe(1010);
    expect(decodeSingleValue({ kind: 'long' }, l1.upperBounds!.get(1)!)).toBe(9007199254740993n);
    expect(l1.valueCounts!.get(1)).toBe(10);
  });

  it('allows a commit with zero data files (progress only)', async () => {
    const t1 = await createTable(store, 'ns', 't', schema, []);
    const t2 = await commitAppend(t1, [], { 'streamforge.positions': 'p1' });
    expect(t2.currentSnapshot!.summary).toMatchObject({ 'added-data-files': '0', 'total-records': '0', 'streamforge.positions': 'p1' });
    expect(await t2.liveDataFiles()).toEqual([]);
    const f = dataFile(store.uri('ns/t/data/x.parquet'), 0, 3, 1n, 2n);
    const t3 = await commitAppend(t2, [{ ...f, partition: [] }], {});
    const t4 = await commitAppend(t3, [], { 'streamforge.positions': 'p2' });
    expect((await t4.liveDataFiles()).map((x) => x.path)).toEqual([f.path]);
    expect(t4.currentSnapshot!.summary['total-records']).toBe('3');
  });

  it('refuses summary keys the commit computes and files of another spec', async () => {
    const t1 = await createTable(store, 'ns', 't', schema, []);
    await expect(commitAppend(t1, [], { operation: 'overwrite' })).rejects.toThrow(/computed/);
    const f = dataFile(store.uri('ns/t/data/x.parquet'), 0, 3, 1n, 2n);
    await expect(commitAppend(t1, [f], {})).rejects.toThrow(/partition values/);
  });
});

describe('manifest merging', () => {
  it('rewrites many small manifests into one of EXISTING entries with explicit sequence numbers', async () => {
    let t = await createTable(store, 'ns', 'm', schema, [{ column: 'window_start', transform: { kind: 'day' } }], {
      'commit.manifest.min-count-to-merge': '3',
    });
    const files: DataFile[] = [];
    const seqOf = new Map<string, [number, bigint]>();
    for (let i = 0; i < 6; i++) {
      const f = dataFile(store.uri(`ns/t/data/f${i}.parquet`), 20000 + i, i + 1, BigInt(i), BigInt(i));
      files.push(f);
      t = await commitAppend(t, [f], {});
      seqOf.set(f.path, [t.currentSnapshot!.sequenceNumber, t.currentSnapshot!.snapshotId]);
      expect((await t.manifests()).length).toBeLessThanOrEqual(3);
    }
    const manifests = await t.manifests();
    expect(manifests[0]!.addedFilesCount).toBe(1); // this commit's own manifest stays separate
    const merged = manifests.find((m) => m.existingFilesCount > 0)!;
    expect(merged.addedSnapshotId).toBe(t.currentSnapshot!.snapshotId);
    expect(merged.sequenceNumber).toBe(6);
    expect(merged.minSequenceNumber).toBe(1);
    expect(manifests).toHaveLength(2); // commits 4 and 6 merged (3 carried-forward manifests each time)
    expect(t.currentSnapshot!.summary['total-data-files']).toBe('6');
    expect(t.currentSnapshot!.summary['total-records']).toBe('21');
    const live = await t.liveDataFiles();
    expect(live.map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
    expect(live.find((f) => f.path === files[2]!.path)!.partition).toEqual([20002]);

    const raw = readAvroContainer((await store.get(t.keyOf(merged.manifestPath)))!);
    for (const r of raw.records as Record<string, any>[]) {
      const [seq, snap] = seqOf.get(r.data_file.file_path)!;
      expect(r.status).toBe(0);
      expect(r.sequence_number).toBe(BigInt(seq));
      expect(r.file_sequence_number).toBe(BigInt(seq));
      expect(r.snapshot_id).toBe(snap);
    }
  });

  it('can be disabled with commit.manifest-merge.enabled=false', async () => {
    let t = await createTable(store, 'ns', 'n', schema, [], { 'commit.manifest-merge.enabled': 'false', 'commit.manifest.min-count-to-merge': '2' });
    for (let i = 0; i < 4; i++) t = await commitAppend(t, [{ ...dataFile(store.uri(`ns/n/data/${i}.parquet`), 0, 1, 1n, 1n), partition: [] }], {});
    expect((await t.manifests()).length).toBe(4);
  });
});

describe('loadTable and listTables', () => {
  it('finds the newest version numerically by listing, ignoring a stale hint', async () => {
    let t = await createTable(store, 'ns', 't', schema, []);
    for (let i = 0; i < 10; i++) t = await commitAppend(t, [], { i: String(i) });
    expect(t.version).toBe(11);
    writeFileSync(path.join(dir, 'ns/t/metadata/version-hint.text'), '3');
    const loaded = (await loadTable(store, 'ns', 't'))!;
    expect(loaded.version).toBe(11);
    expect(loaded.currentSnapshot!.summary['i']).toBe('9');
    expect(loaded.snapshots).toHaveLength(10);
    expect(await loadTable(store, 'ns', 'missing')).toBeUndefined();
  });

  it('reads metadata with snapshot ids above 2^53 exactly', async () => {
    const t = await createTable(store, 'ns', 't', schema, []);
    const doc = parseJsonLossless(readFileSync(path.join(dir, 'ns/t/metadata/v1.metadata.json'), 'utf8')) as Record<string, unknown>;
    const big = 7505300640432048841n;
    const foreign = {
      ...doc,
      'current-snapshot-id': big,
      refs: { main: { 'snapshot-id': big, type: 'branch' } },
      snapshots: [{ 'snapshot-id': big, 'sequence-number': 0, 'timestamp-ms': 1, summary: { operation: 'append' }, 'manifest-list': 'x' }],
    };
    const text = stringifyJson(foreign, 2);
    expect(text).toContain('"current-snapshot-id": 7505300640432048841');
    writeFileSync(path.join(dir, 'ns/t/metadata/v2.metadata.json'), text);
    const loaded = (await loadTable(store, 'ns', 't'))!;
    expect(loaded.currentSnapshot!.snapshotId).toBe(big);
    expect(t.version).toBe(1);
  });

  it('lists every table that has metadata', async () => {
    await createTable(store, 'b', 'x', schema, []);
    await createTable(store, 'a', 'y', schema, []);
    await createTable(store, 'a', 'x', schema, []);
    await store.put('a/not_a_table/data/f.parquet', new Uint8Array([1]));
    expect(await listTables(store)).toEqual([
      { namespace: 'a', name: 'x' },
      { namespace: 'a', name: 'y' },
      { namespace: 'b', name: 'x' },
    ]);
    // A store without the optional listPrefixes is listed with one full list('').
    const plain: ObjectStore = {
      rootUri: store.rootUri,
      uri: (k) => store.uri(k),
      get: (k) => store.get(k),
      put: (k, d) => store.put(k, d),
      putIfAbsent: (k, d) => store.putIfAbsent(k, d),
      list: (p) => store.list(p),
      delete: (k) => store.delete(k),
    };
    expect(await listTables(plain)).toEqual(await listTables(store));
  });
});
