// Scalar functions and operators for the evaluator, each compiled for its argument types:
// arithmetic (wrapping INT/BIGINT, exact DECIMAL, DOUBLE, temporal), string functions (code-point
// LENGTH/SUBSTRING, TRIM, LIKE), ROUND/FLOOR/CEIL/ABS and EXTRACT/DATE_TRUNC.
// Pure closures; NULL in any argument gives NULL unless the function says otherwise.
import type { DataType, Row, Value } from '../../catalog/types.js';
import { divHalfUp, pow10, rescale } from './decimal.js';
import type { Compiled } from './evaluate-cast.js';
import { roundHalfAway } from './evaluate-cast.js';
import type { ExtractField, TruncUnit } from './temporal.js';
import { MICROS_PER_DAY, dateTrunc, extractField } from './temporal.js';

type Op2 = (x: Value, y: Value) => Value;

/** Applies a binary operation with NULL propagation. */
export function binary(a: Compiled, b: Compiled, op: Op2): Compiled {
  return (row: Row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    return y === null ? null : op(x, y);
  };
}

export function unary(a: Compiled, op: (x: Value) => Value): Compiled {
  return (row: Row) => {
    const x = a(row);
    return x === null ? null : op(x);
  };
}

/** `op` on operands of types `lt`, `rt` (already coerced by the binder) giving type `out`. */
export function arithmetic(op: string, lt: DataType, rt: DataType, out: DataType): Op2 {
  if (out.kind === 'int' || (out.kind === 'date' && lt.kind !== 'date' && rt.kind !== 'date')) return intOp(op);
  if (out.kind === 'bigint') return bigOp(op);
  if (out.kind === 'decimal') {
    const ls = lt.kind === 'decimal' ? lt.scale : 0;
    const rs = rt.kind === 'decimal' ? rt.scale : 0;
    return decimalOp(op, ls, rs, out.scale);
  }
  if (out.kind === 'interval' && (op === '*' || op === '/')) {
    return op === '*'
      ? (x, y) => Math.round((x as number) * (y as number))
      : (x, y) => ((y as number) === 0 ? null : Math.round((x as number) / (y as number)));
  }
  // double, timestamp +/- interval, interval +/- interval, date +/- int, date - date
  switch (op) {
    case '+':
      return (x, y) => (x as number) + (y as number);
    case '-':
      return (x, y) => (x as number) - (y as number);
    case '*':
      return (x, y) => (x as number) * (y as number);
    case '/':
      return (x, y) => ((y as number) === 0 ? null : (x as number) / (y as number));
    default:
      return (x, y) => ((y as number) === 0 ? null : (x as number) % (y as number));
  }
}

/** 32-bit integer arithmetic that wraps on overflow (as Java/Flink INT does); x/0 is NULL. */
function intOp(op: string): Op2 {
  switch (op) {
    case '+':
      return (x, y) => ((x as number) + (y as number)) | 0;
    case '-':
      return (x, y) => ((x as number) - (y as number)) | 0;
    case '*':
      return (x, y) => Math.imul(x as number, y as number);
    case '/':
      return (x, y) => ((y as number) === 0 ? null : ((x as number) / (y as number)) | 0);
    default:
      return (x, y) => ((y as number) === 0 ? null : ((x as number) % (y as number)) | 0);
  }
}

/** 64-bit integer arithmetic that wraps on overflow; x/0 is NULL. */
function bigOp(op: string): Op2 {
  switch (op) {
    case '+':
      return (x, y) => BigInt.asIntN(64, (x as bigint) + (y as bigint));
    case '-':
      return (x, y) => BigInt.asIntN(64, (x as bigint) - (y as bigint));
    case '*':
      return (x, y) => BigInt.asIntN(64, (x as bigint) * (y as bigint));
    case '/':
      return (x, y) => ((y as bigint) === 0n ? null : BigInt.asIntN(64, (x as bigint) / (y as bigint)));
    default:
      return (x, y) => ((y as bigint) === 0n ? null : (x as bigint) % (y as bigint));
  }
}

/** Exact decimal arithmetic on unscaled values with scales ls, rs giving scale `s`. */
function decimalOp(op: string, ls: number, rs: number, s: number): Op2 {
  switch (op) {
    case '+':
    case '-': {
      const fl = pow10(s - ls);
      const fr = pow10(s - rs);
      const sign = op === '+' ? 1n : -1n;
      if (fl === 1n && fr === 1n) return op === '+' ? (x, y) => (x as bigint) + (y as bigint) : (x, y) => (x as bigint) - (y as bigint);
      return (x, y) => (x as bigint) * fl + sign * ((y as bigint) * fr);
    }
    case '*': {
      const natural = ls + rs;
      if (natural === s) return (x, y) => (x as bigint) * (y as bigint);
      return (x, y) => rescale((x as bigint) * (y as bigint), natural, s);
    }
    default: {
      // '%': both operands at the result scale
      const fl = pow10(s - ls);
      const fr = pow10(s - rs);
      return (x, y) => ((y as bigint) === 0n ? null : ((x as bigint) * fl) % ((y as bigint) * fr));
    }
  }
}

