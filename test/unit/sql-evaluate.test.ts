// The expression evaluator: SQL NULL semantics, exact decimals, integer wrapping, casts, LIKE,
// EXTRACT, DATE_TRUNC and string functions. Expressions are bound from SQL text over a test
// source so the binder's implicit casts are exercised too, then compiled and run on rows.
import { describe, expect, test } from 'vitest';
import type { Row, Value } from '../../catalog/types.js';
import { T } from '../../catalog/types.js';
import type { BoundExpr, Compiled, LogicalPlan } from '../../sql/index.js';
import { compileExpr, planScript, renderDiagnostic } from '../../sql/index.js';
import { parseTimestamp } from '../../sql/plan/temporal.js';

// column layout of the test source
const COLS = 'i INT, b BIGINT, d DECIMAL(10,2), d4 DECIMAL(12,4), x DOUBLE, s VARCHAR, p BOOLEAN, q BOOLEAN, day DATE, ts TIMESTAMP(6), tz TIMESTAMPTZ, ts3 TIMESTAMP(3)';
const NAMES = ['i', 'b', 'd', 'd4', 'x', 's', 'p', 'q', 'day', 'ts', 'tz', 'ts3'] as const;
type Col = (typeof NAMES)[number];

/** Binds `SELECT <expr> FROM t` and compiles the expression (no optimizer: nothing is folded). */
function compile(sql: string): Compiled {
  const text = `CREATE SOURCE t (${COLS}) WITH (path = 't', changelog = 'append');\nCREATE VIEW v AS SELECT ${sql} AS v FROM t;`;
  const r = planScript([{ path: 'e.sql', text }], { env: {} });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => renderDiagnostic(d, text)).join('\n'));
  let plan: LogicalPlan = r.plans.views[0]!.plan;
  while (plan.kind !== 'project') {
    if (plan.kind === 'source-scan') throw new Error('no projection');
    plan = plan.input;
  }
  return compileExpr(plan.exprs[0]!);
}

function row(values: Partial<Record<Col, Value>>): Row {
  return NAMES.map((n) => values[n] ?? null);
}

/** Evaluates `sql` on one row. */
const ev = (sql: string, values: Partial<Record<Col, Value>> = {}): Value => compile(sql)(row(values));
const micros = (s: string): number => parseTimestamp(s, true)!;

