// Low-level JSON scanning for the Debezium decoder over a byte array of character codes
// (writeCodes: one byte per UTF-16 unit, so positions are the string's positions): skip whitespace,
// skip and validate whole values, find string ends, scan numbers; plus unescaping on the string.
// Every scan takes a position and returns the position after the token, or -1 when the text is not
// valid JSON there. No allocation on the scan paths; never calls JSON.parse.

/** Facts about the last number scanned by scanNumber (a shared scratch object, never retained). */
export const num = {
  /** No fraction and no exponent. */
  isInt: true,
  negative: false,
  /** Count of integer digits (without sign). */
  digits: 0,
  /** Magnitude of the integer part when isInt and digits <= 15 (exact), else unspecified. */
  magnitude: 0,
};

/** Whether the last string scanned by stringEnd contained a backslash escape. */
export const str = { escaped: false };

/** Zero bytes after the codes: scans stop on them (a 0 is never valid JSON). 16-byte loads stay inside. */
export const PAD = 32;
const OTHER = 0x80; // stands for every character above U+00FF (never JSON syntax)
const NON_LATIN1 = /[^\x00-\xff]/;
const fill = Uint8Array.prototype.fill;
const utf8 = new TextEncoder();
/** Buffer#latin1Write (one native copy, no argument checks); Buffer#write when a runtime lacks it. */
const HAS_LATIN1_WRITE = typeof (Buffer.prototype as unknown as { latin1Write?: unknown }).latin1Write === 'function';
let codes = Buffer.alloc(1024);

/**
 * Writes the character codes of s at the start of u: code k is s.charCodeAt(k), or 0x80 for
 * characters above U+00FF (so positions are the string's positions); then PAD zero bytes.
 * u must hold at least s.length + PAD bytes.
 */
export function writeCodes(s: string, u: Buffer): void {
  const n = s.length;
  // ASCII text (the usual case): its UTF-8 bytes are its codes, and encodeInto is the cheapest copy
  const r = utf8.encodeInto(s, u);
  if (r.read !== n || r.written !== n) {
    if (NON_LATIN1.test(s)) {
      for (let k = 0; k < n; k++) {
        const c = s.charCodeAt(k);
        u[k] = c > 255 ? OTHER : c;
      }
    } else if (HAS_LATIN1_WRITE) {
      (u as unknown as { latin1Write(s: string, at: number, n: number): number }).latin1Write(s, 0, n);
    } else {
      u.write(s, 0, n, 'latin1'); // exact: every character is below U+0100
    }
  }
  fill.call(u, 0, n, n + PAD);
}

/** The codes of s (see writeCodes) in a shared scratch array, valid until the next call. */
export function loadCodes(s: string): Buffer {
  const n = s.length;
  if (codes.length < n + PAD) codes = Buffer.alloc(Math.max(n + PAD, codes.length * 2));
  writeCodes(s, codes);
  return codes;
}

export function skipWs(u: Uint8Array, i: number): number {
  let c = u[i]!;
  while (c === 32 || c === 10 || c === 13 || c === 9) c = u[++i]!;
  return i;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * i is at an opening quote; returns the index of the closing quote (not after it), or -1 when
 * the string is unterminated or holds a raw control character or an invalid escape.
 * Sets str.escaped.
 */
export function stringEnd(u: Uint8Array, i: number): number {
  let esc = false;
  for (;;) {
    let c = u[++i]!;
    while (c > 34 && c !== 92) c = u[++i]!; // the common characters, in one tight loop
    if (c === 34) {
      str.escaped = esc;
      return i;
    }
    if (c === 92) {
      esc = true;
      const e = u[++i]!;
      if (e === 117) {
        if (!(isHex(u[i + 1]!) && isHex(u[i + 2]!) && isHex(u[i + 3]!) && isHex(u[i + 4]!))) return -1;
        i += 4;
      } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) {
        return -1;
      }
    } else if (c < 32) {
      return -1; // a raw control character, or the end of the text
    }
  }
}

/**
 * i is at '-' or a digit; returns the index after a JSON number (grammar checked), or -1.
 * Fills `num`.
 */
export function scanNumber(u: Uint8Array, i: number): number {
  let c = u[i]!;
  let negative = false;
  if (c === 45) {
    negative = true;
    c = u[++i]!;
  }
  const start = i;
  let m = 0;
  if (c === 48) {
    c = u[++i]!;
  } else if (c >= 49 && c <= 57) {
    do {
      m = m * 10 + (c - 48);
      c = u[++i]!;
    } while (c >= 48 && c <= 57);
  } else {
    return -1;
  }
  num.negative = negative;
  num.magnitude = m;
  num.digits = i - start;
  num.isInt = true;
  if (c === 46 || c === 101 || c === 69) {
    num.isInt = false;
    return fractionAndExponent(u, i);
  }
  return i;
}

/** i is after a number's integer part: checks an optional fraction and exponent. */
function fractionAndExponent(u: Uint8Array, i: number): number {
  let c = u[i]!;
  if (c === 46) {
    c = u[++i]!;
    if (!(c >= 48 && c <= 57)) return -1;
    do c = u[++i]!;
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = u[++i]!;
    if (c === 43 || c === 45) c = u[++i]!;
    if (!(c >= 48 && c <= 57)) return -1;
    do c = u[++i]!;
    while (c >= 48 && c <= 57);
  }
  return i;
}

