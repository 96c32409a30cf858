// Reads the `before`/`after` row objects of Debezium envelopes into positional rows: maps keys
// to declared columns (exact name first, else case-insensitive; per-position guesses make the
// usual fixed key order cheap), converts only the used columns, and counts the columns present.
// Records the first type error instead of throwing; returns -1 on malformed JSON.
import type { SourceColumn } from '../../catalog/model.js';
import type { Value } from '../../catalog/types.js';
import { BAD, convBoolean, convComposite, convNumber, convString, type Converted } from './column-convert.js';
import { equalsAt, keyIs, scanNumber, scanStringEnd, skipValue, skipWs, str, stringEnd, unescapeString } from './json-scan.js';
import type { ColumnPlan } from './schema-block.js';

export class RowImageReader {
  /** The first type error of the current event, if any (the caller resets it per event). */
  typeError: string | null = null;
  /** Distinct declared physical columns present in the last row read. */
  count = 0;
  private readonly exact = new Map<string, number>();
  private readonly lower = new Map<string, number>();
  // key-order guesses per image (0 = before, 1 = after): key text and (column * 2 + exact) or -1
  private readonly guessKey: string[][] = [[], []];
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

  /** Fills `row` from the row object at i; returns the index after it, or -1. */
  read(s: string, i: number, img: 0 | 1, row: Value[], plans: readonly ColumnPlan[]): number {
    const epoch = ++this.epoch;
    const stamp = this.stamp;
    const exactStamp = this.exactStamp;
    const wanted = this.wanted;
    const gk = this.guessKey[img]!;
    const gc = this.guessCol[img]!;
    let count = 0;
    i = skipWs(s, i + 1);
    if (s.charCodeAt(i) === 125) {
      this.count = 0;
      return i + 1;
    }
    for (let k = 0; ; k++) {
      if (s.charCodeAt(i) !== 34) return -1;
      const ks = i + 1;
      let ke: number;
      let code: number;
      const g = gk[k];
      if (g !== undefined && keyIs(s, ks, g)) {
        code = gc[k]!;
        ke = ks + g.length;
      } else {
        ke = stringEnd(s, i);
        if (ke < 0) return -1;
        code = this.lookupKey(s, ks, ke, str.escaped, img, k);
        if (code === -2) return -1;
      }
      i = ke + 1;
      if (s.charCodeAt(i) !== 58) {
        i = skipWs(s, i);
        if (s.charCodeAt(i) !== 58) return -1;
      }
      i++;
      if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
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
      if (c !== 125) return -1;
      this.count = count;
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
  value(s: string, i: number, p: ColumnPlan, row: Value[]): number {
    const c = s.charCodeAt(i);
    let v: Converted;
    let end: number;
    if (c === 34) {
      const q = scanStringEnd(s, i);
      if (q < 0) return -1;
      end = q + 1;
      if (str.escaped) {
        const u = unescapeString(s, i + 1, q);
        if (u === null) return -1;
        v = convString(p, u, 0, u.length);
      } else {
        v = convString(p, s, i + 1, q);
      }
    } else if (c === 110) {
      if (!equalsAt(s, i, 'null')) return -1;
      end = i + 4;
      v = p.nullable ? null : BAD;
    } else if (c === 116 || c === 102) {
      const lit = c === 116 ? 'true' : 'false';
      if (!equalsAt(s, i, lit)) return -1;
      end = i + lit.length;
      v = convBoolean(p, c === 116);
    } else if (c === 123 || c === 91) {
      end = skipValue(s, i);
      if (end < 0) return -1;
      v = convComposite(p, s, i, end);
    } else {
      end = scanNumber(s, i);
      if (end < 0) return -1;
      v = convNumber(p, s, i, end);
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
