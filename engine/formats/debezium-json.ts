// Fast Debezium JSON decoder: walks one envelope (with or without the Connect schema block) with
// a hand-written scanner, extracts only `op`, the used columns of `before`/`after` and the
// METADATA paths, and builds the row arrays directly. Must not JSON.parse the event (only a new
// schema block, once per distinct text) and must not allocate per event beyond the result rows.
import type { SourceDef } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodeResult, Decoder, Tombstone } from './decoded-event.js';
import {
  equalsAt,
  keyIs,
  scanNumber,
  scanStringEnd,
  memberRunRegex,
  skipValue,
  skipValueFast,
  skipWs,
  str,
  unescapeString,
} from './json-scan.js';
import { BAD, convBoolean, convComposite, convNumber, convString, type Converted } from './column-convert.js';
import { declaredPlan, plansForSchema, type ColumnPlan } from './schema-block.js';

const TOMBSTONE: Tombstone = Object.freeze({ kind: 'tombstone' });
const MAX_SCHEMAS = 8;

// envelope keys the walker recognises
const K_OTHER = 0;
const K_BEFORE = 1;
const K_AFTER = 2;
const K_OP = 3;
const K_SCHEMA = 4;
const K_PAYLOAD = 5;

/** Kind of an envelope key that was written with escapes (rare). */
function knownKey(key: string | null, top: boolean): number {
  if (key === 'before') return K_BEFORE;
  if (key === 'after') return K_AFTER;
  if (key === 'op') return K_OP;
  if (top && key === 'schema') return K_SCHEMA;
  if (top && key === 'payload') return K_PAYLOAD;
  return K_OTHER;
}

/** One envelope path segment of the METADATA columns ('source' -> 'ts_ms'). */
interface MetaNode {
  readonly key: string;
  /** '"key"': the raw JSON text of the key (keys are plain identifiers). */
  readonly quoted: string;
  readonly cols: number[];
  readonly kids: MetaNode[];
  /** Skips the members of this node's object that are not among its kids. */
  run: RegExp | null;
}

interface SchemaEntry {
  readonly text: string;
  readonly plans: ColumnPlan[];
}

/** Decoder for one source: `used` lists the column indexes the pipeline reads. */
export function createDebeziumDecoder(source: SourceDef, used: readonly number[]): Decoder {
  return new DebeziumJsonDecoder(source, used);
}

class DebeziumJsonDecoder implements Decoder {
  private readonly source: SourceDef;
  private readonly n: number;
  private readonly wanted: Uint8Array;
  private readonly physicalCount: number;
  private readonly template: Value[];
  private readonly exact = new Map<string, number>();
  private readonly lower = new Map<string, number>();
  private readonly declared: ColumnPlan[];
  private readonly schemas: SchemaEntry[] = [];
  private readonly metaRoot: MetaNode = { key: '', quoted: '""', cols: [], kids: [], run: null };
  /** Skips runs of envelope members nobody reads (see memberRunRegex). */
  private readonly run: RegExp;
  private readonly metaCols: number[] = [];
  /** METADATA FROM 'op' columns (the walker handles `op` itself). */
  private readonly metaOp: number[] = [];
  /** Per metadata column: value span in the event text, valid when metaStamp == eventEpoch. */
  private readonly metaSpan: Int32Array;
  private readonly metaStamp: Int32Array;
  private eventEpoch = 0;
  private readonly metaScratch: Value[];
  // key-order guesses per image (0 = before, 1 = after): key text and (column * 2 + exact) or -1
  private readonly guessKey: string[][] = [[], []];
  private readonly guessCol: number[][] = [[], []];
  // per image parse: stamp[col] = image epoch when seen, exactStamp when seen by exact name
  private readonly stamp: Int32Array;
  private readonly exactStamp: Int32Array;
  private imageEpoch = 0;
  // per event state
  private plans: ColumnPlan[];
  private before: Value[] | null = null;
  private after: Value[] | null = null;
  private beforeCount = 0;
  /** Text of the `op` value, or null when the envelope has no string `op`. */
  private opText: string | null = null;
  private opRaw = '';
  /** An image that is neither an object nor null. */
  private shapeError: string | null = null;
  private typeError: string | null = null;
  private malformedAt = -1;
  private payloadStart = -1;
  private schemaAfterPayload = false;
  private payloadNull = false;
  private envelopeKeys = 0;

