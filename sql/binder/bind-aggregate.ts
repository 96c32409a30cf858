// Plans an aggregate SELECT over a window table function: WHERE (input columns only) ->
// WindowAggregate(group keys, window, aggregates with FILTER) -> HAVING -> Project. GROUP BY must
// hold window_start and window_end; select items may use only group keys, window bounds and
// aggregates. Non-windowed aggregation is reported as unsupported in this version.
import type { Field } from '../../catalog/types.js';
import type { CallExpr, ColumnExpr, Expr, Query } from '../ast.js';
import { Diagnostics } from '../diagnostic.js';
import type { AggregateCall, AggregateFn, BoundExpr, ColumnRef } from '../plan/expr.js';
import { exprEquals, exprNullable, formatAggregate, formatExpr, mapColumns } from '../plan/expr-utils.js';
import type { LogicalPlan, WindowAggregate } from '../plan/logical-plan.js';
import { AGGREGATES, T, aggregateType } from '../types.js';
import type { ExprEnv } from './bind-expr.js';
import { ExprBinder } from './bind-expr.js';
import type { OutputColumn, QueryInput } from './select-list.js';
import { expandStar, outputName, project, scopeEnv } from './select-list.js';
import type { ScopeColumn } from './scope.js';

interface Key {
  readonly expr: BoundExpr;
  readonly name: string;
  /** Named by a column or a GROUP BY alias (kept even if the select list renames it). */
  readonly named: boolean;
}

