// Low-level JSON scanning over a string with charCodeAt/indexOf: skip whitespace, skip (and
// validate) whole values, find string ends, scan numbers, unescape string contents.
// Every function takes a position and returns the position after the token, or -1 when the text
// is not valid JSON there. No allocation on the skip paths; never calls JSON.parse.
// Skipped strings are jumped with indexOf: their escapes are checked, raw control characters not.

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

/** Whether the last string scanned by scanStringEnd contained a backslash escape. */
export const str = { escaped: false };

export function skipWs(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
  return i;
}

/**
 * i is at an opening quote; returns the index of the closing quote (not after it), or -1 when
 * the string is unterminated or holds a raw control character or an invalid escape.
 * Sets str.escaped. Walks the characters (strings we extract are short).
 */
export function scanStringEnd(s: string, i: number): number {
  const n = s.length;
  let esc = false;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === 34) {
      str.escaped = esc;
      return j;
    }
    if (c < 32) return -1;
    if (c === 92) {
      esc = true;
      j++;
      const e = s.charCodeAt(j);
      if (e === 117) {
        if (!(isHex(s.charCodeAt(j + 1)) && isHex(s.charCodeAt(j + 2)) && isHex(s.charCodeAt(j + 3)) && isHex(s.charCodeAt(j + 4))))
          return -1;
        j += 4;
      } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) {
        return -1;
      }
    }
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * Position of the first backslash at or after `from` in the current text (text length when none):
 * one indexOf per backslash of an event, so skipped strings can be jumped with indexOf('"') and
 * still have their escapes checked. Valid for the text given to beginText until the next call.
 */
const bs = { from: 0, at: -1, len: 0 };

/** Starts scanning a new text (resets the backslash memo used by stringEnd). */
export function beginText(s: string): void {
  bs.from = 0;
  bs.at = -1;
  bs.len = s.length;
}

function nextBackslash(s: string, i: number): number {
  if (i < bs.from || i > bs.at) {
    const k = s.indexOf('\\', i);
    bs.from = i;
    bs.at = k < 0 ? bs.len : k;
  }
  return bs.at;
}

/**
 * i is at an opening quote; returns the index of the closing quote, or -1 when unterminated or
 * when an escape is invalid. Jumps with indexOf (does NOT reject raw control characters unless
 * the string holds an escape); sets str.escaped. Needs beginText(s) for this text first.
 */
export function stringEnd(s: string, i: number): number {
  const q = s.indexOf('"', i + 1);
  if (q < 0) return -1;
  if (nextBackslash(s, i + 1) > q) {
    str.escaped = false;
    return q;
  }
  return scanStringEnd(s, i); // escapes: walk and check them
}

/** i is at an opening quote; returns the index after the closing quote, or -1 (see stringEnd). */
export function skipString(s: string, i: number): number {
  const q = stringEnd(s, i);
  return q < 0 ? -1 : q + 1;
}

/** i is at '-' or a digit; returns the index after a JSON number (grammar checked), or -1. */
export function skipNumber(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c === 45) c = s.charCodeAt(++i);
  if (c === 48) c = s.charCodeAt(++i);
  else if (c >= 49 && c <= 57) {
    do c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  } else return -1;
  if (c === 46) {
    c = s.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    do c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57);
  }
  return i;
}

/**
 * i is at '-' or a digit; returns the index after a JSON number (grammar checked), or -1.
 * Fills `num`.
 */
export function scanNumber(s: string, i: number): number {
  const n = s.length;
  let c = s.charCodeAt(i);
  num.negative = false;
  num.isInt = true;
  if (c === 45) {
    num.negative = true;
    i++;
    c = s.charCodeAt(i);
  }
  const start = i;
  if (c === 48) {
    i++;
    c = s.charCodeAt(i);
    num.magnitude = 0;
  } else if (c >= 49 && c <= 57) {
    let m = 0;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      i++;
      c = s.charCodeAt(i);
    }
    num.magnitude = m;
  } else {
    return -1;
  }
  num.digits = i - start;
  if (c === 46) {
    num.isInt = false;
    i++;
    c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return -1;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
  }
  if (c === 101 || c === 69) {
    num.isInt = false;
    i++;
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!(c >= 48 && c <= 57)) return -1;
    while (c >= 48 && c <= 57) c = s.charCodeAt(++i);
  }
  return i <= n ? i : -1;
}

function skipLiteral(s: string, i: number, lit: string): number {
  return equalsAt(s, i, lit) ? i + lit.length : -1;
}

/** i is at the first character of a value; returns the index after it, or -1. Validates (see stringEnd). */
export function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  switch (c) {
    case 34:
      return skipString(s, i);
    case 123:
      return skipObject(s, i);
    case 91:
      return skipArray(s, i);
    case 116:
      return skipLiteral(s, i, 'true');
    case 102:
      return skipLiteral(s, i, 'false');
    case 110:
      return skipLiteral(s, i, 'null');
    default:
      return c === 45 || (c >= 48 && c <= 57) ? skipNumber(s, i) : -1;
  }
}

/** i is at '{'; returns the index after the matching '}', or -1. */
export function skipObject(s: string, i: number): number {
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return -1;
    i = skipString(s, i);
    if (i < 0) return -1;
    if (s.charCodeAt(i) !== 58) {
      i = skipWs(s, i);
      if (s.charCodeAt(i) !== 58) return -1;
    }
    i++;
    let c = s.charCodeAt(i);
    if (c <= 32) {
      i = skipWs(s, i);
      c = s.charCodeAt(i);
    }
    i = skipValue(s, i);
    if (i < 0) return -1;
    c = s.charCodeAt(i);
    if (c <= 32) {
      i = skipWs(s, i);
      c = s.charCodeAt(i);
    }
    if (c === 44) {
      i++;
      if (s.charCodeAt(i) <= 32) i = skipWs(s, i);
      continue;
    }
    return c === 125 ? i + 1 : -1;
  }
}

/** i is at '['; returns the index after the matching ']', or -1. */
export function skipArray(s: string, i: number): number {
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === 93) return i + 1;
  for (;;) {
    i = skipValue(s, i);
    if (i < 0) return -1;
    i = skipWs(s, i);
    const c = s.charCodeAt(i);
    if (c === 44) {
      i = skipWs(s, i + 1);
      continue;
    }
    return c === 93 ? i + 1 : -1;
  }
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

/**
 * The key starting at ks (after its opening quote) is exactly `lit` (which holds no quote or
 * backslash). Needs no prior scan of the key.
 */
export function keyIs(s: string, ks: number, lit: string): boolean {
  const n = lit.length;
  if (s.charCodeAt(ks + n) !== 34) return false;
  for (let k = 0; k < n; k++) if (s.charCodeAt(ks + k) !== lit.charCodeAt(k)) return false;
  return true;
}

/** s[a..a+lit.length) equals lit (char loop; cheap for short keys). */
export function equalsAt(s: string, a: number, lit: string): boolean {
  const n = lit.length;
  for (let k = 0; k < n; k++) if (s.charCodeAt(a + k) !== lit.charCodeAt(k)) return false;
  return true;
}