/** i is at '-' or a digit; returns the index after a JSON number (grammar checked), or -1. */
export function skipNumber(u: Uint8Array, i: number): number {
  let c = u[i]!;
  if (c === 45) c = u[++i]!;
  if (c === 48) c = u[++i]!;
  else if (c >= 49 && c <= 57) {
    do c = u[++i]!;
    while (c >= 48 && c <= 57);
  } else return -1;
  return c === 46 || c === 101 || c === 69 ? fractionAndExponent(u, i) : i;
}

/** u[i..] spells `null`. */
export function isNull(u: Uint8Array, i: number): boolean {
  return u[i] === 110 && u[i + 1] === 117 && u[i + 2] === 108 && u[i + 3] === 108;
}

/** u[i..] spells `true`. */
export function isTrue(u: Uint8Array, i: number): boolean {
  return u[i] === 116 && u[i + 1] === 114 && u[i + 2] === 117 && u[i + 3] === 101;
}

/** u[i..] spells `false`. */
export function isFalse(u: Uint8Array, i: number): boolean {
  return u[i] === 102 && u[i + 1] === 97 && u[i + 2] === 108 && u[i + 3] === 115 && u[i + 4] === 101;
}

/** i is at the first character of a value; returns the index after it, or -1. Validates fully. */
export function skipValue(u: Uint8Array, i: number): number {
  const c = u[i]!;
  if (c === 34) {
    const q = stringEnd(u, i);
    return q < 0 ? -1 : q + 1;
  }
  if (c === 45 || (c >= 48 && c <= 57)) return skipNumber(u, i);
  switch (c) {
    case 123:
      return skipObject(u, i);
    case 91:
      return skipArray(u, i);
    case 110:
      return isNull(u, i) ? i + 4 : -1;
    case 116:
      return isTrue(u, i) ? i + 4 : -1;
    case 102:
      return isFalse(u, i) ? i + 5 : -1;
    default:
      return -1;
  }
}

/**
 * After a member or element value at i: the index after a ',' (and the whitespace after it), the
 * negated index after the closing `close` bracket, or 0 when neither follows (malformed).
 * (Lets walkers test "next member" with one call; an index is never 0 there.)
 */
export function afterValue(u: Uint8Array, i: number, close: number): number {
  let c = u[i]!;
  if (c <= 32) {
    i = skipWs(u, i);
    c = u[i]!;
  }
  if (c === 44) {
    i++;
    return u[i]! <= 32 ? skipWs(u, i) : i;
  }
  return c === close ? -(i + 1) : 0;
}

/** i is at a key's closing quote: the index of its value (after ':' and whitespace), or -1. */
export function afterKey(u: Uint8Array, q: number): number {
  let i = q + 1;
  if (u[i] !== 58) {
    i = skipWs(u, i);
    if (u[i] !== 58) return -1;
  }
  i++;
  return u[i]! <= 32 ? skipWs(u, i) : i;
}

/** i is at '{'; returns the index after the matching '}', or -1. */
export function skipObject(u: Uint8Array, i: number): number {
  i = skipWs(u, i + 1);
  if (u[i] === 125) return i + 1;
  for (;;) {
    if (u[i] !== 34) return -1;
    const q = stringEnd(u, i);
    if (q < 0) return -1;
    i = afterKey(u, q);
    if (i < 0) return -1;
    i = skipValue(u, i);
    if (i < 0) return -1;
    i = afterValue(u, i, 125);
    if (i <= 0) return i === 0 ? -1 : -i;
  }
}

/** i is at '['; returns the index after the matching ']', or -1. */
export function skipArray(u: Uint8Array, i: number): number {
  i = skipWs(u, i + 1);
  if (u[i] === 93) return i + 1;
  for (;;) {
    i = skipValue(u, i);
    if (i < 0) return -1;
    i = afterValue(u, i, 93);
    if (i <= 0) return i === 0 ? -1 : -i;
  }
}

/** Key bytes for keyIs: the characters of a key without quotes or backslashes. */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let k = 0; k < key.length; k++) {
    const c = key.charCodeAt(k);
    out[k] = c > 255 ? OTHER : c;
  }
  return out;
}

/**
 * The key starting at ks (after its opening quote) is exactly `key` followed by its closing quote.
 * `key` comes from keyBytes; a key holding a character above U+00FF must be checked on the string.
 */
export function keyIs(u: Uint8Array, ks: number, key: Uint8Array): boolean {
  const n = key.length;
  if (u[ks + n] !== 34) return false;
  for (let k = 0; k < n; k++) if (u[ks + k] !== key[k]) return false;
  return true;
}

/** Content of the string whose characters are s[a..b) (between the quotes); null if an escape is invalid. */
export function unescapeString(s: string, a: number, b: number): string | null {
  let out = '';
  let from = a;
  let j = s.indexOf('\\', a);
  while (j >= 0 && j < b) {
    out += s.slice(from, j);
    const e = s.charCodeAt(j + 1);
    switch (e) {
      case 34:
        out += '"';
        break;
      case 92:
        out += '\\';
        break;
      case 47:
        out += '/';
        break;
      case 98:
        out += '\b';
        break;
      case 102:
        out += '\f';
        break;
      case 110:
        out += '\n';
        break;
      case 114:
        out += '\r';
        break;
      case 116:
        out += '\t';
        break;
      case 117: {
        if (j + 6 > b) return null;
        let code = 0;
        for (let k = j + 2; k < j + 6; k++) {
          const h = hexValue(s.charCodeAt(k));
          if (h < 0) return null;
          code = code * 16 + h;
        }
        out += String.fromCharCode(code); // surrogate pairs combine as two UTF-16 units
        j += 4;
        break;
      }
      default:
        return null;
    }
    from = j + 2;
    j = s.indexOf('\\', from);
  }
  return out + s.slice(from, b);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
