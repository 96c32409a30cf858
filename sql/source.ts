// Source text of one SQL file and byte-offset spans into it; line/column computed lazily.
// Pure: no I/O, no node: imports.

export interface SourceText {
  readonly path: string;
  readonly text: string;
}

/** Offsets (UTF-16 code units) into SourceText.text; end is exclusive. */
export interface Span {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/**
 * 1-based line and column of an offset; the column counts characters (code points, as editors
 * and compilers do: a character above U+FFFF is one, not two UTF-16 units). `lineStart` is the
 * offset where the line begins.
 */
export function lineCol(text: string, offset: number): { line: number; col: number; lineStart: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let col = 1;
  for (let i = lineStart; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === lineStart || (text.charCodeAt(i - 1) & 0xfc00) !== 0xd800) col++; // a low surrogate after a high one is the same character
  }
  return { line, col, lineStart };
}

/**
 * Columns a terminal gives the text: East Asian wide and fullwidth characters (CJK, Hangul,
 * fullwidth forms, most emoji) take two, combining marks none, everything else one.
 */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) continue;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x1f900 && c <= 0x1f9ff) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}
