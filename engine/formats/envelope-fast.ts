// The WebAssembly fast path of the Debezium decoder: per event lets the walker (with the source's
// query, walker-query.ts) validate the text and locate the values, then converts the used ones
// into an EventState. Hands the event back (-2) whenever the JS walker must decide (odd shapes,
// type errors): it never words a bad record itself.
import { Buffer } from 'node:buffer';
import type { SourceColumn } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import { BAD, convNumber, convString, decimalTextAt, detach, MAX_TIMESTAMP_MS, type Converted } from './column-convert.js';
import type { EventState } from './event-state.js';
import { shapeMessage } from './envelope-walk.js';
import { num, unescapeString } from './json-scan.js';
import { base64SmallAt } from './debezium-values.js';
import type { JsonWalker, WalkerQuery } from './json-walker.js';
import { textOf, type LazyText } from './lazy-text.js';
import { buildEnvelopeQuery, RECORD, type MetaRecord } from './walker-query.js';
import type { MetadataPaths } from './metadata-paths.js';
import type { RowImageReader } from './row-image.js';
import { FAST_BIGINT, FAST_DECIMAL, FAST_TS_MS, FAST_TS_US, FAST_VARCHAR, type ColumnPlan, type SchemaCache, type SchemaEntry } from './schema-block.js';

const SCHEMA_KEY = '"schema":';
/** Where the schema value starts in an envelope written compactly ('{"schema":{...'). */
export const SCHEMA_VALUE_AT = 1 + SCHEMA_KEY.length;
const SCHEMA_KEY_BYTES = Buffer.from(SCHEMA_KEY, 'latin1');

/** The signed value of walker record r when it is an integer token of at most 15 digits (exact), else NaN. */
export function recordInteger(walker: JsonWalker, r: number): number {
  const info = walker.slots[r + 2]!;
  if ((info & 11) !== 9 || ((info >> 8) & 255) > 15) return Number.NaN;
  const m = walker.nums[(r + 4) >> 1]!;
  return (info & 4) !== 0 ? 0 - m : m;
}

/**
 * The epoch micros of walker record r for a FAST_TS_MS or FAST_TS_US plan when it is an integer
 * token of at most 15 digits in the TIMESTAMP range (as column-convert.ts converts it), else NaN.
 */
export function recordMicros(walker: JsonWalker, r: number, fast: number): number {
  const v = recordInteger(walker, r);
  if (fast === FAST_TS_US) return v; // 15 digits at most: in range
  return v <= MAX_TIMESTAMP_MS && v >= -MAX_TIMESTAMP_MS ? v * 1000 : Number.NaN;
}

/**
 * The unscaled value of walker record r for DECIMAL plan p when it is a safe integer computed
 * exactly as column-convert.ts would (an integer token, or a plain decimal string, of at most
 * 15 digits with the scale; a Connect Decimal of at most 6 bytes scaled up), else NaN (also when
 * out of the column's range: the caller's general path words that).
 */
export function recordDecimal(walker: JsonWalker, u: Uint8Array, r: number, p: ColumnPlan): number {
  const info = walker.slots[r + 2]!;
  const digits = (info >> 8) & 255;
  let m: number;
  if (p.decimalForm === 'bytes' && (info & 2) !== 0) {
    // convString: base64ToBigInt, rescaled from the schema's scale (only up: no rounding)
    if (p.bytesScale > p.scale || p.scale - p.bytesScale > 15) return Number.NaN;
    const v = base64SmallAt(u, walker.slots[r]! + 1, walker.slots[r + 1]! - 1) * POW10[p.scale - p.bytesScale]!;
    const abs = v < 0 ? 0 - v : v;
    return abs <= Number.MAX_SAFE_INTEGER && abs < p.limitNumber ? v : Number.NaN; // NaN stays NaN
  }
  if ((info & 11) === 9) {
    // an integer token (convNumber)
    if (digits + p.scale > 15) return Number.NaN;
    m = walker.nums[(r + 4) >> 1]! * POW10[p.scale]!;
  } else if ((info & 3) === 3 && p.decimalForm !== 'bytes') {
    // a plain decimal string (decimalTextAt)
    const frac = (info >> 16) & 255;
    if (frac > p.scale || digits + p.scale > 15) return Number.NaN;
    m = walker.nums[(r + 4) >> 1]! * POW10[p.scale - frac]!;
  } else return Number.NaN;
  if (m >= p.limitNumber) return Number.NaN;
  return (info & 4) !== 0 ? 0 - m : m;
}

export class FastEnvelope {
  private constructor(
    private readonly walker: JsonWalker,
    private readonly query: WalkerQuery,
    private readonly metaRecords: readonly MetaRecord[],
    /** Used physical columns, converted in this order. */
    private readonly readCols: readonly number[],
    private readonly template: readonly Value[],
    private readonly rows: RowImageReader,
    private readonly meta: MetadataPaths,
    private readonly schemas: SchemaCache,
  ) {}