describe('NULL semantics', () => {
  test('three-valued AND / OR / NOT', () => {
    const and = compile('p AND q');
    const or = compile('p OR q');
    const not = compile('NOT p');
    const cases: [Value, Value, Value, Value][] = [
      // p, q, p AND q, p OR q
      [true, true, true, true],
      [true, false, false, true],
      [true, null, null, true],
      [false, null, false, null],
      [null, false, false, null],
      [null, true, null, true],
      [null, null, null, null],
      [false, false, false, false],
    ];
    for (const [p, q, a, o] of cases) {
      expect(and(row({ p, q })), `${p} AND ${q}`).toBe(a);
      expect(or(row({ p, q })), `${p} OR ${q}`).toBe(o);
    }
    expect(not(row({ p: null }))).toBe(null);
    expect(not(row({ p: false }))).toBe(true);
  });

  test('comparisons and arithmetic with NULL give NULL', () => {
    expect(ev('i = 1', { i: null })).toBe(null);
    expect(ev('i <> i', { i: null })).toBe(null);
    expect(ev('s < \'a\'', { s: null })).toBe(null);
    expect(ev('i + 1', { i: null })).toBe(null);
    expect(ev('d * 2', { d: null })).toBe(null);
    expect(ev("s || 'x'", { s: null })).toBe(null);
    expect(ev('i = NULL', { i: 1 })).toBe(null);
  });

  test('IN, BETWEEN, IS [NOT] NULL, IS TRUE', () => {
    const inList = compile('i IN (1, NULL)');
    expect(inList(row({ i: 1 }))).toBe(true);
    expect(inList(row({ i: 2 }))).toBe(null);
    expect(inList(row({ i: null }))).toBe(null);
    const notIn = compile('i NOT IN (1, 2)');
    expect(notIn(row({ i: 3 }))).toBe(true);
    expect(notIn(row({ i: 1 }))).toBe(false);
    expect(ev('i NOT IN (1, NULL)', { i: 3 })).toBe(null);
    expect(ev('i IN (b, 5)', { i: 7, b: 7n })).toBe(true);
    expect(ev('i BETWEEN 1 AND 10', { i: 10 })).toBe(true);
    expect(ev('i BETWEEN 1 AND NULL', { i: 0 })).toBe(false);
    expect(ev('i BETWEEN 1 AND NULL', { i: 5 })).toBe(null);
    expect(ev('i NOT BETWEEN 1 AND 3', { i: 5 })).toBe(true);
    expect(ev('s IS NULL', { s: null })).toBe(true);
    expect(ev('s IS NOT NULL', { s: null })).toBe(false);
    expect(ev('p IS TRUE', { p: null })).toBe(false);
    expect(ev('p IS NOT TRUE', { p: null })).toBe(true);
    expect(ev('p IS NOT FALSE', { p: true })).toBe(true);
    expect(ev('p IS FALSE', { p: false })).toBe(true);
  });

  test('CASE, COALESCE and NULLIF', () => {
    const c = compile("CASE WHEN p THEN 'yes' WHEN q THEN 'q' ELSE 'no' END");
    expect(c(row({ p: null, q: null }))).toBe('no');
    expect(c(row({ p: false, q: true }))).toBe('q');
    expect(c(row({ p: true }))).toBe('yes');
    expect(ev('CASE WHEN p THEN 1 END', { p: false })).toBe(null);
    expect(ev("CASE s WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END", { s: 'b' })).toBe(2);
    expect(ev("CASE s WHEN 'a' THEN 1 ELSE 0 END", { s: null })).toBe(0);
    expect(ev('COALESCE(i, b, 0)', { i: null, b: null })).toBe(0n);
    expect(ev('COALESCE(i, b, 0)', { i: 4 })).toBe(4n);
    expect(ev('NULLIF(i, 0)', { i: 0 })).toBe(null);
    expect(ev('NULLIF(i, 0)', { i: 3 })).toBe(3);
    expect(ev('NULLIF(i, NULL)', { i: 3 })).toBe(3);
  });
});

describe('numbers', () => {
  test('exact decimal arithmetic on unscaled bigints', () => {
    expect(ev('d + d4', { d: 125n, d4: 1n })).toBe(12501n); // 1.25 + 0.0001 = 1.2501
    expect(ev('d - d4', { d: 125n, d4: 1n })).toBe(12499n);
    expect(ev('d * d', { d: 150n })).toBe(22500n); // 1.50 * 1.50 = 2.2500
    expect(ev('d + 1', { d: 1n })).toBe(101n); // 0.01 + 1 = 1.01
    expect(ev('d * 3', { d: 33n })).toBe(99n);
    expect(ev('d + 0.005', { d: 1n })).toBe(15n); // scale 3: 0.010 + 0.005 = 0.015
    expect(ev('d % 3', { d: 1000n })).toBe(100n); // 10.00 % 3 = 1.00
    expect(ev('d / 4', { d: 100n })).toBe(0.25); // division gives DOUBLE
    expect(ev('-d', { d: 5n })).toBe(-5n);
    expect(ev('0.1 + 0.2')).toBe(3n); // exact, scale 1
  });

  test('ROUND, FLOOR, CEIL and ABS', () => {
    expect(ev('ROUND(d4, 2)', { d4: 12350n })).toBe(124n); // 1.2350 -> 1.24 (half up)
    expect(ev('ROUND(d4, 2)', { d4: -12350n })).toBe(-124n); // half away from zero
    expect(ev('ROUND(d4, 2)', { d4: 12349n })).toBe(123n);
    expect(ev('ROUND(d)', { d: 250n })).toBe(3n);
    expect(ev('ROUND(d, -1)', { d: 1550n })).toBe(20n); // 15.50 -> 20
    expect(ev('ROUND(d, 5)', { d: 1234n })).toBe(1234n);
    expect(ev('ROUND(x, 1)', { x: 2.25 })).toBe(2.3);
    expect(ev('ROUND(x)', { x: -2.5 })).toBe(-3);
    expect(ev('ROUND(i, -2)', { i: 1250 })).toBe(1300);
    expect(ev('FLOOR(d)', { d: -150n })).toBe(-2n);
    expect(ev('CEIL(d)', { d: -150n })).toBe(-1n);
    expect(ev('CEIL(d)', { d: 101n })).toBe(2n);
    expect(ev('FLOOR(x)', { x: 1.9 })).toBe(1);
    expect(ev('ABS(d)', { d: -7n })).toBe(7n);
    expect(ev('ABS(b)', { b: -7n })).toBe(7n);
    expect(ev('ABS(i)', { i: -7 })).toBe(7);
  });

  test('INT and BIGINT: wrapping arithmetic, integer division, mixing', () => {
    expect(ev('i + 1', { i: 2147483647 })).toBe(-2147483648);
    expect(ev('i * 2', { i: 1 << 30 })).toBe(-2147483648);
    expect(ev('i / 2', { i: -7 })).toBe(-3);
    expect(ev('i % 4', { i: -7 })).toBe(-3);
    expect(ev('i / 0', { i: 1 })).toBe(null);
    expect(ev('b / 0', { b: 1n })).toBe(null);
    expect(ev('x / 0', { x: 1 })).toBe(null);
    expect(ev('b + i', { b: 9007199254740993n, i: 1 })).toBe(9007199254740994n);
    expect(ev('b + 1', { b: 9223372036854775807n })).toBe(-9223372036854775808n);
    expect(ev('i = b', { i: 5, b: 5n })).toBe(true);
    expect(ev('i < b', { i: 5, b: 6n })).toBe(true);
    expect(ev('x - i', { x: 1.5, i: 1 })).toBe(0.5);
    expect(ev('b * d', { b: 3n, d: 150n })).toBe(450n);
  });
});

