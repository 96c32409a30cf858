// fold-constants: evaluates calls, casts and CASEs whose inputs are all literals, simplifies
// AND/OR with a constant side (valid under three-valued logic) and drops Filters whose
// predicate is the constant TRUE. Never changes a node's schema.
import type { Value } from '../../catalog/types.js';
import type { AggregateCall, BoundExpr } from '../plan/expr.js';
import { evaluateConstant } from '../plan/evaluate.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Transformed } from '../plan/rewrite.js';
import { changed, transformUp, unchanged } from '../plan/rewrite.js';
import type { Rule } from './rule.js';

const isLit = (e: BoundExpr, v?: Value): boolean => e.kind === 'literal' && (v === undefined || e.value === v);

/** Folds one expression bottom-up; returns the same object when nothing folds. */
export function foldExpr(e: BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'column':
    case 'literal':
      return e;
    case 'cast': {
      const inner = foldExpr(e.expr);
      const next = inner === e.expr ? e : { ...e, expr: inner };
      return inner.kind === 'literal' ? constant(next) : next;
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ when: foldExpr(w.when), then: foldExpr(w.then) }));
      const otherwise = e.else ? foldExpr(e.else) : undefined;
      const same = whens.every((w, i) => w.when === e.whens[i]!.when && w.then === e.whens[i]!.then) && otherwise === e.else;
      const next = same ? e : { ...e, whens, ...(otherwise ? { else: otherwise } : {}) };
      const all = whens.every((w) => isLit(w.when) && isLit(w.then)) && (!otherwise || isLit(otherwise));
      return all ? constant(next) : next;
    }
    case 'call': {
      const args = e.args.map(foldExpr);
      const next = args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
      if (args.every((a) => isLit(a))) return constant(next);
      if ((e.fn === 'and' || e.fn === 'or') && args.length === 2) {
        const [a, b] = args as [BoundExpr, BoundExpr];
        const absorbing = e.fn === 'and' ? false : true;
        if (isLit(a, absorbing) || isLit(b, absorbing)) return { kind: 'literal', value: absorbing, type: e.type, ...(e.span ? { span: e.span } : {}) };
        if (isLit(a, !absorbing)) return b;
        if (isLit(b, !absorbing)) return a;
      }
      return next;
    }
  }
}

function constant(e: BoundExpr): BoundExpr {
  return { kind: 'literal', value: evaluateConstant(e), type: e.type, ...(e.span ? { span: e.span } : {}) };
}

function foldAggregate(a: AggregateCall): AggregateCall {
  const arg = a.arg ? foldExpr(a.arg) : undefined;
  const filter = a.filter ? foldExpr(a.filter) : undefined;
  if (arg === a.arg && filter === a.filter) return a;
  return { ...a, ...(arg ? { arg } : {}), ...(filter ? { filter } : {}) };
}

function foldNode(p: LogicalPlan): Transformed<LogicalPlan> {
  switch (p.kind) {
    case 'filter': {
      const predicate = foldExpr(p.predicate);
      if (isLit(predicate, true)) return changed(p.input);
      return predicate === p.predicate ? unchanged(p) : changed({ ...p, predicate });
    }
    case 'project': {
      const exprs = p.exprs.map(foldExpr);
      return exprs.every((x, i) => x === p.exprs[i]) ? unchanged(p) : changed({ ...p, exprs });
    }
    case 'window-aggregate': {
      const groupKeys = p.groupKeys.map(foldExpr);
      const aggregates = p.aggregates.map(foldAggregate);
      const same = groupKeys.every((x, i) => x === p.groupKeys[i]) && aggregates.every((x, i) => x === p.aggregates[i]);
      return same ? unchanged(p) : changed({ ...p, groupKeys, aggregates });
    }
    default:
      return unchanged(p);
  }
}

export const foldConstants: Rule = {
  name: 'fold-constants',
  apply: (plan) => transformUp(plan, foldNode),
};
