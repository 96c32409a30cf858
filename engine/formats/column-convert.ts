// Converts one JSON token of a Debezium row image (string, number, boolean, object/array) into
// the runtime Value of its column plan (catalog/types.ts representation), or BAD when the token
// does not fit the declared type. Exact: integers and decimals never pass through a double.
// No I/O, no JSON.parse except for the rare VariableScaleDecimal struct.
import type { Value } from '../../catalog/types.js';
import type { ColumnPlan } from './schema-block.js';
import { num } from './json-scan.js';
import {
  base64ToBigInt,
  base64ToBytes,
  epochTextToMicros,
  parseBigIntText,
  parseDateDays,
  parseDecimalText,
  parseIntegerFloor,
  parseTimestampMicros,
  rescale,
} from './debezium-values.js';

export const BAD: unique symbol = Symbol('bad');
export type Converted = Value | typeof BAD;

const DAY_US = 86_400_000_000;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];
const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A substring that does not keep the whole event text alive: V8 represents substrings of 13+
 * characters as slices of their parent, and rows may live long in operator state.
 */
export function detach(s: string, a: number, b: number): string {
  if (b - a < 13) return s.slice(a, b);
  const t = ' ' + s.slice(a, b);
  t.charCodeAt(1); // flattens the cons string into a fresh copy
  return t.slice(1);
}

function floorTo(v: number, m: number): number {
  if (m === 1) return v;
  const r = v % m;
  return r === 0 ? v : r > 0 ? v - r : v - r - m;
}

/**
 * Plain decimal text u[a..b) ('-12.5', at most `scale` fraction digits, no exponent) whose unscaled
 * value fits 15 digits, converted from the character codes; BAD for any other text (the caller
 * then takes the general string path, which also words the type error).
 */
export function decimalTextAt(p: ColumnPlan, u: Uint8Array, a: number, b: number): Converted {
  let i = a;
  let c = u[i]!;
  const neg = c === 45;
  if (neg) c = u[++i]!;
  const start = i;
  let m = 0;
  while (c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    c = u[++i]!;
  }
  const intDigits = i - start;
  let frac = 0;
  if (c === 46) {
    const fs = ++i;
    c = u[i]!;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      c = u[++i]!;
    }
    frac = i - fs;
    if (frac === 0) return BAD;
  }
  if (i !== b || intDigits + frac === 0 || frac > p.scale || intDigits + p.scale > 15) return BAD;
  m *= POW10[p.scale - frac]!;
  if (m >= p.limitNumber) return BAD;
  return BigInt(neg ? 0 - m : m);
}

function checkDecimal(p: ColumnPlan, v: bigint | null): Converted {
  if (v === null) return BAD;
  return (v < 0n ? -v : v) < p.limit ? v : BAD;
}

/**
 * A TIMESTAMP value (epoch micros) when it is a safe integer, i.e. within ±2^53 µs of the epoch
 * (1684-10-23 to 2255-06-05; the engine computes times as exact doubles), else BAD.
 */
function timestampMicros(us: number): Converted {
  return us <= MAX_TIMESTAMP_US && us >= -MAX_TIMESTAMP_US ? us : BAD;
}
/** The largest |epoch micros| of a TIMESTAMP, and of epoch millis that convert to one. */
export const MAX_TIMESTAMP_US = Number.MAX_SAFE_INTEGER;
export const MAX_TIMESTAMP_MS = Math.floor(MAX_TIMESTAMP_US / 1000);

/** Epoch micros of an integer in the plan's unit to the column value (date: days; timestamp: truncated micros). */
function fromMicros(p: ColumnPlan, us: number): Converted {
  if (us !== us || !Number.isFinite(us)) return BAD;
  if (p.conv === 'date') return Math.floor(us / DAY_US);
  return timestampMicros(floorTo(us, p.truncMicros));
}

/** Integer text s[a..b) as an epoch value in the plan's unit. */
function epochText(p: ColumnPlan, s: string, a: number, b: number): Converted {
  if (p.unit === 'days') {
    const d = parseIntegerFloor(s, a, b, 0);
    if (d !== d) return BAD;
    return p.conv === 'date' ? d : fromMicros(p, d * DAY_US);
  }
  return fromMicros(p, epochTextToMicros(s, a, b, p.unit));
}

