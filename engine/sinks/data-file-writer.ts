// Writes rows of an Iceberg table as Parquet data files in one call, on the calling thread: packs
// them, encodes them (partition grouping, file splitting, metrics) and uploads them, returning the
// DataFile entries for commitAppend. For callers outside the sink (tests, tools); it does not commit.
import type { DataFile, IcebergTable, ObjectStore, Row } from '../../catalog/index.js';
import { encodeDataFiles } from './data-file-encode.js';
import { DEFAULT_MAX_ROWS_PER_FILE, tableCompression, uploadEncodedFiles } from './data-file-upload.js';
import { ParquetEncodeError } from './packed-batch.js';
import type { ParquetCompression } from './parquet-writer.js';
import { RowPacker } from './row-packer.js';

export { DEFAULT_MAX_ROWS_PER_FILE } from './data-file-upload.js';

export interface WriteDataFilesOptions {
  /** Split a partition's rows into files of at most this many rows (default 1,000,000). */
  readonly maxRowsPerFile?: number;
  /** Default: the table's write.parquet.compression-codec. */
  readonly compression?: ParquetCompression;
}

/** Encodes (on this thread) and uploads the rows as Parquet files; one descriptor per file (none for no rows). */
export async function writeDataFiles(
  store: ObjectStore,
  table: IcebergTable,
  rows: readonly Row[],
  options: WriteDataFilesOptions = {},
): Promise<DataFile[]> {
  const packer = new RowPacker(table.schema.columns);
  for (const row of rows) {
    try {
      packer.append(row);
    } catch (err) {
      throw err instanceof ParquetEncodeError ? new ParquetEncodeError(`${table.qualifiedName}: ${err.message}`) : err;
    }
  }
  const files = encodeDataFiles({
    schema: table.schema,
    spec: table.spec,
    batch: packer.seal(),
    maxRowsPerFile: options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE,
    compression: options.compression ?? tableCompression(table),
  });
  return uploadEncodedFiles(store, table, files);
}
