// Reads the `before`/`after` row objects of Debezium envelopes into positional rows: maps keys
// to declared columns (exact name first, else case-insensitive; per-position guesses make the
// usual fixed key order cheap), converts only the used columns, and counts the columns present.
// Records the first type error instead of throwing; returns -1 on malformed JSON.
import type { SourceColumn } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import { BAD, convBoolean, convComposite, convNumber, convString, decimalTextAt, type Converted } from './column-convert.js';
import { afterKey, afterValue, isFalse, isNull, isTrue, keyBytes, keyIs, scanNumber, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';
import type { ColumnPlan } from './schema-block.js';

const MAX_GUESSES = 256;
const NO_KEY = new Uint8Array(0);

export class RowImageReader {
  /** The first type error of the current event, if any (the caller resets it per event). */
  typeError: string | null = null;
  /** Distinct declared physical columns present in the last row read. */
  count = 0;
  private readonly exact = new Map<string, number>();
  private readonly lower = new Map<string, number>();
  // key-order guesses per image (0 = before, 1 = after): key bytes and (column * 2 + exact) or -1
  private readonly guessKey: Uint8Array[][] = [[], []];
  private readonly guessCol: number[][] = [[], []];
  // stamp[col] = epoch of the row read that saw it, exactStamp when seen by its exact name
  private readonly stamp: Int32Array;
  private readonly exactStamp: Int32Array;
  private epoch = 0;

  constructor(
    columns: readonly SourceColumn[],
    private readonly wanted: Uint8Array,
  ) {
    this.stamp = new Int32Array(columns.length);
    this.exactStamp = new Int32Array(columns.length);
    columns.forEach((c, i) => {
      if (c.metadata !== undefined) return;
      if (!this.exact.has(c.name)) this.exact.set(c.name, i);
      const l = c.name.toLowerCase();
      if (!this.lower.has(l)) this.lower.set(l, i);
    });
  }

  /**
   * Fills `row` from the row object at i ('{') of text s (codes u, see loadCodes); returns the
   * index after it, or -1.
   */
  read(s: string, u: Uint8Array, i: number, img: 0 | 1, row: Value[], plans: readonly ColumnPlan[]): number {
    const epoch = ++this.epoch;
    const stamp = this.stamp;
    const exactStamp = this.exactStamp;
    const wanted = this.wanted;
    const gk = this.guessKey[img]!;
    const gc = this.guessCol[img]!;
    let count = 0;
    i = skipWs(u, i + 1);
    if (u[i] === 125) {
      this.count = 0;
      return i + 1;
    }
    for (let k = 0; ; k++) {
      if (u[i] !== 34) return -1;
      const ks = i + 1;
      let ke: number;
      let code: number;
      const g = k < gk.length ? gk[k]! : NO_KEY;
      if (g.length > 0 && keyIs(u, ks, g)) {
        code = gc[k]!;
        ke = ks + g.length;
      } else {
        ke = stringEnd(u, i);
        if (ke < 0) return -1;
        code = this.lookupKey(s, ks, ke, str.escaped, img, k);
        if (code === -2) return -1;
      }
      i = afterKey(u, ke);
      if (i < 0) return -1;
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
        i = take && wanted[col] === 1 ? this.value(s, u, i, plans[col]!, row) : skipValue(u, i);
      } else {
        i = skipValue(u, i);
      }
      if (i < 0) return -1;
      i = afterValue(u, i, 125);
      if (i <= 0) {
        if (i === 0) return -1;
        this.count = count;
        return -i;
      }
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
    // plain keys of at most U+00FF characters can be guessed byte-wise at this position next time
    if (!escaped && k < MAX_GUESSES && key.length > 0 && !/[^\x00-\xff]/.test(key)) {
      const gk = this.guessKey[img]!;
      const gc = this.guessCol[img]!;
      while (gk.length < k) {
        gk.push(NO_KEY);
        gc.push(-1);
      }
      gk[k] = keyBytes(key);
      gc[k] = code;
    }
    return code;
  }

  /** Converts the value at i for column plan p into row[p.index]; returns the index after it, or -1. */
  value(s: string, u: Uint8Array, i: number, p: ColumnPlan, row: Value[]): number {
    const c = u[i]!;
    let v: Converted;
    let end: number;
    if (c === 34) {
      const q = stringEnd(u, i);
      if (q < 0) return -1;
      end = q + 1;
      if (str.escaped) {
        const t = unescapeString(s, i + 1, q);
        if (t === null) return -1;
        v = convString(p, t, 0, t.length);
      } else {
        // plain decimal text ("12.50") straight from the codes, anything else from the string
        v = p.conv === 'decimal' && p.decimalForm !== 'bytes' ? decimalTextAt(p, u, i + 1, q) : BAD;
        if (v === BAD) v = convString(p, s, i + 1, q);
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      end = scanNumber(u, i);
      if (end < 0) return -1;
      v = convNumber(p, s, i, end);
    } else if (c === 110) {
      if (!isNull(u, i)) return -1;
      end = i + 4;
      v = p.nullable ? null : BAD;
    } else if (c === 116) {
      if (!isTrue(u, i)) return -1;
      end = i + 4;
      v = convBoolean(p, true);
    } else if (c === 102) {
      if (!isFalse(u, i)) return -1;
      end = i + 5;
      v = convBoolean(p, false);
    } else if (c === 123 || c === 91) {
      end = skipValue(u, i);
      if (end < 0) return -1;
      v = convComposite(p, s, i, end);
    } else {
      return -1;
    }
    if (v === BAD) {
      if (this.typeError === null) this.typeError = `column '${p.name}': expected ${p.typeText}, got ${snippet(s, i, end)}`;
    } else {
      row[p.index] = v;
    }
    return end;
  }
}

/** The raw JSON text of a value, shortened for messages. */
export function snippet(s: string, a: number, b: number): string {
  return b - a > 80 ? s.slice(a, a + 77) + '...' : s.slice(a, b);
}
