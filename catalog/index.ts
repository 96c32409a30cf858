// Public surface of catalog/: the shared types and definitions, the object stores, and the Iceberg
// table layer (create/load/commit tables, manifests, partition transforms, bounds). Re-exports only.
export * from './types.js';
export * from './model.js';
export type * from './reader.js';
export * from './store/object-store.js';
export { FsStore } from './store/fs-store.js';
export { S3Store, openS3Store } from './store/s3-store.js';
export {
  S3ConfigError,
  describeS3Config,
  parseS3Uri,
  resolveS3Config,
  type S3Config,
  type S3Credentials,
  type S3StoreOptions,
} from './store/s3-config.js';
export { DEFAULT_RETRY_POLICY, RetriesExhaustedError, type RetryPolicy } from './store/retry.js';

export {
  IcebergSchemaError,
  buildIcebergSchema,
  icebergTypeOf,
  icebergTypeToJson,
  parseIcebergType,
  sameIcebergType,
  type IcebergColumn,
  type IcebergSchema,
  type IcebergType,
} from './iceberg/schema.js';
export {
  FIRST_PARTITION_FIELD_ID,
  buildPartitionSpec,
  formatDecimal,
  humanValue,
  parseTransform,
  partitionPath,
  partitionResultType,
  partitionTransformError,
  partitionValueText,
  specFieldTypes,
  transformFunction,
  transformToString,
  type IcebergPartitionField,
  type IcebergPartitionSpec,
} from './iceberg/partition.js';
export type { DataFile } from './iceberg/data-file.js';
export { computeColumnStats, DEFAULT_BOUND_TRUNCATE, type ColumnStats } from './iceberg/column-stats.js';
export { columnBatchFromRows, type ColumnBatch } from './iceberg/column-batch.js';
export { decodeSingleValue, encodeSingleValue } from './iceberg/single-value.js';
export { comparatorFor, compareBytes, compareUtf8 } from './iceberg/value-order.js';
export { hashLong, hashString, hashDecimal, murmur3_32 } from './iceberg/murmur3.js';
export { readManifest, type FieldSummary, type ManifestEntry } from './iceberg/manifest.js';
export { readManifestList, type ManifestFile } from './iceberg/manifest-list.js';
export { IcebergMetadataError, type SnapshotInfo, type TableMetadata } from './iceberg/table-metadata.js';
export {
  CommitConflictError,
  DEFAULT_TABLE_PROPERTIES,
  IcebergTable,
  commitAppend,
  createTable,
  loadTable,
  tableKeyPrefix,
} from './iceberg/table.js';
export { listTables, type TableRef } from './iceberg/warehouse.js';
export { parseJsonLossless, stringifyJson } from './iceberg/json.js';