export function bindAggregateQuery(q: Query, input: QueryInput, binder: ExprBinder): LogicalPlan | undefined {
  const diags = binder.diags;
  const w = input.window;
  if (!w) {
    const at = q.groupBy[0]?.span ?? q.items.find((i) => i.kind === 'expr')?.span ?? q.span;
    diags.error('unsupported', 'aggregation without a window is not supported in this version', at, {
      help: [
        'aggregate over a window: FROM TUMBLE(source, time_col, INTERVAL ...) ... GROUP BY ..., window_start, window_end',
      ],
    });
    return undefined;
  }
  const scope = input.scope;
  const inputFields = input.plan.schema.fields;
  const rejectWindow =
    (where: string) =>
    (c: ScopeColumn, ref: ColumnExpr, d: Diagnostics): boolean => {
      if (!c.window) return false;
      d.error('unsupported', `'${c.name}' cannot be used in ${where}`, ref.span, {
        help: where === 'WHERE' ? ['move the condition to HAVING'] : [],
      });
      return true;
    };
  const inputEnv = (noAggregates: string, where: string): ExprEnv => scopeEnv(scope, noAggregates, rejectWindow(where));

  // WHERE filters input rows before they are assigned to windows
  let plan = input.plan;
  if (q.where) {
    const pred = binder.bindBoolean(q.where, inputEnv('aggregate functions are not allowed in WHERE', 'WHERE'), 'the WHERE condition');
    if (pred) plan = { kind: 'filter', input: plan, predicate: pred, schema: plan.schema, span: q.where.span };
  }

  // GROUP BY: window bounds plus key expressions over input rows
  const keys: Key[] = [];
  let hasStart = false;
  let hasEnd = false;
  const groupEnv = inputEnv('aggregate functions are not allowed in GROUP BY', 'GROUP BY expressions');
  const errorsBefore = diags.errorCount;
  for (const g of q.groupBy) {
    if (g.kind === 'number') {
      diags.error('unsupported', 'GROUP BY by position is not supported', g.span, { help: ['repeat the expression or its column name'] });
      continue;
    }
    if (g.kind === 'column') {
      const c = scope.resolve(g, undefined);
      if (c?.window === 'start') {
        hasStart = true;
        continue;
      }
      if (c?.window === 'end') {
        hasEnd = true;
        continue;
      }
      if (!c && !g.table) {
        const aliased = q.items.filter((i) => i.kind === 'expr' && i.alias?.name === g.name.name);
        if (aliased.length > 1) {
          diags.error('ambiguous-column', `GROUP BY name '${g.name.name}' is ambiguous`, g.span, {
            notes: [`${aliased.length} select items are named '${g.name.name}'`],
          });
          continue;
        }
        const target = aliased[0];
        if (target && target.kind === 'expr') {
          addKey(binder.bind(target.expr, groupEnv), target.alias!.name);
          continue;
        }
      }
    }
    addKey(binder.bind(g, groupEnv), undefined);
  }
  function addKey(e: BoundExpr | undefined, alias: string | undefined): void {
    if (!e || keys.some((k) => exprEquals(k.expr, e))) return;
    const name = alias ?? (e.kind === 'column' ? e.name : formatExpr(e, false));
    keys.push({ expr: e, name, named: alias !== undefined || e.kind === 'column' });
  }
  // without all keys, select items would report misuse of columns that are meant to be keys
  if (diags.errorCount !== errorsBefore) return undefined;
  if (!hasStart || !hasEnd) {
    const at = q.groupBy[0]?.span ?? w.span;
    diags.error('unsupported', `GROUP BY over ${w.fn}() must include window_start and window_end`, at, {
      help: ['add window_start, window_end to GROUP BY; aggregation without a window is not supported in this version'],
    });
    return undefined;
  }

  // aggregates, collected while binding the select list and HAVING
  const aggs: AggregateCall[] = [];
  const nKeys = keys.length;
  const argEnv = inputEnv('aggregate function calls cannot be nested', 'aggregate arguments');
  const filterEnv = inputEnv('aggregate functions are not allowed in FILTER', 'FILTER conditions');
  const aggregate = (call: CallExpr, b: ExprBinder): BoundExpr | undefined => {
    const name = AGGREGATES[call.name]!;
    if (call.star && name !== 'count') {
      diags.error('syntax-error', `'*' is only allowed in count(*)`, call.span);
      return undefined;
    }
    if (call.distinct && name !== 'count') {
      diags.error('unsupported', `DISTINCT in ${name}() is not supported`, call.span, { help: ['only count(DISTINCT x) is supported'] });
      return undefined;
    }
    const argc = call.star ? 0 : call.args.length;
    if ((call.star && call.args.length > 0) || (!call.star && argc !== 1)) {
      diags.error('type-mismatch', `${name}() takes exactly one argument, found ${argc}`, call.span);
      return undefined;
    }
    const arg = call.star ? undefined : b.bind(call.args[0]!, argEnv);
    const filter = call.filter ? b.bindBoolean(call.filter, filterEnv, 'the FILTER condition') : undefined;
    if ((!call.star && !arg) || (call.filter && !filter)) return undefined;
    const type = aggregateType(name, arg?.type);
    if ('error' in type) {
      diags.error('type-mismatch', type.error, call.span);
      return undefined;
    }
    const fn: AggregateFn = name === 'count' ? (call.star ? 'count_star' : call.distinct ? 'count_distinct' : 'count') : name;
    const candidate: AggregateCall = {
      fn,
      ...(arg ? { arg } : {}),
      ...(filter ? { filter } : {}),
      type,
      display: '',
      span: call.span,
    };
    const display = formatAggregate(candidate, false);
    let index = aggs.findIndex(
      (a) =>
        a.fn === fn &&
        (a.arg === undefined ? arg === undefined : arg !== undefined && exprEquals(a.arg, arg)) &&
        (a.filter === undefined ? filter === undefined : filter !== undefined && exprEquals(a.filter, filter)),
    );
    if (index < 0) {
      index = aggs.length;
      aggs.push({ ...candidate, display });
    }
    const ref: ColumnRef = { kind: 'column', index: nKeys + 2 + index, name: display, type, span: call.span };
    return ref;
  };
  const outEnv: ExprEnv = {
    noAggregates: '',
    aggregate,
    column(ref, d) {
      const c = scope.resolve(ref, d);
      if (!c) return undefined;
      if (c.window) return { kind: 'column', index: nKeys + (c.window === 'start' ? 0 : 1), name: c.name, type: c.type, span: ref.span };
      const k = keys.findIndex((key) => key.expr.kind === 'column' && key.expr.index === c.index);
      if (k >= 0) return { kind: 'column', index: k, name: keys[k]!.name, type: c.type, span: ref.span };
      d.error('aggregate-misuse', `column '${c.name}' must appear in GROUP BY or be used in an aggregate function`, ref.span, {
        help: [`add '${c.name}' to GROUP BY, or aggregate it, e.g. max(${c.name})`],
      });
      return undefined;
    },
    replace(e: Expr) {
      if (e.kind === 'column' || nKeys === 0) return undefined;
      // bind silently: a subexpression that equals a group key reads the key's output column
      const probe = new ExprBinder(new Diagnostics()).bind(e, scopeEnv(scope, '', rejectWindow('')));
      if (!probe) return undefined;
      const k = keys.findIndex((key) => exprEquals(key.expr, probe));
      return k < 0 ? undefined : { kind: 'column', index: k, name: keys[k]!.name, type: probe.type, span: e.span };
    },
  };

  const cols: OutputColumn[] = [];
  q.items.forEach((item, i) => {
    if (item.kind === 'star') {
      for (const ref of expandStar(item, scope, diags) ?? []) {
        const e = binder.bind(ref, outEnv);
        if (e) cols.push({ expr: e, name: ref.name.name, span: item.span });
      }
      return;
    }
    const e = binder.bind(item.expr, outEnv);
    if (e) cols.push({ expr: e, name: outputName(item, i + 1), span: item.span });
  });
  const having = q.having ? binder.bindBoolean(q.having, outEnv, 'the HAVING condition') : undefined;
  if (q.having && !having) return undefined;

  // output names of the aggregate node: the select list's name where it shows a key or an
  // aggregate as is, else the column name of a key or the SQL text of the expression
  const named = new Set<number>(keys.flatMap((k, i) => (k.named ? [i] : [])));
  const names: string[] = [...keys.map((k) => k.name), 'window_start', 'window_end', ...aggs.map((a) => a.display)];
  for (const c of cols) {
    const i = c.expr.kind === 'column' ? c.expr.index : -1;
    if (i < 0 || i === nKeys || i === nKeys + 1 || named.has(i) || names.includes(c.name)) continue;
    names[i] = c.name;
    named.add(i);
  }
  const fields: Field[] = [
    ...keys.map((k, i) => ({ name: names[i]!, type: k.expr.type.kind === 'null' ? T.varchar : k.expr.type, nullable: exprNullable(k.expr, inputFields) })),
    { name: 'window_start', type: w.timeType, nullable: false },
    { name: 'window_end', type: w.timeType, nullable: false },
    ...aggs.map((a, i) => ({ name: names[nKeys + 2 + i]!, type: a.type, nullable: !a.fn.startsWith('count') })),
  ];
  const agg: WindowAggregate = {
    kind: 'window-aggregate',
    input: plan,
    window: w.spec,
    timeColumn: w.timeColumn,
    groupKeys: keys.map((k) => k.expr),
    aggregates: aggs,
    schema: { fields },
    span: w.span,
  };
  const rename = (e: BoundExpr): BoundExpr => mapColumns(e, (r) => ({ ...r, name: fields[r.index]!.name }));
  let out: LogicalPlan = agg;
  if (having) out = { kind: 'filter', input: out, predicate: rename(having), schema: out.schema, span: q.having!.span };
  return project(out, cols.map((c) => ({ ...c, expr: rename(c.expr) })), q.span, diags);
}