/** A JSON string token whose content is c[a..b) (already unescaped if it had escapes). */
export function convString(p: ColumnPlan, c: string, a: number, b: number): Converted {
  switch (p.conv) {
    case 'varchar':
    case 'json':
      return detach(c, a, b);
    case 'decimal': {
      if (p.decimalForm === 'bytes') {
        const v = base64ToBigInt(c, a, b);
        return checkDecimal(p, v === null ? null : rescale(v, p.bytesScale, p.scale));
      }
      const t = parseDecimalText(c, a, b, p.scale);
      if (t !== null || p.decimalForm === 'text') return checkDecimal(p, t);
      const v = base64ToBigInt(c, a, b, true); // no schema: a non-numeric string may be a Connect Decimal
      return checkDecimal(p, v === null ? null : rescale(v, p.bytesScale, p.scale));
    }
    case 'bigint': {
      const v = parseBigIntText(c, a, b);
      return v === null ? BAD : v;
    }
    case 'int': {
      const v = parseIntegerFloor(c, a, b, 0);
      return v >= INT32_MIN && v <= INT32_MAX ? v : BAD;
    }
    case 'double': {
      const t = c.slice(a, b);
      if (t === 'NaN') return NaN;
      if (t === 'Infinity') return Infinity;
      if (t === '-Infinity') return -Infinity;
      return DOUBLE_TEXT.test(t) ? Number(t) : BAD;
    }
    case 'boolean':
      if (b - a === 4 && c.startsWith('true', a)) return true;
      if (b - a === 5 && c.startsWith('false', a)) return false;
      return BAD;
    case 'date': {
      const d = parseDateDays(c, a, b);
      return d === d ? d : epochText(p, c, a, b);
    }
    case 'timestamp': {
      const us = parseTimestampMicros(c, a, b);
      return us === us ? timestampMicros(floorTo(us, p.truncMicros)) : epochText(p, c, a, b);
    }
    case 'bytes': {
      const v = base64ToBytes(c, a, b);
      return v === null ? BAD : v;
    }
  }
}

/** A JSON number token s[a..b); `num` holds the facts scanNumber found. */
export function convNumber(p: ColumnPlan, s: string, a: number, b: number): Converted {
  const small = num.isInt && num.digits <= 15;
  switch (p.conv) {
    case 'bigint':
      if (!num.isInt) return BAD;
      if (small) return BigInt(num.negative ? 0 - num.magnitude : num.magnitude);
      return parseBigIntText(s, a, b) ?? BAD;
    case 'int':
      if (!num.isInt || num.digits > 10) return BAD;
      {
        const v = num.negative ? 0 - num.magnitude : num.magnitude;
        return v >= INT32_MIN && v <= INT32_MAX ? v : BAD;
      }
    case 'double':
      return small ? (num.negative ? 0 - num.magnitude : num.magnitude) : Number(s.slice(a, b));
    case 'decimal': {
      if (small && num.digits + p.scale <= 15) {
        const m = num.magnitude * POW10[p.scale]!;
        return m < p.limitNumber ? BigInt(num.negative ? 0 - m : m) : BAD;
      }
      return checkDecimal(p, parseDecimalText(s, a, b, p.scale));
    }
    case 'boolean':
      if (num.isInt && num.digits === 1 && !num.negative && num.magnitude <= 1) return num.magnitude === 1;
      return BAD;
    case 'varchar':
    case 'json':
      return detach(s, a, b);
    case 'date':
    case 'timestamp':
      if (!num.isInt) return BAD;
      if (small && p.unit !== 'ns') {
        const v = num.negative ? 0 - num.magnitude : num.magnitude;
        if (p.conv === 'timestamp') {
          // whole milliseconds/days are already truncated for TIMESTAMP(3..6)/any precision
          if (p.unit === 'ms') return timestampMicros(p.truncMicros > 1000 ? floorTo(v * 1000, p.truncMicros) : v * 1000);
          if (p.unit === 'us') return floorTo(v, p.truncMicros); // 15 digits at most: in range
          return timestampMicros(v * DAY_US);
        }
        if (p.unit === 'days') return v;
        return fromMicros(p, p.unit === 'ms' ? v * 1000 : v);
      }
      return epochText(p, s, a, b);
    case 'bytes':
      return BAD;
  }
}

/** A JSON true/false literal. */
export function convBoolean(p: ColumnPlan, v: boolean): Converted {
  switch (p.conv) {
    case 'boolean':
      return v;
    case 'varchar':
    case 'json':
      return v ? 'true' : 'false';
    default:
      return BAD;
  }
}

/** A JSON object or array token s[a..b). */
export function convComposite(p: ColumnPlan, s: string, a: number, b: number): Converted {
  if (p.conv === 'json') return detach(s, a, b);
  if (p.conv === 'decimal' && s.charCodeAt(a) === 123) return variableScaleDecimal(p, s.slice(a, b));
  return BAD;
}

/** io.debezium.data.VariableScaleDecimal: {"scale": n, "value": "<base64 unscaled>"}. */
function variableScaleDecimal(p: ColumnPlan, text: string): Converted {
  const o = JSON.parse(text) as Record<string, unknown>;
  const scale = o['scale'];
  const value = o['value'];
  if (typeof scale !== 'number' || !Number.isInteger(scale) || typeof value !== 'string') return BAD;
  const v = base64ToBigInt(value, 0, value.length);
  return checkDecimal(p, v === null ? null : rescale(v, scale, p.scale));
}
