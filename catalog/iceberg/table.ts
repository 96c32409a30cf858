// Iceberg v2 tables in a warehouse ObjectStore: create (v1, no snapshot), load (newest
// metadata/vN.metadata.json by listing), and append commits whose atomic point is putIfAbsent of
// v(N+1).metadata.json. It never overwrites metadata, manifests or data; version-hint.text is a hint.
import { randomBytes, randomUUID } from 'node:crypto';
import type { PartitionField } from '../model.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Schema, Value } from '../types.js';
import type { DataFile } from './data-file.js';
import { parseJsonLossless, stringifyJson } from './json.js';
import { addedEntries, ENTRY_STATUS, partitionSummaries, readManifest, writeManifest } from './manifest.js';
import { DEFAULT_MIN_COUNT_TO_MERGE, mergeManifests } from './manifest-merge.js';
import { readManifestList, writeManifestList, type ManifestFile } from './manifest-list.js';
import { buildPartitionSpec, type IcebergPartitionSpec } from './partition.js';
import { buildIcebergSchema, type IcebergSchema } from './schema.js';
import {
  appendSnapshotJson,
  newTableMetadataJson,
  parseTableMetadata,
  type SnapshotInfo,
  type TableMetadata,
} from './table-metadata.js';

/** Another writer created the same metadata version first; reload the table and decide. */
export class CommitConflictError extends Error {
  constructor(
    readonly table: string,
    readonly version: number,
  ) {
    super(`commit conflict on ${table}: metadata version ${version} was created by another writer`);
    this.name = 'CommitConflictError';
  }
}

const utf8 = new TextEncoder();
const METADATA_FILE_RE = /\/metadata\/v(\d+)\.metadata\.json$/;

export const DEFAULT_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
};

function checkName(what: string, s: string): void {
  if (s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\\'))
    throw new Error(`invalid table ${what} '${s}': must be non-empty and contain no '/'`);
}

export function tableKeyPrefix(namespace: string, name: string): string {
  checkName('namespace', namespace);
  checkName('name', name);
  return `${namespace}/${name}`;
}

export class IcebergTable {
  constructor(
    readonly store: ObjectStore,
    readonly namespace: string,
    readonly name: string,
    /** N of the metadata/vN.metadata.json this view was loaded from. */
    readonly version: number,
    readonly metadata: TableMetadata,
  ) {}

  /** `<namespace>/<table>`: the key prefix of everything in the table. */
  get keyPrefix(): string {
    return `${this.namespace}/${this.name}`;
  }
  get qualifiedName(): string {
    return `${this.namespace}.${this.name}`;
  }
  get location(): string {
    return this.store.uri(this.keyPrefix);
  }
  get metadataKey(): string {
    return `${this.keyPrefix}/metadata/v${this.version}.metadata.json`;
  }
  get metadataUri(): string {
    return this.store.uri(this.metadataKey);
  }
  get formatVersion(): number {
    return this.metadata.formatVersion;
  }
  get schema(): IcebergSchema {
    return this.metadata.schema;
  }
  get spec(): IcebergPartitionSpec {
    return this.metadata.spec;
  }
  get properties(): Readonly<Record<string, string>> {
    return this.metadata.properties;
  }
  get snapshots(): readonly SnapshotInfo[] {
    return this.metadata.snapshots;
  }
  get currentSnapshot(): SnapshotInfo | undefined {
    const id = this.metadata.currentSnapshotId;
    return id === undefined ? undefined : this.metadata.snapshots.find((s) => s.snapshotId === id);
  }

  /** Store key of a full URI written in this table's metadata. */
  keyOf(uri: string): string {
    const root = this.store.rootUri + '/';
    if (!uri.startsWith(root)) throw new Error(`${uri} is outside the warehouse ${this.store.rootUri}`);
    return uri.slice(root.length);
  }

  /** Bytes of an object referenced by a full URI in this table's metadata. */
  async readUri(uri: string): Promise<Uint8Array> {
    const bytes = await this.store.get(this.keyOf(uri));
    if (!bytes) throw new Error(`${this.qualifiedName}: ${uri} is missing`);
    return bytes;
  }

  /** Manifests (data and delete) of the current snapshot; [] for an empty table. */
  async manifests(): Promise<ManifestFile[]> {
    const snap = this.currentSnapshot;
    return snap ? readManifestList(await this.readUri(snap.manifestList)) : [];
  }

  /** Data files of the current snapshot (entries ADDED or EXISTING of data manifests). */
  async liveDataFiles(): Promise<DataFile[]> {
    const manifests = (await this.manifests()).filter((m) => m.content === 0);
    const lists = await Promise.all(
      manifests.map(async (m) => {
        const entries = readManifest(await this.readUri(m.manifestPath), this.schema, this.spec);
        return entries.filter((e) => e.status !== ENTRY_STATUS.DELETED && e.content === 0).map((e) => e.dataFile);
      }),
    );
    return lists.flat();
  }
}

/** The newest table version, found by listing metadata/v*.metadata.json; undefined when none. */
export async function loadTable(store: ObjectStore, namespace: string, name: string): Promise<IcebergTable | undefined> {
  const prefix = tableKeyPrefix(namespace, name);
  let newest = 0;
  for (const key of await store.list(`${prefix}/metadata/v`)) {
    const m = METADATA_FILE_RE.exec(key);
    if (m && key === `${prefix}/metadata/v${m[1]}.metadata.json`) newest = Math.max(newest, Number(m[1]));
  }
  if (newest === 0) return undefined;
  const key = `${prefix}/metadata/v${newest}.metadata.json`;
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`${store.uri(key)} disappeared while loading`);
  const meta = parseTableMetadata(parseJsonLossless(new TextDecoder().decode(bytes)));
  return new IcebergTable(store, namespace, name, newest, meta);
}

