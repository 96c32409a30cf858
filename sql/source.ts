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

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}
