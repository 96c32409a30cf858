// Reads a SQL type name from tokens: `DECIMAL(10,2)`, `DOUBLE PRECISION`, `TIMESTAMP(3) WITH
// TIME ZONE`, `VARCHAR(20)`, ... Used by CREATE SOURCE columns and by CAST / `::` in queries.
// Token-level only: the name -> DataType mapping lives in sql/types.ts.
import type { TypeAst } from '../ast.js';
import type { Token } from '../lexer.js';
import { isPunct, isWord } from '../lexer.js';
import type { Span } from '../source.js';
import { closestName } from '../suggest.js';
import { TYPE_NAMES, typeFromName } from '../types.js';

export interface TypeError {
  readonly code: 'syntax-error' | 'unknown-type' | 'invalid-type';
  readonly message: string;
  readonly span: Span;
  readonly help?: string[];
}

export interface TypeParse {
  readonly type?: TypeAst;
  readonly error?: TypeError;
  /** Index of the first token after the type (after what was consumed on error). */
  readonly next: number;
}

/** Parses the type starting at token `i` (which must be a word); never reads at or past `end`. */
export function parseTypeAt(tokens: readonly Token[], i: number, end: number, path: string): TypeParse {
  const first = tokens[i];
  if (!first || i >= end || first.kind !== 'word') {
    const t = tokens[Math.min(i, end)] ?? tokens[tokens.length - 1]!;
    return { error: { code: 'syntax-error', message: 'expected a type name', span: { path, start: t.start, end: t.end } }, next: i };
  }
  let name = first.key;
  let j = i + 1;
  if ((name === 'double' && isWord(tokens[j], 'precision')) || (name === 'character' && isWord(tokens[j], 'varying'))) {
    name += ' ' + tokens[j]!.key;
    j++;
  }
  const params: number[] = [];
  if (j < end && isPunct(tokens[j], '(')) {
    j++;
    for (;;) {
      const t = tokens[j];
      if (!t || j >= end || t.kind !== 'number' || !/^\d+$/.test(t.value)) {
        const at = tokens[Math.min(j, end)] ?? first;
        return { error: { code: 'syntax-error', message: 'expected an integer type parameter', span: { path, start: at.start, end: at.end } }, next: j };
      }
      params.push(Number(t.value));
      j++;
      if (isPunct(tokens[j], ',')) {
        j++;
        continue;
      }
      if (isPunct(tokens[j], ')')) {
        j++;
        break;
      }
      const at = tokens[Math.min(j, end)] ?? first;
      return { error: { code: 'syntax-error', message: "expected ',' or ')' in type parameters", span: { path, start: at.start, end: at.end } }, next: j };
    }
  }
  let tz = false;
  if (
    name === 'timestamp' &&
    j + 2 < end &&
    (isWord(tokens[j], 'with') || isWord(tokens[j], 'without'))
  ) {
    const local = isWord(tokens[j + 1], 'local') ? 1 : 0;
    if (isWord(tokens[j + 1 + local], 'time') && isWord(tokens[j + 2 + local], 'zone')) {
      tz = tokens[j]!.key === 'with';
      j += 3 + local;
    }
  }
  const last = tokens[j - 1]!;
  const span: Span = { path, start: first.start, end: last.end };
  const resolved = typeFromName(name, params, tz);
  if ('error' in resolved) {
    if (resolved.error.startsWith('unknown type')) {
      const written = tokens.slice(i, i + name.split(' ').length).map((t) => t.text).join(' ');
      const best = closestName(name, TYPE_NAMES);
      const help = best ? [`did you mean '${best.toUpperCase()}'?`] : [];
      return { error: { code: 'unknown-type', message: `unknown type '${written}'`, span, help }, next: j };
    }
    return { error: { code: 'invalid-type', message: resolved.error, span }, next: j };
  }
  const text = tokens.slice(i, j).map((t) => t.text).join(' ').replace(/\s*([(),])\s*/g, '$1');
  return { type: { type: resolved, text, span }, next: j };
}