export function negate(t: DataType): (x: Value) => Value {
  if (t.kind === 'int') return (x) => -(x as number) | 0;
  if (t.kind === 'bigint') return (x) => BigInt.asIntN(64, -(x as bigint));
  if (t.kind === 'decimal') return (x) => -(x as bigint);
  return (x) => -(x as number);
}

// ---------- numeric functions ----------

/** ROUND(x, n) with a constant n; for decimals the result scale is max(0, min(n, scale)). */
export function round(t: DataType, n: number): (x: Value) => Value {
  switch (t.kind) {
    case 'decimal': {
      const s = t.scale;
      if (n >= s) return (x) => x;
      if (n >= 0) return (x) => rescale(x as bigint, s, n);
      const d = pow10(s - n);
      const m = pow10(-n);
      return (x) => divHalfUp(x as bigint, d) * m;
    }
    case 'double': {
      const f = 10 ** Math.abs(n);
      if (n >= 0) return (x) => roundHalfAway((x as number) * f) / f;
      return (x) => roundHalfAway((x as number) / f) * f;
    }
    case 'bigint': {
      if (n >= 0) return (x) => x;
      const d = pow10(-n);
      return (x) => divHalfUp(x as bigint, d) * d;
    }
    default: {
      if (n >= 0) return (x) => x;
      const d = 10 ** -n;
      return (x) => roundHalfAway((x as number) / d) * d | 0;
    }
  }
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
};

export function floorCeil(t: DataType, ceil: boolean): (x: Value) => Value {
  if (t.kind === 'decimal') {
    const d = pow10(t.scale);
    return ceil ? (x) => -floorDiv(-(x as bigint), d) : (x) => floorDiv(x as bigint, d);
  }
  if (t.kind === 'double') return ceil ? (x) => Math.ceil(x as number) : (x) => Math.floor(x as number);
  return (x) => x;
}

export function abs(t: DataType): (x: Value) => Value {
  if (t.kind === 'bigint' || t.kind === 'decimal') return (x) => ((x as bigint) < 0n ? -(x as bigint) : x);
  if (t.kind === 'int') return (x) => Math.abs(x as number) | 0;
  return (x) => Math.abs(x as number);
}

// ---------- strings ----------

const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of Unicode code points. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

/** SUBSTRING(s FROM start [FOR len]) with PostgreSQL's 1-based, clamped semantics (code points). */
export function substring(s: string, start: number, len: number | undefined): Value {
  if (len !== undefined && len < 0) return null;
  const chars = SURROGATE.test(s) ? Array.from(s) : undefined;
  const n = chars ? chars.length : s.length;
  const from = Math.max(start, 1);
  const to = len === undefined ? n + 1 : Math.min(start + len, n + 1);
  if (to <= from) return '';
  return chars ? chars.slice(from - 1, to - 1).join('') : s.slice(from - 1, to - 1);
}

/** TRIM/LTRIM/RTRIM of the characters in `chars` (a space by default). */
export function trim(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (chars === ' ') {
    if (left) while (a < b && s.charCodeAt(a) === 32) a++;
    if (right) while (b > a && s.charCodeAt(b - 1) === 32) b--;
  } else {
    if (left) while (a < b && chars.includes(s[a]!)) a++;
    if (right) while (b > a && chars.includes(s[b - 1]!)) b--;
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** LIKE pattern (% any run, _ one character, backslash escapes) to an anchored RegExp. */
export function likeRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]!);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(re + '$', 'u');
}

// only syntax characters may be escaped in a /u pattern (`\-` is an error there)
const escapeRe = (c: string): string => (/[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c);

/** Matcher for LIKE; a constant pattern is compiled once, others per distinct pattern seen. */
export function likeMatcher(patternConst: string | null | undefined): (s: string, p: string) => boolean {
  if (typeof patternConst === 'string') {
    const re = likeRegExp(patternConst);
    return (s) => re.test(s);
  }
  let lastPattern: string | undefined;
  let lastRe: RegExp | undefined;
  return (s, p) => {
    if (p !== lastPattern) {
      lastPattern = p;
      lastRe = likeRegExp(p);
    }
    return lastRe!.test(s);
  };
}

// ---------- temporal ----------

/** EXTRACT(field FROM x) for a DATE (days) or TIMESTAMP (microseconds) argument. */
export function extract(field: ExtractField, t: DataType): (x: Value) => Value {
  if (t.kind === 'date') return (x) => extractField(field, (x as number) * MICROS_PER_DAY);
  return (x) => extractField(field, x as number);
}

export function truncate(unit: TruncUnit): (x: Value) => Value {
  return (x) => dateTrunc(unit, x as number);
}
