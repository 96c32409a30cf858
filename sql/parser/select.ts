// The one adapter over node-sql-parser (PostgreSQL build): the only file that imports it. Parses
// SELECT bodies and standalone expressions (WHERE, WATERMARK, PREFETCH predicates); the text it
// is given comes from select-text.ts (token markers, normalized syntax) and its AST is converted
// by select-query.ts / select-expr.ts, so every node points at exact offsets in the file.
// Syntax errors become diagnostics at the token the library stopped on. The library is loaded on
// the first text the installed parse cache (parse-cache.ts) does not know. No binding here.
import { loadParser } from './node-sql-parser.cjs';
import type { Expr, Query } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import type { Token } from '../lexer.js';
import { describeToken } from '../lexer.js';
import type { SourceText, Span } from '../source.js';
import { ExprConverter } from './select-expr.js';
import type { ParseOutcome } from './parse-cache.js';
import { currentParseCache } from './parse-cache.js';
import type { Node } from './select-nodes.js';
import { arr, columnExpr, obj } from './select-nodes.js';
import { QueryConverter } from './select-query.js';
import type { EmittedText } from './select-text.js';
import { emitText, markerIndex, tokenAtOffset } from './select-text.js';

export interface ParseContext {
  readonly src: SourceText;
  readonly tokens: readonly Token[];
  readonly diags: Diagnostics;
}

const OPTIONS = { database: 'postgresql' };
type Library = { astify(text: string, opts: typeof OPTIONS): unknown };
let parser: Library | undefined;

/** What the library makes of `text`, from the installed cache when it has exactly this text. */
function astify(text: string): ParseOutcome {
  const cache = currentParseCache();
  const hit = cache?.get(text);
  if (hit !== undefined) return hit;
  let p = parser;
  if (p === undefined) {
    cache?.parserLoading?.();
    const Parser = loadParser() as new () => Library;
    p = parser = new Parser();
  }
  let outcome: ParseOutcome;
  try {
    const r: unknown = p.astify(text, OPTIONS);
    outcome = { kind: 'ast', ast: Array.isArray(r) ? r[0] : r };
  } catch (err) {
    outcome = { kind: 'error', offset: (err as { location?: { start?: { offset?: number } } }).location?.start?.offset };
  }
  cache?.set(text, outcome);
  return outcome;
}

/** Runs the library; on failure reports a syntax error at the token it stopped on. */
function runParser(ctx: ParseContext, e: EmittedText, from: number, to: number, what: string): Node | undefined {
  const r = astify(e.text);
  if (r.kind === 'ast') {
    const ast = obj(r.ast);
    if (ast && ast.type === 'select') return ast;
  } else {
    const at = r.offset === undefined ? from : tokenAtOffset(e, r.offset);
    const tok = at === undefined ? undefined : ctx.tokens[at];
    const last = ctx.tokens[Math.max(from, Math.min(to, e.end) - 1)]!;
    const span: Span =
      tok === undefined
        ? { path: ctx.src.path, start: last.end, end: last.end }
        : { path: ctx.src.path, start: tok.start, end: tok.end };
    ctx.diags.error('syntax-error', tok === undefined ? `unexpected end of ${what}` : `unexpected ${describeToken(tok)}`, span);
    return undefined;
  }
  const t = ctx.tokens[from]!;
  ctx.diags.error('syntax-error', 'expected a SELECT query', { path: ctx.src.path, start: t.start, end: t.end });
  return undefined;
}

/** Parses tokens [from, to) as a SELECT query (to excludes the statement's ';'). */
export function parseQuery(ctx: ParseContext, from: number, to: number): Query | undefined {
  const errors = ctx.diags.errorCount;
  const emitted = emitText(ctx.tokens, from, to, ctx.src.path);
  const ast = runParser(ctx, emitted, from, to, 'query');
  if (!ast) return undefined;
  const q = new QueryConverter(ctx, from, emitted.end, filterParser(ctx)).query(ast, emitted);
  return ctx.diags.errorCount === errors ? q : undefined;
}

/** Parses tokens [from, to) as one scalar expression. */
export function parseExpression(ctx: ParseContext, from: number, to: number): Expr | undefined {
  const errors = ctx.diags.errorCount;
  if (from >= to) {
    const t = ctx.tokens[from]!;
    ctx.diags.error('syntax-error', `expected an expression, found ${describeToken(t)}`, { path: ctx.src.path, start: t.start, end: t.end });
    return undefined;
  }
  const emitted = emitText(ctx.tokens, from, to, ctx.src.path, 'SELECT ');
  if (emitted.cut.length > 0) {
    const c = emitted.cut[0]!;
    ctx.diags.error('syntax-error', `unexpected ${c.what} in an expression`, c.span);
    return undefined;
  }
  const ast = runParser(ctx, emitted, from, to, 'expression');
  if (!ast) return undefined;
  const cols = arr(ast.columns);
  const col = obj(cols[0]) ?? {};
  const alias = markerIndex(col.as);
  if (cols.length !== 1 || ast.from || alias !== undefined || columnExpr(col).column === '*') {
    const at = alias ?? from;
    const t = ctx.tokens[at]!;
    ctx.diags.error('syntax-error', `unexpected ${describeToken(t)} in an expression`, { path: ctx.src.path, start: t.start, end: t.end });
    return undefined;
  }
  const e = new ExprConverter(ctx, from, to, filterParser(ctx)).expr(columnExpr(col));
  return ctx.diags.errorCount === errors ? e : undefined;
}

const filterParser =
  (ctx: ParseContext) =>
  (from: number, to: number): Expr | undefined =>
    parseExpression(ctx, from, to);
