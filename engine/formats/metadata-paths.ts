// METADATA FROM paths of a Debezium source ('op', 'ts_ms', 'source.ts_ms', 'transaction.id', ...):
// a small trie over envelope keys that the decoder's walker consults, recording for each
// metadata column where its value sits in the current event text (conversion happens later).
// No allocation per event; works on the character codes of the text (json-scan.ts writeCodes).
import type { SourceColumn } from '../../catalog/model.js';
import { afterKey, afterValue, keyBytes, keyIs, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';

/** One path segment ('source' -> 'ts_ms'). */
export interface MetaNode {
  readonly key: string;
  /** keyBytes(key), and whether the key has characters above U+00FF (then also checked on the string). */
  readonly bytes: Uint8Array;
  readonly wide: boolean;
  readonly cols: number[];
  readonly kids: MetaNode[];
}

function metaNode(key: string): MetaNode {
  return { key, bytes: keyBytes(key), wide: /[^\x00-\xff]/.test(key), cols: [], kids: [] };
}

export class MetadataPaths {
  readonly root: MetaNode = metaNode('');
  /** Metadata columns the pipeline reads. */
  readonly cols: number[] = [];
  /** METADATA FROM 'op' columns (the walker reads `op` itself). */
  readonly opCols: number[] = [];
  private readonly span: Int32Array;
  private readonly stamp: Int32Array;
  private epoch = 0;

  constructor(columns: readonly SourceColumn[], wanted: Uint8Array) {
    this.span = new Int32Array(columns.length * 2);
    this.stamp = new Int32Array(columns.length);
    columns.forEach((c, i) => {
      if (c.metadata === undefined || wanted[i] !== 1) return;
      this.cols.push(i);
      if (c.metadata === 'op') {
        this.opCols.push(i);
        return;
      }
      let at = this.root;
      for (const seg of c.metadata.split('.')) {
        let kid = at.kids.find((k) => k.key === seg);
        if (!kid) at.kids.push((kid = metaNode(seg)));
        at = kid;
      }
      at.cols.push(i);
    });
  }

  /** Forgets the spans of the previous event. */
  nextEvent(): void {
    this.epoch++;
  }

  /** Start of column col's value in the current event, or -1 when the path was absent. */
  startOf(col: number): number {
    return this.stamp[col] === this.epoch ? this.span[col * 2]! : -1;
  }

  /** Column col's value is at s[a..b) in the current event. */
  record(col: number, a: number, b: number): void {
    this.stamp[col] = this.epoch;
    this.span[col * 2] = a;
    this.span[col * 2 + 1] = b;
  }

  /** The envelope's `op` value is at s[a..b). */
  recordOp(a: number, b: number): void {
    const cols = this.opCols;
    for (let k = 0; k < cols.length; k++) this.record(cols[k]!, a, b);
  }

  /** The kid of `node` whose (plain) key starts at ks, or null. */
  kid(s: string, u: Uint8Array, ks: number, node: MetaNode): MetaNode | null {
    const kids = node.kids;
    for (let k = 0; k < kids.length; k++) {
      const kid = kids[k]!;
      if (keyIs(u, ks, kid.bytes) && (!kid.wide || s.startsWith(kid.key, ks))) return kid;
    }
    return null;
  }

  /** A key s[ks..ke) (escaped or not) under `node`, value at i: records/descends, or skips. */
  field(s: string, u: Uint8Array, ks: number, ke: number, escaped: boolean, i: number, node: MetaNode): number {
    let kid: MetaNode | null;
    if (!escaped) kid = this.kid(s, u, ks, node);
    else {
      const key = unescapeString(s, ks, ke);
      kid = node.kids.find((k) => k.key === key) ?? null;
    }
    return kid === null ? skipValue(u, i) : this.value(s, u, i, kid);
  }

  /** The value at i of node `kid`: recorded for its columns, descended into for its kids. */
  value(s: string, u: Uint8Array, i: number, kid: MetaNode): number {
    const end = kid.kids.length > 0 && u[i] === 123 ? this.object(s, u, i, kid) : skipValue(u, i);
    if (end >= 0) {
      const cols = kid.cols;
      for (let k = 0; k < cols.length; k++) this.record(cols[k]!, i, end);
    }
    return end;
  }

  /** An object on a metadata path; returns the index after it, or -1 when malformed. */
  private object(s: string, u: Uint8Array, i: number, node: MetaNode): number {
    i = skipWs(u, i + 1);
    if (u[i] === 125) return i + 1;
    for (;;) {
      if (u[i] !== 34) return -1;
      const ks = i + 1;
      const kid = this.kid(s, u, ks, node);
      const ke = kid !== null ? ks + kid.key.length : stringEnd(u, i);
      if (ke < 0) return -1;
      const escaped = kid === null && str.escaped;
      i = afterKey(u, ke);
      if (i < 0) return -1;
      if (kid !== null) i = this.value(s, u, i, kid);
      else i = escaped ? this.field(s, u, ks, ke, escaped, i, node) : skipValue(u, i);
      if (i < 0) return -1;
      i = afterValue(u, i, 125);
      if (i <= 0) return i === 0 ? -1 : -i;
    }
  }
}
