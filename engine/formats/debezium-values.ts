// Exact value conversions used by the Debezium decoder, working on spans of the event text:
// decimal text and base64 (two's complement) to unscaled bigint with HALF_UP rescaling, base64
// to bytes, ISO-8601 dates/timestamps to days/microseconds, big integer text without doubles.
// Pure functions; they never go through JSON.parse or parseFloat for exact types.

const B64 = new Int8Array(128).fill(-1);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let k = 0; k < 64; k++) B64[alphabet.charCodeAt(k)] = k;
  B64[45] = 62; // '-' (base64url)
  B64[95] = 63; // '_' (base64url)
}

let scratch = new Uint8Array(64);

/** Decodes base64 (standard or url-safe, padding optional) in s[a..b) into `scratch`; byte count or -1. */
function decodeBase64(s: string, a: number, b: number): number {
  while (b > a && s.charCodeAt(b - 1) === 61) b--; // '=' padding
  const len = b - a;
  if (len % 4 === 1) return -1;
  const bytes = (len * 3) >> 2;
  if (scratch.length < bytes) scratch = new Uint8Array(bytes * 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    const v = c < 128 ? B64[c]! : -1;
    if (v < 0) return -1;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      scratch[o++] = (acc >> bits) & 0xff;
    }
  }
  return o;
}

/** Base64 text to a fresh Uint8Array, or null when it is not base64. */
export function base64ToBytes(s: string, a: number, b: number): Uint8Array | null {
  const n = decodeBase64(s, a, b);
  return n < 0 ? null : scratch.slice(0, n);
}

/**
 * Base64 of a big-endian two's-complement integer (Connect Decimal) to bigint, or null.
 * `padded`: require the canonical padded form (length a multiple of 4), as Connect writes it.
 */
export function base64ToBigInt(s: string, a: number, b: number, padded = false): bigint | null {
  if (padded && (b - a) % 4 !== 0) return null;
  const n = decodeBase64(s, a, b);
  if (n < 0) return null;
  if (n === 0) return 0n;
  if (n <= 6) {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 256 + scratch[k]!;
    if (scratch[0]! >= 0x80) v -= 2 ** (8 * n);
    return BigInt(v);
  }
  let hex = '';
  for (let k = 0; k < n; k++) hex += (scratch[k]! < 16 ? '0' : '') + scratch[k]!.toString(16);
  let v = BigInt('0x' + hex);
  if (scratch[0]! >= 0x80) v -= 1n << BigInt(8 * n);
  return v;
}

/**
 * base64ToBigInt (not padded) of the ASCII codes u[a, b), as a number, for the common short case:
 * at most 6 bytes (a safe integer). NaN when it is longer or not base64 (the caller falls back).
 */
export function base64SmallAt(u: Uint8Array, a: number, b: number): number {
  while (b > a && u[b - 1] === 61) b--; // '=' padding
  const len = b - a;
  if (len > 8 || len % 4 === 1) return Number.NaN;
  let v = 0;
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let k = a; k < b; k++) {
    const c = u[k]!;
    const d = c < 128 ? B64[c]! : -1;
    if (d < 0) return Number.NaN;
    acc = ((acc << 6) | d) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      if (n === 0 && byte >= 0x80) v = -1; // two's complement: the sign extends
      v = v * 256 + byte;
      n++;
    }
  }
  return v;
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export function pow10n(k: number): bigint {
  return 10n ** BigInt(k);
}

/** Rescales an unscaled value from scale `from` to scale `to`, rounding HALF_UP (away from zero). */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (from === to) return v;
  if (from < to) return v * pow10n(to - from);
  const d = pow10n(from - to);
  const q = v / d;
  const r = v % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return v < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Decimal text ('12.50', '-3', '1.5E+3', '.5') in s[a..b) to the unscaled bigint at `scale`,
 * rounding HALF_UP; null when the text is not a number. Never goes through a double.
 */
export function parseDecimalText(s: string, a: number, b: number, scale: number): bigint | null {
  let i = a;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = s.charCodeAt(++i);
  }
  const intStart = i;
  while (i < b && c >= 48 && c <= 57) c = s.charCodeAt(++i);
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < b && c === 46) {
    fracStart = ++i;
    c = s.charCodeAt(i);
    while (i < b && c >= 48 && c <= 57) c = s.charCodeAt(++i);
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return null;
  let exp = 0;
  if (i < b && (c === 101 || c === 69)) {
    c = s.charCodeAt(++i);
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = s.charCodeAt(++i);
    }
    const es = i;
    while (i < b && c >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      if (exp > 1000) return null;
      c = s.charCodeAt(++i);
    }
    if (i === es) return null;
    if (eneg) exp = -exp;
  }
  if (i !== b) return null;
  const fracLen = fracEnd - fracStart;
  const shift = exp - fracLen + scale; // unscaled = digits * 10^shift
  const nDigits = intEnd - intStart + fracLen;
  if (nDigits <= 15 && shift >= 0 && shift <= 15 - nDigits) {
    // fast path: the result has at most 15 digits, exact in a double
    let m = 0;
    for (let k = intStart; k < intEnd; k++) m = m * 10 + (s.charCodeAt(k) - 48);
    for (let k = fracStart; k < fracEnd; k++) m = m * 10 + (s.charCodeAt(k) - 48);
    m *= POW10[shift]!;
    return BigInt(neg ? -m : m);
  }
  const digits = s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd);
  const v = BigInt(digits === '' ? '0' : digits);
  const r = shift >= 0 ? v * pow10n(shift) : rescale(v, -shift, 0);
  return neg ? -r : r;
}

