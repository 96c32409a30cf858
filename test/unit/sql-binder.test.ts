// planScript: one namespace over several files (any order), SourceDef/SinkDef/ViewDef fields,
// ${ENV} substitution, recursive views, plan shapes and result types.
import { describe, expect, test } from 'vitest';
import { T } from '../../catalog/types.js';
import type { LogicalPlan, PlanSet, SourceText } from '../../sql/index.js';
import { hasErrors, planScript, renderDiagnostic } from '../../sql/index.js';

function plan(files: SourceText[], env: Record<string, string | undefined> = {}): PlanSet {
  const r = planScript(files, { env });
  const text = new Map(files.map((f) => [f.path, f.text]));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => renderDiagnostic(d, text.get(d.span.path)!)).join('\n'));
  return r.plans;
}

const ORDERS = `CREATE SOURCE orders (
  id BIGINT, customer_id BIGINT NOT NULL, amount DECIMAL(10,2), status VARCHAR, created_at TIMESTAMP(3),
  op VARCHAR METADATA FROM 'op',
  PRIMARY KEY (id),
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (connector = 'file', path = '\${DATA}/orders.jsonl', changelog = 'append', on_error = 'skip', idle_timeout = '2 seconds');`;

const kinds = (p: LogicalPlan): string[] => {
  const out: string[] = [];
  for (let n: LogicalPlan | undefined = p; n; n = n.kind === 'source-scan' ? undefined : n.input) out.push(n.kind);
  return out;
};

