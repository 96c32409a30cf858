// Iceberg v2 table metadata JSON (`vN.metadata.json`): the initial document for a new table, a typed
// view of a parsed document, and the next document after appending a snapshot (sequence numbers,
// refs.main, snapshot-log, metadata-log). Pure JSON transformations: no storage, no Avro.
import { toBigInt, toSafeInt } from './json.js';
import { parseSpecJson, specToJson, type IcebergPartitionSpec } from './partition.js';
import { parseSchemaJson, schemaToJson, type IcebergSchema } from './schema.js';

export interface SnapshotInfo {
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  readonly sequenceNumber: number;
  readonly timestampMs: number;
  /** Full URI of the manifest list. */
  readonly manifestList: string;
  readonly summary: Readonly<Record<string, string>>;
  readonly schemaId?: number;
}

export interface TableMetadata {
  readonly formatVersion: number;
  readonly tableUuid: string;
  readonly location: string;
  readonly lastSequenceNumber: number;
  readonly lastUpdatedMs: number;
  readonly lastColumnId: number;
  /** The current schema. */
  readonly schema: IcebergSchema;
  /** The default partition spec. */
  readonly spec: IcebergPartitionSpec;
  readonly properties: Readonly<Record<string, string>>;
  readonly currentSnapshotId: bigint | undefined;
  readonly snapshots: readonly SnapshotInfo[];
  /** The parsed document, carried forward on commit so unknown fields survive. */
  readonly json: Readonly<Record<string, unknown>>;
}

export class IcebergMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcebergMetadataError';
  }
}

/** Keep this many previous metadata files in metadata-log (Java's default). */
export const METADATA_LOG_MAX = 100;

export interface NewTableOptions {
  readonly tableUuid: string;
  readonly location: string;
  readonly schema: IcebergSchema;
  readonly spec: IcebergPartitionSpec;
  readonly properties: Readonly<Record<string, string>>;
  readonly nowMs: number;
}

