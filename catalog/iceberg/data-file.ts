// The data-file descriptor exchanged between the Parquet sink (which produces it), the commit
// (which records it in a manifest) and readers of the table (liveDataFiles). Declarations only.
import type { Value } from '../types.js';

export interface DataFile {
  /** Full URI (store.uri(key)). */
  readonly path: string;
  readonly fileFormat: 'PARQUET';
  /** Partition spec the partition tuple belongs to. */
  readonly specId: number;
  /** Partition values in spec order, as runtime values of each field's result type. */
  readonly partition: readonly Value[];
  readonly recordCount: number;
  /** Exact byte size of the file. */
  readonly fileSizeInBytes: number;
  /** Per field id: values including nulls. */
  readonly valueCounts?: ReadonlyMap<number, number>;
  readonly nullValueCounts?: ReadonlyMap<number, number>;
  readonly nanValueCounts?: ReadonlyMap<number, number>;
  readonly columnSizes?: ReadonlyMap<number, number>;
  /** Per field id: Appendix D single-value encoding of the bound. */
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
  readonly splitOffsets?: readonly number[];
  readonly sortOrderId?: number;
}
