// Plans one SELECT: FROM (a source, a view, or a window TVF over one of them), WHERE, the select
// list and, for aggregate queries, hands over to bind-aggregate.ts. Produces
// SourceScan/view plan -> [WindowAssign] -> Filter -> Project, checking that a window's time
// column is the watermark column. Every problem is a diagnostic; nothing is thrown.
import type { Expr, FromItem, Ident, Query } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import { intervalMicros } from '../durations.js';
import type { LogicalPlan, WindowSpec } from '../plan/logical-plan.js';
import { eventTimeColumn } from '../plan/properties.js';
import type { Span } from '../source.js';
import { AGGREGATES, isTimestamp, typeToString } from '../types.js';
import { bindAggregateQuery } from './bind-aggregate.js';
import { ExprBinder } from './bind-expr.js';
import type { ScopeColumn } from './scope.js';
import { Scope } from './scope.js';
import type { OutputColumn, QueryInput } from './select-list.js';
import { expandStar, outputName, project, scopeEnv } from './select-list.js';

/** Plan of a source or view by name; undefined when it does not exist or failed (already reported). */
export type RelationResolver = (name: Ident) => LogicalPlan | undefined;

const UNSUPPORTED_HELP: Readonly<Record<string, string>> = {
  'ORDER BY': 'a stream has no order; sort when you query the table',
  LIMIT: 'a stream has no end; limit rows when you query the table',
  OFFSET: 'a stream has no end; skip rows when you query the table',
  FETCH: 'a stream has no end; limit rows when you query the table',
  UNION: 'write one sink per query',
  INTERSECT: 'write one sink per query',
  EXCEPT: 'write one sink per query',
  'SELECT DISTINCT': 'group by the columns over a window instead: GROUP BY a, b, window_start, window_end',
  JOIN: 'joins are specified in a later issue',
  'a subquery': 'declare the inner query with CREATE VIEW and read the view',
};

export function bindQuery(q: Query, resolve: RelationResolver, diags: Diagnostics): LogicalPlan | undefined {
  const errors = diags.errorCount;
  for (const u of q.unsupported) {
    const help = UNSUPPORTED_HELP[u.what];
    diags.error('unsupported', `${u.what} is not supported`, u.span, help ? { help: [help] } : {});
  }
  const item = q.from[0];
  if (!item) {
    if (q.unsupported.length === 0)
      diags.error('unsupported', 'a query without FROM is not supported', q.span, { help: ['read from a source or a view'] });
    return undefined;
  }
  const input = bindFrom(item, resolve, diags);
  if (!input) return undefined;
  const binder = new ExprBinder(diags);
  const aggregate = q.groupBy.length > 0 || q.having !== undefined || q.items.some((i) => i.kind === 'expr' && hasAggregate(i.expr));
  const plan = aggregate ? bindAggregateQuery(q, input, binder) : bindPlainQuery(q, input, binder);
  return diags.errorCount === errors ? plan : undefined;
}

/** Whether an expression calls an aggregate function (outside FILTER clauses). */
export function hasAggregate(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return AGGREGATES[e.name] !== undefined || e.args.some(hasAggregate);
    case 'unary':
      return hasAggregate(e.expr);
    case 'binary':
      return hasAggregate(e.left) || hasAggregate(e.right);
    case 'cast':
    case 'extract':
      return hasAggregate(e.expr);
    case 'case':
      return (
        (e.operand ? hasAggregate(e.operand) : false) ||
        e.whens.some((w) => hasAggregate(w.when) || hasAggregate(w.then)) ||
        (e.else ? hasAggregate(e.else) : false)
      );
    case 'in':
      return hasAggregate(e.expr) || e.list.some(hasAggregate);
    case 'between':
      return hasAggregate(e.expr) || hasAggregate(e.low) || hasAggregate(e.high);
    case 'is':
      return hasAggregate(e.expr);
    default:
      return false;
  }
}

function bindFrom(item: FromItem, resolve: RelationResolver, diags: Diagnostics): QueryInput | undefined {
  const name = item.kind === 'table' ? item.name : item.input;
  const plan = resolve(name);
  if (!plan) return undefined;
  const relName = item.alias?.name ?? name.name;
  const base: ScopeColumn[] = plan.schema.fields.map((f, index) => ({ name: f.name, type: f.type, nullable: f.nullable, index }));
  if (item.kind === 'table') return { plan, scope: new Scope([{ name: relName, columns: base }]) };

  const spec = windowSpec(item, diags);
  const baseScope = new Scope([{ name: relName, columns: base }]);
  let time: ScopeColumn | undefined;
  if (item.time.kind !== 'column') {
    diags.error('syntax-error', `the second argument of ${item.fn}() must be a column name`, item.time.span);
  } else {
    time = baseScope.resolve(item.time, diags);
    if (time && !isTimestamp(time.type)) {
      diags.error('type-mismatch', `window time column '${time.name}' must be a TIMESTAMP, found ${typeToString(time.type)}`, item.time.span);
      time = undefined;
    } else if (time && eventTimeColumn(plan) !== time.index) {
      reportNoWatermark(time, item.input, item.time.span, plan, diags);
      time = undefined;
    }
  }
  if (!spec || !time) return undefined;
  const n = base.length;
  const columns: ScopeColumn[] = [
    ...base,
    { name: 'window_start', type: time.type, nullable: false, index: n, window: 'start' },
    { name: 'window_end', type: time.type, nullable: false, index: n + 1, window: 'end' },
  ];
  return {
    plan,
    scope: new Scope([{ name: relName, columns }]),
    window: { fn: item.fn, spec, timeColumn: time.index, timeType: time.type, span: item.fnSpan },
  };
}

