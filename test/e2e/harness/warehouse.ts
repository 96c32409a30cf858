// Looks into an s3:// warehouse on MinIO from the test's side: the positions the current snapshot
// of a table records, the whole metadata history (one winner per version, a linear snapshot chain,
// nothing referenced missing), and the rows as real readers see them (test/python/read_table.py:
// PyIceberg + DuckDB). Reads only; never writes to the warehouse.
import { resolve } from 'node:path';
import { loadTable, openS3Store, type ObjectStore } from '../../../catalog/index.js';
import { MIN, PY, ROOT, S3_ENDPOINT, S3_ENV } from './env.js';
import { sh } from './shell.js';

export type Positions = Record<string, number>;

export function openWarehouse(uri: string): ObjectStore {
  return openS3Store(uri, {
    endpoint: S3_ENDPOINT,
    region: S3_ENV['AWS_REGION']!,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ENV['AWS_ACCESS_KEY_ID']!, secretAccessKey: S3_ENV['AWS_SECRET_ACCESS_KEY']! },
  });
}

export interface CommitState {
  readonly version: number;
  readonly snapshots: number;
  /** Source name -> positions the current snapshot covers ({} before the first commit). */
  readonly positions: Record<string, Positions>;
  readonly committedAtMs: number | undefined;
}

/** The table's newest version and what its current snapshot covers; undefined when it does not exist. */
export async function commitState(store: ObjectStore, qualified: string): Promise<CommitState | undefined> {
  const [ns, name] = qualified.split('.') as [string, string];
  const t = await loadTable(store, ns, name);
  if (!t) return undefined;
  const snap = t.currentSnapshot;
  const text = snap?.summary['streamforge.positions'];
  return {
    version: t.version,
    snapshots: t.snapshots.length,
    positions: text ? (JSON.parse(text) as Record<string, Positions>) : {},
    committedAtMs: snap?.timestampMs,
  };
}

interface RawSnapshot {
  readonly 'snapshot-id': number;
  readonly 'parent-snapshot-id'?: number;
  readonly 'sequence-number': number;
  readonly 'manifest-list': string;
  readonly summary: Record<string, string>;
}
interface RawMetadata {
  readonly 'table-uuid': string;
  readonly 'current-snapshot-id'?: number | null;
  readonly 'last-sequence-number': number;
  readonly snapshots?: RawSnapshot[];
}

export interface History {
  readonly versions: number;
  readonly snapshots: number;
  /** Parquet files under data/ that no snapshot references (left by killed or losing writers). */
  readonly unreferencedDataFiles: number;
  /** Problems found; [] when the history is sound. */
  readonly problems: string[];
}

/**
 * Reads every metadata/vN.metadata.json of a table and checks that versions run 1..N without gaps,
 * that each version adds exactly one snapshot whose parent is the previous version's current one
 * (so exactly one writer won each version), that all versions are the same table, and that every
 * manifest list and the current checkpoint the history references exist.
 */
export async function checkHistory(store: ObjectStore, qualified: string): Promise<History> {
  const prefix = qualified.replace('.', '/');
  const keys = await store.list(`${prefix}/`);
  const present = new Set(keys);
  const versions = keys
    .map((k) => new RegExp(`^${prefix}/metadata/v(\\d+)\\.metadata\\.json$`).exec(k)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const problems: string[] = [];
  versions.forEach((v, i) => v !== i + 1 && problems.push(`metadata versions are not 1..${versions.length}: ${versions.join(',')}`));
  const metas: RawMetadata[] = [];
  for (const v of versions) {
    const bytes = await store.get(`${prefix}/metadata/v${v}.metadata.json`);
    if (!bytes) throw new Error(`${qualified}: v${v}.metadata.json disappeared`);
    metas.push(JSON.parse(Buffer.from(bytes).toString('utf8')) as RawMetadata);
  }
  const keyOf = (uri: string): string => uri.slice(store.rootUri.length + 1);
  for (let i = 0; i < metas.length; i++) {
    const m = metas[i]!;
    const snaps = m.snapshots ?? [];
    const where = `${qualified} v${i + 1}`;
    if (m['table-uuid'] !== metas[0]!['table-uuid']) problems.push(`${where}: another table uuid`);
    if (i === 0) {
      if (snaps.length !== 0) problems.push(`${where}: v1 should have no snapshot`);
      continue;
    }
    const prev = metas[i - 1]!;
    const prevSnaps = prev.snapshots ?? [];
    if (snaps.length !== prevSnaps.length + 1) problems.push(`${where}: ${snaps.length} snapshots after ${prevSnaps.length}`);
    prevSnaps.forEach((s, j) => snaps[j]?.['snapshot-id'] !== s['snapshot-id'] && problems.push(`${where}: rewrote snapshot ${j + 1}`));
    const added = snaps[snaps.length - 1];
    if (!added) continue;
    const prevCurrent = prev['current-snapshot-id'] ?? undefined;
    if ((added['parent-snapshot-id'] ?? undefined) !== (prevCurrent === -1 ? undefined : prevCurrent))
      problems.push(`${where}: new snapshot's parent ${added['parent-snapshot-id']} is not v${i}'s current ${prevCurrent}`);
    if (added['sequence-number'] !== prev['last-sequence-number'] + 1) problems.push(`${where}: sequence number ${added['sequence-number']} after ${prev['last-sequence-number']}`);
    if (m['current-snapshot-id'] !== added['snapshot-id']) problems.push(`${where}: current snapshot is not the added one`);
    if (!present.has(keyOf(added['manifest-list']))) problems.push(`${where}: manifest list ${added['manifest-list']} is missing`);
  }
  const last = metas[metas.length - 1];
  const current = last?.snapshots?.find((s) => s['snapshot-id'] === last['current-snapshot-id']);
  const ckpt = current?.summary['streamforge.checkpoint'];
  if (ckpt !== undefined && !present.has(ckpt)) problems.push(`${qualified}: the current snapshot's checkpoint ${ckpt} is missing`);
  const t = await loadTable(store, ...(qualified.split('.') as [string, string]));
  const live = new Set((await t!.liveDataFiles()).map((f) => keyOf(f.path)));
  for (const f of live) if (!present.has(f)) problems.push(`${qualified}: live data file ${f} is missing`);
  const unreferenced = keys.filter((k) => k.startsWith(`${prefix}/data/`) && !live.has(k)).length;
  return { versions: versions.length, snapshots: last?.snapshots?.length ?? 0, unreferencedDataFiles: unreferenced, problems };
}

export type Cell = string | number | null;

export interface TableRead {
  readonly rows: Record<string, Cell>[];
  readonly duckdb_rows: Record<string, Cell>[];
  readonly count: number;
  readonly field_ids_ok: boolean;
  readonly column_size_errors: string[];
  readonly snapshots: unknown[];
}

/** The current snapshot's rows, read by PyIceberg from MinIO (and by DuckDB from the same files). */
export function readTable(metadataUri: string): TableRead {
  const props = [`s3.endpoint=${S3_ENDPOINT}`, `s3.access-key-id=${S3_ENV['AWS_ACCESS_KEY_ID']}`,
    `s3.secret-access-key=${S3_ENV['AWS_SECRET_ACCESS_KEY']}`, 's3.region=us-east-1', 's3.path-style-access=true'];
  const out = sh(PY, [resolve(ROOT, 'test/python/read_table.py'), metadataUri, ...props.flatMap((p) => ['--prop', p])], { timeoutMs: 5 * MIN });
  return JSON.parse(out) as TableRead;
}
