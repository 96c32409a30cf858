// Shared pieces of query planning: the bound FROM input (scope + plan + window), select-list
// output names, `*` expansion, scope environments and the Project builder (which reports
// duplicate output names and elides identity projections). No clause logic here.
import type { DataType, Field } from '../../catalog/types.js';
import type { ColumnExpr, Expr, SelectItem } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import type { BoundExpr } from '../plan/expr.js';
import { exprNullable } from '../plan/expr-utils.js';
import type { LogicalPlan, WindowSpec } from '../plan/logical-plan.js';
import type { Span } from '../source.js';
import type { ExprEnv } from './bind-expr.js';
import type { Scope, ScopeColumn } from './scope.js';
import { T } from '../types.js';

export interface WindowInput {
  readonly fn: 'tumble' | 'hop' | 'session';
  readonly spec: WindowSpec;
  readonly timeColumn: number;
  readonly timeType: DataType;
  readonly span: Span;
}

/** Everything the select list and clauses are bound against. */
export interface QueryInput {
  readonly plan: LogicalPlan;
  readonly scope: Scope;
  readonly window?: WindowInput;
}

/** Name of a select item's output column (PostgreSQL style), `_col<N>` when there is none. */
export function outputName(item: Extract<SelectItem, { kind: 'expr' }>, position: number): string {
  if (item.alias) return item.alias.name;
  const natural = (e: Expr): string | undefined => {
    switch (e.kind) {
      case 'column':
        return e.name.name;
      case 'call':
        return e.name;
      case 'cast':
        return natural(e.expr);
      case 'extract':
        return 'extract';
      case 'case':
        return 'case';
      default:
        return undefined;
    }
  };
  return natural(item.expr) ?? `_col${position}`;
}

/** One output column of the select list. */
export interface OutputColumn {
  readonly expr: BoundExpr;
  readonly name: string;
  readonly span: Span;
}

/** Expands `*` / `t.*` into column references of the scope. */
export function expandStar(item: Extract<SelectItem, { kind: 'star' }>, scope: Scope, diags: Diagnostics): ColumnExpr[] | undefined {
  let relations = scope.relations;
  if (item.qualifier) {
    relations = relations.filter((r) => r.name === item.qualifier!.name);
    if (relations.length === 0) {
      diags.error('unknown-table', `table '${item.qualifier.name}' is not in FROM`, item.qualifier.span);
      return undefined;
    }
  }
  return relations.flatMap((r) =>
    r.columns.map((c) => ({
      kind: 'column' as const,
      table: { name: r.name, quoted: true, span: item.span },
      name: { name: c.name, quoted: true, span: item.span },
      span: item.span,
    })),
  );
}

/** Builds a Project, or returns the input when it would only repeat it. Reports duplicate names. */
export function project(input: LogicalPlan, cols: readonly OutputColumn[], span: Span, diags: Diagnostics): LogicalPlan {
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.name))
      diags.error('duplicate-name', `output column '${c.name}' appears twice`, c.span, {
        help: [`give it another name: ... AS ${c.name}_2`],
      });
    seen.add(c.name);
  }
  const inFields = input.schema.fields;
  const identity =
    cols.length === inFields.length &&
    cols.every((c, i) => c.expr.kind === 'column' && c.expr.index === i && c.name === inFields[i]!.name);
  if (identity) return input;
  const exprs = cols.map((c) => (c.expr.type.kind === 'null' ? { ...c.expr, type: T.varchar } : c.expr));
  const fields: Field[] = exprs.map((e, i) => ({ name: cols[i]!.name, type: e.type, nullable: exprNullable(e, inFields) }));
  return { kind: 'project', input, exprs, schema: { fields }, span };
}

/** Environment resolving names in `scope`; aggregates are rejected with `noAggregates`. */
export function scopeEnv(scope: Scope, noAggregates: string, reject?: (c: ScopeColumn, ref: ColumnExpr, diags: Diagnostics) => boolean): ExprEnv {
  return {
    noAggregates,
    column(ref, diags) {
      const c = scope.resolve(ref, diags);
      if (!c || (reject && reject(c, ref, diags))) return undefined;
      return { kind: 'column', index: c.index, name: c.name, type: c.type, span: ref.span };
    },
  };
}
