// Fast Debezium JSON decoder: walks one envelope (with or without the Connect schema block) with
// a hand-written scanner over the text's character codes (json-scan.ts loadCodes: typed-array
// loads are several times cheaper than charCodeAt), extracts only `op`, the used columns of
// `before`/`after` and the METADATA paths, and builds the row arrays directly. Must not JSON.parse
// the event (only a new schema block, once per distinct text) and must not allocate per event
// beyond the result rows. Validation is complete: malformed JSON anywhere is reported as such.
import type { SourceDef } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodeResult, Decoder, Tombstone } from './decoded-event.js';
import { afterKey, afterValue, isNull, keyBytes, keyIs, loadCodes, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';
import { MetadataPaths, type MetaNode } from './metadata-paths.js';
import { RowImageReader, snippet } from './row-image.js';
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
const B_AFTER = keyBytes('after');
const B_BEFORE = keyBytes('before');
const B_OP = keyBytes('op');
const B_SCHEMA = keyBytes('schema');
const B_PAYLOAD = keyBytes('payload');

/** Kind of an envelope key that was written with escapes (rare). */
function knownKey(key: string | null, top: boolean): number {
  if (key === 'before') return K_BEFORE;
  if (key === 'after') return K_AFTER;
  if (key === 'op') return K_OP;
  if (top && key === 'schema') return K_SCHEMA;
  if (top && key === 'payload') return K_PAYLOAD;
  return K_OTHER;
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
  private readonly declared: ColumnPlan[];
  private readonly schemas: SchemaEntry[] = [];
  private readonly meta: MetadataPaths;
  private readonly metaScratch: Value[];
  private readonly rows: RowImageReader;
  // per event state
  private plans: ColumnPlan[];
  private before: Value[] | null = null;
  private after: Value[] | null = null;
  private beforeCount = 0;
  /** Text of the `op` value, or null when the envelope has no string `op`. */
  private opText: string | null = null;
  private opStart = 0;
  private opEnd = 0;
  /** An image that is neither an object nor null. */
  private shapeError: string | null = null;
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
    this.declared = cols.map((c, i) => declaredPlan(c, i));
    this.plans = this.declared;
    this.physicalCount = cols.filter((c) => c.metadata === undefined).length;
    this.rows = new RowImageReader(cols, this.wanted);
    this.meta = new MetadataPaths(cols, this.wanted);
  }

  decode(text: string): DecodeResult {
    const s = text;
    const len = s.length;
    const u = loadCodes(s);
    let i = skipWs(u, 0);
    if (i === len) return TOMBSTONE;
    const c = u[i]!;
    if (c === 110 && isNull(u, i) && skipWs(u, i + 4) === len) return TOMBSTONE;
    if (c !== 123) {
      const end = skipValue(u, i);
      if (end >= 0 && skipWs(u, end) === len) return this.bad('malformed', 'expected a JSON object (a Debezium envelope)');
      return this.malformed(s);
    }
    this.resetEvent();
    this.plans = this.declared;
    this.payloadStart = -1;
    this.schemaAfterPayload = false;
    this.payloadNull = false;
    try {
      i = this.walk(s, u, i, true);
      if (i >= 0 && this.schemaAfterPayload && this.payloadStart >= 0) {
        this.resetEvent();
        if (this.walk(s, u, this.payloadStart, false) < 0) i = -1;
      }
    } catch (e) {
      if (!(e instanceof RangeError) && !(e instanceof SyntaxError)) throw e;
      i = -1; // too deeply nested, or a VariableScaleDecimal struct that is not JSON
    }
    if (i < 0) return this.malformed(s);
    i = skipWs(u, i);
    if (i !== len) return this.malformed(s);
    return this.finish(s, u);
  }

  private resetEvent(): void {
    this.before = null;
    this.after = null;
    this.beforeCount = 0;
    this.opText = null;
    this.shapeError = null;
    this.rows.typeError = null;
    this.envelopeKeys = 0;
    this.meta.nextEvent();
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
    return this.bad('malformed', 'unreadable JSON (nested too deeply)');
  }

  /**
   * Walks an object at i ('{'): the top level (schema/payload or a bare envelope) when `top`,
   * else a payload envelope. Returns the index after the object, or -1 when malformed.
   */
  private walk(s: string, u: Uint8Array, i: number, top: boolean): number {
    i = skipWs(u, i + 1);
    if (u[i] === 125) return i + 1;
    const meta = this.meta;
    const root = meta.root;
    for (;;) {
      if (u[i] !== 34) return -1;
      const ks = i + 1;
      let key = K_OTHER;
      let ke = -1;
      switch (u[ks]) {
        case 97:
          if (keyIs(u, ks, B_AFTER)) (key = K_AFTER), (ke = ks + 5);
          break;
        case 98:
          if (keyIs(u, ks, B_BEFORE)) (key = K_BEFORE), (ke = ks + 6);
          break;
        case 111:
          if (keyIs(u, ks, B_OP)) (key = K_OP), (ke = ks + 2);
          break;
        case 115:
          if (top && keyIs(u, ks, B_SCHEMA)) (key = K_SCHEMA), (ke = ks + 6);
          break;
        case 112:
          if (top && keyIs(u, ks, B_PAYLOAD)) (key = K_PAYLOAD), (ke = ks + 7);
          break;
      }
      let kid: MetaNode | null = null;
      let escaped = false;
      if (ke < 0) {
        kid = meta.kid(s, u, ks, root);
        ke = kid !== null ? ks + kid.key.length : stringEnd(u, i);
        if (ke < 0) return -1;
        if (kid === null) {
          escaped = str.escaped;
          if (escaped) key = knownKey(unescapeString(s, ks, ke), top);
        }
      }
      i = afterKey(u, ke);
      if (i < 0) return -1;
      switch (key) {
        case K_AFTER:
          this.envelopeKeys++;
          i = this.image(s, u, i, 1);
          break;
        case K_BEFORE:
          this.envelopeKeys++;
          i = this.image(s, u, i, 0);
          break;
        case K_OP:
          this.envelopeKeys++;
          i = this.op(s, u, i);
          break;
        case K_SCHEMA:
          i = this.schemaBlock(s, u, i);
          break;
        case K_PAYLOAD:
          this.payloadStart = i;
          if (u[i] === 123) {
            i = this.walk(s, u, i, false);
          } else {
            this.payloadNull = true;
            i = skipValue(u, i);
          }
          break;
        default:
          this.envelopeKeys++;
          if (kid !== null) i = meta.value(s, u, i, kid);
          else if (escaped && root.kids.length > 0) i = meta.field(s, u, ks, ke, escaped, i, root);
          else i = skipValue(u, i);
      }
      if (i < 0) return -1;
      i = afterValue(u, i, 125);
      if (i <= 0) return i === 0 ? -1 : -i;
    }
  }

  /** The `op` value at i: a string (recorded) or anything else (reported as a missing op). */
  private op(s: string, u: Uint8Array, i: number): number {
    if (u[i] !== 34) {
      this.opText = null;
      return skipValue(u, i);
    }
    const q = stringEnd(u, i);
    if (q < 0) return -1;
    this.opText = str.escaped ? unescapeString(s, i + 1, q) : q === i + 2 ? s[i + 1]! : s.slice(i + 1, q);
    this.opStart = i;
    this.opEnd = q + 1;
    this.meta.recordOp(i, q + 1);
    return q + 1;
  }

  /** `before` (img 0) or `after` (img 1): null or a row object. */
  private image(s: string, u: Uint8Array, i: number, img: 0 | 1): number {
    const c = u[i]!;
    if (c === 110) {
      if (!isNull(u, i)) return -1;
      if (img === 0) this.before = null;
      else this.after = null;
      return i + 4;
    }
    if (c !== 123) {
      const end = skipValue(u, i);
      if (end >= 0 && this.shapeError === null)
        this.shapeError = `'${img === 0 ? 'before' : 'after'}' must be an object or null, got ${snippet(s, i, end)}`;
      return end;
    }
    const row = this.template.slice();
    if (img === 0) this.before = row;
    else this.after = row;
    const end = this.rows.read(s, u, i, img, row, this.plans);
    if (img === 0) this.beforeCount = this.rows.count;
    return end;
  }

  /** The "schema" value at i: null, or a Connect schema (cached by exact text). */
  private schemaBlock(s: string, u: Uint8Array, i: number): number {
    if (this.payloadStart >= 0) this.schemaAfterPayload = true;
    const c = u[i]!;
    if (c !== 123) {
      this.plans = this.declared;
      return skipValue(u, i);
    }
    const cache = this.schemas;
    for (let k = 0; k < cache.length; k++) {
      const e = cache[k]!;
      const t = e.text;
      if (s.length - i >= t.length && u[i + t.length - 1] === 125 && s.startsWith(t, i)) {
        if (k > 0) {
          cache[k] = cache[0]!;
          cache[0] = e;
        }
        this.plans = e.plans;
        return i + t.length;
      }
    }
    const end = skipValue(u, i);
    if (end < 0) return -1;
    const text = s.slice(i, end);
    const plans = plansForSchema(this.source.columns, this.declared, JSON.parse(text));
    if (cache.length >= MAX_SCHEMAS) cache.pop();
    cache.unshift({ text, plans });
    this.plans = plans;
    return end;
  }

  private finish(s: string, u: Uint8Array): DecodeResult {    if (this.payloadNull && this.envelopeKeys === 0) return TOMBSTONE;
    const t = this.opText;
    if (t === null) return this.bad('unknown-op', "missing 'op' field (not a Debezium change event envelope)");
    const op: DebeziumOp | null = t === 'c' || t === 'u' || t === 'd' || t === 'r' || t === 't' ? t : null;
    if (op === null) {
      const raw = s.slice(this.opStart, this.opEnd);
      return this.bad('unknown-op', `unknown op ${raw}${t === 'm' ? ' (logical decoding message)' : ''}`);
    }
    if (this.shapeError !== null) return this.bad('type', this.shapeError);
    if (op === 't') return { kind: 'event', op, before: null, after: null, beforeComplete: false };
    if (op === 'd' ? this.before === null : this.after === null) {
      return this.bad('missing-image', `op '${op}' without ${op === 'd' ? "a 'before'" : "an 'after'"} image`);
    }
    if (this.rows.typeError !== null) return this.bad('type', this.rows.typeError);
    if (this.meta.cols.length > 0 && !this.fillMetadata(s, u)) return this.bad('type', this.rows.typeError!);
    return {
      kind: 'event',
      op,
      before: this.before,
      after: this.after,
      beforeComplete: this.before !== null && this.beforeCount === this.physicalCount,
    };
  }

  /** Converts the recorded metadata spans into both images; false on a type error. */
  private fillMetadata(s: string, u: Uint8Array): boolean {
    const scratch = this.metaScratch;
    const cols = this.meta.cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k]!;
      let v: Value = null;
      const a = this.meta.startOf(col);
      if (a >= 0) {
        const p = this.plans[col]!;
        scratch[col] = null;
        this.rows.value(s, u, a, p, scratch);
        if (this.rows.typeError !== null) return false;
        v = scratch[col]!;
      }
      if (this.before !== null) this.before[col] = v;
      if (this.after !== null) this.after[col] = v;
    }
    return true;
  }
}
