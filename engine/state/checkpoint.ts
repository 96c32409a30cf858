// Reads and writes engine checkpoints (source positions + operator state of one sink's graph)
// as JSON beside the table: <ns>/<table>/streamforge/checkpoint-<id>.json (gzip'd ones are read too).
// The Iceberg snapshot that commits them records the key; nothing here touches table metadata.
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import type { Positions } from '../connectors/source.js';

export interface CheckpointData {
  readonly version: 1;
  /** Sink name and a fingerprint of its plan: a changed query must not restore old state. */
  readonly sink: string;
  readonly planFingerprint: string;
  /** Source name -> positions covered by the commit that references this checkpoint. */
  readonly positions: Readonly<Record<string, Positions>>;
  /** Operator id -> operator snapshot (JSON). */
  readonly operators: Readonly<Record<string, unknown>>;
}

export function checkpointPrefix(tableKey: string): string {
  return `${tableKey}/streamforge/`;
}

export async function writeCheckpoint(store: ObjectStore, tableKey: string, data: CheckpointData): Promise<string> {
  // Not compressed: gzip cost ~0.6 µs per stored key on the commit path, more than the I/O it saves.
  const key = `${checkpointPrefix(tableKey)}checkpoint-${randomUUID()}.json`;
  await store.put(key, Buffer.from(JSON.stringify(data), 'utf8'));
  return key;
}

export async function readCheckpoint(store: ObjectStore, key: string): Promise<CheckpointData> {
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`checkpoint '${store.uri(key)}' referenced by the table is missing`);
  const text = (key.endsWith('.gz') ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  const data = JSON.parse(text) as CheckpointData;
  if (data.version !== 1) throw new Error(`checkpoint '${store.uri(key)}' has unknown version ${String(data.version)}`);
  return data;
}

/** Delete checkpoints of this table other than `keep` (best effort, after a successful commit). */
export async function pruneCheckpoints(store: ObjectStore, tableKey: string, keep: readonly string[]): Promise<void> {
  const keys = await store.list(checkpointPrefix(tableKey));
  await Promise.all(keys.filter((k) => !keep.includes(k)).map((k) => store.delete(k).catch(() => undefined)));
}