/** Integer text s[a..b) (optional sign, digits only) divided by 10^drop, rounded toward -infinity; NaN if invalid. */
export function parseIntegerFloor(s: string, a: number, b: number, drop: number): number {
  let neg = false;
  let c = s.charCodeAt(a);
  if (c === 45 || c === 43) {
    neg = c === 45;
    a++;
  }
  if (a >= b) return NaN;
  let hi = 0;
  let lowNonZero = false;
  const cut = b - drop;
  for (let k = a; k < b; k++) {
    c = s.charCodeAt(k);
    if (c < 48 || c > 57) return NaN;
    if (k < cut) hi = hi * 10 + (c - 48);
    else if (c !== 48) lowNonZero = true;
  }
  if (!Number.isSafeInteger(hi)) return NaN;
  return neg ? 0 - hi - (lowNonZero ? 1 : 0) : hi;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Integer text (optional sign) in s[a..b) to an exact int64 bigint, or null (not an integer / out of range). */
export function parseBigIntText(s: string, a: number, b: number): bigint | null {
  let k = a;
  const c0 = s.charCodeAt(k);
  if (c0 === 45 || c0 === 43) k++;
  if (k >= b) return null;
  for (let j = k; j < b; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (b - k <= 15) {
    let m = 0;
    for (let j = k; j < b; j++) m = m * 10 + (s.charCodeAt(j) - 48);
    return BigInt(c0 === 45 ? -m : m);
  }
  const v = BigInt(s.slice(c0 === 43 ? a + 1 : a, b));
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

export function inInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 'YYYY-MM-DD' at s[i..i+10) to days since epoch, or NaN. */
function dateAt(s: string, i: number): number {
  const y = digitsAt(s, i, 4);
  const m = digitsAt(s, i + 5, 2);
  const d = digitsAt(s, i + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return NaN;
  if (d > MONTH_DAYS[m - 1]! || (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)))) return NaN;
  return daysFromCivil(y, m, d);
}

/**
 * ISO-8601 / SQL timestamp text in s[a..b) to microseconds since epoch (UTC), or NaN.
 * Accepts 'YYYY-MM-DD', 'YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]]' with optional 'Z' or '±HH[[:]MM]'.
 * Text without an offset is taken as UTC; fractional digits beyond microseconds are truncated.
 */
export function parseTimestampMicros(s: string, a: number, b: number): number {
  if (b - a < 10) return NaN;
  const days = dateAt(s, a);
  if (days !== days) return NaN;
  let i = a + 10;
  let micros = 0;
  let c = s.charCodeAt(i);
  if (i < b && (c === 84 || c === 116 || c === 32)) {
    const h = digitsAt(s, i + 1, 2);
    const mi = digitsAt(s, i + 4, 2);
    if (i + 6 > b || h < 0 || h > 23 || mi < 0 || mi > 59 || s.charCodeAt(i + 3) !== 58) return NaN;
    i += 6;
    let sec = 0;
    if (i < b && s.charCodeAt(i) === 58) {
      sec = digitsAt(s, i + 1, 2);
      if (i + 3 > b || sec < 0 || sec > 59) return NaN;
      i += 3;
      if (i < b && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        i++;
        const fs = i;
        let f = 0;
        c = s.charCodeAt(i);
        while (i < b && c >= 48 && c <= 57) {
          if (i - fs < 6) f = f * 10 + (c - 48);
          c = s.charCodeAt(++i);
        }
        const nf = i - fs;
        if (nf === 0 || nf > 9) return NaN;
        if (nf < 6) f *= POW10[6 - nf]!;
        micros = f;
      }
    }
    micros += ((h * 60 + mi) * 60 + sec) * 1_000_000;
  }
  if (i < b) {
    c = s.charCodeAt(i);
    if ((c === 90 || c === 122) && i + 1 === b) {
      i++;
    } else if (c === 43 || c === 45) {
      const oh = digitsAt(s, i + 1, 2);
      if (oh < 0 || oh > 18 || i + 3 > b) return NaN;
      let j = i + 3;
      let om = 0;
      if (j < b) {
        if (s.charCodeAt(j) === 58) j++;
        om = digitsAt(s, j, 2);
        if (om < 0 || om > 59 || j + 2 !== b) return NaN;
        j += 2;
      }
      const off = (oh * 60 + om) * 60_000_000;
      micros += c === 43 ? -off : off;
      i = j;
    } else {
      return NaN;
    }
  }
  if (i !== b) return NaN;
  return days * 86_400_000_000 + micros;
}

/** Date text ('YYYY-MM-DD', 'YYYY-MM-DDZ', or a full timestamp) in s[a..b) to days since epoch, or NaN. */
export function parseDateDays(s: string, a: number, b: number): number {
  const len = b - a;
  if (len === 10) return dateAt(s, a);
  if (len === 11 && (s.charCodeAt(a + 10) === 90 || s.charCodeAt(a + 10) === 122)) return dateAt(s, a);
  const us = parseTimestampMicros(s, a, b);
  return us === us ? Math.floor(us / 86_400_000_000) : NaN;
}

/** Integer text s[a..b) in `unit` ('ms'|'us'|'ns') to microseconds, flooring; NaN if not an integer. */
export function epochTextToMicros(s: string, a: number, b: number, unit: 'ms' | 'us' | 'ns'): number {
  if (unit === 'ns') return parseIntegerFloor(s, a, b, 3);
  const v = parseIntegerFloor(s, a, b, 0);
  return unit === 'ms' ? v * 1000 : v;
}