function reportNoWatermark(time: ScopeColumn, input: Ident, span: Span, plan: LogicalPlan, diags: Diagnostics): void {
  const wm = eventTimeColumn(plan);
  const isSource = plan.kind === 'source-scan';
  if (wm !== undefined) {
    const wmName = plan.schema.fields[wm]!.name;
    diags.error('window-without-watermark', `window time column '${time.name}' carries no watermark`, span, {
      notes: [`the watermark of '${input.name}' is on column '${wmName}'`],
      help: [`window over '${wmName}' instead`],
    });
    return;
  }
  diags.error('window-without-watermark', `window time column '${time.name}' carries no watermark`, span, {
    help: isSource
      ? [`declare WATERMARK FOR ${time.name} AS ${time.name} - INTERVAL '5' SECOND in CREATE SOURCE ${input.name}`]
      : [`window over a source column declared with WATERMARK FOR, selected unchanged by view '${input.name}'`],
  });
}

function windowSpec(item: Extract<FromItem, { kind: 'window' }>, diags: Diagnostics): WindowSpec | undefined {
  const names = item.fn === 'hop' ? ['slide', 'size'] : item.fn === 'session' ? ['gap'] : ['size'];
  const values: number[] = [];
  item.args.forEach((a, i) => {
    const what = `${item.fn}() ${names[i]}`;
    if (a.kind !== 'interval') {
      diags.error('invalid-window', `${what} must be an INTERVAL literal`, a.span, { help: ["e.g. INTERVAL '5' MINUTE"] });
      return;
    }
    const r = intervalMicros(a.value, a.unit);
    if ('error' in r) diags.error(r.error.includes('no fixed length') ? 'unsupported' : 'invalid-literal', r.error, a.span);
    else if (r.micros <= 0) diags.error('invalid-window', `${what} must be positive`, a.span);
    else values.push(r.micros);
  });
  if (values.length !== names.length) return undefined;
  if (item.fn === 'tumble') return { kind: 'tumble', size: values[0]! };
  if (item.fn === 'session') return { kind: 'session', gap: values[0]! };
  const [slide, size] = values as [number, number];
  if (size % slide !== 0) {
    diags.error('invalid-window', 'hop() size must be a whole multiple of its slide', item.args[1]!.span, {
      notes: [`slide ${slide / 1e6}s does not divide size ${size / 1e6}s`],
    });
    return undefined;
  }
  return { kind: 'hop', slide, size };
}

function bindPlainQuery(q: Query, input: QueryInput, binder: ExprBinder): LogicalPlan | undefined {
  const diags = binder.diags;
  let plan = input.plan;
  const w = input.window;
  if (w) {
    if (w.spec.kind === 'session') {
      diags.error('unsupported', 'session() windows need an aggregation', w.span, {
        help: ['aggregate per session: ... GROUP BY key, window_start, window_end'],
      });
      return undefined;
    }
    const fields = [
      ...plan.schema.fields,
      { name: 'window_start', type: w.timeType, nullable: false },
      { name: 'window_end', type: w.timeType, nullable: false },
    ];
    plan = { kind: 'window-assign', input: plan, window: w.spec, timeColumn: w.timeColumn, schema: { fields }, span: w.span };
  }
  const env = scopeEnv(input.scope, 'aggregate functions are not allowed in WHERE');
  if (q.where) {
    const pred = binder.bindBoolean(q.where, env, 'the WHERE condition');
    if (pred) plan = { kind: 'filter', input: plan, predicate: pred, schema: plan.schema, span: q.where.span };
  }
  const selectEnv = scopeEnv(input.scope, 'aggregate functions are not allowed here');
  const cols: OutputColumn[] = [];
  q.items.forEach((item, i) => {
    if (item.kind === 'star') {
      for (const ref of expandStar(item, input.scope, diags) ?? []) {
        const e = binder.bind(ref, selectEnv);
        if (e) cols.push({ expr: e, name: ref.name.name, span: item.span });
      }
      return;
    }
    const e = binder.bind(item.expr, selectEnv);
    if (e) cols.push({ expr: e, name: outputName(item, i + 1), span: item.span });
  });
  return project(plan, cols, q.span, diags);
}
