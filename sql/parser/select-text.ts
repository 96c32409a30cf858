// Builds the text handed to node-sql-parser from our tokens (the other half of parser/select.ts).
// Every identifier and string is replaced by a marker ("§<token index>" / '§<token index>') so the
// library's AST points back at exact tokens (its own locations cover only some node kinds), and
// syntax it mishandles is normalized: FILTER clauses and DISTINCT are removed (read from tokens),
// SUBSTRING(s FROM a FOR b) becomes SUBSTRING(s, a, b), TVF `TABLE t` / `DESCRIPTOR(c)` are
// unwrapped, units/fields/type names become spellings it accepts. Trailing clauses we do not
// plan (ORDER BY, LIMIT, UNION, ...) are cut off and reported. No library import here.
import { isIntervalUnit } from '../durations.js';
import type { Token } from '../lexer.js';
import { isPunct, isWord, matchingParen } from '../lexer.js';
import type { Span } from '../source.js';
import { parseTypeAt } from './type-name.js';

export const MARK = '\u00a7';

export interface EmittedText {
  readonly text: string;
  /** Start offset in `text` of each emitted token, ascending, with the token it came from. */
  readonly offsets: readonly number[];
  readonly tokenIndex: readonly number[];
  /** Token index where the query text ends (trailing unsupported clauses excluded). */
  readonly end: number;
  /** Clauses cut off from the end of a query. */
  readonly cut: readonly { readonly what: string; readonly span: Span }[];
}

/** Token index encoded in a marker value, or undefined. */
export function markerIndex(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.charCodeAt(0) !== 0xa7) return undefined;
  const n = Number(v.slice(1));
  return Number.isInteger(n) ? n : undefined;
}

/** Words the library must see verbatim (SQL structure); other words become quoted markers. */
const KEYWORDS = new Set([
  'select', 'from', 'where', 'group', 'by', 'having', 'as', 'and', 'or', 'not', 'is', 'null', 'true', 'false',
  'case', 'when', 'then', 'else', 'end', 'cast', 'between', 'in', 'like', 'ilike', 'similar', 'escape',
  'distinct', 'all', 'join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'natural', 'on', 'using',
  'lateral', 'both', 'leading', 'trailing', 'exists', 'any', 'some', 'current_timestamp', 'current_date',
  'current_time', 'localtimestamp', 'localtime',
]);

/** Depth-0 keywords that end the part of a SELECT this version plans. */
const TRAILING: Readonly<Record<string, string>> = {
  order: 'ORDER BY', limit: 'LIMIT', offset: 'OFFSET', fetch: 'FETCH', union: 'UNION', intersect: 'INTERSECT',
  except: 'EXCEPT', window: 'WINDOW',
};

const TYPE_RENAMES: Readonly<Record<string, string>> = {
  string: 'TEXT', bytes: 'BYTEA', binary: 'BYTEA', varbinary: 'BYTEA', timestamptz: 'TIMESTAMPTZ', tinyint: 'SMALLINT',
};

interface Frame {
  readonly fn: string;
  readonly depth: number;
}

/**
 * Emits tokens [from, to) as text for the library. With `prefix` (e.g. 'SELECT ') an expression
 * is wrapped so it parses as a one-column query. `path` is used for the spans of cut clauses.
 */