  constructor(source: SourceDef, used: readonly number[]) {
    const cols = source.columns;
    this.source = source;
    this.n = cols.length;
    this.wanted = new Uint8Array(this.n);
    for (const u of used) if (u >= 0 && u < this.n) this.wanted[u] = 1;
    this.template = new Array<Value>(this.n).fill(null);
    this.metaScratch = new Array<Value>(this.n).fill(null);
    this.metaSpan = new Int32Array(this.n * 2);
    this.metaStamp = new Int32Array(this.n);
    this.stamp = new Int32Array(this.n);
    this.exactStamp = new Int32Array(this.n);
    this.declared = cols.map((c, i) => declaredPlan(c, i));
    this.plans = this.declared;
    let physical = 0;
    cols.forEach((c, i) => {
      if (c.metadata === undefined) {
        physical++;
        if (!this.exact.has(c.name)) this.exact.set(c.name, i);
        const l = c.name.toLowerCase();
        if (!this.lower.has(l)) this.lower.set(l, i);
      } else if (this.wanted[i]) {
        this.metaCols.push(i);
        if (c.metadata === 'op') {
          this.metaOp.push(i);
          return;
        }
        let node = this.metaRoot;
        for (const seg of c.metadata.split('.')) {
          let kid = node.kids.find((k) => k.key === seg);
          if (!kid) node.kids.push((kid = { key: seg, quoted: JSON.stringify(seg), cols: [], kids: [], run: null }));
          node = kid;
        }
        node.cols.push(i);
      }
    });
    this.physicalCount = physical;
    const addRuns = (node: MetaNode): void => {
      if (node.kids.length === 0) return;
      node.run = memberRunRegex(node.kids.map((k) => k.key));
      node.kids.forEach(addRuns);
    };
    this.metaRoot.kids.forEach(addRuns);
    this.run = memberRunRegex(['before', 'after', 'op', 'schema', 'payload', ...this.metaRoot.kids.map((k) => k.key)]);
  }

  decode(text: string): DecodeResult {
    const s = text;
    const len = s.length;
    let i = skipWs(s, 0);
    if (i === len) return TOMBSTONE;
    const c = s.charCodeAt(i);
    if (c === 110 && equalsAt(s, i, 'null') && skipWs(s, i + 4) === len) return TOMBSTONE;
    if (c !== 123) {
      const end = skipValue(s, i);
      if (end >= 0 && skipWs(s, end) === len) return this.bad('malformed', 'expected a JSON object (a Debezium envelope)');
      return this.malformed(s);
    }
    this.resetEvent();
    this.plans = this.declared;
    this.payloadStart = -1;
    this.schemaAfterPayload = false;
    this.payloadNull = false;
    try {
      i = this.walk(s, i, true);
      if (i >= 0 && this.schemaAfterPayload && this.payloadStart >= 0) {
        this.resetEvent();
        if (this.walk(s, this.payloadStart, false) < 0) i = -1;
      }
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      i = -1; // too deeply nested, or a VariableScaleDecimal struct that is not JSON
    }
    if (i < 0) return this.malformed(s);
    i = skipWs(s, i);
    if (i !== len) return this.malformed(s);
    return this.finish(s);
  }

  private resetEvent(): void {
    this.before = null;
    this.after = null;
    this.beforeCount = 0;
    this.opText = null;
    this.shapeError = null;
    this.typeError = null;
    this.malformedAt = -1;
    this.envelopeKeys = 0;
    this.eventEpoch++;
  }

  private bad(reason: BadReason, message: string): DecodeResult {
    return { kind: 'bad', reason, message };
  }

  /** Malformed records are rare: let JSON.parse word the message. */
  private malformed(s: string): DecodeResult {
    try {
      JSON.parse(s);
    } catch (e) {
      const m = (e as Error).message;
      return this.bad('malformed', `invalid JSON: ${m.length > 200 ? m.slice(0, 197) + '...' : m}`);
    }
    const at = this.malformedAt;
    return this.bad('malformed', at < 0 ? 'invalid JSON' : `invalid JSON near character ${at + 1}`);
  }