describe('casts', () => {
  test('text to numbers', () => {
    expect(ev('CAST(s AS INT)', { s: ' 42 ' })).toBe(42);
    expect(ev('CAST(s AS INT)', { s: '1.5' })).toBe(null);
    expect(ev('CAST(s AS INT)', { s: 'x' })).toBe(null);
    expect(ev('CAST(s AS INT)', { s: '3000000000' })).toBe(null);
    expect(ev('CAST(s AS BIGINT)', { s: '-9223372036854775808' })).toBe(-9223372036854775808n);
    expect(ev('CAST(s AS DOUBLE)', { s: '1e3' })).toBe(1000);
    expect(ev('CAST(s AS DOUBLE)', { s: '' })).toBe(null);
    expect(ev('CAST(s AS DECIMAL(5,2))', { s: '12.345' })).toBe(1235n);
    expect(ev('CAST(s AS DECIMAL(5,2))', { s: '-12.345' })).toBe(-1235n);
    expect(ev('CAST(s AS DECIMAL(5,2))', { s: '12345.6' })).toBe(null); // precision overflow
    expect(ev('CAST(s AS BOOLEAN)', { s: 'yes' })).toBe(true);
    expect(ev('CAST(s AS BOOLEAN)', { s: 'f' })).toBe(false);
    expect(ev('CAST(s AS BOOLEAN)', { s: 'maybe' })).toBe(null);
  });

  test('numbers to numbers and text', () => {
    expect(ev('CAST(x AS INT)', { x: 2.5 })).toBe(3);
    expect(ev('CAST(x AS INT)', { x: -2.5 })).toBe(-3);
    expect(ev('CAST(x AS BIGINT)', { x: 1e300 })).toBe(null);
    expect(ev('CAST(d AS BIGINT)', { d: 250n })).toBe(3n);
    expect(ev('CAST(d AS INT)', { d: -249n })).toBe(-2);
    expect(ev('CAST(d AS DOUBLE)', { d: 12345n })).toBe(123.45);
    expect(ev('CAST(d4 AS DECIMAL(10,2))', { d4: 12345n })).toBe(123n); // 1.2345 -> 1.23
    expect(ev('CAST(d AS DECIMAL(12,4))', { d: 12345n })).toBe(1234500n);
    expect(ev('CAST(x AS DECIMAL(5,2))', { x: 1.005 })).toBe(101n);
    expect(ev('CAST(x AS DECIMAL(5,2))', { x: Number.NaN })).toBe(null);
    expect(ev('CAST(i AS DECIMAL(3,1))', { i: 100 })).toBe(null);
    expect(ev('CAST(d AS VARCHAR)', { d: -5n })).toBe('-0.05');
    expect(ev('CAST(x AS VARCHAR)', { x: 1.5 })).toBe('1.5');
    expect(ev('CAST(b AS VARCHAR)', { b: 12n })).toBe('12');
    expect(ev('CAST(p AS INT)', { p: true })).toBe(1);
    expect(ev('CAST(i AS BOOLEAN)', { i: 0 })).toBe(false);
    expect(ev('CAST(i AS BIGINT)', { i: 7 })).toBe(7n);
    expect(ev('CAST(b AS INT)', { b: 2n ** 40n })).toBe(null);
  });

  test('timestamps and dates', () => {
    const t = micros('2024-01-02 03:04:05.5');
    expect(ev('CAST(ts AS VARCHAR)', { ts: t })).toBe('2024-01-02 03:04:05.5');
    expect(ev('CAST(tz AS VARCHAR)', { tz: t })).toBe('2024-01-02 03:04:05.5+00:00');
    expect(ev('CAST(s AS TIMESTAMP)', { s: '2024-01-02T03:04:05.5' })).toBe(t);
    expect(ev('CAST(s AS TIMESTAMP)', { s: '2024-01-02 03:04:05.5+02:00' })).toBe(t); // zone ignored
    expect(ev('CAST(s AS TIMESTAMPTZ)', { s: '2024-01-02 05:04:05.5+02:00' })).toBe(t);
    expect(ev('CAST(s AS TIMESTAMP)', { s: '2024-02-30 00:00:00' })).toBe(null);
    expect(ev('CAST(s AS DATE)', { s: '1969-12-31' })).toBe(-1);
    expect(ev('CAST(day AS VARCHAR)', { day: 19723 })).toBe('2024-01-01');
    expect(ev('CAST(ts AS DATE)', { ts: -1 })).toBe(-1); // 1969-12-31 23:59:59.999999
    expect(ev('CAST(day AS TIMESTAMP)', { day: 1 })).toBe(86_400_000_000);
    expect(ev('CAST(ts AS TIMESTAMP(3))', { ts: 1_500 })).toBe(2_000);
    expect(ev('CAST(ts AS TIMESTAMP(0))', { ts: 1_400_000 })).toBe(1_000_000);
    expect(ev('CAST(s AS BYTES)', { s: 'é' })).toEqual(new Uint8Array([0xc3, 0xa9]));
  });
});