async function writeHint(store: ObjectStore, prefix: string, version: number): Promise<void> {
  try {
    await store.put(`${prefix}/metadata/version-hint.text`, utf8.encode(String(version)));
  } catch {
    // Best effort: readers that list or probe still find the newest version.
  }
}

/**
 * Creates `<namespace>/<name>` with v1 metadata (field ids 1..n, partition field ids from 1000, no
 * snapshot). If another writer created v1 first, returns the newest existing version instead.
 */
export async function createTable(
  store: ObjectStore,
  namespace: string,
  name: string,
  schema: Schema,
  partitionBy: readonly PartitionField[],
  properties: Readonly<Record<string, string>> = {},
): Promise<IcebergTable> {
  const prefix = tableKeyPrefix(namespace, name);
  const icebergSchema = buildIcebergSchema(schema);
  const spec = buildPartitionSpec(icebergSchema, partitionBy);
  const json = newTableMetadataJson({
    tableUuid: randomUUID(),
    location: store.uri(prefix),
    schema: icebergSchema,
    spec,
    properties: { ...DEFAULT_TABLE_PROPERTIES, ...properties },
    nowMs: Date.now(),
  });
  const created = await store.putIfAbsent(`${prefix}/metadata/v1.metadata.json`, utf8.encode(stringifyJson(json, 2)));
  if (!created) {
    const existing = await loadTable(store, namespace, name);
    if (!existing) throw new Error(`${store.uri(prefix)}: v1.metadata.json exists but cannot be loaded`);
    return existing;
  }
  await writeHint(store, prefix, 1);
  return new IcebergTable(store, namespace, name, 1, parseTableMetadata(json));
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A random positive snapshot id <= 2^53-1 (exact in JSON for every reader), unused in the table. */
function newSnapshotId(table: IcebergTable): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE() & MAX_SAFE;
    if (id > 0n && !table.snapshots.some((s) => s.snapshotId === id)) return id;
  }
}

function partitionKey(values: readonly Value[]): string {
  return values
    .map((v) =>
      v === null ? 'n' : v instanceof Uint8Array ? 'x' + Buffer.from(v).toString('hex') : typeof v + ':' + String(v),
    )
    .join('\u0001');
}

const COMPUTED_SUMMARY_KEYS = new Set([
  'operation',
  'added-data-files',
  'added-records',
  'added-files-size',
  'changed-partition-count',
  'total-records',
  'total-data-files',
  'total-delete-files',
  'total-files-size',
  'total-position-deletes',
  'total-equality-deletes',
]);