  /** The fast path for one source, or null when the walker cannot take its query. */
  static create(
    walker: JsonWalker,
    columns: readonly SourceColumn[],
    wanted: Uint8Array,
    template: readonly Value[],
    rows: RowImageReader,
    meta: MetadataPaths,
    schemas: SchemaCache,
  ): FastEnvelope | null {
    const q = buildEnvelopeQuery(walker, columns, meta);
    if (q === null) return null;
    const readCols = columns.map((_, i) => i).filter((i) => columns[i]!.metadata === undefined && wanted[i] === 1);
    return new FastEnvelope(walker, q.query, q.metaRecords, readCols, template, rows, meta, schemas);
  }

  /**
   * The cached schema block an envelope starts with, written compactly as Debezium does
   * ('{"schema":' then the exact text of a schema seen before), or null.
   */
  cachedSchema(s: string): SchemaEntry | null {
    return this.schemas.size > 0 && s.charCodeAt(0) === 123 && s.startsWith(SCHEMA_KEY, 1) ? this.schemas.match(s, SCHEMA_VALUE_AT) : null;
  }

  /** cachedSchema() for the envelope whose UTF-8 bytes are u[a, end) (batch decoding). */
  cachedSchemaAt(u: Uint8Array, a: number, end: number): SchemaEntry | null {
    // byte by byte (a value shorter than the key may end the buffer: no out-of-range compare)
    if (this.schemas.size === 0 || end - a <= SCHEMA_VALUE_AT || u[a] !== 123) return null;
    const key = SCHEMA_KEY_BYTES;
    for (let k = 0; k < key.length; k++) if (u[a + 1 + k] !== key[k]) return null;
    return this.schemas.matchBytes(u, a + SCHEMA_VALUE_AT, end);
  }

  /**
   * Reads the envelope object at u[at] ('{'; with resume, right after the value of its leading
   * "schema" member, whose plans the caller set) into st (reset by the caller). Returns the index
   * after it, -1 when malformed, or -2 when the JS walker must read this event. Throws RangeError
   * when nesting exhausts the stack.
   */
  read(s: string, u: Uint8Array, at: number, resume: boolean, st: EventState): number {
    const end = this.walk(s, u, at, resume, st);
    if (end < 0) return end;
    return this.images(s, u, st) ? end : -2;
  }

  /**
   * The first half of read(): walks the envelope and fills st with everything but the images (op,
   * plans, shape error, tombstone facts); hasImage() and beforeCount() tell what the images hold.
   * A lazy text (the batch path: ASCII codes) is made a string only for rare cases.
   */
  walk(s: string | LazyText, u: Uint8Array, at: number, resume: boolean, st: EventState): number {
    this.rows.typeError = null;
    const end = this.walker.walk(this.query, at, resume);
    if (end < 0) return end;
    const slots = this.walker.slots;
    st.envelopeKeys = slots[0]!;
    if (!resume && slots[4] === 1) st.plans = this.schemas.plansFor(textOf(s), slots[5]!, slots[6]!);
    if (slots[7] === 2) st.payloadNull = true;
    if (slots[1] === 1) {
      const a = slots[2]!;
      const b = slots[3]!;
      let escaped = false;
      for (let k = a + 1; k < b - 1; k++) if (u[k] === 92) escaped = true;
      if (escaped) st.opText = unescapeString(textOf(s), a + 1, b - 1);
      else if (b !== a + 3) st.opText = textOf(s).slice(a + 1, b - 1);
      else st.opText = typeof s === 'string' ? s[a + 1]! : LATIN1_CHARS[u[a + 1]!]!;
      st.opStart = a;
      st.opEnd = b;
    }
    let shapeAt = -1;
    for (let img = 0; img < 2; img++) {
      const k = 10 + 4 * img;
      if (slots[k] === 3 && (shapeAt < 0 || slots[k + 1]! < shapeAt)) {
        shapeAt = slots[k + 1]!;
        st.shapeError = shapeMessage(img, textOf(s), shapeAt, slots[k + 2]!);
      }
    }
    return end;
  }

  /** After walk(): whether the envelope has image img (0 before, 1 after) as an object. */
  hasImage(img: number): boolean {
    return this.walker.slots[10 + 4 * img] === 2;
  }

  /** Whether the source reads METADATA columns (metaValues has work to do). */
  get hasMetadata(): boolean {
    return this.meta.cols.length > 0;
  }

  /** After walk(): declared physical columns present in the before image. */
  beforeCount(): number {
    return this.walker.slots[13]!;
  }

  /** Int32 index in the walker slots of column c's value record in image img (after walk()). */
  recordOf(img: number, c: number): number {
    return ((this.query.rowOff + RECORD * img * this.query.ncols) >> 2) + c * (RECORD >> 2);
  }

