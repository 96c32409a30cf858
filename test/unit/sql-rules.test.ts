// Rules and plan properties: fold-constants, push-filter, prune-columns, the optimizer's
// fixed point and schema assertion, and appendOnly / eventTimeColumn / keyColumns / stateBound.
import { describe, expect, test } from 'vitest';
import { T } from '../../catalog/types.js';
import type { LogicalPlan } from '../../sql/index.js';
import { appendOnly, eventTimeColumn, explain, formatExpr, keyColumns, optimize, planScript, stateBound } from '../../sql/index.js';
import { foldExpr } from '../../sql/rules/fold-constants.js';
import { pruneColumns } from '../../sql/rules/prune-columns.js';
import { pushFilter } from '../../sql/rules/push-filter.js';
import type { Rule } from '../../sql/rules/index.js';

const SOURCE = `CREATE SOURCE t (id BIGINT PRIMARY KEY, a INT, b VARCHAR, c DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH (path = 't.jsonl', changelog = 'CHANGELOG');`;

/** The unoptimized plan of view `v` (views are optimized in the PlanSet; re-bind to see the raw one). */
function views(sql: string, changelog = 'append'): Map<string, LogicalPlan> {
  const r = planScript([{ path: 'r.sql', text: SOURCE.replace('CHANGELOG', changelog) + '\n' + sql }], { env: {} });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return new Map([...r.plans.views.map((v) => [v.def.name, v.plan] as const), ...r.plans.sinks.map((s) => [s.sink.name, s.plan] as const)]);
}
const view = (sql: string, changelog = 'append'): LogicalPlan => views(sql, changelog).get('v')!;

describe('fold-constants', () => {
  test('folds literal-only calls and simplifies AND/OR with constants', () => {
    const lit = (value: number) => ({ kind: 'literal' as const, value, type: T.int });
    const col = { kind: 'column' as const, index: 0, name: 'a', type: T.boolean };
    const sum = { kind: 'call' as const, fn: '+', args: [lit(2), lit(3)], type: T.int };
    expect(foldExpr(sum)).toEqual({ kind: 'literal', value: 5, type: T.int });
    const t = { kind: 'literal' as const, value: true, type: T.boolean };
    const f = { kind: 'literal' as const, value: false, type: T.boolean };
    expect(foldExpr({ kind: 'call', fn: 'and', args: [col, t], type: T.boolean })).toBe(col);
    expect(foldExpr({ kind: 'call', fn: 'and', args: [col, f], type: T.boolean })).toEqual(f);
    expect(foldExpr({ kind: 'call', fn: 'or', args: [t, col], type: T.boolean })).toEqual(t);
    expect(foldExpr({ kind: 'call', fn: 'or', args: [f, col], type: T.boolean })).toBe(col);
    expect(foldExpr(col)).toBe(col);
  });

  test('a filter that folds to TRUE disappears', () => {
    expect(explain(view('CREATE VIEW v AS SELECT * FROM t WHERE 1 < 2 OR a > 0;'))).toBe(
      '01)SourceScan: source=t, connector=file, changelog=append, watermark=ts@4, key=[id@0], used=[id@0, a@1, b@2, c@3, ts@4]',
    );
  });
});

