// The shapes of node-sql-parser's AST as this adapter reads them (loose records), and the repair
// of its operator precedence: it parses `a AND b OR c` as `a AND (b OR c)` and `a + b || c` as
// `a + (b || c)`, so each unparenthesized operator run is flattened in source order and rebuilt
// with PostgreSQL precedence. No library import and no token knowledge here.

export type Node = { readonly type?: unknown; readonly [k: string]: unknown };
export const obj = (x: unknown): Node | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Node) : undefined);
export const arr = (x: unknown): readonly unknown[] => (Array.isArray(x) ? x : []);
export const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** The expression of a select-list entry (the library inlines `x::type` entries without a wrapper). */
export const columnExpr = (c: Node): Node => (c.type === 'expr' || c.type === undefined ? (obj(c.expr) ?? c) : c);

// PostgreSQL precedence of binary operators (higher binds tighter); NOT is prefix at 3.
export const INFIX_PREC: Readonly<Record<string, number>> = {
  OR: 1, AND: 2, IS: 4, 'IS NOT': 4,
  '=': 5, '<>': 5, '!=': 5, '<': 5, '<=': 5, '>': 5, '>=': 5,
  LIKE: 6, 'NOT LIKE': 6, ILIKE: 6, 'NOT ILIKE': 6, IN: 6, 'NOT IN': 6, BETWEEN: 6, 'NOT BETWEEN': 6,
  '||': 7, '+': 8, '-': 8, '*': 9, '/': 9, '%': 9,
};
/** Operators whose right side is one fixed operand (a list, a NULL/TRUE/FALSE keyword). */
const ATOM_RIGHT = new Set(['IS', 'IS NOT', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN']);
export const PREFIX_PREC: Readonly<Record<string, number>> = { NOT: 3, '-': 10, '+': 10 };
/** Marks operator nodes already re-associated by `rebuild`. */
export const FIXED = '__sf_fixed';
export type RunItem = { k: 'atom'; n: unknown } | { k: 'op'; op: string; n: Node } | { k: 'prefix'; op: string };

export const isNotCall = (n: Node): boolean =>
  n.type === 'function' && fnName(n) === 'not' && arr(obj(n.args)?.value).length === 1;

export function fnName(n: Node): string {
  const name = obj(n.name);
  const parts = name ? arr(name.name) : [];
  const last = obj(parts[parts.length - 1]);
  return (str(last?.value) ?? str(n.name) ?? '').toLowerCase();
}

/** Flattens an operator run in source order; parenthesized sub-expressions stay atoms. */
export function flatten(n: unknown, out: RunItem[], root: boolean): void {
  const node = obj(n);
  if (node && (root || !node.parentheses)) {
    const op = typeof node.operator === 'string' ? node.operator.toUpperCase() : '';
    if (node.type === 'binary_expr' && INFIX_PREC[op] !== undefined) {
      flatten(node.left, out, false);
      out.push({ k: 'op', op, n: node });
      if (ATOM_RIGHT.has(op)) out.push({ k: 'atom', n: node.right });
      else flatten(node.right, out, false);
      return;
    }
    if (node.type === 'unary_expr' && PREFIX_PREC[op] !== undefined) {
      out.push({ k: 'prefix', op });
      flatten(node.expr, out, false);
      return;
    }
    if (isNotCall(node)) {
      out.push({ k: 'prefix', op: 'NOT' });
      out.push({ k: 'atom', n: arr(obj(node.args)?.value)[0] });
      return;
    }
  }
  out.push({ k: 'atom', n });
}

/** Rebuilds a flattened run with PostgreSQL precedence (left-associative). */
export function rebuild(items: readonly RunItem[]): unknown {
  let k = 0;
  const parse = (minPrec: number): unknown => {
    let left: unknown;
    const first = items[k];
    if (first?.k === 'prefix') {
      k++;
      left = { type: 'unary_expr', operator: first.op, expr: parse(PREFIX_PREC[first.op]!), [FIXED]: true };
    } else {
      k++;
      left = first?.k === 'atom' ? first.n : first?.k === 'op' ? first.n : undefined;
    }
    for (;;) {
      const it = items[k];
      if (it?.k !== 'op') break;
      const prec = INFIX_PREC[it.op]!;
      if (prec < minPrec) break;
      k++;
      let right: unknown;
      if (ATOM_RIGHT.has(it.op)) {
        const r = items[k++];
        right = r?.k === 'atom' ? r.n : undefined;
      } else right = parse(prec + 1);
      left = { ...it.n, operator: it.op, left, right, [FIXED]: true };
    }
    return left;
  };
  return parse(0);
}