export function emitText(tokens: readonly Token[], from: number, to: number, path: string, prefix = ''): EmittedText {
  const parts: string[] = [prefix];
  let len = prefix.length;
  const offsets: number[] = [];
  const tokenIndex: number[] = [];
  const cut: { what: string; span: Span }[] = [];
  let glue = false; // no blank around '.': the library rejects `"a" . "b"`
  const emit = (s: string, tok: number): void => {
    const dot = s === '.';
    if (parts.length > 1 && !dot && !glue) {
      parts.push(' ');
      len++;
    }
    glue = dot;
    offsets.push(len);
    tokenIndex.push(tok);
    parts.push(s);
    len += s.length;
  };
  const frames: Frame[] = [];
  let depth = 0;
  let end = to;
  let i = from;
  while (i < to) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const frame = frames[frames.length - 1];
    if (t.kind === 'punct') {
      if (t.value === '(') {
        depth++;
        const fn = prev && prev.kind === 'word' && i > from ? prev.key : '';
        frames.push({ fn, depth });
        emit('(', i);
        // DISTINCT / ALL right after a call's '(' is read from tokens by the converter
        if (fn !== '' && !KEYWORDS.has(fn) && (isWord(next, 'distinct') || isWord(next, 'all'))) i++;
        i++;
        continue;
      }
      if (t.value === ')') {
        frames.pop();
        depth--;
        emit(')', i);
        // FILTER (WHERE ...) after a call is parsed separately by the converter
        if (isWord(next, 'filter') && isPunct(tokens[i + 2], '(')) {
          i = matchingParen(tokens, i + 2) + 1;
          continue;
        }
        i++;
        continue;
      }
      if (t.value === '::') {
        emit('::', i);
        i = emitType(i + 1);
        continue;
      }
      emit(t.value, i);
      i++;
      continue;
    }
    if (t.kind === 'number') {
      emit(t.text, i);
      i++;
      continue;
    }
    if (t.kind === 'string' || t.kind === 'quoted') {
      const q = t.kind === 'string' ? "'" : '"';
      emit(`${q}${MARK}${i}${q}`, i);
      i++;
      continue;
    }
    if (t.kind !== 'word') {
      i++;
      continue;
    }
    const k = t.key;
    if (depth === 0 && TRAILING[k] !== undefined) {
      if (end === to) end = i;
      cut.push({ what: TRAILING[k]!, span: { path, start: t.start, end: k === 'order' && isWord(next, 'by') ? next!.end : t.end } });
      // keep scanning for further trailing clauses at depth 0, without emitting
      i++;
      while (i < to) {
        const u = tokens[i]!;
        if (isPunct(u, '(')) i = matchingParen(tokens, i);
        else if (u.kind === 'word' && TRAILING[u.key] !== undefined) break;
        i++;
      }
      continue;
    }
    if (frame && frame.depth === depth) {
      if (frame.fn === 'cast' && k === 'as') {
        emit('AS', i);
        i = emitType(i + 1);
        continue;
      }
      if ((frame.fn === 'substring' || frame.fn === 'substr') && (k === 'from' || k === 'for')) {
        emit(',', i);
        i++;
        continue;
      }
      if (frame.fn === 'extract' && isPunct(prev, '(')) {
        emit('YEAR', i); // the real field is read from this token by the converter
        i++;
        continue;
      }
      if (frame.fn === 'tumble' || frame.fn === 'hop' || frame.fn === 'session') {
        const atArgStart = isPunct(prev, '(') || isPunct(prev, ',');
        if (atArgStart && k === 'table' && next && (next.kind === 'word' || next.kind === 'quoted')) {
          i++;
          continue;
        }
        if (atArgStart && k === 'descriptor' && isPunct(next, '(')) {
          const close = matchingParen(tokens, i + 1);
          for (let j = i + 2; j < close; j++) emitWordish(j);
          i = close + 1;
          continue;
        }
      }
    }
    if (k === 'interval' && next && (next.kind === 'string' || next.kind === 'number')) {
      emit('INTERVAL', i);
      emit(next.kind === 'string' ? `'${MARK}${i + 1}'` : next.text, i + 1);
      i += 2;
      const unit = tokens[i];
      if (unit && i < to && unit.kind === 'word' && unit.key.length > 2 && isIntervalUnit(unit.key)) {
        emit('SECOND', i); // the real unit is read from this token by the converter
        i++;
      }
      continue;
    }
    if ((k === 'timestamp' || k === 'timestamptz' || k === 'date') && next && next.kind === 'string') {
      emit(k === 'date' ? 'DATE' : 'TIMESTAMP', i);
      i++;
      continue;
    }
    if (isPunct(next, '(') || KEYWORDS.has(k) || ((k === 'partition' || k === 'order') && isWord(next, 'by'))) emit(t.text, i);
    else emit(`"${MARK}${i}"`, i);
    i++;
  }
  return { text: parts.join(''), offsets, tokenIndex, end, cut };

  function emitWordish(j: number): void {
    const t = tokens[j]!;
    if (t.kind === 'word' || t.kind === 'quoted') emit(`"${MARK}${j}"`, j);
    else emit(t.text, j);
  }

  /** Emits a type name starting at token j verbatim (renamed where the library needs it). */
  function emitType(j: number): number {
    const parsed = parseTypeAt(tokens, j, to, path);
    const stop = Math.max(parsed.next, j + 1);
    for (let x = j; x < stop && x < to; x++) {
      const u = tokens[x]!;
      emit(u.kind === 'word' ? (TYPE_RENAMES[u.key] ?? u.text) : u.text, x);
    }
    return Math.min(stop, to);
  }
}

/** Token index of the emitted token at `offset` of the emitted text; undefined past the last token. */
export function tokenAtOffset(e: EmittedText, offset: number): number | undefined {
  let found: number | undefined;
  for (let k = 0; k < e.offsets.length && e.offsets[k]! <= offset; k++) found = k;
  if (found === undefined) return e.tokenIndex[0];
  if (offset >= e.text.length) return undefined;
  // a blank after a token belongs to the next token
  const next = e.offsets[found + 1];
  if (next !== undefined && e.text.charCodeAt(offset) === 32 && offset === next - 1) return e.tokenIndex[found + 1];
  return e.tokenIndex[found];
}