describe('push-filter', () => {
  test('through projections, substituting the projected expressions', () => {
    const p = views(`CREATE VIEW w AS SELECT id, a + 1 AS a1, ts FROM t;
      CREATE VIEW v AS SELECT id FROM w WHERE a1 > 5;`).get('v')!;
    expect(explain(p)).toBe(
      [
        '01)Project: id@0',
        '02)--Project: id@0, a@1 + 1 AS a1, ts@4',
        '03)----Filter: a@1 + 1 > 5',
        '04)------SourceScan: source=t, connector=file, changelog=append, watermark=ts@4, key=[id@0], used=[id@0, a@1, ts@4]',
      ].join('\n'),
    );
  });

  test('below a window assignment only the conjuncts that read no window column', () => {
    const p = view(`CREATE VIEW v AS SELECT id, window_start FROM TUMBLE(t, ts, INTERVAL '1' MINUTE)
      WHERE window_start > TIMESTAMP '2024-01-01 00:00:00' AND b = 'x' AND a > 1;`);
    expect(explain(p).split('\n').map((l) => l.replace(/^\d+\)-*/, ''))).toEqual([
      'Project: id@0, window_start@5',
      "Filter: window_start@5 > TIMESTAMP '2024-01-01 00:00:00'",
      'WindowAssign: window=tumble(1m), time=ts@4',
      "Filter: b@2 = 'x' AND a@1 > 1",
      'SourceScan: source=t, connector=file, changelog=append, watermark=ts@4, key=[id@0], used=[id@0, a@1, b@2, ts@4]',
    ]);
  });

  test('HAVING on a group key becomes a filter below the aggregation', () => {
    const p = view(`CREATE VIEW v AS SELECT UPPER(b) AS k, window_start, window_end, COUNT(*) AS n
      FROM TUMBLE(t, ts, INTERVAL '1' MINUTE) GROUP BY UPPER(b), window_start, window_end
      HAVING UPPER(b) <> 'X' AND COUNT(*) > 2;`);
    expect(explain(p).split('\n').map((l) => l.replace(/^\d+\)-*/, ''))).toEqual([
      'Filter: n@3 > 2',
      'WindowAggregate: window=tumble(1m), time=ts@4, keys=[upper(b@2)], aggs=[count(*)]',
      "Filter: upper(b@2) <> 'X'",
      'SourceScan: source=t, connector=file, changelog=append, watermark=ts@4, key=[id@0], used=[id@0, b@2, ts@4]',
    ]);
  });

  test('stacked filters merge, lower predicate first', () => {
    const ts = { kind: 'column' as const, index: 0, name: 'a', type: T.int };
    const scan = view('CREATE VIEW v AS SELECT * FROM t;');
    const gt = (n: number) => ({ kind: 'call' as const, fn: '>', args: [ts, { kind: 'literal' as const, value: n, type: T.int }], type: T.boolean });
    const lower: LogicalPlan = { kind: 'filter', input: scan, predicate: gt(1), schema: scan.schema };
    const upper: LogicalPlan = { kind: 'filter', input: lower, predicate: gt(2), schema: scan.schema };
    const r = pushFilter.apply(upper);
    expect(r.changed).toBe(true);
    expect(r.node.kind === 'filter' && formatExpr(r.node.predicate)).toBe('a@0 > 1 AND a@0 > 2');
    expect(pushFilter.apply(r.node).changed).toBe(false);
  });
});

describe('prune-columns', () => {
  test('keeps exactly the columns read above, plus watermark and key columns', () => {
    const p = views('CREATE SINK s WITH (connector = \'console\') AS SELECT b FROM t WHERE c > 1;').get('s')!;
    let scan: LogicalPlan = p;
    while (scan.kind !== 'source-scan') scan = scan.input;
    expect(scan.usedColumns).toEqual([0, 2, 3, 4]);
    expect(pruneColumns.apply(p).changed).toBe(false);
  });

  test('window aggregates read their keys, arguments, filters and time column only', () => {
    const p = view(`CREATE VIEW v AS SELECT window_start, window_end, SUM(c) FILTER (WHERE a > 0) AS s
      FROM TUMBLE(t, ts, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;`);
    if (p.kind !== 'window-aggregate' || p.input.kind !== 'source-scan') throw new Error(explain(p));
    expect(p.input.usedColumns).toEqual([0, 1, 3, 4]);
  });
});