export function newTableMetadataJson(o: NewTableOptions): Record<string, unknown> {
  const lastColumnId = o.schema.columns.reduce((m, c) => Math.max(m, c.id), 0);
  const lastPartitionId = o.spec.fields.reduce((m, f) => Math.max(m, f.fieldId), 999);
  return {
    'format-version': 2,
    'table-uuid': o.tableUuid,
    location: o.location,
    'last-sequence-number': 0,
    'last-updated-ms': o.nowMs,
    'last-column-id': lastColumnId,
    'current-schema-id': o.schema.schemaId,
    schemas: [schemaToJson(o.schema)],
    'default-spec-id': o.spec.specId,
    'partition-specs': [specToJson(o.spec)],
    'last-partition-id': lastPartitionId,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { ...o.properties },
    'current-snapshot-id': -1,
    refs: {},
    snapshots: [],
    statistics: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

function snapshotToJson(s: SnapshotInfo): Record<string, unknown> {
  return {
    'sequence-number': s.sequenceNumber,
    'snapshot-id': s.snapshotId,
    ...(s.parentSnapshotId !== undefined ? { 'parent-snapshot-id': s.parentSnapshotId } : {}),
    'timestamp-ms': s.timestampMs,
    summary: { ...s.summary },
    'manifest-list': s.manifestList,
    ...(s.schemaId !== undefined ? { 'schema-id': s.schemaId } : {}),
  };
}

function parseSnapshot(j: unknown): SnapshotInfo {
  const o = j as Record<string, unknown>;
  const summary: Record<string, string> = {};
  for (const [k, v] of Object.entries((o['summary'] as Record<string, unknown> | undefined) ?? {})) summary[k] = String(v);
  if (typeof o['manifest-list'] !== 'string') throw new IcebergMetadataError('snapshot without manifest-list (v1 inline manifests are not supported)');
  const parent = o['parent-snapshot-id'];
  return {
    snapshotId: toBigInt(o['snapshot-id'], 'snapshot-id'),
    ...(parent !== undefined && parent !== null ? { parentSnapshotId: toBigInt(parent, 'parent-snapshot-id') } : {}),
    sequenceNumber: o['sequence-number'] === undefined ? 0 : toSafeInt(o['sequence-number'], 'sequence-number'),
    timestampMs: toSafeInt(o['timestamp-ms'], 'timestamp-ms'),
    manifestList: o['manifest-list'],
    summary,
    ...(typeof o['schema-id'] === 'number' ? { schemaId: o['schema-id'] } : {}),
  };
}

export function parseTableMetadata(j: unknown): TableMetadata {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new IcebergMetadataError('table metadata is not a JSON object');
  const o = j as Record<string, unknown>;
  const formatVersion = o['format-version'];
  if (formatVersion !== 2) throw new IcebergMetadataError(`unsupported Iceberg format-version ${String(formatVersion)} (need 2)`);
  const schemaId = o['current-schema-id'];
  const schemaJson = (o['schemas'] as unknown[] | undefined)?.find((s) => (s as Record<string, unknown>)['schema-id'] === schemaId);
  if (!schemaJson) throw new IcebergMetadataError(`current schema ${String(schemaId)} not found`);
  const specId = o['default-spec-id'];
  const specJson = (o['partition-specs'] as unknown[] | undefined)?.find((s) => (s as Record<string, unknown>)['spec-id'] === specId);
  if (!specJson) throw new IcebergMetadataError(`default partition spec ${String(specId)} not found`);
  const cur = o['current-snapshot-id'];
  const currentSnapshotId = cur === undefined || cur === null ? undefined : toBigInt(cur, 'current-snapshot-id');
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries((o['properties'] as Record<string, unknown> | undefined) ?? {})) properties[k] = String(v);
  if (typeof o['table-uuid'] !== 'string' || typeof o['location'] !== 'string')
    throw new IcebergMetadataError('table metadata lacks table-uuid or location');
  return {
    formatVersion,
    tableUuid: o['table-uuid'],
    location: o['location'],
    lastSequenceNumber: toSafeInt(o['last-sequence-number'] ?? 0, 'last-sequence-number'),
    lastUpdatedMs: toSafeInt(o['last-updated-ms'], 'last-updated-ms'),
    lastColumnId: toSafeInt(o['last-column-id'], 'last-column-id'),
    schema: parseSchemaJson(schemaJson),
    spec: parseSpecJson(specJson),
    properties,
    currentSnapshotId: currentSnapshotId === -1n ? undefined : currentSnapshotId,
    snapshots: ((o['snapshots'] as unknown[] | undefined) ?? []).map(parseSnapshot),
    json: o,
  };
}

/**
 * The document after `snap` becomes the current snapshot of main. `snap.sequenceNumber` must be
 * last-sequence-number + 1; `prevMetadataUri` is the location of the document being replaced.
 */
export function appendSnapshotJson(
  prev: TableMetadata,
  snap: SnapshotInfo,
  prevMetadataUri: string,
  nowMs: number,
): Record<string, unknown> {
  if (snap.sequenceNumber !== prev.lastSequenceNumber + 1)
    throw new IcebergMetadataError(`snapshot sequence number ${snap.sequenceNumber} must be ${prev.lastSequenceNumber + 1}`);
  const o = prev.json;
  const snapshots = [...((o['snapshots'] as unknown[] | undefined) ?? []), snapshotToJson(snap)];
  const snapshotLog = [...((o['snapshot-log'] as unknown[] | undefined) ?? []), { 'timestamp-ms': snap.timestampMs, 'snapshot-id': snap.snapshotId }];
  const metadataLog = [
    ...((o['metadata-log'] as unknown[] | undefined) ?? []),
    { 'timestamp-ms': prev.lastUpdatedMs, 'metadata-file': prevMetadataUri },
  ].slice(-METADATA_LOG_MAX);
  const refs = { ...((o['refs'] as Record<string, unknown> | undefined) ?? {}), main: { 'snapshot-id': snap.snapshotId, type: 'branch' } };
  return {
    ...o,
    'last-sequence-number': snap.sequenceNumber,
    'last-updated-ms': nowMs,
    'current-snapshot-id': snap.snapshotId,
    refs,
    snapshots,
    'snapshot-log': snapshotLog,
    'metadata-log': metadataLog,
  };
}
