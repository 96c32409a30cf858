// Converts a node-sql-parser SELECT into our Query: select items with aliases, FROM (a source or
// view, or a TUMBLE / HOP / SESSION table function), WHERE, GROUP BY, HAVING, and the clauses
// this version does not plan (reported by the binder). Expressions go through ExprConverter.
// No library import here.
import type { FromItem, Query, SelectItem, WindowFn } from '../ast.js';
import { isPunct, matchingParen } from '../lexer.js';
import type { Span } from '../source.js';
import { ExprConverter } from './select-expr.js';
import type { Node } from './select-nodes.js';
import { arr, columnExpr, fnName, obj } from './select-nodes.js';
import type { EmittedText } from './select-text.js';
import { markerIndex } from './select-text.js';

export class QueryConverter extends ExprConverter {
  query(ast: Node, emitted: EmittedText): Query {
    const first = this.pos;
    const unsupported: { what: string; span: Span }[] = [];
    if (obj(ast.distinct)?.type) {
      const d = this.seek((t) => t.key === 'distinct');
      unsupported.push({ what: 'SELECT DISTINCT', span: d >= 0 ? this.span(d, d) : this.here() });
    }
    const items = arr(ast.columns).map((c) => this.selectItem(obj(c) ?? {}));
    const from: FromItem[] = [];
    const fromNodes = arr(ast.from);
    fromNodes.forEach((f, i) => {
      const item = this.fromItem(obj(f) ?? {}, i, unsupported);
      if (item) from.push(item);
    });
    const where = ast.where ? this.expr(ast.where) : undefined;
    const group = obj(ast.groupby);
    const groupBy = (group ? arr(group.columns) : arr(ast.groupby)).map((g) => this.expr(g));
    const having = ast.having ? this.expr(ast.having) : undefined;
    for (const c of emitted.cut) unsupported.push(c);
    const last = Math.max(first, emitted.end - 1);
    return {
      kind: 'select',
      items,
      from,
      ...(where ? { where } : {}),
      groupBy,
      ...(having ? { having } : {}),
      unsupported,
      span: this.span(first, last),
    };
  }

  private selectItem(c: Node): SelectItem {
    const e = columnExpr(c);
    if (e.type === 'column_ref' && e.column === '*') {
      const qualifier = this.ident(typeof e.table === 'string' ? e.table : obj(e.table)?.value);
      const star = this.seek((t) => isPunct(t, '*'));
      if (star >= 0) this.take(star);
      const span = star >= 0 ? this.span(star, star) : this.here();
      return { kind: 'star', ...(qualifier ? { qualifier } : {}), span: qualifier ? this.join(qualifier.span, span) : span };
    }
    const expr = this.expr(e);
    const alias = c.as ? this.ident(c.as) : undefined;
    return { kind: 'expr', expr, ...(alias ? { alias } : {}), span: alias ? this.join(expr.span, alias.span) : expr.span };
  }

  private fromItem(f: Node, index: number, unsupported: { what: string; span: Span }[]): FromItem | undefined {
    const startSpan = this.here();
    if (f.join || index > 0) {
      const j = this.seek((t) => t.key === 'join' || isPunct(t, ','));
      unsupported.push({ what: 'JOIN', span: j >= 0 ? this.span(j, j) : startSpan });
      this.skipFromItem(f);
      return undefined;
    }
    const expr = obj(f.expr);
    if (expr && (expr.ast || expr.type === 'select' || obj(expr.ast))) {
      const p = this.seek((t) => isPunct(t, '('));
      unsupported.push({ what: 'a subquery', span: p >= 0 ? this.span(p, p) : startSpan });
      this.skipFromItem(f);
      return undefined;
    }
    if (expr && expr.type === 'function') return this.windowItem(expr, f.as);
    const name = this.ident(f.table);
    if (!name) {
      unsupported.push({ what: 'this FROM item', span: startSpan });
      return undefined;
    }
    if (f.db) {
      unsupported.push({ what: 'a schema-qualified name', span: name.span });
      return undefined;
    }
    const alias = f.as ? this.ident(f.as) : undefined;
    return { kind: 'table', name, ...(alias ? { alias } : {}), span: alias ? this.join(name.span, alias.span) : name.span };
  }

  /** Moves the cursor past a FROM item we do not convert. */
  private skipFromItem(f: Node): void {
    for (const k of ['db', 'table', 'as']) {
      const i = markerIndex(f[k]);
      if (i !== undefined) this.take(i);
    }
  }

  private windowItem(fn: Node, aliasMarker: unknown): FromItem | undefined {
    const name = fnName(fn);
    const at = this.seek((t, i) => t.kind === 'word' && t.key === name && isPunct(this.tok(i + 1), '('));
    const nameSpan = at >= 0 ? this.span(at, at) : this.here();
    if (name !== 'tumble' && name !== 'hop' && name !== 'session') {
      this.ctx.diags.error('unsupported', `table function '${name}' is not supported`, nameSpan, {
        help: ['window table functions are TUMBLE(source, time_col, size), HOP(source, time_col, slide, size) and SESSION(source, time_col, gap)'],
      });
      return undefined;
    }
    const close = at >= 0 ? matchingParen(this.ctx.tokens, at + 1) : this.pos;
    this.take(at + 1);
    const args = arr(obj(fn.args)?.value);
    const arity = name === 'hop' ? 4 : 3;
    const usage =
      name === 'tumble' ? 'tumble(source, time_col, size)' : name === 'hop' ? 'hop(source, time_col, slide, size)' : 'session(source, time_col, gap)';
    const first = obj(args[0]);
    const input =
      first?.type === 'column_ref' && !first.table ? this.ident(obj(obj(first.column)?.expr)?.value ?? first.column) : undefined;
    if (!input || args.length !== arity) {
      this.syntax(`${name}() takes ${arity} arguments: ${usage}`, nameSpan);
      this.take(close);
      return undefined;
    }
    const time = this.expr(args[1]);
    const rest = args.slice(2).map((a) => this.expr(a));
    this.take(close);
    const alias = aliasMarker ? this.ident(aliasMarker) : undefined;
    const span = this.span(at, close);
    return {
      kind: 'window',
      fn: name as WindowFn,
      input,
      time,
      args: rest,
      ...(alias ? { alias } : {}),
      fnSpan: nameSpan,
      span: alias ? this.join(span, alias.span) : span,
    };
  }
}
