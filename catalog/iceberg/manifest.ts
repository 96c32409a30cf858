// Iceberg v2 data manifests (`<uuid>-m0.avro`): the exact manifest_entry Avro schema with field
// ids, header keys, encoding of DataFile descriptors as ADDED entries with inherited sequence
// numbers, partition field summaries for the manifest list, and decoding back to descriptors.
import type { Value } from '../types.js';
import type { AvroSchema } from './avro-schema.js';
import { readAvroContainer } from './avro-reader.js';
import { writeAvroContainer, type AvroCodec } from './avro-writer.js';
import type { DataFile } from './data-file.js';
import { twosComplement } from './murmur3.js';
import { parseSpecJson, specFieldsToJson, specFieldTypes, type IcebergPartitionSpec } from './partition.js';
import { schemaToJson, type IcebergSchema, type IcebergType } from './schema.js';
import { bigintFromTwosComplement, encodeSingleValue } from './single-value.js';
import { comparatorFor } from './value-order.js';
import { stringifyJson } from './json.js';

export const ENTRY_STATUS = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;

/** Bytes of a fixed holding any unscaled value of `precision` digits (Java decimalRequiredBytes). */
export function decimalRequiredBytes(precision: number): number {
  const limit = 10n ** BigInt(precision);
  let n = 1;
  while (1n << BigInt(8 * n - 1) < limit) n++;
  return n;
}

function partitionValueSchema(t: IcebergType, defined: Set<string>): AvroSchema {
  switch (t.kind) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'double':
    case 'string':
      return t.kind;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': t.kind === 'timestamptz' };
    case 'decimal': {
      const name = `decimal_${t.precision}_${t.scale}`;
      if (defined.has(name)) return name;
      defined.add(name);
      return {
        type: 'fixed',
        name,
        size: decimalRequiredBytes(t.precision),
        logicalType: 'decimal',
        precision: t.precision,
        scale: t.scale,
      };
    }
  }
}

function countMap(key: number, value: number, valueType: 'long' | 'bytes'): AvroSchema {
  return [
    'null',
    {
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${key}_v${value}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': key },
          { name: 'value', type: valueType, 'field-id': value },
        ],
      },
    },
  ];
}

/** The v2 manifest_entry writer schema for a partition type (Java V2Metadata field order). */
export function manifestEntrySchema(partitionTypes: readonly { name: string; fieldId: number; type: IcebergType }[]): AvroSchema {
  const defined = new Set<string>();
  const partition = {
    type: 'record',
    name: 'r102',
    fields: partitionTypes.map((p) => ({
      name: p.name,
      type: ['null', partitionValueSchema(p.type, defined)],
      default: null,
      'field-id': p.fieldId,
    })),
  };
  const opt = (name: string, type: AvroSchema, id: number) => ({ name, type: ['null', type], default: null, 'field-id': id });
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      opt('snapshot_id', 'long', 1),
      opt('sequence_number', 'long', 3),
      opt('file_sequence_number', 'long', 4),
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: partition, 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            { name: 'column_sizes', type: countMap(117, 118, 'long'), default: null, 'field-id': 108 },
            { name: 'value_counts', type: countMap(119, 120, 'long'), default: null, 'field-id': 109 },
            { name: 'null_value_counts', type: countMap(121, 122, 'long'), default: null, 'field-id': 110 },
            { name: 'nan_value_counts', type: countMap(138, 139, 'long'), default: null, 'field-id': 137 },
            { name: 'lower_bounds', type: countMap(126, 127, 'bytes'), default: null, 'field-id': 125 },
            { name: 'upper_bounds', type: countMap(129, 130, 'bytes'), default: null, 'field-id': 128 },
            opt('key_metadata', 'bytes', 131),
            opt('split_offsets', { type: 'array', items: 'long', 'element-id': 133 }, 132),
            opt('equality_ids', { type: 'array', items: 'int', 'element-id': 136 }, 135),
            opt('sort_order_id', 'int', 140),
          ],
        },
      },
    ],
  } as AvroSchema;
}

function partitionAvroValue(t: IcebergType, v: Value): unknown {
  if (v === null) return null;
  return t.kind === 'decimal' ? twosComplement(v as bigint, decimalRequiredBytes(t.precision)) : v;
}

