// Compiles what a Debezium source needs from its envelopes (before/after row columns, op, the
// schema block, payload, METADATA paths) into the query tables of the WebAssembly walker, once
// per query shape (decoders of one shape share them). Also descends into the usual `source` and
// `transaction` blocks so their unchanging members are remembered and stepped over.
import type { SourceColumn } from '../../catalog/model.js';
import { keyBytes } from './json-scan.js';
import type { JsonWalker, WalkerQuery } from './json-walker.js';
import type { MetadataPaths, MetaNode } from './metadata-paths.js';

// walker actions (see json-walker-wat.ts)
const A_IMAGE = 1;
const A_OP = 2;
const A_META = 3;
const A_SCHEMA = 4;
const A_PAYLOAD = 5;
const A_DESCEND = 6;
/** Result slots: metadata records start here; every value record has this many bytes. */
const META_BASE = 72;
export const RECORD = 24;
/** Member positions per object the walker remembers, and the bytes of each memo record. */
const MEMO_MEMBERS = 16;
const MEMO_RECORD = 128;
/** Query node: header with 16 hash buckets, then 32-byte entries. */
const NODE_HEADER = 80;
const NODE_ENTRY = 32;
/** Envelope blocks worth remembering member by member even when nothing in them is read. */
const BLOCKS = ['source', 'transaction'];

/** Names the walker can compare byte-wise (its tables are ASCII, quotes and escapes excluded). */
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/** The walker's bucket of a key: (length x 7 + first code + last code) mod 16 (quotes if empty). */
function keyBucket(k: string): number {
  const n = k.length;
  const first = n > 0 ? k.charCodeAt(0) : 34;
  const last = n > 0 ? k.charCodeAt(n - 1) : 34;
  return (n * 7 + first + last) & 15;
}

export interface MetaRecord {
  /** Int32 index of the node's value record in the slots, and the columns it feeds. */
  readonly at: number;
  readonly cols: readonly number[];
}

export interface EnvelopeQuery {
  readonly query: WalkerQuery;
  readonly metaRecords: readonly MetaRecord[];
}

type Entry = readonly [key: string, action: number, arg: number];

/**
 * Tables already written, by the shape they encode (the walker memory is never freed; decoders of
 * the same shape share tables, memos included: a memo only holds text read under that shape).
 */
const built = new WeakMap<JsonWalker, Map<string, WalkerQuery | null>>();

/** The walker query of a source, or null when a name is not plain ASCII or the query area is full. */
export function buildEnvelopeQuery(walker: JsonWalker, columns: readonly SourceColumn[], meta: MetadataPaths): EnvelopeQuery | null {
  const nodes: MetaNode[] = [];
  const collect = (n: MetaNode): void => {
    nodes.push(n);
    n.kids.forEach(collect);
  };
  meta.root.kids.forEach(collect);
  const shape = (n: MetaNode): unknown => [n.key, n.kids.map(shape)];
  const key = JSON.stringify([columns.map((c) => (c.metadata === undefined ? c.name : null)), meta.root.kids.map(shape)]);
  let cache = built.get(walker);
  if (cache === undefined) built.set(walker, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, writeTables(walker, columns, nodes, meta));
  const query = cache.get(key)!;
  if (query === null) return null;
  walker.reserveSlots(query.slotBytes);
  const metaRecords = nodes.filter((n) => n.cols.length > 0).map((n) => ({ at: (META_BASE + RECORD * nodes.indexOf(n)) >> 2, cols: n.cols }));
  return { query, metaRecords };
}

/** Writes the tables of one query shape (nodes: the metadata trie, depth first). */
function writeTables(walker: JsonWalker, columns: readonly SourceColumn[], nodes: readonly MetaNode[], meta: MetadataPaths): WalkerQuery | null {
  const physical = columns.map((_, i) => i).filter((i) => columns[i]!.metadata === undefined);
  if (!physical.every((i) => PLAIN.test(columns[i]!.name))) return null;
  if (!nodes.every((n) => PLAIN.test(n.key))) return null;

  let failed = false;
  const alloc = (bytes: number): number => {
    const at = walker.allocQuery(bytes);
    if (at < 0) failed = true;
    return Math.max(at, 0);
  };
  const key = (k: string): number => {
    const at = alloc(k.length + 8); // compared 8 bytes at a time: zero padding after the key
    if (!failed) walker.writeBytes(at, keyBytes(k));
    return at;
  };
  const table = (envelope: boolean, entries: readonly Entry[]): number => {
    const at = alloc(NODE_HEADER + NODE_ENTRY * entries.length);
    const memo = alloc(MEMO_MEMBERS * MEMO_RECORD);
    if (failed) return 0;
    walker.writeI32(at, entries.length);
    walker.writeI32(at + 4, envelope ? 1 : 0);
    walker.writeI32(at + 8, memo);
    walker.writeI32(at + 12, MEMO_MEMBERS);
    const heads = new Array<number>(16).fill(0);
    entries.forEach(([k, action, arg], j) => {
      const e = at + NODE_HEADER + NODE_ENTRY * j;
      const b = keyBucket(k);
      walker.writeI32(e, k.length);
      walker.writeI32(e + 4, key(k));
      walker.writeI32(e + 8, action);
      walker.writeI32(e + 12, arg);
      walker.writeI32(e + 16, heads[b]!);
      heads[b] = e;
    });
    heads.forEach((e, b) => walker.writeI32(at + 16 + 4 * b, e));
    return at;
  };
  const metaEntries = (kids: readonly MetaNode[], reserved: readonly string[]): Entry[] =>
    kids
      .filter((k) => !reserved.includes(k.key))
      .map((k) => {
        const rec = alloc(8);
        const child = k.kids.length > 0 ? table(false, metaEntries(k.kids, [])) : 0;
        if (!failed) {
          walker.writeI32(rec, META_BASE + RECORD * nodes.indexOf(k));
          walker.writeI32(rec + 4, child);
        }
        return [k.key, A_META, rec];
      });
  const envelope = (reserved: readonly string[], extra: readonly Entry[]): number => {
    const kids = metaEntries(meta.root.kids, reserved);
    const blocks = BLOCKS.filter((b) => !kids.some(([k]) => k === b)).map((b): Entry => [b, A_DESCEND, table(false, [])]);
    return table(true, [['before', A_IMAGE, 0], ['after', A_IMAGE, 1], ['op', A_OP, 0], ...extra, ...kids, ...blocks]);
  };
  const payload = envelope(['before', 'after', 'op'], []);
  const top = envelope(['before', 'after', 'op', 'schema', 'payload'], [
    ['schema', A_SCHEMA, 0],
    ['payload', A_PAYLOAD, payload],
  ]);
  // row columns by exact name (the first column of a name wins, as in the JS reader)
  const named = physical.filter((i, k) => physical.findIndex((j) => columns[j]!.name === columns[i]!.name) === k);
  const rows = alloc(4 + 12 * named.length);
  if (!failed) {
    walker.writeI32(rows, named.length);
    named.forEach((c, j) => {
      const name = columns[c]!.name;
      walker.writeI32(rows + 4 + 12 * j, name.length);
      walker.writeI32(rows + 8 + 12 * j, key(name));
      walker.writeI32(rows + 12 + 12 * j, c);
    });
  }
  if (failed) return null;
  const ncols = columns.length;
  const rowOff = META_BASE + RECORD * nodes.length;
  return { top, rows, ncols, slotBytes: rowOff + RECORD * 2 * ncols, rowOff };
}