function summaryFor(
  prev: SnapshotInfo | undefined,
  manifests: readonly ManifestFile[],
  files: readonly DataFile[],
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  for (const k of Object.keys(extra))
    if (COMPUTED_SUMMARY_KEYS.has(k)) throw new Error(`snapshot summary key '${k}' is computed by the commit`);
  const addedRecords = files.reduce((s, f) => s + f.recordCount, 0);
  const addedSize = files.reduce((s, f) => s + f.fileSizeInBytes, 0);
  const data = manifests.filter((m) => m.content === 0);
  const totalRecords = data.reduce((s, m) => s + m.addedRowsCount + m.existingRowsCount, 0);
  const totalFiles = data.reduce((s, m) => s + m.addedFilesCount + m.existingFilesCount, 0);
  const prevSize = prev === undefined ? 0 : Number(prev.summary['total-files-size']);
  const keep = (k: string): string => prev?.summary[k] ?? '0';
  return {
    operation: 'append',
    'added-data-files': String(files.length),
    'added-records': String(addedRecords),
    'added-files-size': String(addedSize),
    'changed-partition-count': String(new Set(files.map((f) => partitionKey(f.partition))).size),
    'total-records': String(totalRecords),
    'total-data-files': String(totalFiles),
    'total-delete-files': keep('total-delete-files'),
    ...(Number.isFinite(prevSize) ? { 'total-files-size': String(prevSize + addedSize) } : {}),
    'total-position-deletes': keep('total-position-deletes'),
    'total-equality-deletes': keep('total-equality-deletes'),
    ...extra,
  };
}

/**
 * Appends `dataFiles` (possibly none) as a new snapshot of main and returns the table at the new
 * version. Throws CommitConflictError when v(N+1) already exists (nothing of this commit is then
 * referenced; its manifest files are removed).
 */
export async function commitAppend(
  table: IcebergTable,
  dataFiles: readonly DataFile[],
  summaryExtra: Readonly<Record<string, string>> = {},
): Promise<IcebergTable> {
  const { store, keyPrefix: prefix } = table;
  const prev = table.currentSnapshot;
  const snapshotId = newSnapshotId(table);
  const sequenceNumber = table.metadata.lastSequenceNumber + 1;
  const nowMs = Math.max(Date.now(), table.metadata.lastUpdatedMs);
  const commitUuid = randomUUID();
  const written: string[] = [];

  const manifests: ManifestFile[] = [];
  if (dataFiles.length > 0) {
    const bytes = writeManifest({ schema: table.schema, spec: table.spec, entries: addedEntries(snapshotId, dataFiles) });
    const key = `${prefix}/metadata/${commitUuid}-m0.avro`;
    await store.put(key, bytes);
    written.push(key);
    manifests.push({
      manifestPath: store.uri(key),
      manifestLength: bytes.length,
      partitionSpecId: table.spec.specId,
      content: 0,
      sequenceNumber,
      minSequenceNumber: sequenceNumber,
      addedSnapshotId: snapshotId,
      addedFilesCount: dataFiles.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: dataFiles.reduce((s, f) => s + f.recordCount, 0),
      existingRowsCount: 0,
      deletedRowsCount: 0,
      partitions: partitionSummaries(table.schema, table.spec, dataFiles),
      keyMetadata: null,
    });
  }
  const carried = await table.manifests();
  if (table.properties['commit.manifest-merge.enabled'] === 'false') manifests.push(...carried);
  else {
    const minCount = Number(table.properties['commit.manifest.min-count-to-merge'] ?? DEFAULT_MIN_COUNT_TO_MERGE);
    const merged = await mergeManifests({
      store,
      key: `${prefix}/metadata/${commitUuid}-m1.avro`,
      schema: table.schema,
      spec: table.spec,
      snapshotId,
      sequenceNumber,
      manifests: carried,
      minCountToMerge: Number.isFinite(minCount) ? minCount : DEFAULT_MIN_COUNT_TO_MERGE,
      read: (uri) => table.readUri(uri),
    });
    manifests.push(...merged.manifests);
    written.push(...merged.written);
  }

  const listBytes = writeManifestList({ snapshotId, parentSnapshotId: prev?.snapshotId, sequenceNumber, manifests });
  const listKey = `${prefix}/metadata/snap-${snapshotId}-1-${commitUuid}.avro`;
  await store.put(listKey, listBytes);
  written.push(listKey);

  const snapshot: SnapshotInfo = {
    snapshotId,
    ...(prev ? { parentSnapshotId: prev.snapshotId } : {}),
    sequenceNumber,
    timestampMs: nowMs,
    manifestList: store.uri(listKey),
    summary: summaryFor(prev, manifests, dataFiles, summaryExtra),
    schemaId: table.schema.schemaId,
  };
  const json = appendSnapshotJson(table.metadata, snapshot, table.metadataUri, nowMs);
  const version = table.version + 1;
  const created = await store.putIfAbsent(`${prefix}/metadata/v${version}.metadata.json`, utf8.encode(stringifyJson(json, 2)));
  if (!created) {
    await Promise.all(written.map((k) => store.delete(k).catch(() => undefined)));
    throw new CommitConflictError(table.qualifiedName, version);
  }
  await writeHint(store, prefix, version);
  return new IcebergTable(store, table.namespace, table.name, version, parseTableMetadata(json));
}
