// Lexer, statement parser and the node-sql-parser adapter: tokens and comments, statement
// shapes, operator precedence (repaired over the library's), exact spans and error recovery.
import { describe, expect, test } from 'vitest';
import type { CreateSink, CreateSource, CreateView, Expr, Query } from '../../sql/ast.js';
import { parseScript } from '../../sql/index.js';
import { tokenize } from '../../sql/lexer.js';

const parse = (text: string) => parseScript({ path: 'p.sql', text });

/** Compact s-expression of an expression, for precedence assertions. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return (e.table ? `${e.table.name}.` : '') + e.name.name;
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'unary':
      return `(${e.op} ${sx(e.expr)})`;
    case 'binary':
      return `(${sx(e.left)} ${e.op} ${sx(e.right)})`;
    case 'is':
      return `(${sx(e.expr)} is${e.negated ? ' not' : ''} ${e.test})`;
    case 'in':
      return `(${sx(e.expr)}${e.negated ? ' not' : ''} in ${e.list.map(sx).join(' ')})`;
    case 'between':
      return `(${sx(e.expr)}${e.negated ? ' not' : ''} between ${sx(e.low)} ${sx(e.high)})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'distinct ' : ''}${e.star ? '*' : e.args.map(sx).join(' ')})${e.filter ? `[${sx(e.filter)}]` : ''}`;
    case 'cast':
      return `cast(${sx(e.expr)} ${e.type.text})`;
    case 'interval':
      return `interval(${e.value}${e.unit ? ' ' + e.unit : ''})`;
    case 'extract':
      return `extract(${e.field} ${sx(e.expr)})`;
    default:
      return e.kind;
  }
}

function whereOf(cond: string): Expr {
  const r = parse(`CREATE VIEW v AS SELECT a FROM t WHERE ${cond};`);
  expect(r.diagnostics).toEqual([]);
  return ((r.statements[0] as CreateView).query as Query).where!;
}

describe('lexer', () => {
  test('words, quoted identifiers, strings, numbers and comments', () => {
    const { tokens, diagnostics } = tokenize({
      path: 'x',
      text: `SELECT "My ""Col""", 'it''s', 1.5e3, .5 -- comment\n/* a /* nested */ comment */ x::int <> y`,
    });
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['word', 'SELECT'],
      ['quoted', 'My "Col"'],
      ['punct', ','],
      ['string', "it's"],
      ['punct', ','],
      ['number', '1.5e3'],
      ['punct', ','],
      ['number', '.5'],
      ['word', 'x'],
      ['punct', '::'],
      ['word', 'int'],
      ['punct', '<>'],
      ['word', 'y'],
      ['eof', ''],
    ]);
    expect(tokens[0]!.key).toBe('select');
  });

  test('a byte order mark at the start of a file is skipped like whitespace', () => {
    const { tokens, diagnostics } = tokenize({ path: 'x', text: '\ufeffCREATE SOURCE' });
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => [t.kind, t.value, t.start])).toEqual([['word', 'CREATE', 1], ['word', 'SOURCE', 8], ['eof', '', 14]]);
  });

  test('unterminated string, identifier and comment are reported', () => {
    for (const [text, message] of [
      ["SELECT 'abc", 'unterminated string literal'],
      ['SELECT "abc', 'unterminated quoted identifier'],
      ['SELECT /* abc', 'unterminated block comment'],
      ['SELECT #', "unexpected character '#'"],
    ] as const) {
      const { diagnostics, tokens } = tokenize({ path: 'x', text });
      expect(diagnostics.map((d) => d.message)).toEqual([message]);
      expect(tokens[tokens.length - 1]!.kind).toBe('eof');
    }
  });
});

describe('statements', () => {
  test('CREATE SOURCE with every column form', () => {
    const r = parse(`
      CREATE SOURCE "Orders" (
        id BIGINT NOT NULL PRIMARY KEY, amount DECIMAL(10, 2), note STRING, f FLOAT,
        ts TIMESTAMP(3) WITH TIME ZONE, t2 TIMESTAMPTZ, t3 TIMESTAMP WITHOUT TIME ZONE,
        op VARCHAR METADATA FROM 'op', ts_ms BIGINT METADATA VIRTUAL,
        WATERMARK FOR ts AS ts - INTERVAL '5 seconds'
      ) WITH ('Connector' = 'file', path = '\${DIR}/o.jsonl', properties.group.id = 'g', n = 8);`);
    expect(r.diagnostics).toEqual([]);
    const s = r.statements[0] as CreateSource;
    expect(s.name).toMatchObject({ name: 'Orders', quoted: true });
    expect(s.columns.map((c) => [c.name.name, c.type.type])).toEqual([
      ['id', { kind: 'bigint' }],
      ['amount', { kind: 'decimal', precision: 10, scale: 2 }],
      ['note', { kind: 'varchar' }],
      ['f', { kind: 'double' }],
      ['ts', { kind: 'timestamptz', precision: 3 }],
      ['t2', { kind: 'timestamptz', precision: 6 }],
      ['t3', { kind: 'timestamp', precision: 6 }],
      ['op', { kind: 'varchar' }],
      ['ts_ms', { kind: 'bigint' }],
    ]);
    expect(s.columns[0]!.notNull).toBe(true);
    expect(s.columns[0]!.primaryKey).toBeDefined();
    expect(s.columns[7]!.metadata?.path).toBe('op');
    expect(s.columns[8]!.metadata?.path).toBe('ts_ms');
    expect(sx(s.watermarks[0]!.expr)).toBe('(ts - interval(5 seconds))');
    expect(s.options.map((o) => [o.key, o.value])).toEqual([
      ['connector', 'file'],
      ['path', '${DIR}/o.jsonl'],
      ['properties.group.id', 'g'],
      ['n', '8'],
    ]);
  });

  test('the three CREATE SINK forms', () => {
    const r = parse(`
      CREATE SINK a WITH (table = 'x.a') AS SELECT * FROM t;
      CREATE SINK b FROM v WITH (format = 'changelog');
      CREATE SINK c AS SELECT x FROM t WHERE y IN (SELECT 1) WITH (connector = 'console');
      CREATE SINK d FROM v;`);
    expect(r.diagnostics).toEqual([]);
    const [a, b, c, d] = r.statements as CreateSink[];
    expect(a!.input.kind).toBe('query');
    expect(a!.options.map((o) => o.key)).toEqual(['table']);
    expect(b!.input).toMatchObject({ kind: 'from', name: { name: 'v' } });
    expect(c!.options.map((o) => o.value)).toEqual(['console']);
    expect(c!.input.kind === 'query' && sx(c!.input.query.where!)).toMatch(/unsupported/);
    expect(d!.options).toEqual([]);
  });

  test('PREFETCH and EXPLAIN PREFETCH are parsed', () => {
    const r = parse(`PREFETCH f.t COLUMNS (a, "B") WHERE a > 1 INTO '.cache' WITH (budget = '2GB');
      EXPLAIN PREFETCH f.t INTO 'c';`);
    expect(r.diagnostics).toEqual([]);
    expect(r.statements.map((s) => s.kind)).toEqual(['prefetch', 'prefetch']);
    const p = r.statements[0]!;
    if (p.kind !== 'prefetch') throw new Error('not a prefetch');
    expect(p.table.map((i) => i.name)).toEqual(['f', 't']);
    expect(p.columns?.map((i) => i.name)).toEqual(['a', 'B']);
    expect(sx(p.where!)).toBe('(a > 1)');
    expect(p.into.value).toBe('.cache');
    expect(r.statements[1]!.kind === 'prefetch' && r.statements[1]!.explain).toBe(true);
  });

  test('every syntax error of a file is reported, each statement recovers at ;', () => {
    const r = parse(`CREATE SOURCE a (x INT,,);
      CREATE VIEW b AS SELECT FROM t;
      CREATE VIEW ok AS SELECT 1 AS one FROM t;
      CREATE SINK c WITH (k 'v') AS SELECT 1 FROM t;
      DROP TABLE t;`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['syntax-error', 'syntax-error', 'syntax-error', 'syntax-error']);
    expect(r.statements.map((s) => s.kind === 'create-view' && s.name.name)).toEqual(['ok']);
  });
});

describe('SELECT through the adapter', () => {
  test('AND binds tighter than OR, NOT looser than comparison', () => {
    expect(sx(whereOf('a AND b OR c'))).toBe('((a and b) or c)');
    expect(sx(whereOf('a OR b AND c'))).toBe('(a or (b and c))');
    expect(sx(whereOf('a < b AND NOT c OR d'))).toBe('(((a < b) and (not c)) or d)');
    expect(sx(whereOf('NOT a = b'))).toBe('(not (a = b))');
    expect(sx(whereOf('NOT (a OR b) AND c'))).toBe('((not (a or b)) and c)');
    expect(sx(whereOf('a = 1 OR b = 2 AND c = 3 OR d IS NULL'))).toBe('(((a = 1) or ((b = 2) and (c = 3))) or (d is null))');
    expect(sx(whereOf('a AND b IS NOT NULL OR c'))).toBe('((a and (b is not null)) or c)');
    expect(sx(whereOf('x BETWEEN 1 AND 2 AND y'))).toBe('((x between 1 2) and y)');
    expect(sx(whereOf("a + b || c = 'x'"))).toBe("(((a + b) || c) = 'x')");
    expect(sx(whereOf('-a * b + c % 2 > 0'))).toBe('((((- a) * b) + (c % 2)) > 0)');
    expect(sx(whereOf('a - b - c = (a - (b - c))'))).toBe('(((a - b) - c) = (a - (b - c)))');
    expect(sx(whereOf('x > -1'))).toBe('(x > -1)');
    expect(sx(whereOf('a NOT IN (1, 2) OR b NOT LIKE \'%x\''))).toBe("((a not in 1 2) or (b not like '%x'))");
  });

  test('functions, FILTER, DISTINCT, casts, intervals, EXTRACT, SUBSTRING and TRIM forms', () => {
    const r = parse(`CREATE VIEW v AS SELECT
      COUNT(*) FILTER (WHERE a > 1), COUNT(DISTINCT b), STDDEV_POP(c) FILTER (WHERE d), SUM(e),
      CAST(a AS DECIMAL(5,1)), a::STRING, INTERVAL '5' MINUTE, INTERVAL '5 minutes', INTERVAL '2' HOURS,
      EXTRACT(ISODOW FROM ts), SUBSTRING(s FROM 2 FOR 3), SUBSTRING(s, 1), TRIM(BOTH 'x' FROM s), TRIM(TRAILING FROM s),
      CASE WHEN a THEN 1 ELSE 2 END, TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01'
      FROM t;`);
    expect(r.diagnostics).toEqual([]);
    const items = ((r.statements[0] as CreateView).query.items as { expr: Expr }[]).map((i) => sx(i.expr));
    expect(items).toEqual([
      'count(*)[(a > 1)]',
      'count(distinct b)',
      'stddev_pop(c)[d]',
      'sum(e)',
      'cast(a DECIMAL(5,1))',
      'cast(a STRING)',
      'interval(5 minute)',
      'interval(5 minutes)',
      'interval(2 hours)',
      'extract(isodow ts)',
      'substring(s 2 3)',
      'substring(s 1)',
      "trim(s 'x')",
      'rtrim(s)',
      'case',
      'typed-literal',
      'typed-literal',
    ]);
  });

  test('window table functions, aliases and keyword-like column names', () => {
    const r = parse(`CREATE VIEW v AS SELECT session, json, "window", o.amount AS Total
      FROM HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE) AS o
      GROUP BY session, window_start, window_end;`);
    expect(r.diagnostics).toEqual([]);
    const q = (r.statements[0] as CreateView).query;
    const from = q.from[0]!;
    expect(from.kind).toBe('window');
    if (from.kind !== 'window') return;
    expect([from.fn, from.input.name, sx(from.time), from.args.map(sx), from.alias?.name]).toEqual([
      'hop',
      'orders',
      'ts',
      ['interval(1 minute)', 'interval(5 minute)'],
      'o',
    ]);
    expect(q.items.map((i) => (i.kind === 'expr' ? `${sx(i.expr)}${i.alias ? ' as ' + i.alias.name : ''}` : '*'))).toEqual([
      'session',
      'json',
      'window',
      'o.amount as total',
    ]);
  });

  test('spans point at exact offsets in the file', () => {
    const text = 'CREATE VIEW v AS SELECT a + amount AS x FROM t WHERE amount > 10.5;';
    const r = parse(text);
    const q = (r.statements[0] as CreateView).query;
    const item = q.items[0]!;
    if (item.kind !== 'expr' || item.expr.kind !== 'binary') throw new Error('shape');
    const slice = (s: { start: number; end: number }): string => text.slice(s.start, s.end);
    expect(slice(item.expr.left.span)).toBe('a');
    expect(slice(item.expr.right.span)).toBe('amount');
    expect(slice(item.expr.span)).toBe('a + amount');
    expect(slice(item.alias!.span)).toBe('x');
    expect(slice(q.where!.span)).toBe('amount > 10.5');
    expect(q.where!.kind === 'binary' && slice(q.where!.right.span)).toBe('10.5');
    expect(slice(q.span)).toBe('SELECT a + amount AS x FROM t WHERE amount > 10.5');
  });

  test('trailing clauses are cut off and listed as unsupported', () => {
    const r = parse('CREATE VIEW v AS SELECT DISTINCT a FROM t ORDER BY a DESC LIMIT 3;');
    expect(r.diagnostics).toEqual([]);
    expect((r.statements[0] as CreateView).query.unsupported.map((u) => u.what)).toEqual(['SELECT DISTINCT', 'ORDER BY', 'LIMIT']);
  });

  test('a syntax error inside a SELECT points at the offending token', () => {
    const text = 'CREATE VIEW v AS SELECT a, b c d FROM t;';
    const r = parse(text);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect([d.code, d.message, text.slice(d.span.start, d.span.end)]).toEqual(['syntax-error', "unexpected 'd'", 'd']);
  });
});
