// Fast Debezium JSON decoder: walks one envelope (with or without the Connect schema block) with
// a hand-written scanner, extracts only `op`, the used columns of `before`/`after` and the
// METADATA paths, and builds the row arrays directly. Must not JSON.parse the event (only a new
// schema block, once per distinct text) and must not allocate per event beyond the result rows.
import type { SourceDef } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import type { BadReason, DebeziumOp, DecodeResult, Decoder, Tombstone } from './decoded-event.js';
import { equalsAt, scanNumber, scanStringEnd, skipValue, skipWs, str, unescapeString } from './json-scan.js';
import { BAD, convBoolean, convComposite, convNumber, convString, type Converted } from './column-convert.js';
import { declaredPlan, plansForSchema, type ColumnPlan } from './schema-block.js';

const TOMBSTONE: Tombstone = Object.freeze({ kind: 'tombstone' });
const MAX_SCHEMAS = 8;

/** One envelope path segment of the METADATA columns ('source' -> 'ts_ms'). */
interface MetaNode {
  readonly key: string;
  readonly cols: number[];
  readonly kids: MetaNode[];
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
  private readonly metaRoot: MetaNode = { key: '', cols: [], kids: [] };
  private readonly metaCols: number[] = [];
  private readonly metaStart: Int32Array;
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
  private opStart = -1;
  private opEnd = -1;
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
    this.metaStart = new Int32Array(this.n * 2);
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
        let node = this.metaRoot;
        for (const seg of c.metadata.split('.')) {
          let kid = node.kids.find((k) => k.key === seg);
          if (!kid) node.kids.push((kid = { key: seg, cols: [], kids: [] }));
          node = kid;
        }
        node.cols.push(i);
      }
    });
    this.physicalCount = physical;
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
    this.opStart = -1;
    this.opEnd = -1;
    this.typeError = null;
    this.malformedAt = -1;
    this.envelopeKeys = 0;
    this.metaStart.fill(-1);
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
    for (;;) {
      if (s.charCodeAt(i) !== 34) return this.fail(i);
      const ks = i + 1;
      const ke = scanStringEnd(s, i);
      if (ke < 0) return this.fail(s.length);
      const keyEscaped = str.escaped;
      i = skipWs(s, ke + 1);
      if (s.charCodeAt(i) !== 58) return this.fail(i);
      i = skipWs(s, i + 1);
      const kl = ke - ks;
      const vs = i;
      if (top && !keyEscaped && kl === 6 && equalsAt(s, ks, 'schema')) {
        i = this.schemaBlock(s, i);
      } else if (top && !keyEscaped && kl === 7 && equalsAt(s, ks, 'payload')) {
        this.payloadStart = i;
        if (s.charCodeAt(i) === 123) {
          i = this.walk(s, i, false);
        } else {
          this.payloadNull = true;
          i = skipValue(s, i);
        }
      } else {
        this.envelopeKeys++;
        i = this.envelopeField(s, ks, ke, keyEscaped, i);
      }
      if (i < 0) return this.fail(vs);
      i = skipWs(s, i);
      const c = s.charCodeAt(i);
      if (c === 44) {
        i = skipWs(s, i + 1);
        continue;
      }
      return c === 125 ? i + 1 : this.fail(i);
    }
  }

  private fail(at: number): number {
    if (this.malformedAt < 0 && at >= 0) this.malformedAt = at;
    return -1;
  }

  /** One key of the envelope (key text s[ks..ke)); value at i. */
  private envelopeField(s: string, ks: number, ke: number, escaped: boolean, i: number): number {
    const kl = ke - ks;
    if (!escaped) {
      if (kl === 5 && equalsAt(s, ks, 'after')) return this.image(s, i, 1);
      if (kl === 6 && equalsAt(s, ks, 'before')) return this.image(s, i, 0);
      if (kl === 2 && equalsAt(s, ks, 'op')) {
        if (s.charCodeAt(i) === 34) {
          const q = scanStringEnd(s, i);
          if (q < 0) return -1;
          this.opStart = i;
          this.opEnd = q + 1;
          this.metaLeaf(s, ks, ke, this.metaRoot, i, q + 1);
          return q + 1;
        }
      }
    }
    const kids = this.metaRoot.kids;
    if (kids.length > 0) return this.metaField(s, ks, ke, escaped, i, this.metaRoot);
    return skipValue(s, i);
  }

  /** Records the span of a metadata leaf whose key is s[ks..ke) under `node`, if it is one. */
  private metaLeaf(s: string, ks: number, ke: number, node: MetaNode, a: number, b: number): void {
    for (const kid of node.kids) {
      if (kid.key.length === ke - ks && equalsAt(s, ks, kid.key)) {
        for (const col of kid.cols) {
          this.metaStart[col * 2] = a;
          this.metaStart[col * 2 + 1] = b;
        }
      }
    }
  }

  /** A key under a metadata node: descend into it, record it, or skip it. */
  private metaField(s: string, ks: number, ke: number, escaped: boolean, i: number, node: MetaNode): number {
    let kid: MetaNode | undefined;
    if (!escaped) {
      for (const k of node.kids) {
        if (k.key.length === ke - ks && equalsAt(s, ks, k.key)) {
          kid = k;
          break;
        }
      }
    } else {
      const key = unescapeString(s, ks, ke);
      kid = node.kids.find((k) => k.key === key);
    }
    if (kid === undefined) return skipValue(s, i);
    let end: number;
    if (kid.kids.length > 0 && s.charCodeAt(i) === 123) end = this.metaObject(s, i, kid);
    else end = skipValue(s, i);
    if (end >= 0) {
      for (const col of kid.cols) {
        this.metaStart[col * 2] = i;
        this.metaStart[col * 2 + 1] = end;
      }
    }
    return end;
  }

  private metaObject(s: string, i: number, node: MetaNode): number {
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) return i + 1;
    for (;;) {
      if (s.charCodeAt(i) !== 34) return this.fail(i);
      const ks = i + 1;
      const ke = scanStringEnd(s, i);
      if (ke < 0) return -1;
      const escaped = str.escaped;
      i = skipWs(s, ke + 1);
      if (s.charCodeAt(i) !== 58) return this.fail(i);
      const vs = skipWs(s, i + 1);
      i = this.metaField(s, ks, ke, escaped, vs, node);
      if (i < 0) return this.fail(vs);
      i = skipWs(s, i);
      const c = s.charCodeAt(i);
      if (c === 44) {
        i = skipWs(s, i + 1);
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
      if (end >= 0 && this.typeError === null)
        this.typeError = `'${img === 0 ? 'before' : 'after'}' must be an object or null, got ${snippet(s, i, end)}`;
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
      const ke = scanStringEnd(s, i);
      if (ke < 0) return this.fail(s.length);
      let code: number;
      const g = gk[k];
      if (g !== undefined && !str.escaped && g.length === ke - ks && equalsAt(s, ks, g)) {
        code = gc[k]!;
      } else {
        code = this.lookupKey(s, ks, ke, str.escaped, img, k);
        if (code === -2) return this.fail(ks);
      }
      i = skipWs(s, ke + 1);
      if (s.charCodeAt(i) !== 58) return this.fail(i);
      i = skipWs(s, i + 1);
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
        i = take && wanted[col] === 1 ? this.value(s, i, plans[col]!, row) : skipValue(s, i);
      } else {
        i = skipValue(s, i);
      }
      if (i < 0) return this.fail(vs);
      let c = s.charCodeAt(i);
      if (c <= 32) {
        i = skipWs(s, i);
        c = s.charCodeAt(i);
      }
      if (c === 44) {
        i = skipWs(s, i + 1);
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
    if (this.payloadNull && this.envelopeKeys === 0 && this.opStart < 0) return TOMBSTONE;
    if (this.opStart < 0) return this.bad('unknown-op', "missing 'op' field (not a Debezium change event envelope)");
    const oa = this.opStart + 1;
    const ob = this.opEnd - 1;
    let op: DebeziumOp | null = null;
    if (ob - oa === 1) {
      switch (s.charCodeAt(oa)) {
        case 99:
          op = 'c';
          break;
        case 114:
          op = 'r';
          break;
        case 117:
          op = 'u';
          break;
        case 100:
          op = 'd';
          break;
        case 116:
          op = 't';
          break;
      }
    }
    if (op === null) {
      const raw = s.slice(this.opStart, this.opEnd);
      return this.bad('unknown-op', `unknown op ${raw}${raw === '"m"' ? ' (logical decoding message)' : ''}`);
    }
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
    for (const col of this.metaCols) {
      const a = this.metaStart[col * 2]!;
      let v: Value = null;
      if (a >= 0) {
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
