// Lexer: turns one SQL file into tokens (kind, raw text, unescaped value, span). Skips `--` and
// (nested) `/* */` comments; reports unterminated strings, identifiers and comments and stray
// characters as `syntax-error` diagnostics but always produces a token stream ending in 'eof'.
// No keyword semantics here beyond the lower-cased `key` of words; no parsing.
import type { Diagnostic } from './diagnostic.js';
import { makeDiagnostic } from './diagnostic.js';
import type { SourceText, Span } from './source.js';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Exact source text. */
  readonly text: string;
  /** word: as written; quoted/string: unescaped contents; number/punct: text. */
  readonly value: string;
  /** Lower-cased value for words (keyword tests); '' for other kinds. */
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

const PUNCT2 = new Set(['::', '||', '<>', '!=', '<=', '>=', '=>']);
const PUNCT1 = new Set(['(', ')', ',', ';', '.', ':', '+', '-', '*', '/', '%', '=', '<', '>', '[', ']', '^']);

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export function tokenize(src: SourceText): LexResult {
  const text = src.text;
  const n = text.length;
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number): Span => ({ path: src.path, start, end });
  const push = (kind: TokenKind, start: number, end: number, value: string): void => {
    tokens.push({ kind, text: text.slice(start, end), value, key: kind === 'word' ? value.toLowerCase() : '', start, end });
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace (and a byte order mark at the start of the file, as editors save it)
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || (c === 0xfeff && i === 0)) {
      i++;
      continue;
    }
    // -- comment
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    // /* comment */ (nesting allowed, as in PostgreSQL)
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const start = i;
      let depth = 0;
      while (i < n) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth > 0)
        diagnostics.push(makeDiagnostic('error', 'syntax-error', 'unterminated block comment', span(start, start + 2), { help: ["close it with '*/'"] }));
      continue;
    }
    if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push('word', start, i, text.slice(start, i));
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      const start = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        if (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45) j++;
        if (isDigit(text.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      push('number', start, i, text.slice(start, i));
      continue;
    }
    if (c === 39 || c === 34) {
      // 'string' or "quoted identifier"; the quote is escaped by doubling it
      const start = i;
      let value = '';
      let chunk = ++i;
      let closed = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === c) {
          if (text.charCodeAt(i + 1) === c) {
            value += text.slice(chunk, i + 1);
            i += 2;
            chunk = i;
            continue;
          }
          value += text.slice(chunk, i);
          i++;
          closed = true;
          break;
        }
        i++;
      }
      if (!closed) {
        value += text.slice(chunk, n);
        const what = c === 39 ? 'string literal' : 'quoted identifier';
        diagnostics.push(
          makeDiagnostic('error', 'syntax-error', `unterminated ${what}`, span(start, start + 1), {
            help: [`close it with ${c === 39 ? `"'"` : `'"'`}`],
          }),
        );
      }
      push(c === 39 ? 'string' : 'quoted', start, i, value);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      push('punct', i, i + 2, two);
      i += 2;
      continue;
    }
    const one = text[i]!;
    if (PUNCT1.has(one)) {
      push('punct', i, i + 1, one);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    diagnostics.push(
      makeDiagnostic('error', 'syntax-error', `unexpected character '${String.fromCodePoint(cp)}'`, span(i, i + width)),
    );
    i += width;
  }
  tokens.push({ kind: 'eof', text: '', value: '', key: '', start: n, end: n });
  return { tokens, diagnostics };
}

/** Index of the token closing the bracket opened at `open` (or the eof/last index when unbalanced). */
export function matchingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      if (t.value === '(') depth++;
      else if (t.value === ')') {
        depth--;
        if (depth === 0) return i;
      }
    }
    if (t.kind === 'eof') return i;
  }
  return tokens.length - 1;
}

export function isWord(t: Token | undefined, key: string): boolean {
  return t !== undefined && t.kind === 'word' && t.key === key;
}

export function isPunct(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.value === value;
}

/** Human spelling of a token for "unexpected ..." messages. */
export function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  const s = t.text.length > 30 ? t.text.slice(0, 27) + '...' : t.text;
  return `'${s}'`;
}
