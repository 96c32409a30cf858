// Iceberg v2 manifest lists (`snap-<id>-1-<uuid>.avro`): the manifest_file Avro schema with field
// ids and header keys, writing (carried-forward entries are copied unchanged) and reading by field id.
import type { AvroSchema } from './avro-schema.js';
import { readAvroContainer } from './avro-reader.js';
import { writeAvroContainer, type AvroCodec } from './avro-writer.js';
import type { FieldSummary } from './manifest.js';

export interface ManifestFile {
  readonly manifestPath: string;
  readonly manifestLength: number;
  readonly partitionSpecId: number;
  /** 0 data, 1 deletes. */
  readonly content: number;
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId: bigint;
  readonly addedFilesCount: number;
  readonly existingFilesCount: number;
  readonly deletedFilesCount: number;
  readonly addedRowsCount: number;
  readonly existingRowsCount: number;
  readonly deletedRowsCount: number;
  readonly partitions: readonly FieldSummary[] | null;
  readonly keyMetadata: Uint8Array | null;
}

const opt = (name: string, type: AvroSchema, id: number) => ({ name, type: ['null', type], default: null, 'field-id': id });

export const MANIFEST_LIST_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    opt(
      'partitions',
      {
        type: 'array',
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            opt('contains_nan', 'boolean', 518),
            opt('lower_bound', 'bytes', 510),
            opt('upper_bound', 'bytes', 511),
          ],
        },
        'element-id': 508,
      },
      507,
    ),
    opt('key_metadata', 'bytes', 519),
  ],
} as AvroSchema;

export interface ManifestListWriteOptions {
  readonly snapshotId: bigint;
  readonly parentSnapshotId: bigint | undefined;
  readonly sequenceNumber: number;
  readonly manifests: readonly ManifestFile[];
  readonly codec?: AvroCodec;
}

export function writeManifestList(o: ManifestListWriteOptions): Uint8Array {
  const records = o.manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions:
      m.partitions?.map((p) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan,
        lower_bound: p.lowerBound,
        upper_bound: p.upperBound,
      })) ?? null,
    key_metadata: m.keyMetadata,
  }));
  return writeAvroContainer(records, {
    schema: MANIFEST_LIST_SCHEMA,
    codec: o.codec ?? 'deflate',
    metadata: {
      'snapshot-id': o.snapshotId.toString(),
      'parent-snapshot-id': o.parentSnapshotId === undefined ? 'null' : o.parentSnapshotId.toString(),
      'sequence-number': String(o.sequenceNumber),
      'format-version': '2',
    },
  });
}

const num = (v: unknown, dflt = 0): number => (v === null || v === undefined ? dflt : Number(v as bigint | number));

/** Entries of a manifest list, decoded by field id (v1 lists get sequence numbers 0). */
export function readManifestList(bytes: Uint8Array): ManifestFile[] {
  const file = readAvroContainer(bytes, 'field-id');
  return file.records.map((rec): ManifestFile => {
    const r = rec as Record<string, unknown>;
    const parts = r['507'];
    return {
      manifestPath: r['500'] as string,
      manifestLength: num(r['501']),
      partitionSpecId: num(r['502']),
      content: num(r['517']),
      sequenceNumber: num(r['515']),
      minSequenceNumber: num(r['516']),
      addedSnapshotId: typeof r['503'] === 'bigint' ? r['503'] : BigInt(num(r['503'])),
      addedFilesCount: num(r['504']),
      existingFilesCount: num(r['505']),
      deletedFilesCount: num(r['506']),
      addedRowsCount: num(r['512']),
      existingRowsCount: num(r['513']),
      deletedRowsCount: num(r['514']),
      partitions: Array.isArray(parts)
        ? (parts as Record<string, unknown>[]).map((p) => ({
            containsNull: p['509'] === true,
            containsNan: typeof p['518'] === 'boolean' ? p['518'] : null,
            lowerBound: (p['510'] as Uint8Array | null) ?? null,
            upperBound: (p['511'] as Uint8Array | null) ?? null,
          }))
        : null,
      keyMetadata: (r['519'] as Uint8Array | null) ?? null,
    };
  });
}