  /** The second half of read(): converts the images and METADATA values into st; false on a type error. */
  images(s: string, u: Uint8Array, st: EventState): boolean {
    const slots = this.walker.slots;
    for (let img = 0; img < 2; img++) {
      const k = 10 + 4 * img;
      if (slots[k] !== 2) continue;
      const row = this.template.slice();
      if (!this.image(s, u, img, row, st.plans)) return false;
      if (img === 0) {
        st.before = row;
        st.beforeCount = slots[k + 3]!;
      } else st.after = row;
    }
    if (!this.metaValues(s, u, st)) return false;
    const before = st.before;
    const after = st.after;
    const values = st.metaValues;
    const cols = this.meta.cols;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      if (before !== null) before[c] = values[c]!;
      if (after !== null) after[c] = values[c]!;
    }
    st.metaReady = true;
    return true;
  }

  /** Converts the METADATA values of the walked event into st.metaValues; false on a type error. */
  metaValues(s: string, u: Uint8Array, st: EventState): boolean {
    const cols = this.meta.cols;
    if (cols.length === 0) return true;
    const slots = this.walker.slots;
    const values = st.metaValues;
    for (let k = 0; k < cols.length; k++) values[cols[k]!] = null;
    const recs = this.metaRecords;
    for (let m = 0; m < recs.length; m++) {
      const r = recs[m]!;
      if (slots[r.at]! < 0) continue;
      for (let k = 0; k < r.cols.length; k++) {
        const c = r.cols[k]!;
        if (!this.convert(s, u, r.at, st.plans[c]!, values)) return false;
      }
    }
    const opCols = this.meta.opCols;
    if (opCols.length > 0 && st.opText !== null) {
      for (let k = 0; k < opCols.length; k++) {
        const c = opCols[k]!;
        const p = st.plans[c]!;
        const v =
          p.fast === FAST_VARCHAR ? st.opText : st.opText.length === st.opEnd - st.opStart - 2 ? convString(p, s, st.opStart + 1, st.opEnd - 1) : BAD;
        if (v !== BAD) values[c] = v;
        else {
          this.rows.value(s, u, st.opStart, p, values);
          if (this.rows.typeError !== null) return false;
        }
      }
    }
    return true;
  }

  /** Converts the used columns of image img; false on a type error (the JS walker words it). */
  private image(s: string, u: Uint8Array, img: number, row: Value[], plans: readonly ColumnPlan[]): boolean {
    const slots = this.walker.slots;
    const cols = this.readCols;
    const base = (this.query.rowOff + RECORD * img * this.query.ncols) >> 2;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const r = base + c * (RECORD >> 2);
      if (slots[r]! >= 0 && !this.convert(s, u, r, plans[c]!, row)) return false;
    }
    return true;
  }

  /**
   * Converts the value of walker record r (int32 index) for plan p into row[p.index]; false on a
   * type error. The inline cases compute exactly what column-convert.ts does for those tokens
   * (the walker's info bits: 1|2 kind, 4 negative, 8 integer, 16 value in the i32 slot).
   */
  convert(s: string, u: Uint8Array, r: number, p: ColumnPlan, row: Value[]): boolean {
    const slots = this.walker.slots;
    const info = slots[r + 2]!;
    switch (p.fast) {
      case FAST_BIGINT: {
        if ((info & 27) === 25) {
          row[p.index] = BigInt(slots[r + 3]!);
          return true;
        }
        const v = recordInteger(this.walker, r);
        if (v === v) {
          row[p.index] = BigInt(v);
          return true;
        }
        break;
      }
      case FAST_TS_MS:
      case FAST_TS_US: {
        const v = recordMicros(this.walker, r, p.fast);
        if (v === v) {
          row[p.index] = v;
          return true;
        }
        break;
      }
      case FAST_VARCHAR:
        if ((info & 2) !== 0) {
          row[p.index] = detach(s, slots[r]! + 1, slots[r + 1]! - 1);
          return true;
        }
        break;
      case FAST_DECIMAL: {
        const v = recordDecimal(this.walker, u, r, p);
        if (v === v) {
          row[p.index] = BigInt(v);
          return true;
        }
        break;
      }
    }
    return this.convertToken(s, u, r, p, row);
  }

  private convertToken(s: string, u: Uint8Array, r: number, p: ColumnPlan, row: Value[]): boolean {
    const slots = this.walker.slots;
    const a = slots[r]!;
    const b = slots[r + 1]!;
    const info = slots[r + 2]!;
    const kind = info & 3;
    let v: Converted;
    if (kind === 1) {
      num.isInt = (info & 8) !== 0;
      num.negative = (info & 4) !== 0;
      num.digits = (info >> 8) & 255;
      num.magnitude = this.walker.nums[(r + 4) >> 1]!;
      v = convNumber(p, s, a, b);
    } else if (kind === 0) {
      this.rows.value(s, u, a, p, row);
      return this.rows.typeError === null;
    } else if (p.fast === FAST_VARCHAR) {
      v = detach(s, a + 1, b - 1);
    } else {
      v = p.conv === 'decimal' && p.decimalForm !== 'bytes' ? decimalTextAt(p, u, a + 1, b - 1) : BAD;
      if (v === BAD) v = convString(p, s, a + 1, b - 1);
    }
    if (v === BAD) return false;
    row[p.index] = v;
    return true;
  }
}

/** The one-character strings of the codes 0..255 (as latin1 decoding makes them). */
const LATIN1_CHARS = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
