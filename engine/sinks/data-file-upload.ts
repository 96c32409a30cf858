// Uploads encoded data files under <table>/data/<partition path>/ and describes them as the DataFile
// entries (exact size, column sizes from the footer, counts, bounds) that commitAppend records;
// also reads the table's Parquet codec. Light on purpose (no Arrow, no WASM): the sink loads it on
// the main thread. No commits here.
import { randomUUID } from 'node:crypto';
import type { DataFile, IcebergTable, ObjectStore } from '../../catalog/index.js';
import type { EncodedFile } from './data-file-encode.js';
import { parquetColumnSizes } from './parquet-footer.js';
import type { ParquetCompression } from './parquet-writer.js';

export const DEFAULT_MAX_ROWS_PER_FILE = 1_000_000;

export const CODEC_PROPERTY = 'write.parquet.compression-codec';

/** The Parquet codec a table asks for in its properties (zstd when it names none). */
export function tableCompression(table: IcebergTable): ParquetCompression {
  const codec = (table.properties[CODEC_PROPERTY] ?? 'zstd').toLowerCase();
  switch (codec) {
    case 'zstd':
    case 'snappy':
    case 'gzip':
      return codec;
    case 'uncompressed':
    case 'none':
      return 'none';
    default:
      throw new Error(`table '${table.qualifiedName}' asks for Parquet codec '${codec}' (${CODEC_PROPERTY}); StreamForge writes zstd, snappy, gzip or uncompressed`);
  }
}

const UPLOADS_AT_ONCE = 4;

/** Compressed bytes per field id, from the file's footer (Iceberg's column_sizes). */
function columnSizes(table: IcebergTable, bytes: Uint8Array): Map<number, number> {
  const byName = parquetColumnSizes(bytes);
  const out = new Map<number, number>();
  for (const c of table.schema.columns) {
    const size = byName.get(c.name);
    if (size !== undefined) out.set(c.id, size);
  }
  return out;
}

function describe(store: ObjectStore, table: IcebergTable, key: string, f: EncodedFile): DataFile {
  const s = f.stats;
  return {
    path: store.uri(key),
    fileFormat: 'PARQUET',
    specId: table.spec.specId,
    partition: f.partition,
    recordCount: f.recordCount,
    fileSizeInBytes: f.bytes.length,
    columnSizes: columnSizes(table, f.bytes),
    valueCounts: s.valueCounts,
    nullValueCounts: s.nullValueCounts,
    ...(s.nanValueCounts.size > 0 ? { nanValueCounts: s.nanValueCounts } : {}),
    lowerBounds: s.lowerBounds,
    upperBounds: s.upperBounds,
  };
}

/** Upload the files (a few at a time) and describe them for the commit, in the given order. */
export async function uploadEncodedFiles(store: ObjectStore, table: IcebergTable, files: readonly EncodedFile[]): Promise<DataFile[]> {
  const out = new Array<DataFile>(files.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const f = files[i]!;
      const key = `${table.keyPrefix}/data/${f.partitionPath === '' ? '' : f.partitionPath + '/'}${randomUUID()}.parquet`;
      await store.put(key, f.bytes);
      out[i] = describe(store, table, key, f);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, files.length) }, lane));
  return out;
}