describe('optimize', () => {
  test('runs to a fixed point and refuses a rule that changes the output schema', () => {
    const p = view('CREATE VIEW v AS SELECT id, b FROM t;');
    const once = optimize(p);
    expect(optimize(once)).toBe(once); // a fixed point: no rule changes an optimized plan
    const breaking: Rule = {
      name: 'drop-everything',
      apply: (plan) => ({ node: { ...plan, schema: { fields: [] } } as LogicalPlan, changed: true }),
    };
    expect(() => optimize(p, [breaking])).toThrow(/rule 'drop-everything' changed the output schema/);
    let calls = 0;
    const restless: Rule = { name: 'restless', apply: (plan) => (calls++, { node: plan, changed: true }) };
    optimize(p, [restless]);
    expect(calls).toBe(10);
  });
});

describe('plan properties', () => {
  test('appendOnly: retracting sources and their filters are not; window aggregates are', () => {
    expect(appendOnly(view('CREATE VIEW v AS SELECT * FROM t WHERE a > 1;', 'retract'))).toBe(false);
    expect(appendOnly(view('CREATE VIEW v AS SELECT * FROM t WHERE a > 1;', 'append'))).toBe(true);
    const agg = view(`CREATE VIEW v AS SELECT window_start, window_end, COUNT(*) AS n FROM TUMBLE(t, ts, INTERVAL '1' MINUTE)
      GROUP BY window_start, window_end;`, 'retract');
    expect(appendOnly(agg)).toBe(true);
  });

  test('eventTimeColumn follows the watermark column through projections', () => {
    expect(eventTimeColumn(view('CREATE VIEW v AS SELECT b, ts AS t2, id FROM t;'))).toBe(1);
    expect(eventTimeColumn(view('CREATE VIEW v AS SELECT b, id FROM t;'))).toBeUndefined();
    const assign = view("CREATE VIEW v AS SELECT * FROM HOP(t, ts, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE);");
    expect(eventTimeColumn(assign)).toBe(4);
  });

  test('keyColumns and stateBound', () => {
    expect(keyColumns(view('CREATE VIEW v AS SELECT b, id FROM t;', 'retract'))).toEqual([1]);
    expect(keyColumns(view('CREATE VIEW v AS SELECT b FROM t;', 'retract'))).toBeUndefined();
    expect(keyColumns(view('CREATE VIEW v AS SELECT id FROM t;', 'append'))).toBeUndefined();
    const agg = view(`CREATE VIEW v AS SELECT b, window_start, window_end, COUNT(*) AS n FROM TUMBLE(t, ts, INTERVAL '1' MINUTE)
      GROUP BY b, window_start, window_end;`, 'append');
    expect(keyColumns(agg)).toEqual([0, 1, 2]);
    expect(stateBound(agg)).toBe(true);
    expect(stateBound(view('CREATE VIEW v AS SELECT * FROM t;', 'retract'))).toBe(false);
    expect(stateBound(view('CREATE VIEW v AS SELECT * FROM t;', 'append'))).toBe(true);
  });
});

describe('rewrite helpers', () => {
  test('transformUp rebuilds only changed paths; transformDown visits parents first', async () => {
    const { transformDown, transformUp, changed, unchanged } = await import('../../sql/plan/rewrite.js');
    const p = view('CREATE VIEW v AS SELECT id FROM t WHERE a > 1;');
    const seen: string[] = [];
    const same = transformUp(p, (n) => (seen.push(n.kind), unchanged(n)));
    expect(same.changed).toBe(false);
    expect(same.node).toBe(p);
    expect(seen).toEqual(['source-scan', 'filter', 'project']);
    seen.length = 0;
    const dropFilter = transformDown(p, (n) => (seen.push(n.kind), n.kind === 'filter' ? changed(n.input) : unchanged(n)));
    expect(seen).toEqual(['project', 'filter']); // the replacement's children, not the replacement, are visited next
    expect(dropFilter.changed).toBe(true);
    expect(explain(dropFilter.node).split('\n')).toHaveLength(2);
  });
});