describe('strings', () => {
  test('strings order by code point (UTF-8 bytes), as DuckDB and Flink order them, not by UTF-16 unit', () => {
    const emoji = '\u{1F600}'; // above U+FFFF: a surrogate pair in JS, after U+FF5E by code point
    expect(ev(`s > '\uff5e'`, { s: emoji })).toBe(true);
    expect(ev(`s < '\uff5e'`, { s: emoji })).toBe(false);
    expect(ev(`s >= 'a'`, { s: emoji })).toBe(true);
    expect(ev(`s BETWEEN '\uff5e' AND '\u{10FFFF}'`, { s: emoji })).toBe(true);
    expect(ev(`s BETWEEN 'a' AND '\uff5e'`, { s: emoji })).toBe(false);
    expect(ev(`s = '\uff5e'`, { s: '\uff5e' })).toBe(true);
    expect(ev(`s <> 'b'`, { s: 'a' })).toBe(true);
    expect(ev(`s < 'b'`, { s: 'a' })).toBe(true);
  });

  test('LIKE with % and _', () => {
    const like = compile("s LIKE 'a%c_'");
    expect(like(row({ s: 'abcd' }))).toBe(true);
    expect(like(row({ s: 'acX' }))).toBe(true);
    expect(like(row({ s: 'ac' }))).toBe(false);
    expect(like(row({ s: 'Abcd' }))).toBe(false);
    expect(ev("s LIKE '_'", { s: '😀' })).toBe(true);
    expect(ev("s LIKE '%'", { s: 'a\nb' })).toBe(true);
    expect(ev("s LIKE '100\\%'", { s: '100%' })).toBe(true);
    expect(ev("s LIKE '100\\%'", { s: '1000' })).toBe(false);
    expect(ev("s LIKE 'a.c'", { s: 'abc' })).toBe(false);
    expect(ev("s LIKE 'a-b/(c)[d]{2}|e$^+?*'", { s: 'a-b/(c)[d]{2}|e$^+?*' })).toBe(true);
    expect(ev("s NOT LIKE 'a%'", { s: 'abc' })).toBe(false);
    const dynamic = compile('s LIKE CAST(i AS VARCHAR)');
    expect(dynamic(row({ s: '5', i: 5 }))).toBe(true);
    expect(dynamic(row({ s: '5', i: 6 }))).toBe(false);
  });

  test('SUBSTRING, TRIM, LENGTH, LOWER/UPPER and ||', () => {
    expect(ev('SUBSTRING(s FROM 2 FOR 3)', { s: 'abcdef' })).toBe('bcd');
    expect(ev('SUBSTRING(s, 2, 3)', { s: 'abcdef' })).toBe('bcd');
    expect(ev('SUBSTRING(s FROM 3)', { s: 'abcdef' })).toBe('cdef');
    expect(ev('SUBSTRING(s, 0, 3)', { s: 'abcdef' })).toBe('ab');
    expect(ev('SUBSTRING(s, -5, 3)', { s: 'abcdef' })).toBe('');
    expect(ev('SUBSTRING(s, 5, 10)', { s: 'abcdef' })).toBe('ef');
    expect(ev('SUBSTRING(s, 2, 1)', { s: 'a😀b' })).toBe('😀');
    expect(ev('SUBSTRING(s, 2, -1)', { s: 'abc' })).toBe(null);
    expect(ev('LENGTH(s)', { s: 'a😀b' })).toBe(3);
    expect(ev('CHAR_LENGTH(s)', { s: '' })).toBe(0);
    expect(ev('TRIM(s)', { s: '  a b  ' })).toBe('a b');
    expect(ev('TRIM(s)', { s: '\ta ' })).toBe('\ta');
    expect(ev("TRIM(BOTH 'xy' FROM s)", { s: 'xyaxy' })).toBe('a');
    expect(ev("TRIM(LEADING 'x' FROM s)", { s: 'xxaxx' })).toBe('axx');
    expect(ev("TRIM(TRAILING FROM s)", { s: ' a ' })).toBe(' a');
    expect(ev('UPPER(s)', { s: 'straße' })).toBe('STRASSE');
    expect(ev('LOWER(s)', { s: 'ÀB' })).toBe('àb');
    expect(ev("s || '-' || i", { s: 'a', i: 7 })).toBe('a-7');
    expect(ev("s || d", { s: 'a', d: 150n })).toBe('a1.50');
  });
});

