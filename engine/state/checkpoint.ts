// Reads and writes engine checkpoints (source positions + operator state of one sink's graph) beside
// the table: <ns>/<table>/streamforge/checkpoint-<id>.ckpt, a binary container of a small JSON header
// plus raw column blobs (the packed rows of row-codec.ts, written as they are, never as JSON).
// Older checkpoint-<id>.json (and .json.gz) files are still read. The Iceberg snapshot that commits
// a checkpoint records its key; nothing here touches table metadata.
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../../catalog/store/object-store.js';
import type { Positions } from '../connectors/source.js';
import { reviveBlobs, stringifyWithBlobs, type BlobSink } from './blobs.js';
import { PACKED_ROWS_KEY, PackedRows } from './row-codec.js';
import { ROW_PAGES_KEY, RowPages } from './row-store.js';

export interface CheckpointData {
  /** Layout of this data (positions + operators), whatever the file format. */
  readonly version: 1;
  /** Sink name and a fingerprint of its plan: a changed query must not restore old state. */
  readonly sink: string;
  readonly planFingerprint: string;
  /** Source name -> positions covered by the commit that references this checkpoint. */
  readonly positions: Readonly<Record<string, Positions>>;
  /** Operator id -> operator snapshot (JSON-serializable; packed rows are stored as blobs). */
  readonly operators: Readonly<Record<string, unknown>>;
}

/**
 * Container layout (little-endian): MAGIC (8 bytes), header length (u32), 4 zero bytes, the header
 * (UTF-8 JSON, space-padded to a multiple of 8), then the blobs, each starting at a multiple of 8.
 * Header: { format: 2, blobs: [[offset from the first blob, byte length], ...], data: CheckpointData }.
 */
const MAGIC = Buffer.from('SFCKPT\r\n', 'latin1');
const PREFIX = 16;
const FORMAT = 2;

export function checkpointPrefix(tableKey: string): string {
  return `${tableKey}/streamforge/`;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Zero bytes that pad blobs to multiples of 8. */
const PAD = new Uint8Array(8);

/**
 * The binary container of `data` as its parts in order: the prefix and header, then each blob
 * (the operators' typed arrays themselves, not copies) and its padding. They must be written
 * before any of those arrays changes.
 */
export function encodeCheckpointParts(data: CheckpointData): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  const table: [number, number][] = [];
  let size = 0;
  const sink: BlobSink = {
    add(view) {
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      table.push([size, bytes.byteLength]);
      blobs.push(bytes);
      size += pad8(bytes.byteLength);
      return blobs.length - 1;
    },
  };
  const dataJson = stringifyWithBlobs(data, sink);
  const header = Buffer.from(`{"format":${FORMAT},"blobs":${JSON.stringify(table)},"data":${dataJson}}`, 'utf8');
  const headerSize = pad8(header.byteLength);
  const head = Buffer.alloc(PREFIX + headerSize, 0x20);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(header.byteLength, 8);
  head.writeUInt32LE(0, 12);
  header.copy(head, PREFIX);
  const parts: Uint8Array[] = [head];
  for (const blob of blobs) {
    if (blob.byteLength > 0) parts.push(blob);
    const pad = pad8(blob.byteLength) - blob.byteLength;
    if (pad > 0) parts.push(PAD.subarray(0, pad));
  }
  return parts;
}

/** The binary container of `data`, in one buffer. */
export function encodeCheckpoint(data: CheckpointData): Uint8Array {
  return Buffer.concat(encodeCheckpointParts(data));
}

function isContainer(bytes: Uint8Array): boolean {
  return bytes.byteLength >= PREFIX && Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).equals(MAGIC);
}

/** Decode a container (blob-backed typed arrays view `bytes` when aligned, else copies). */
export function decodeCheckpoint(bytes: Uint8Array, where: string): CheckpointData {
  if (endianness() !== 'LE') throw new Error(`checkpoint '${where}' is little-endian binary; this machine is big-endian`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + headerLength)) as {
    format: number;
    blobs: [number, number][];
    data: CheckpointData;
  };
  if (header.format !== FORMAT) throw new Error(`checkpoint '${where}' has unknown format ${String(header.format)}`);
  const base = PREFIX + pad8(headerLength);
  const blob = (index: number, align: number): Uint8Array => {
    const entry = header.blobs[index];
    if (!entry || base + entry[0] + entry[1] > bytes.byteLength) throw new Error(`checkpoint '${where}' is truncated (blob ${index})`);
    const at = bytes.byteOffset + base + entry[0];
    if (at % align === 0) return new Uint8Array(bytes.buffer, at, entry[1]);
    return new Uint8Array(bytes.buffer.slice(at, at + entry[1]));
  };
  reviveBlobs(header.data, blob, { [PACKED_ROWS_KEY]: PackedRows.fromBlobs, [ROW_PAGES_KEY]: RowPages.fromBlobs });
  return header.data;
}

export async function writeCheckpoint(store: ObjectStore, tableKey: string, data: CheckpointData): Promise<string> {
  // Not compressed: the packed columns cost a copy here, compression would cost far more per key.
  const binary = endianness() === 'LE';
  const key = `${checkpointPrefix(tableKey)}checkpoint-${randomUUID()}.${binary ? 'ckpt' : 'json'}`;
  // The parts are the operators' typed arrays (tens of MB for a large key store), written without
  // a copy: the runtime processes no event while a commit, and so this write, is under way.
  await store.put(key, binary ? encodeCheckpointParts(data) : Buffer.from(JSON.stringify(data), 'utf8'));
  return key;
}

export async function readCheckpoint(store: ObjectStore, key: string): Promise<CheckpointData> {
  const bytes = await store.get(key);
  const where = store.uri(key);
  if (!bytes) throw new Error(`checkpoint '${where}' referenced by the table is missing`);
  let data: CheckpointData;
  if (isContainer(bytes)) data = decodeCheckpoint(bytes, where);
  else {
    const text = (key.endsWith('.gz') ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
    data = JSON.parse(text) as CheckpointData;
  }
  if (data.version !== 1) throw new Error(`checkpoint '${where}' has unknown version ${String(data.version)}`);
  return data;
}

/** Delete checkpoints of this table other than `keep` (best effort, after a successful commit). */
export async function pruneCheckpoints(store: ObjectStore, tableKey: string, keep: readonly string[]): Promise<void> {
  const keys = await store.list(checkpointPrefix(tableKey));
  await Promise.all(keys.filter((k) => !keep.includes(k)).map((k) => store.delete(k).catch(() => undefined)));
}
