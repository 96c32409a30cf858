// Converts node-sql-parser expression nodes into our AST with exact spans: identifiers and
// strings arrive as markers naming our tokens; numbers, keywords, parentheses and type names are
// found with a forward cursor over the tokens, which the conversion visits in source order.
// FILTER clauses are parsed separately (through `parseFilter`). No library import here.
import type { BinaryOp, CallExpr, Expr, Ident } from '../ast.js';
import { isIntervalUnit } from '../durations.js';
import type { Token } from '../lexer.js';
import { isPunct, isWord, matchingParen } from '../lexer.js';
import type { Span } from '../source.js';
import { T } from '../types.js';
import type { ParseContext } from './select.js';
import type { Node, RunItem } from './select-nodes.js';
import { FIXED, INFIX_PREC, PREFIX_PREC, arr, flatten, fnName, isNotCall, obj, rebuild, str } from './select-nodes.js';
import { markerIndex } from './select-text.js';
import { parseTypeAt } from './type-name.js';

const SIMPLE_BINARY: Readonly<Record<string, BinaryOp>> = {
  OR: 'or', AND: 'and', '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||', LIKE: 'like', 'NOT LIKE': 'not like',
};
const PROCESSING_TIME_HELP = 'results must not depend on when rows are processed; use an event-time column';
const PROCESSING_TIME = new Set(['current_timestamp', 'current_date', 'current_time', 'localtimestamp', 'localtime', 'now']);

export class ExprConverter {
  protected pos: number;

  constructor(
    protected readonly ctx: ParseContext,
    from: number,
    protected readonly limit: number,
    /** Parses tokens [from, to) as an expression (for FILTER (WHERE ...)). */
    private readonly parseFilter: (from: number, to: number) => Expr | undefined,
  ) {
    this.pos = from;
  }

  // ---------- token helpers ----------

  protected get path(): string {
    return this.ctx.src.path;
  }

  protected tok(i: number): Token {
    return this.ctx.tokens[i] ?? this.ctx.tokens[this.ctx.tokens.length - 1]!;
  }

  protected span(a: number, b: number): Span {
    return { path: this.path, start: this.tok(a).start, end: this.tok(b).end };
  }