function fromAvroPartition(t: IcebergType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'decimal':
      return bigintFromTwosComplement(v as Uint8Array);
    case 'timestamp':
    case 'timestamptz':
      return Number(v as bigint);
    case 'binary':
      return (v as Uint8Array).slice();
    default:
      return v as Value;
  }
}

function mapEntries<V>(m: ReadonlyMap<number, V> | undefined): { key: number; value: V }[] | null {
  if (!m) return null;
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map(([key, value]) => ({ key, value }));
}

/** One entry to write. ADDED entries may leave snapshot id / sequence numbers null (inherited). */
export interface ManifestEntryInput {
  readonly status: number;
  readonly snapshotId: bigint | null;
  readonly sequenceNumber: number | null;
  readonly fileSequenceNumber: number | null;
  readonly dataFile: DataFile;
}

export interface ManifestWriteOptions {
  readonly schema: IcebergSchema;
  readonly spec: IcebergPartitionSpec;
  readonly entries: readonly ManifestEntryInput[];
  readonly codec?: AvroCodec;
}

/** ADDED entries for new data files of snapshot `snapshotId` (sequence numbers inherited). */
export function addedEntries(snapshotId: bigint, files: readonly DataFile[]): ManifestEntryInput[] {
  return files.map((dataFile) => ({ status: ENTRY_STATUS.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile }));
}

/** A data manifest (one partition spec) holding the given entries. */
export function writeManifest(o: ManifestWriteOptions): Uint8Array {
  const types = specFieldTypes(o.schema, o.spec);
  const partTypes = o.spec.fields.map((f, i) => ({ name: f.name, fieldId: f.fieldId, type: types[i]!.resultType }));
  const records = o.entries.map((e) => {
    const f = e.dataFile;
    if (f.specId !== o.spec.specId) throw new Error(`data file ${f.path} has spec ${f.specId}, the table's is ${o.spec.specId}`);
    if (f.partition.length !== partTypes.length)
      throw new Error(`data file ${f.path} has ${f.partition.length} partition values, spec has ${partTypes.length}`);
    if (e.status !== ENTRY_STATUS.ADDED && (e.snapshotId === null || e.sequenceNumber === null || e.fileSequenceNumber === null))
      throw new Error(`manifest entry for ${f.path}: EXISTING/DELETED entries need explicit snapshot id and sequence numbers`);
    const partition: Record<string, unknown> = {};
    partTypes.forEach((p, i) => (partition[p.name] = partitionAvroValue(p.type, f.partition[i] ?? null)));
    return {
      status: e.status,
      snapshot_id: e.snapshotId,
      sequence_number: e.sequenceNumber,
      file_sequence_number: e.fileSequenceNumber,
      data_file: {
        content: 0,
        file_path: f.path,
        file_format: f.fileFormat,
        partition,
        record_count: f.recordCount,
        file_size_in_bytes: f.fileSizeInBytes,
        column_sizes: mapEntries(f.columnSizes),
        value_counts: mapEntries(f.valueCounts),
        null_value_counts: mapEntries(f.nullValueCounts),
        nan_value_counts: mapEntries(f.nanValueCounts),
        lower_bounds: mapEntries(f.lowerBounds),
        upper_bounds: mapEntries(f.upperBounds),
        key_metadata: null,
        split_offsets: f.splitOffsets ? [...f.splitOffsets] : null,
        equality_ids: null,
        sort_order_id: f.sortOrderId ?? null,
      },
    };
  });
  return writeAvroContainer(records, {
    schema: manifestEntrySchema(partTypes),
    codec: o.codec ?? 'deflate',
    metadata: {
      schema: stringifyJson(schemaToJson(o.schema)),
      'schema-id': String(o.schema.schemaId),
      'partition-spec': stringifyJson(specFieldsToJson(o.spec)),
      'partition-spec-id': String(o.spec.specId),
      'format-version': '2',
      content: 'data',
    },
  });
}

export interface FieldSummary {
  readonly containsNull: boolean;
  readonly containsNan: boolean | null;
  readonly lowerBound: Uint8Array | null;
  readonly upperBound: Uint8Array | null;
}

