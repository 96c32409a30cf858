// METADATA FROM paths of a Debezium source ('op', 'ts_ms', 'source.ts_ms', 'transaction.id', ...):
// a small trie over envelope keys that the decoder's walker consults, recording for each
// metadata column where its value sits in the current event text (conversion happens later).
// No allocation per event; members nobody reads are skipped (indexOf jumps over strings).
import type { SourceColumn } from '../../catalog/model.js';
import { keyIs, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';

/** One path segment ('source' -> 'ts_ms'). */
export interface MetaNode {
  readonly key: string;
  readonly cols: number[];
  readonly kids: MetaNode[];
}

export class MetadataPaths {
  readonly root: MetaNode = { key: '', cols: [], kids: [] };
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
      let node = this.root;
      for (const seg of c.metadata.split('.')) {
        let kid = node.kids.find((k) => k.key === seg);
        if (!kid) node.kids.push((kid = { key: seg, cols: [], kids: [] }));
        node = kid;
      }
      node.cols.push(i);
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

  private record(col: number, a: number, b: number): void {
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
  kid(s: string, ks: number, node: MetaNode): MetaNode | null {
    const kids = node.kids;
    for (let k = 0; k < kids.length; k++) if (keyIs(s, ks, kids[k]!.key)) return kids[k]!;
    return null;
  }

  /** A key s[ks..ke) (escaped or not) under `node`, value at i: records/descends, or skips. */
  field(s: string, ks: number, ke: number, escaped: boolean, i: number, node: MetaNode): number {
    let kid: MetaNode | null;
    if (!escaped) kid = this.kid(s, ks, node);
    else {
      const key = unescapeString(s, ks, ke);
      kid = node.kids.find((k) => k.key === key) ?? null;
    }
    return kid === null ? skipValue(s, i) : this.value(s, i, kid);
  }

  /** The value at i of node `kid`: recorded for its columns, descended into for its kids. */
  value(s: string, i: number, kid: MetaNode): number {
    const end = kid.kids.length > 0 && s.charCodeAt(i) === 123 ? this.object(s, i, kid) : skipValue(s, i);
    if (end >= 0) {
      const cols = kid.cols;
      for (let k = 0; k < cols.length; k++) this.record(cols[k]!, i, end);
    }
    return end;
  }

  /** An object on a metadata path; returns the index after it, or -1 when malformed. */
  private object(s: string, i: number, node: MetaNode): number {
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) return i + 1;
    for (;;) {
      if (s.charCodeAt(i) !== 34) return -1;
      const ks = i + 1;
      const kid = this.kid(s, ks, node);
      const ke = kid !== null ? ks + kid.key.length : stringEnd(s, i);
      if (ke < 0) return -1;
      const escaped = kid === null && str.escaped;
      i = ke + 1;
      if (s.charCodeAt(i) !== 58) {
        i = skipWs(s, i);
        if (s.charCodeAt(i) !== 58) return -1;
      }
      i++;
      if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      if (kid !== null) i = this.value(s, i, kid);
      else i = escaped ? this.field(s, ks, ke, escaped, i, node) : skipValue(s, i);
      if (i < 0) return -1;
      let c = s.charCodeAt(i);
      if (c <= 32) {
        i = skipWs(s, i);
        c = s.charCodeAt(i);
      }
      if (c === 44) {
        i++;
        if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
        continue;
      }
      return c === 125 ? i + 1 : -1;
    }
  }
}