  protected join(a: Span, b: Span): Span {
    return { path: this.path, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  protected here(): Span {
    return this.span(Math.min(this.pos, this.limit), Math.min(this.pos, this.limit));
  }

  protected seek(pred: (t: Token, i: number) => boolean): number {
    for (let i = this.pos; i < this.limit; i++) if (pred(this.tok(i), i)) return i;
    return -1;
  }

  protected take(i: number): void {
    if (i + 1 > this.pos) this.pos = i + 1;
  }

  /** Identifier from a marker (or, for words the library saw verbatim, the next such word). */
  protected ident(marker: unknown): Ident | undefined {
    let i = markerIndex(marker);
    if (i === undefined) {
      const word = str(marker)?.toLowerCase();
      if (word === undefined) return undefined;
      i = this.seek((t) => t.kind === 'word' && t.key === word);
      if (i < 0) return undefined;
    }
    const t = this.tok(i);
    if (t.kind !== 'word' && t.kind !== 'quoted') return undefined;
    this.take(i);
    return { name: t.kind === 'quoted' ? t.value : t.key, quoted: t.kind === 'quoted', span: this.span(i, i) };
  }

  protected unsupported(what: string, span: Span = this.here(), help?: string): Expr {
    return { kind: 'unsupported', what, span, ...(help ? { help } : {}) };
  }

  protected syntax(message: string, span: Span): void {
    this.ctx.diags.error('syntax-error', message, span);
  }

  // ---------- expressions ----------

  expr(n: unknown): Expr {
    const node = obj(n);
    if (!node) return this.unsupported('this expression');
    if (node[FIXED]) return this.operator(node);
    const op = typeof node.operator === 'string' ? node.operator.toUpperCase() : '';
    if (
      (node.type === 'binary_expr' && INFIX_PREC[op] !== undefined) ||
      (node.type === 'unary_expr' && PREFIX_PREC[op] !== undefined) ||
      isNotCall(node)
    ) {
      const items: RunItem[] = [];
      flatten(node, items, true);
      const root = obj(rebuild(items));
      return root?.[FIXED] ? this.operator(root) : this.unsupported('this expression');
    }
    if (node.ast || node.type === 'select') return this.unsupported('a subquery', this.skipParens());
    switch (node.type) {
      case 'column_ref':
        return this.column(node);
      case 'double_quote_string': {
        // the library reads SUBSTRING's first argument as a string: it is our identifier marker
        const id = this.ident(node.value);
        return id ? { kind: 'column', name: id, span: id.span } : this.unsupported('this expression');
      }
      case 'number':
      case 'bigint':
        return this.number(node);
      case 'single_quote_string':
      case 'string':
      case 'natural_string': {
        const i = markerIndex(node.value);
        if (i === undefined) return this.unsupported('this literal');
        this.take(i);
        return { kind: 'string', value: this.tok(i).value, span: this.span(i, i) };
      }
      case 'bool': {
        const i = this.seek((t) => t.key === 'true' || t.key === 'false');
        this.take(i);
        return { kind: 'boolean', value: node.value === true, span: i >= 0 ? this.span(i, i) : this.here() };
      }
      case 'null': {
        const i = this.seek((t) => t.key === 'null');
        this.take(i);
        return { kind: 'null', span: i >= 0 ? this.span(i, i) : this.here() };
      }
      case 'timestamp':
      case 'date':
      case 'time':
        return this.typedLiteral(node);
      case 'interval':
        return this.interval();
      case 'function':
        return this.call(node, fnName(node), arr(obj(node.args)?.value), false);
      case 'aggr_func': {
        const args = obj(node.args);
        const inner = obj(args?.expr);
        const star = inner?.type === 'star';
        return this.call(node, (str(node.name) ?? '').toLowerCase(), star || !inner ? [] : [inner], star);
      }
      case 'cast':
        return this.cast(node);
      case 'case':
        return this.caseExpr(node);
      case 'extract':
        return this.extract(node);
      case 'expr_list':
        return this.unsupported('a row value', this.skipParens());
      case 'binary_expr':
      case 'unary_expr':
        return this.operator(node);
      case 'window_func': {
        const name = (str(node.name) ?? '').toLowerCase();
        const at = this.seek((t) => t.key === name);
        const over = at < 0 ? -1 : this.seek((t, i) => i > at && t.key === 'over');
        if (over < 0 || !isPunct(this.tok(over + 1), '(')) return this.unsupported('a window function (OVER)', this.skipParens());
        const close = matchingParen(this.ctx.tokens, over + 1);
        this.take(close);
        return this.unsupported('a window function (OVER)', this.span(at, close));
      }
      default:
        return this.unsupported(`this '${String(node.type)}' expression`);
    }
  }

  /** Span of the next parenthesized group (moving past it), for constructs we do not convert. */
  protected skipParens(): Span {
    const open = this.seek((t) => isPunct(t, '('));
    if (open < 0) return this.here();
    const close = matchingParen(this.ctx.tokens, open);
    this.take(close);
    return this.span(open, close);
  }

  private operator(node: Node): Expr {
    const op = String(node.operator).toUpperCase();
    if (node.type === 'unary_expr') {
      if (PREFIX_PREC[op] === undefined) return this.unsupported(`operator '${String(node.operator)}'`);
      const at = this.seek((t) => (op === 'NOT' ? t.key === 'not' : isPunct(t, op)));
      this.take(at);
      const expr = this.expr(node.expr);
      const span = at >= 0 ? this.join(this.span(at, at), expr.span) : expr.span;
      const uop = op === 'NOT' ? 'not' : op === '-' ? '-' : '+';
      // fold a sign into a numeric literal so '-2147483648' types as INT
      if (uop === '-' && expr.kind === 'number' && !expr.text.startsWith('-'))
        return { kind: 'number', text: '-' + expr.text, span };
      return { kind: 'unary', op: uop, expr, span };
    }
    const left = this.expr(node.left);
    if (op === 'IS' || op === 'IS NOT') {
      const right = obj(node.right);
      const test = right?.type === 'null' ? 'null' : right?.type === 'bool' ? (right.value === true ? 'true' : 'false') : undefined;
      const at = this.seek((t) => t.key === 'null' || t.key === 'true' || t.key === 'false' || t.key === 'unknown');
      this.take(at);
      const span = at >= 0 ? this.join(left.span, this.span(at, at)) : left.span;
      if (!test) return this.unsupported(`IS ${op === 'IS NOT' ? 'NOT ' : ''}with this operand`, span);
      return { kind: 'is', expr: left, test, negated: op === 'IS NOT', span };
    }
    if (op === 'IN' || op === 'NOT IN') {
      const values = arr(obj(node.right)?.value);
      if (values.some((v) => obj(v)?.ast)) return this.unsupported('a subquery', this.join(left.span, this.skipParens()));
      const list = values.map((v) => this.expr(v));
      const close = this.seek((t) => isPunct(t, ')'));
      this.take(close);
      const end = close >= 0 ? this.span(close, close) : (list[list.length - 1]?.span ?? left.span);
      return { kind: 'in', expr: left, list, negated: op === 'NOT IN', span: this.join(left.span, end) };
    }
    if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
      const [lo, hi] = arr(obj(node.right)?.value);
      const low = this.expr(lo);
      const high = this.expr(hi);
      return { kind: 'between', expr: left, low, high, negated: op === 'NOT BETWEEN', span: this.join(left.span, high.span) };
    }
    const right = this.expr(node.right);
    const span = this.join(left.span, right.span);
    const bop = SIMPLE_BINARY[op];
    if (!bop) return this.unsupported(`operator '${String(node.operator)}'`, span);
    return { kind: 'binary', op: bop, left, right, span };
  }

  private column(node: Node): Expr {
    if (node.column === '*') return this.unsupported("'*' inside an expression");
    if (node.schema) return this.unsupported('a three-part name');
    const tableMarker = typeof node.table === 'string' ? node.table : obj(node.table)?.value;
    const table = tableMarker === undefined || tableMarker === null ? undefined : this.ident(tableMarker);
    const colNode = obj(node.column);
    const name = this.ident(colNode ? obj(colNode.expr)?.value ?? colNode.value : node.column);
    if (!name) {
      const word = str(obj(colNode?.expr)?.value) ?? 'this column';
      return this.unsupported(`'${word.toLowerCase()}'`);
    }
    if (PROCESSING_TIME.has(name.name) && !name.quoted)
      return this.unsupported(`'${name.name}'`, name.span, PROCESSING_TIME_HELP);
    return { kind: 'column', ...(table ? { table } : {}), name, span: table ? this.join(table.span, name.span) : name.span };
  }

  private number(node: Node): Expr {
    const i = this.seek((t) => t.kind === 'number');
    if (i < 0) return this.unsupported('this number');
    this.take(i);
    const v = node.value;
    const negative = (typeof v === 'number' && v < 0) || (typeof v === 'string' && v.startsWith('-'));
    if (negative && isPunct(this.tok(i - 1), '-'))
      return { kind: 'number', text: '-' + this.tok(i).text, span: this.span(i - 1, i) };
    return { kind: 'number', text: this.tok(i).text, span: this.span(i, i) };
  }

  private typedLiteral(node: Node): Expr {
    const i = markerIndex(node.value);
    if (i === undefined) return this.unsupported('this literal');
    this.take(i);
    const kw = this.tok(i - 1);
    const span = this.span(i - 1, i);
    const value = this.tok(i).value;
    switch (kw.key) {
      case 'date':
        return { kind: 'typed-literal', type: T.date, value, span };
      case 'timestamp':
        return { kind: 'typed-literal', type: T.timestamp(6), value, span };
      case 'timestamptz':
        return { kind: 'typed-literal', type: T.timestamptz(6), value, span };
      default:
        return this.unsupported(`a ${kw.text.toUpperCase()} literal`, span);
    }
  }

  private interval(): Expr {
    const at = this.seek((t) => t.key === 'interval');
    if (at < 0) return this.unsupported('this interval');
    const v = this.tok(at + 1);
    const u = this.tok(at + 2);
    const hasUnit = at + 2 < this.limit && u.kind === 'word' && u.key.length > 2 && isIntervalUnit(u.key);
    const last = hasUnit ? at + 2 : at + 1;
    this.take(last);
    return {
      kind: 'interval',
      value: v.kind === 'string' ? v.value : v.text,
      ...(hasUnit ? { unit: u.key } : {}),
      span: this.span(at, last),
    };
  }

  private call(node: Node, name: string, args: readonly unknown[], star: boolean): Expr {
    if (PROCESSING_TIME.has(name)) {
      const at = this.seek((t) => t.key === name);
      this.take(at);
      let span = at >= 0 ? this.span(at, at) : this.here();
      if (isPunct(this.tok(at + 1), '(')) {
        const close = matchingParen(this.ctx.tokens, at + 1);
        this.take(close);
        span = this.span(at, close);
      }
      return this.unsupported(`'${name}'`, span, PROCESSING_TIME_HELP);
    }
    if (name === 'exists' || name === 'any' || name === 'all' || name === 'some') return this.unsupported('a subquery', this.skipParens());
    const at = this.seek((t, i) => t.kind === 'word' && t.key === name && isPunct(this.tok(i + 1), '('));
    if (at < 0) return this.unsupported(`'${name}'`);
    const open = at + 1;
    const close = matchingParen(this.ctx.tokens, open);
    const distinct = isWord(this.tok(open + 1), 'distinct');
    this.take(open);
    if (node.over) {
      this.take(close);
      return this.unsupported('a window function (OVER)', this.span(at, close));
    }
    let converted: Expr[];
    let fn = name;
    if (name === 'trim') [fn, converted] = this.trimArgs(args);
    else converted = args.map((a) => this.expr(a));
    this.take(close);
    let end = close;
    let filter: Expr | undefined;
    if (isWord(this.tok(close + 1), 'filter') && isPunct(this.tok(close + 2), '(')) {
      const fclose = matchingParen(this.ctx.tokens, close + 2);
      if (!isWord(this.tok(close + 3), 'where')) {
        this.syntax('expected WHERE in FILTER (WHERE ...)', this.span(close + 3, close + 3));
      } else {
        filter = this.parseFilter(close + 4, fclose);
      }
      end = fclose;
      this.take(fclose);
    }
    const call: CallExpr = {
      kind: 'call',
      name: fn,
      nameSpan: this.span(at, at),
      args: converted,
      star,
      distinct,
      ...(filter ? { filter } : {}),
      span: this.span(at, end),
    };
    return call;
  }

  /** TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) and TRIM(s[, chars]) -> trim/ltrim/rtrim(s[, chars]). */
  private trimArgs(args: readonly unknown[]): [string, Expr[]] {
    let fn = 'trim';
    const rest: unknown[] = [];
    let fromAt = -1;
    for (const a of args) {
      const n = obj(a);
      if (n?.type === 'origin') {
        const v = String(n.value).toLowerCase();
        if (v === 'leading') fn = 'ltrim';
        else if (v === 'trailing') fn = 'rtrim';
        else if (v === 'from') fromAt = rest.length;
        continue;
      }
      rest.push(a);
    }
    const converted = rest.map((a) => this.expr(a));
    if (fromAt < 0) return [fn, converted];
    const chars = converted.slice(0, fromAt);
    const subject = converted.slice(fromAt);
    return [fn, [...subject, ...chars]];
  }

  private cast(node: Node): Expr {
    const target = (at: number, end: number): { t?: ReturnType<typeof parseTypeAt>; end: number } => {
      const t = parseTypeAt(this.ctx.tokens, at, end, this.path);
      if (t.error) this.ctx.diags.error(t.error.code, t.error.message, t.error.span, t.error.help ? { help: t.error.help } : {});
      return { t, end: t.next - 1 };
    };
    if (node.symbol === '::') {
      const expr = this.expr(node.expr);
      const dc = this.seek((t) => isPunct(t, '::'));
      if (dc < 0) return expr;
      const { t, end } = target(dc + 1, this.limit);
      this.take(end);
      if (!t?.type) return this.unsupported('this cast', this.span(dc, end));
      return { kind: 'cast', expr, type: t.type, span: this.join(expr.span, t.type.span) };
    }
    const at = this.seek((t) => t.key === 'cast');
    if (at < 0) return this.unsupported('this cast');
    const close = matchingParen(this.ctx.tokens, at + 1);
    this.take(at + 1);
    const expr = this.expr(node.expr);
    const as = this.seek((t) => t.key === 'as');
    const { t } = as >= 0 ? target(as + 1, close) : { t: undefined };
    this.take(close);
    if (!t?.type) return this.unsupported('this cast', this.span(at, close));
    return { kind: 'cast', expr, type: t.type, span: this.span(at, close) };
  }

  private caseExpr(node: Node): Expr {
    const at = this.seek((t) => t.key === 'case');
    this.take(at);
    const operand = node.expr ? this.expr(node.expr) : undefined;
    const whens: { when: Expr; then: Expr }[] = [];
    let otherwise: Expr | undefined;
    for (const a of arr(node.args)) {
      const arm = obj(a);
      if (arm?.type === 'when') whens.push({ when: this.expr(arm.cond), then: this.expr(arm.result) });
      else if (arm?.type === 'else') otherwise = this.expr(arm.result);
    }
    const end = this.seek((t) => t.key === 'end');
    this.take(end);
    return {
      kind: 'case',
      ...(operand ? { operand } : {}),
      whens,
      ...(otherwise ? { else: otherwise } : {}),
      span: this.span(at >= 0 ? at : this.pos, end >= 0 ? end : this.pos),
    };
  }

  private extract(node: Node): Expr {
    const at = this.seek((t) => t.key === 'extract');
    if (at < 0) return this.unsupported('this EXTRACT');
    const close = matchingParen(this.ctx.tokens, at + 1);
    const field = this.tok(at + 2);
    this.take(at + 2);
    const expr = this.expr(obj(node.args)?.source);
    this.take(close);
    return { kind: 'extract', field: field.kind === 'string' ? field.value.toLowerCase() : field.key, expr, span: this.span(at, close) };
  }
}