  /**
   * Walks an object at i ('{'): the top level (schema/payload or a bare envelope) when `top`,
   * else a payload envelope. Returns the index after the object, or -1 when malformed.
   */
  private walk(s: string, i: number, top: boolean): number {
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) return i + 1;
    const run = this.run;
    for (;;) {
      run.lastIndex = i;
      run.test(s);
      if (run.lastIndex > i) {
        // members nobody reads, validated and skipped natively
        this.envelopeKeys++;
        i = run.lastIndex;
        const c = s.charCodeAt(i);
        if (c === 125) return i + 1;
        if (c !== 44) return this.fail(i);
        i++;
        if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      }
      if (s.charCodeAt(i) !== 34) return this.fail(i);
      const ks = i + 1;
      let key = K_OTHER;
      let ke = -1;
      switch (s.charCodeAt(ks)) {
        case 97:
          if (keyIs(s, ks, 'after')) (key = K_AFTER), (ke = ks + 5);
          break;
        case 98:
          if (keyIs(s, ks, 'before')) (key = K_BEFORE), (ke = ks + 6);
          break;
        case 111:
          if (keyIs(s, ks, 'op')) (key = K_OP), (ke = ks + 2);
          break;
        case 115:
          if (top && keyIs(s, ks, 'schema')) (key = K_SCHEMA), (ke = ks + 6);
          break;
        case 112:
          if (top && keyIs(s, ks, 'payload')) (key = K_PAYLOAD), (ke = ks + 7);
          break;
      }
      let escaped = false;
      if (ke < 0) {
        ke = scanStringEnd(s, i);
        if (ke < 0) return this.fail(s.length);
        escaped = str.escaped;
        if (escaped) key = knownKey(unescapeString(s, ks, ke), top);
      }
      i = ke + 1;
      if (s.charCodeAt(i) !== 58) {
        i = skipWs(s, i);
        if (s.charCodeAt(i) !== 58) return this.fail(i);
      }
      i++;
      if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      const vs = i;
      switch (key) {
        case K_AFTER:
          this.envelopeKeys++;
          i = this.image(s, i, 1);
          break;
        case K_BEFORE:
          this.envelopeKeys++;
          i = this.image(s, i, 0);
          break;
        case K_OP:
          this.envelopeKeys++;
          i = this.op(s, i);
          break;
        case K_SCHEMA:
          i = this.schemaBlock(s, i);
          break;
        case K_PAYLOAD:
          this.payloadStart = i;
          if (s.charCodeAt(i) === 123) {
            i = this.walk(s, i, false);
          } else {
            this.payloadNull = true;
            i = skipValue(s, i);
          }
          break;
        default:
          this.envelopeKeys++;
          i = this.metaRoot.kids.length > 0 ? this.metaField(s, ks, ke, escaped, i, this.metaRoot) : skipValueFast(s, i);
      }
      if (i < 0) return this.fail(vs);
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
      return c === 125 ? i + 1 : this.fail(i);
    }
  }

  private fail(at: number): number {
    if (this.malformedAt < 0 && at >= 0) this.malformedAt = at;
    return -1;
  }

  /** The `op` value at i: a string (recorded) or anything else (reported as a missing op). */
  private op(s: string, i: number): number {
    if (s.charCodeAt(i) !== 34) {
      this.opText = null;
      return skipValue(s, i);
    }
    const q = scanStringEnd(s, i);
    if (q < 0) return -1;
    this.opText = str.escaped ? unescapeString(s, i + 1, q) : q === i + 2 ? s[i + 1]! : s.slice(i + 1, q);
    this.opRaw = s.slice(i, q + 1);
    if (this.metaOp.length > 0) for (const col of this.metaOp) this.recordMeta(col, i, q + 1);
    return q + 1;
  }

  private recordMeta(col: number, a: number, b: number): void {
    this.metaStamp[col] = this.eventEpoch;
    this.metaSpan[col * 2] = a;
    this.metaSpan[col * 2 + 1] = b;
  }

  /** A key s[ks..ke) under a metadata node, value at i: descend into it, record it, or skip it. */
  private metaField(s: string, ks: number, ke: number, escaped: boolean, i: number, node: MetaNode): number {
    let kid: MetaNode | undefined;
    if (!escaped) {
      for (const k of node.kids) {
        if (keyIs(s, ks, k.key)) {
          kid = k;
          break;
        }
      }
    } else {
      const key = unescapeString(s, ks, ke);
      kid = node.kids.find((k) => k.key === key);
    }
    if (kid === undefined) return skipValueFast(s, i);
    const end = kid.run !== null && s.charCodeAt(i) === 123 ? this.metaObject(s, i, kid) : skipValueFast(s, i);
    if (end >= 0) for (const col of kid.cols) this.recordMeta(col, i, end);
    return end;
  }

  /** An object on a metadata path: members nobody reads are skipped by the node's run regex. */
  private metaObject(s: string, i: number, node: MetaNode): number {
    const run = node.run!;
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) return i + 1;
    for (;;) {
      run.lastIndex = i;
      run.test(s);
      if (run.lastIndex > i) {
        i = run.lastIndex;
        const c = s.charCodeAt(i);
        if (c === 125) return i + 1;
        if (c !== 44) return this.fail(i);
        i++;
        if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      }
      if (s.charCodeAt(i) !== 34) return this.fail(i);
      const ks = i + 1;
      const ke = scanStringEnd(s, i);
      if (ke < 0) return this.fail(s.length);
      const escaped = str.escaped;
      i = skipWs(s, ke + 1);
      if (s.charCodeAt(i) !== 58) return this.fail(i);
      const vs = skipWs(s, i + 1);
      i = this.metaField(s, ks, ke, escaped, vs, node);
      if (i < 0) return this.fail(vs);
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
      return c === 125 ? i + 1 : this.fail(i);
    }
  }

  /** `before` (img 0) or `after` (img 1): null or a row object. */
  private image(s: string, i: number, img: 0 | 1): number {
    const c = s.charCodeAt(i);
    if (c === 110) {
      if (!equalsAt(s, i, 'null')) return this.fail(i);
      if (img === 0) this.before = null;
      else this.after = null;
      return i + 4;
    }
    if (c !== 123) {
      const end = skipValue(s, i);
      if (end >= 0 && this.shapeError === null)
        this.shapeError = `'${img === 0 ? 'before' : 'after'}' must be an object or null, got ${snippet(s, i, end)}`;
      return end;
    }
    const row = this.template.slice();
    if (img === 0) this.before = row;
    else this.after = row;
    return this.row(s, i, img, row);
  }

  /** Fills `row` from the row object at i; returns the index after it, or -1. */
  private row(s: string, i: number, img: 0 | 1, row: Value[]): number {
    const epoch = ++this.imageEpoch;
    const stamp = this.stamp;
    const exactStamp = this.exactStamp;
    const wanted = this.wanted;
    const plans = this.plans;
    const gk = this.guessKey[img]!;
    const gc = this.guessCol[img]!;
    let count = 0;
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) {
      if (img === 0) this.beforeCount = 0;
      return i + 1;
    }
    for (let k = 0; ; k++) {
      if (s.charCodeAt(i) !== 34) return this.fail(i);
      const ks = i + 1;
      let ke: number;
      let code: number;
      const g = gk[k];
      if (g !== undefined && keyIs(s, ks, g)) {
        code = gc[k]!;
        ke = ks + g.length;
      } else {
        ke = scanStringEnd(s, i);
        if (ke < 0) return this.fail(s.length);
        code = this.lookupKey(s, ks, ke, str.escaped, img, k);
        if (code === -2) return this.fail(ks);
      }
      i = ke + 1;
      if (s.charCodeAt(i) !== 58) {
        i = skipWs(s, i);
        if (s.charCodeAt(i) !== 58) return this.fail(i);
      }
      i++;
      if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      const vs = i;
      if (code >= 0) {
        const col = code >> 1;
        const exact = (code & 1) === 1;
        let take = true;
        if (stamp[col] !== epoch) {
          stamp[col] = epoch;
          count++;
          if (exact) exactStamp[col] = epoch;
        } else if (exact) {
          exactStamp[col] = epoch;
        } else if (exactStamp[col] === epoch) {
          take = false; // an exact match already filled it
        }
        i = take && wanted[col] === 1 ? this.value(s, i, plans[col]!, row) : skipValueFast(s, i);
      } else {
        i = skipValueFast(s, i);
      }
      if (i < 0) return this.fail(vs);
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
      if (c !== 125) return this.fail(i);
      if (img === 0) this.beforeCount = count;
      return i + 1;
    }
  }

  /** Column code (index * 2 + exact) of a row key, -1 when not declared, -2 when the key is malformed. */
  private lookupKey(s: string, ks: number, ke: number, escaped: boolean, img: 0 | 1, k: number): number {
    const key = escaped ? unescapeString(s, ks, ke) : s.slice(ks, ke);
    if (key === null) return -2;
    let code = -1;
    const e = this.exact.get(key);
    if (e !== undefined) code = e * 2 + 1;
    else {
      const l = this.lower.get(key.toLowerCase());
      if (l !== undefined) code = l * 2;
    }
    if (!escaped && k < 256) {
      this.guessKey[img]![k] = key;
      this.guessCol[img]![k] = code;
    }
    return code;
  }

  /** Converts the value at i for column plan p into row[p.index]; returns the index after it, or -1. */
  private value(s: string, i: number, p: ColumnPlan, row: Value[]): number {
    const c = s.charCodeAt(i);
    let v: Converted;
    let end: number;
    if (c === 34) {
      const q = scanStringEnd(s, i);
      if (q < 0) return this.fail(s.length);
      end = q + 1;
      if (str.escaped) {
        const u = unescapeString(s, i + 1, q);
        if (u === null) return this.fail(i);
        v = convString(p, u, 0, u.length);
      } else {
        v = convString(p, s, i + 1, q);
      }
    } else if (c === 110) {
      if (!equalsAt(s, i, 'null')) return this.fail(i);
      end = i + 4;
      v = p.nullable ? null : BAD;
    } else if (c === 116 || c === 102) {
      const lit = c === 116 ? 'true' : 'false';
      if (!equalsAt(s, i, lit)) return this.fail(i);
      end = i + lit.length;
      v = convBoolean(p, c === 116);
    } else if (c === 123 || c === 91) {
      end = skipValue(s, i);
      if (end < 0) return this.fail(i);
      v = convComposite(p, s, i, end);
    } else {
      end = scanNumber(s, i);
      if (end < 0) return this.fail(i);
      v = convNumber(p, s, i, end);
    }
    if (v === BAD) {
      if (this.typeError === null) this.typeError = `column '${p.name}': expected ${p.typeText}, got ${snippet(s, i, end)}`;
    } else {
      row[p.index] = v;
    }
    return end;
  }

  /** The "schema" value at i: null, or a Connect schema (cached by exact text). */
  private schemaBlock(s: string, i: number): number {
    if (this.payloadStart >= 0) this.schemaAfterPayload = true;
    const c = s.charCodeAt(i);
    if (c !== 123) {
      this.plans = this.declared;
      return skipValue(s, i);
    }
    const cache = this.schemas;
    for (let k = 0; k < cache.length; k++) {
      const e = cache[k]!;
      const t = e.text;
      if (s.length - i >= t.length && s.charCodeAt(i + t.length - 1) === 125 && s.substr(i, t.length) === t) {
        if (k > 0) {
          cache[k] = cache[0]!;
          cache[0] = e;
        }
        this.plans = e.plans;
        return i + t.length;
      }
    }
    const end = skipValue(s, i);
    if (end < 0) return -1;
    const text = s.slice(i, end);
    const plans = plansForSchema(this.source.columns, this.declared, JSON.parse(text));
    if (cache.length >= MAX_SCHEMAS) cache.pop();
    cache.unshift({ text, plans });
    this.plans = plans;
    return end;
  }

  private finish(s: string): DecodeResult {
    if (this.payloadNull && this.envelopeKeys === 0) return TOMBSTONE;
    const t = this.opText;
    if (t === null) return this.bad('unknown-op', "missing 'op' field (not a Debezium change event envelope)");
    const op: DebeziumOp | null = t === 'c' || t === 'u' || t === 'd' || t === 'r' || t === 't' ? t : null;
    if (op === null) {
      const raw = this.opRaw;
      return this.bad('unknown-op', `unknown op ${raw}${t === 'm' ? ' (logical decoding message)' : ''}`);
    }
    if (this.shapeError !== null) return this.bad('type', this.shapeError);
    if (op === 't') return { kind: 'event', op, before: null, after: null, beforeComplete: false };
    if (op === 'd' ? this.before === null : this.after === null) {
      return this.bad('missing-image', `op '${op}' without ${op === 'd' ? "a 'before'" : "an 'after'"} image`);
    }
    if (this.typeError !== null) return this.bad('type', this.typeError);
    if (this.metaCols.length > 0 && !this.fillMetadata(s)) return this.bad('type', this.typeError!);
    return {
      kind: 'event',
      op,
      before: this.before,
      after: this.after,
      beforeComplete: this.before !== null && this.beforeCount === this.physicalCount,
    };
  }

  /** Converts the recorded metadata spans into both images; false on a type error. */
  private fillMetadata(s: string): boolean {
    const scratch = this.metaScratch;
    const cols = this.metaCols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k]!;
      let v: Value = null;
      if (this.metaStamp[col] === this.eventEpoch) {
        const a = this.metaSpan[col * 2]!;
        const p = this.plans[col]!;
        scratch[col] = null;
        this.value(s, a, p, scratch);
        if (this.typeError !== null) return false;
        v = scratch[col]!;
      }
      if (this.before !== null) this.before[col] = v;
      if (this.after !== null) this.after[col] = v;
    }
    return true;
  }
}

/** The raw JSON text of a value, shortened for messages. */
function snippet(s: string, a: number, b: number): string {
  return b - a > 80 ? s.slice(a, a + 77) + '...' : s.slice(a, b);
}
