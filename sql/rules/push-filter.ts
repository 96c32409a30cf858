// push-filter: moves Filters toward the sources so fewer rows reach later operators. Merges
// stacked Filters, pushes through Project (substituting the projected expressions), below
// WindowAssign when a conjunct reads no window column, and below WindowAggregate when a
// conjunct reads only group keys (HAVING on a key becomes WHERE). Schemas never change.
import type { BoundExpr } from '../plan/expr.js';
import { collectColumns, mapColumns } from '../plan/expr-utils.js';
import type { Filter, LogicalPlan } from '../plan/logical-plan.js';
import type { Transformed } from '../plan/rewrite.js';
import { changed, transformUp, unchanged } from '../plan/rewrite.js';
import type { Rule } from './rule.js';
import { T } from '../types.js';

function conjuncts(e: BoundExpr, out: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === 'call' && e.fn === 'and' && e.args.length === 2) {
    conjuncts(e.args[0]!, out);
    conjuncts(e.args[1]!, out);
  } else out.push(e);
  return out;
}

function and(parts: readonly BoundExpr[]): BoundExpr {
  return parts.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: T.boolean }));
}

const filter = (input: LogicalPlan, predicate: BoundExpr, like: Filter): LogicalPlan => ({
  kind: 'filter',
  input,
  predicate,
  schema: input.schema,
  ...(like.span ? { span: like.span } : {}),
});

/** Splits the conjuncts of `f` into those `canPush` accepts and the rest. */
function split(f: Filter, canPush: (e: BoundExpr) => boolean): [BoundExpr[], BoundExpr[]] {
  const push: BoundExpr[] = [];
  const keep: BoundExpr[] = [];
  for (const c of conjuncts(f.predicate)) (canPush(c) ? push : keep).push(c);
  return [push, keep];
}

function pushNode(p: LogicalPlan): Transformed<LogicalPlan> {
  if (p.kind !== 'filter') return unchanged(p);
  const child = p.input;
  switch (child.kind) {
    case 'filter':
      // lower predicate first: it was written closer to the source
      return changed(filter(child.input, and([child.predicate, p.predicate]), child));
    case 'project': {
      const predicate = mapColumns(p.predicate, (r) => child.exprs[r.index]!);
      return changed({ ...child, input: filter(child.input, predicate, p) });
    }
    case 'window-assign': {
      const width = child.input.schema.fields.length;
      const [push, keep] = split(p, (c) => [...collectColumns(c, new Set())].every((i) => i < width));
      if (push.length === 0) return unchanged(p);
      const below = { ...child, input: filter(child.input, and(push), p) };
      return changed(keep.length === 0 ? below : filter(below, and(keep), p));
    }
    case 'window-aggregate': {
      const nKeys = child.groupKeys.length;
      const [push, keep] = split(p, (c) => [...collectColumns(c, new Set())].every((i) => i < nKeys));
      if (push.length === 0) return unchanged(p);
      const predicate = mapColumns(and(push), (r) => child.groupKeys[r.index]!);
      const below = { ...child, input: filter(child.input, predicate, p) };
      return changed(keep.length === 0 ? below : filter(below, and(keep), p));
    }
    default:
      return unchanged(p);
  }
}

export const pushFilter: Rule = {
  name: 'push-filter',
  apply: (plan) => transformUp(plan, pushNode),
};
