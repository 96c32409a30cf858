// Compact, column-major JSON encoding of many rows of one layout for checkpoints: one array per
// column (bigints as JSON numbers when every one is a safe integer, else as decimal strings; plain
// numbers and strings as-is), so a million rows cost a handful of arrays rather than an object
// per value. Pure functions; no I/O.
import type { JsonValue, Row, Value } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';

export type ColumnJson =
  | { readonly t: 'n'; readonly v: (number | null)[] }
  | { readonly t: 'i'; readonly v: (string | null)[] }
  | { readonly t: 'I'; readonly v: (number | null)[] }
  | { readonly t: 's'; readonly v: (string | null)[] }
  | { readonly t: 'j'; readonly v: JsonValue[] };

export interface RowsJson {
  readonly n: number;
  readonly cols: ColumnJson[];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function columnTag(rows: readonly Row[], c: number): ColumnJson['t'] {
  let tag: ColumnJson['t'] | undefined;
  let safe = true;
  for (const row of rows) {
    const v = row[c] ?? null;
    if (v === null) continue;
    const t = typeof v === 'bigint' ? 'i' : typeof v === 'string' ? 's' : typeof v === 'number' && Number.isFinite(v) ? 'n' : 'j';
    if (t === 'j') return 'j';
    if (t === 'i' && safe && ((v as bigint) > MAX_SAFE || (v as bigint) < -MAX_SAFE)) safe = false;
    if (tag === undefined) tag = t;
    else if (tag !== t) return 'j';
  }
  return tag === 'i' && safe ? 'I' : tag ?? 'n';
}

/** Encode `rows` (each `width` values; missing trailing values read as NULL). */
export function encodeRows(rows: readonly Row[], width: number): RowsJson {
  const cols: ColumnJson[] = [];
  const n = rows.length;
  for (let c = 0; c < width; c++) {
    const tag = columnTag(rows, c);
    switch (tag) {
      case 'n': {
        const v = new Array<number | null>(n);
        for (let r = 0; r < n; r++) v[r] = (rows[r]![c] ?? null) as number | null;
        cols.push({ t: 'n', v });
        break;
      }
      case 'i': {
        const v = new Array<string | null>(n);
        for (let r = 0; r < n; r++) {
          const x = rows[r]![c] ?? null;
          v[r] = x === null ? null : (x as bigint).toString();
        }
        cols.push({ t: 'i', v });
        break;
      }
      case 'I': {
        const v = new Array<number | null>(n);
        for (let r = 0; r < n; r++) {
          const x = rows[r]![c] ?? null;
          v[r] = x === null ? null : Number(x as bigint);
        }
        cols.push({ t: 'I', v });
        break;
      }
      case 's': {
        const v = new Array<string | null>(n);
        for (let r = 0; r < n; r++) v[r] = (rows[r]![c] ?? null) as string | null;
        cols.push({ t: 's', v });
        break;
      }
      case 'j': {
        const v = new Array<JsonValue>(n);
        for (let r = 0; r < n; r++) v[r] = valueToJson(rows[r]![c] ?? null);
        cols.push({ t: 'j', v });
        break;
      }
    }
  }
  return { n, cols };
}

/** Decode what encodeRows produced back into mutable rows. */
export function decodeRows(json: RowsJson): Value[][] {
  const { n, cols } = json;
  const rows: Value[][] = new Array<Value[]>(n);
  for (let r = 0; r < n; r++) rows[r] = new Array<Value>(cols.length);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c]!;
    switch (col.t) {
      case 'n':
      case 's':
        for (let r = 0; r < n; r++) rows[r]![c] = col.v[r] ?? null;
        break;
      case 'i':
        for (let r = 0; r < n; r++) {
          const s = col.v[r] ?? null;
          rows[r]![c] = s === null ? null : BigInt(s);
        }
        break;
      case 'I':
        for (let r = 0; r < n; r++) {
          const x = col.v[r] ?? null;
          rows[r]![c] = x === null ? null : BigInt(x);
        }
        break;
      case 'j':
        for (let r = 0; r < n; r++) rows[r]![c] = valueFromJson(col.v[r] ?? null);
        break;
    }
  }
  return rows;
}
