// The JavaScript envelope reader (the decoder's exact fallback path): walks one envelope object
// over the text's codes, fills an EventState, and reads row images and METADATA paths. Validates
// the whole text as JSON. Used when WebAssembly is unavailable and for the odd cases the fast
// path hands back (escaped keys, repeated keys, case-insensitive column names, ...).
import type { Value } from '../../catalog/types.js';
import type { EventState } from './event-state.js';
import { afterKey, afterValue, isNull, keyBytes, keyIs, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';
import type { MetadataPaths, MetaNode } from './metadata-paths.js';
import { snippet, type RowImageReader } from './row-image.js';
import type { SchemaCache } from './schema-block.js';

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

export class EnvelopeWalker {
  private st!: EventState;
  private payloadStart = -1;
  private schemaAfterPayload = false;

  constructor(
    private readonly template: readonly Value[],
    private readonly rows: RowImageReader,
    private readonly meta: MetadataPaths,
    private readonly schemas: SchemaCache,
  ) {}

  /**
   * Reads the envelope object at u[i] ('{') into st (reset by the caller); returns the index after
   * it, or -1 when malformed. Throws RangeError when nesting exhausts the stack.
   */
  read(s: string, u: Uint8Array, i: number, st: EventState): number {
    this.st = st;
    this.payloadStart = -1;
    this.schemaAfterPayload = false;
    this.rows.typeError = null;
    this.meta.nextEvent();
    const end = this.walk(s, u, i, true);
    if (end >= 0 && this.schemaAfterPayload && this.payloadStart >= 0 && u[this.payloadStart] === 123) {
      // the plans come from a schema that followed the payload: read the payload again
      const plans = st.plans;
      st.reset();
      st.plans = plans;
      this.rows.typeError = null;
      this.meta.nextEvent();
      if (this.walk(s, u, this.payloadStart, false) < 0) return -1;
    }
    return end;
  }

  /**
   * Walks an object at i ('{'): the top level (schema/payload or a bare envelope) when `top`,
   * else a payload envelope. Returns the index after the object, or -1 when malformed.
   */
  private walk(s: string, u: Uint8Array, i: number, top: boolean): number {
    const st = this.st;
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
          st.envelopeKeys++;
          i = this.image(s, u, i, 1);
          break;
        case K_BEFORE:
          st.envelopeKeys++;
          i = this.image(s, u, i, 0);
          break;
        case K_OP:
          st.envelopeKeys++;
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
            st.payloadNull = true;
            i = skipValue(u, i);
          }
          break;
        default:
          st.envelopeKeys++;
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
    const st = this.st;
    if (u[i] !== 34) {
      st.opText = null;
      return skipValue(u, i);
    }
    const q = stringEnd(u, i);
    if (q < 0) return -1;
    st.opText = str.escaped ? unescapeString(s, i + 1, q) : q === i + 2 ? s[i + 1]! : s.slice(i + 1, q);
    st.opStart = i;
    st.opEnd = q + 1;
    this.meta.recordOp(i, q + 1);
    return q + 1;
  }

  /** `before` (img 0) or `after` (img 1): null or a row object. */
  private image(s: string, u: Uint8Array, i: number, img: 0 | 1): number {
    const st = this.st;
    const c = u[i]!;
    if (c === 110) {
      if (!isNull(u, i)) return -1;
      if (img === 0) st.before = null;
      else st.after = null;
      return i + 4;
    }
    if (c !== 123) {
      const end = skipValue(u, i);
      if (end >= 0 && st.shapeError === null) st.shapeError = shapeMessage(img, s, i, end);
      return end;
    }
    const row = this.template.slice();
    if (img === 0) st.before = row;
    else st.after = row;
    const end = this.rows.read(s, u, i, img, row, st.plans);
    if (img === 0) st.beforeCount = this.rows.count;
    return end;
  }

  /** The "schema" value at i: null, or a Connect schema (cached by exact text). */
  private schemaBlock(s: string, u: Uint8Array, i: number): number {
    const st = this.st;
    if (this.payloadStart >= 0) this.schemaAfterPayload = true;
    if (u[i] !== 123) {
      st.plans = this.schemas.declared;
      return skipValue(u, i);
    }
    const hit = this.schemas.match(s, i);
    if (hit !== null) {
      st.plans = hit.plans;
      return i + hit.text.length;
    }
    const end = skipValue(u, i);
    if (end < 0) return -1;
    st.plans = this.schemas.plansFor(s, i, end);
    return end;
  }
}

/** The message of an image that is neither an object nor null. */
export function shapeMessage(img: number, s: string, a: number, b: number): string {
  return `'${img === 0 ? 'before' : 'after'}' must be an object or null, got ${snippet(s, a, b)}`;
}