describe('time', () => {
  const t = micros('2024-03-10 13:45:30.25'); // a Sunday
  test('EXTRACT', () => {
    expect(ev('EXTRACT(YEAR FROM ts)', { ts: t })).toBe(2024);
    expect(ev('EXTRACT(MONTH FROM ts)', { ts: t })).toBe(3);
    expect(ev('EXTRACT(DAY FROM ts)', { ts: t })).toBe(10);
    expect(ev('EXTRACT(HOUR FROM ts)', { ts: t })).toBe(13);
    expect(ev('EXTRACT(MINUTE FROM ts)', { ts: t })).toBe(45);
    expect(ev('EXTRACT(SECOND FROM ts)', { ts: t })).toBe(30);
    expect(ev('EXTRACT(MILLISECOND FROM ts)', { ts: t })).toBe(30250);
    expect(ev('EXTRACT(DOW FROM ts)', { ts: t })).toBe(0);
    expect(ev('EXTRACT(ISODOW FROM ts)', { ts: t })).toBe(7);
    expect(ev('EXTRACT(DOY FROM ts)', { ts: t })).toBe(70);
    expect(ev('EXTRACT(QUARTER FROM ts)', { ts: t })).toBe(1);
    expect(ev('EXTRACT(WEEK FROM ts)', { ts: t })).toBe(10);
    expect(ev('EXTRACT(EPOCH FROM ts)', { ts: t })).toBe(t / 1e6);
    expect(ev('EXTRACT(YEAR FROM day)', { day: -1 })).toBe(1969);
    expect(ev('EXTRACT(HOUR FROM ts)', { ts: -1 })).toBe(23);
    expect(ev('EXTRACT(WEEK FROM day)', { day: 19722 })).toBe(52); // 2023-12-31 is in ISO week 52 of 2023
    expect(ev('EXTRACT(YEAR FROM ts)', { ts: null })).toBe(null);
  });

  test('DATE_TRUNC', () => {
    const trunc = (unit: string, v: number): Value => ev(`DATE_TRUNC('${unit}', ts)`, { ts: v });
    expect(trunc('second', t)).toBe(micros('2024-03-10 13:45:30'));
    expect(trunc('minute', t)).toBe(micros('2024-03-10 13:45:00'));
    expect(trunc('hour', t)).toBe(micros('2024-03-10 13:00:00'));
    expect(trunc('day', t)).toBe(micros('2024-03-10'));
    expect(trunc('week', t)).toBe(micros('2024-03-04'));
    expect(trunc('month', t)).toBe(micros('2024-03-01'));
    expect(trunc('quarter', micros('2024-08-17'))).toBe(micros('2024-07-01'));
    expect(trunc('year', t)).toBe(micros('2024-01-01'));
    expect(trunc('hour', micros('1969-12-31 23:30:00'))).toBe(micros('1969-12-31 23:00:00'));
    expect(trunc('MINUTES', t)).toBe(micros('2024-03-10 13:45:00'));
    expect(ev("DATE_TRUNC('month', day)", { day: 19800 })).toBe(micros('2024-03-01'));
    expect(ev("DATE_TRUNC('day', tz)", { tz: t })).toBe(micros('2024-03-10'));
  });

  test('timestamp and interval arithmetic', () => {
    expect(ev("ts + INTERVAL '1' HOUR", { ts: t })).toBe(t + 3_600_000_000);
    expect(ev("ts - INTERVAL '1 day 2 hours'", { ts: t })).toBe(t - 26 * 3_600_000_000);
    expect(ev("INTERVAL '5' MINUTE + ts", { ts: t })).toBe(t + 300_000_000);
    expect(ev('ts - ts3', { ts: t, ts3: t - 1000 })).toBe(1000);
    expect(ev('day + 1', { day: 5 })).toBe(6);
    expect(ev("day + INTERVAL '12' HOUR", { day: 1 })).toBe(86_400_000_000 + 43_200_000_000);
    expect(ev("ts > '2024-03-10 13:45:30'", { ts: t })).toBe(true);
    expect(ev('ts3 < ts', { ts3: t, ts: t + 1 })).toBe(true);
    expect(ev("ts > DATE '2024-03-10'", { ts: t })).toBe(true);
  });
});

describe('compiled closures', () => {
  test('a column reference reads the row directly and a literal is constant', () => {
    const col: BoundExpr = { kind: 'column', index: 1, name: 'b', type: T.bigint };
    const f = compileExpr(col);
    const r: Row = [1, 2n];
    expect(f(r)).toBe(2n);
    expect(compileExpr({ kind: 'literal', value: 'k', type: T.varchar })([])).toBe('k');
  });

  test('the same closure evaluates many rows without re-reading the tree', () => {
    const pred = compile("i > 10 AND s = 'x'");
    let n = 0;
    for (let i = 0; i < 1000; i++) if (pred(row({ i, s: i % 2 === 0 ? 'x' : 'y' })) === true) n++;
    expect(n).toBe(494);
  });

  test('an unknown function is a binder bug and is reported at compile time', () => {
    expect(() => compileExpr({ kind: 'call', fn: 'nope', args: [], type: T.int })).toThrow(/no evaluator/);
  });
});