describe('planScript', () => {
  test('objects may be declared in any file and in any order', () => {
    const plans = plan(
      [
        { path: 'pipelines/sinks.sql', text: 'CREATE SINK totals FROM per_minute;' },
        {
          path: 'pipelines/views.sql',
          text: `CREATE VIEW per_minute AS SELECT window_start, window_end, COUNT(*) AS n
                 FROM TUMBLE(paid, created_at, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;
                 CREATE VIEW paid AS SELECT * FROM orders WHERE status = 'paid';`,
        },
        { path: 'pipelines/sources/orders.sql', text: ORDERS },
      ],
      { DATA: '/data' },
    );
    expect(plans.sources.map((s) => s.name)).toEqual(['orders']);
    expect(plans.views.map((v) => v.def.name)).toEqual(['per_minute', 'paid']);
    expect(plans.sinks.map((s) => s.sink.name)).toEqual(['totals']);
    expect(kinds(plans.sinks[0]!.plan)).toEqual(['sink-write', 'window-aggregate', 'filter', 'source-scan']);
  });

  test('SourceDef fields, defaults, ${ENV} substitution and baseDir', () => {
    const plans = plan([{ path: 'pipelines/sources/orders.sql', text: ORDERS }], { DATA: '/data' });
    const s = plans.sources[0]!;
    expect(s).toMatchObject({
      kind: 'source',
      name: 'orders',
      primaryKey: [0],
      watermark: { column: 4, delayMicros: 5_000_000 },
      connector: 'file',
      format: 'debezium-json',
      changelog: 'append',
      onError: 'skip',
      idleTimeoutMs: 2000,
      baseDir: 'pipelines/sources',
    });
    expect(s.options).toEqual({
      connector: 'file',
      path: '/data/orders.jsonl',
      changelog: 'append',
      on_error: 'skip',
      idle_timeout: '2 seconds',
    });
    expect(s.columns.map((c) => [c.name, c.nullable, c.metadata])).toEqual([
      ['id', false, undefined],
      ['customer_id', false, undefined],
      ['amount', true, undefined],
      ['status', true, undefined],
      ['created_at', true, undefined],
      ['op', true, 'op'],
    ]);
    const d = plan([{ path: 'x.sql', text: "CREATE SOURCE k (a INT) WITH (topic = 't', bootstrap_servers = 'b:9092');" }]).sources[0]!;
    expect(d).toMatchObject({ connector: 'kafka', changelog: 'retract', onError: 'dead_letter', idleTimeoutMs: 10_000, baseDir: '.', primaryKey: [] });
    expect(d.watermark).toBeUndefined();
  });

  test('an unset environment variable is a diagnostic that never shows values', () => {
    const r = planScript([{ path: 'a.sql', text: ORDERS }], { env: { OTHER: 'secret-value' } });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['unset-env-var', "environment variable 'DATA' is not set"]]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('secret-value');
  });

  test('invalid values that came from the environment are reported as written, not as set', () => {
    const text = `CREATE SOURCE s (a INT, ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (path = 'p', changelog = '\${MODE}', idle_timeout = '\${IDLE}');
      CREATE SINK k WITH (partition_by = '\${PARTS}', table = '\${TABLE}') AS SELECT a, window_start, window_end, COUNT(*) AS n
        FROM TUMBLE(s, ts, INTERVAL '1' MINUTE) GROUP BY a, window_start, window_end;`;
    const env = { MODE: 'secret-mode', IDLE: 'secret-idle', PARTS: 'day(secret_col)', TABLE: 'secret table' };
    const r = planScript([{ path: 'a.sql', text }], { env });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['invalid-option-value', "invalid value '${MODE}' for option 'changelog'"],
      ['invalid-option-value', "invalid duration '${IDLE}' for option 'idle_timeout'"],
      ['invalid-option-value', "option 'partition_by' (set from the environment) is invalid"],
      ['invalid-option-value', "invalid table name '${TABLE}'"],
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toMatch(/secret/);
  });

  test('an option whose variable is unset is reported once, as unset, not also as an invalid value', () => {
    const text = `CREATE SOURCE s (a INT, ts TIMESTAMP, WATERMARK FOR ts AS ts) WITH (path = 'p', changelog = '\${MODE}', idle_timeout = '\${IDLE}');
      CREATE SINK k WITH (partition_by = '\${PARTS}', table = '\${TABLE}') AS SELECT a, window_start, window_end, COUNT(*) AS n
        FROM TUMBLE(s, ts, INTERVAL '1' MINUTE) GROUP BY a, window_start, window_end;`;
    const r = planScript([{ path: 'a.sql', text }], { env: {} });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual(
      ['MODE', 'IDLE', 'PARTS', 'TABLE'].map((n) => ['unset-env-var', `environment variable '${n}' is not set`]),
    );
  });

  test('Kafka startup and properties.* are judged at plan time, so check reports them', () => {
    const src = (opts: string) =>
      planScript([{ path: 'k.sql', text: `CREATE SOURCE k (id BIGINT) WITH (topic = 't', bootstrap_servers = 'b:9092', changelog = 'append'${opts});` }], { env: {} });
    const codes = (opts: string) => src(opts).diagnostics.map((d) => [d.code, d.message]);
    expect(codes(", startup = 'sometimes'")).toEqual([['invalid-option-value', "invalid value 'sometimes' for option 'startup'"]]);
    expect(codes(", startup = 'Earliest', properties.isolation.level = 'READ_UNCOMMITTED', properties.fetch.max.wait.ms = '0'")).toEqual([]);
    expect(src(", startup = 'Committed'").plans.sources[0]!.options['startup']).toBe('committed');
    const unknown = src(", properties.auto.offset.reset = 'latest'").diagnostics;
    expect(unknown.map((d) => d.code)).toEqual(['unknown-option']);
    expect(unknown[0]!.message).toMatch(/^unsupported Kafka property 'properties.auto.offset.reset' \(supported: properties.client.id, /);
    expect(codes(", properties.isolation.level = 'bogus'")).toEqual([['invalid-option-value', "unknown properties.isolation.level 'bogus' (use read_committed or read_uncommitted)"]]);
    expect(codes(", properties.fetch.max.wait.ms = '-1'")).toEqual([['invalid-option-value', "properties.fetch.max.wait.ms must be an integer >= 0, not '-1'"]]);
    expect(codes(", properties.security.protocol = 'SASL_SSL'")).toEqual([
      ['missing-option', 'SASL needs properties.sasl.username and properties.sasl.password (or properties.sasl.jaas.config)'],
    ]);
    expect(codes(", properties.security.protocol = 'SASL_SSL', properties.sasl.username = 'u', properties.sasl.password = 'p'")).toEqual([]);
  });

  test('SinkDef fields from WITH options', () => {
    const plans = plan(
      [
        {
          path: 'p/s.sql',
          text: `${ORDERS}
          CREATE SINK spend WITH (warehouse = 's3://b/w', table = 'features.customer_spend',
            partition_by = 'day(window_start), bucket[8](customer_id)', commit_interval = '1 minute')
          AS SELECT customer_id, window_start, window_end, SUM(amount) AS spend
             FROM TUMBLE(orders, created_at, INTERVAL '5' MINUTE) GROUP BY customer_id, window_start, window_end;
          CREATE SINK show WITH (connector = 'console', format = 'changelog') AS SELECT id FROM orders;`,
        },
      ],
      { DATA: 'd' },
    );
    const [spend, show] = plans.sinks;
    expect(spend!.sink).toMatchObject({
      kind: 'sink',
      name: 'spend',
      connector: 'iceberg',
      warehouse: 's3://b/w',
      namespace: 'features',
      table: 'customer_spend',
      partitionBy: [
        { column: 'window_start', transform: { kind: 'day' } },
        { column: 'customer_id', transform: { kind: 'bucket', n: 8 } },
      ],
      commitIntervalMs: 60_000,
      format: 'append',
      baseDir: 'p',
    });
    expect(show!.sink).toMatchObject({ connector: 'console', format: 'changelog', namespace: 'default', table: 'show', partitionBy: [] });
    expect(show!.sink.warehouse).toBeUndefined();
    expect(spend!.plan.schema.fields).toEqual([
      { name: 'customer_id', type: T.bigint, nullable: false },
      { name: 'window_start', type: T.timestamp(3), nullable: false },
      { name: 'window_end', type: T.timestamp(3), nullable: false },
      { name: 'spend', type: T.decimal(38, 2), nullable: true },
    ]);
  });

  test('aggregate result types follow the AggregateCall contract', () => {
    const plans = plan([
      {
        path: 'a.sql',
        text: `CREATE SOURCE s (i INT, b BIGINT, d DECIMAL(9,3), x DOUBLE, v VARCHAR, ts TIMESTAMP(6), WATERMARK FOR ts AS ts)
          WITH (path = 'p', changelog = 'append');
          CREATE VIEW agg AS SELECT window_start, window_end, COUNT(*) AS c1, COUNT(v) AS c2, COUNT(DISTINCT v) AS c3,
            SUM(i) AS s1, SUM(b) AS s2, SUM(d) AS s3, SUM(x) AS s4, AVG(i) AS a1, STDDEV_POP(d) AS sd, VAR_SAMP(b) AS vs,
            MIN(v) AS mn, MAX(d) AS mx
          FROM TUMBLE(s, ts, INTERVAL '1' MINUTE) GROUP BY window_start, window_end;`,
      },
    ]);
    const p = plans.views[0]!.plan;
    expect(p.kind).toBe('window-aggregate');
    expect(p.schema.fields.slice(2).map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['c1', T.bigint, false],
      ['c2', T.bigint, false],
      ['c3', T.bigint, false],
      ['s1', T.bigint, true],
      ['s2', T.bigint, true],
      ['s3', T.decimal(38, 3), true],
      ['s4', T.double, true],
      ['a1', T.double, true],
      ['sd', T.double, true],
      ['vs', T.double, true],
      ['mn', T.varchar, true],
      ['mx', T.decimal(9, 3), true],
    ]);
    if (p.kind !== 'window-aggregate') return;
    expect(p.aggregates.map((a) => a.fn)).toEqual([
      'count_star', 'count', 'count_distinct', 'sum', 'sum', 'sum', 'sum', 'avg', 'stddev_pop', 'var_samp', 'min', 'max',
    ]);
    expect(p.aggregates[2]!.display).toBe('count(DISTINCT v)');
  });

  test('a view that depends on itself is reported', () => {
    const r = planScript(
      [{ path: 'a.sql', text: `${ORDERS}\nCREATE VIEW a AS SELECT * FROM b;\nCREATE VIEW b AS SELECT * FROM a;` }],
      { env: { DATA: 'd' } },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['recursive-view']);
    expect(r.plans.views).toEqual([]);
  });

  test('duplicate names across files name the first declaration', () => {
    const r = planScript(
      [
        { path: 'one.sql', text: ORDERS },
        { path: 'two.sql', text: 'CREATE VIEW orders AS SELECT 1 AS x FROM orders;' },
      ],
      { env: { DATA: 'd' } },
    );
    expect(r.diagnostics.map((d) => [d.code, d.span.path, d.notes[0]?.message])).toEqual([
      ['duplicate-name', 'two.sql', "source 'orders' is declared at one.sql:1:15"],
    ]);
  });

  test('PREFETCH statements are accepted without a plan; failing objects yield no plan', () => {
    const r = planScript(
      [
        {
          path: 'a.sql',
          text: `${ORDERS}
            PREFETCH features.t INTO '.cache';
            CREATE SINK good AS SELECT id FROM orders;
            CREATE SINK bad AS SELECT nope FROM orders;`,
        },
      ],
      { env: { DATA: 'd' } },
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-column']);
    expect(hasErrors(r.diagnostics)).toBe(true);
    expect(r.plans.sinks.map((s) => s.sink.name)).toEqual(['good']);
  });

  test('diagnostics come sorted by file and position', () => {
    const r = planScript(
      [
        { path: 'a.sql', text: 'CREATE SINK s1 AS SELECT x FROM nowhere;\nCREATE SINK s0 AS SELECT y FROM nowhere2;' },
        { path: 'b.sql', text: 'CREATE VIEW v AS SELECT z FROM nothing;' },
      ],
      { env: {} },
    );
    expect(r.diagnostics.map((d) => `${d.span.path}@${d.span.start}`)).toEqual(['a.sql@32', 'a.sql@73', 'b.sql@31']);
  });
});
