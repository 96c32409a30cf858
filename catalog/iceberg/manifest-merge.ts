// Manifest merging on append (like Java's MergeAppend): once a table carries many small data
// manifests, their live entries are rewritten into one manifest of EXISTING entries with explicit
// snapshot ids and sequence numbers, so scan planning stays cheap after thousands of commits.
import type { ObjectStore } from '../store/object-store.js';
import { ENTRY_STATUS, partitionSummaries, readManifest, writeManifest, type ManifestEntryInput } from './manifest.js';
import type { ManifestFile } from './manifest-list.js';
import type { IcebergPartitionSpec } from './partition.js';
import type { IcebergSchema } from './schema.js';

/** Java's defaults for `commit.manifest.min-count-to-merge` / `commit.manifest-merge.enabled`. */
export const DEFAULT_MIN_COUNT_TO_MERGE = 100;

export interface MergeOptions {
  readonly store: ObjectStore;
  /** Store key of the merged manifest, if one is written. */
  readonly key: string;
  readonly schema: IcebergSchema;
  readonly spec: IcebergPartitionSpec;
  /** The committing snapshot: it "adds" the merged manifest. */
  readonly snapshotId: bigint;
  readonly sequenceNumber: number;
  /** Manifests carried forward from the parent snapshot. */
  readonly manifests: readonly ManifestFile[];
  readonly minCountToMerge: number;
  readonly read: (uri: string) => Promise<Uint8Array>;
}

export interface MergeResult {
  readonly manifests: ManifestFile[];
  /** Keys written (empty when nothing was merged). */
  readonly written: string[];
}

/** Merges the data manifests of the current spec when there are at least `minCountToMerge` of them. */
export async function mergeManifests(o: MergeOptions): Promise<MergeResult> {
  const mergeable = o.manifests.filter((m) => m.content === 0 && m.partitionSpecId === o.spec.specId);
  if (mergeable.length < Math.max(2, o.minCountToMerge)) return { manifests: [...o.manifests], written: [] };
  const others = o.manifests.filter((m) => !mergeable.includes(m));

  const entries: ManifestEntryInput[] = [];
  const contents = await Promise.all(mergeable.map((m) => o.read(m.manifestPath)));
  mergeable.forEach((m, i) => {
    for (const e of readManifest(contents[i]!, o.schema, o.spec)) {
      if (e.status === ENTRY_STATUS.DELETED || e.content !== 0) continue;
      // Inheritance made explicit: null means "the manifest's value" for ADDED entries.
      entries.push({
        status: ENTRY_STATUS.EXISTING,
        snapshotId: e.snapshotId ?? m.addedSnapshotId,
        sequenceNumber: e.sequenceNumber ?? m.sequenceNumber,
        fileSequenceNumber: e.fileSequenceNumber ?? m.sequenceNumber,
        dataFile: e.dataFile,
      });
    }
  });
  if (entries.length === 0) return { manifests: others, written: [] };

  const bytes = writeManifest({ schema: o.schema, spec: o.spec, entries });
  await o.store.put(o.key, bytes);
  const files = entries.map((e) => e.dataFile);
  const merged: ManifestFile = {
    manifestPath: o.store.uri(o.key),
    manifestLength: bytes.length,
    partitionSpecId: o.spec.specId,
    content: 0,
    sequenceNumber: o.sequenceNumber,
    minSequenceNumber: entries.reduce((min, e) => Math.min(min, e.sequenceNumber ?? o.sequenceNumber), o.sequenceNumber),
    addedSnapshotId: o.snapshotId,
    addedFilesCount: 0,
    existingFilesCount: entries.length,
    deletedFilesCount: 0,
    addedRowsCount: 0,
    existingRowsCount: files.reduce((s, f) => s + f.recordCount, 0),
    deletedRowsCount: 0,
    partitions: partitionSummaries(o.schema, o.spec, files),
    keyMetadata: null,
  };
  return { manifests: [merged, ...others], written: [o.key] };
}