/** Per partition field: nulls, NaNs and bounds over the given files (manifest-list `partitions`). */
export function partitionSummaries(schema: IcebergSchema, spec: IcebergPartitionSpec, files: readonly DataFile[]): FieldSummary[] {
  return specFieldTypes(schema, spec).map(({ resultType }, i) => {
    const cmp = comparatorFor(resultType);
    let containsNull = false;
    let containsNan = false;
    let lo: Value = null;
    let hi: Value = null;
    for (const f of files) {
      const v = f.partition[i] ?? null;
      if (v === null) containsNull = true;
      else if (typeof v === 'number' && Number.isNaN(v)) containsNan = true;
      else {
        if (lo === null || cmp(v, lo) < 0) lo = v;
        if (hi === null || cmp(v, hi) > 0) hi = v;
      }
    }
    return {
      containsNull,
      containsNan: resultType.kind === 'double' ? containsNan : false,
      lowerBound: lo === null ? null : encodeSingleValue(resultType, lo),
      upperBound: hi === null ? null : encodeSingleValue(resultType, hi),
    };
  });
}

export interface ManifestEntry {
  readonly status: number;
  readonly snapshotId: bigint | null;
  readonly sequenceNumber: number | null;
  readonly fileSequenceNumber: number | null;
  /** 0 data, 1 position deletes, 2 equality deletes. */
  readonly content: number;
  readonly dataFile: DataFile;
}

function toNumberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v as bigint);
}

function readMap<V>(v: unknown, keyId: number, conv: (x: unknown) => V): Map<number, V> | undefined {
  if (!Array.isArray(v)) return undefined;
  const m = new Map<number, V>();
  const k = String(keyId);
  const val = String(keyId + 1);
  for (const e of v as Record<string, unknown>[]) m.set(Number(e[k]), conv(e[val]));
  return m;
}

/**
 * Entries of a manifest, decoded by field id (so files written by Java/PyIceberg also read).
 * Partition source types come from `schema`; the spec from the file header when present.
 */
export function readManifest(bytes: Uint8Array, schema: IcebergSchema, fallbackSpec: IcebergPartitionSpec): ManifestEntry[] {
  const file = readAvroContainer(bytes, 'field-id');
  const specText = file.metadata.get('partition-spec');
  const specIdText = file.metadata.get('partition-spec-id');
  const spec =
    specText !== undefined
      ? parseSpecJson({ 'spec-id': specIdText !== undefined ? Number(specIdText) : fallbackSpec.specId, fields: JSON.parse(specText) })
      : fallbackSpec;
  const types = specFieldTypes(schema, spec);
  return file.records.map((rec): ManifestEntry => {
    const r = rec as Record<string, unknown>;
    const d = r['2'] as Record<string, unknown>;
    const part = (d['102'] ?? {}) as Record<string, unknown>;
    const splits = d['132'];
    const sortOrder = d['140'];
    const dataFile: DataFile = {
      path: d['100'] as string,
      fileFormat: String(d['101']).toUpperCase() as 'PARQUET',
      specId: spec.specId,
      partition: spec.fields.map((f, i) => fromAvroPartition(types[i]!.resultType, part[String(f.fieldId)])),
      recordCount: Number(d['103'] as bigint),
      fileSizeInBytes: Number(d['104'] as bigint),
      columnSizes: readMap(d['108'], 117, (x) => Number(x as bigint)),
      valueCounts: readMap(d['109'], 119, (x) => Number(x as bigint)),
      nullValueCounts: readMap(d['110'], 121, (x) => Number(x as bigint)),
      nanValueCounts: readMap(d['137'], 138, (x) => Number(x as bigint)),
      lowerBounds: readMap(d['125'], 126, (x) => (x as Uint8Array).slice()),
      upperBounds: readMap(d['128'], 129, (x) => (x as Uint8Array).slice()),
      ...(Array.isArray(splits) ? { splitOffsets: (splits as bigint[]).map(Number) } : {}),
      ...(typeof sortOrder === 'number' ? { sortOrderId: sortOrder } : {}),
    };
    return {
      status: r['0'] as number,
      snapshotId: (r['1'] as bigint | null) ?? null,
      sequenceNumber: toNumberOrNull(r['3']),
      fileSequenceNumber: toNumberOrNull(r['4']),
      content: typeof d['134'] === 'number' ? d['134'] : 0,
      dataFile,
    };
  });
}
