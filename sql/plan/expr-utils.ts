// Structural helpers over bound expressions: equality, column references, substitution,
// nullability and the SQL-like display text used by EXPLAIN and diagnostics.
// Pure; never evaluates anything (see evaluate.ts for that).
import type { DataType, Field, Value } from '../../catalog/types.js';
import { formatMicros } from '../durations.js';
import { formatDecimal } from './decimal.js';
import type { AggregateCall, BoundExpr, ColumnRef } from './expr.js';
import { formatDate, formatTimestamp } from './temporal.js';
import { sameType, typeToString } from '../types.js';

export function exprEquals(a: BoundExpr, b: BoundExpr): boolean {
  if (a.kind !== b.kind || !sameType(a.type, b.type)) return false;
  switch (a.kind) {
    case 'column':
      return a.index === (b as ColumnRef).index;
    case 'literal': {
      const y = (b as typeof a).value;
      const x = a.value;
      if (x instanceof Uint8Array && y instanceof Uint8Array) return x.length === y.length && x.every((v, i) => v === y[i]);
      return x === y;
    }
    case 'call': {
      const c = b as typeof a;
      return a.fn === c.fn && a.args.length === c.args.length && a.args.every((x, i) => exprEquals(x, c.args[i]!));
    }
    case 'cast':
      return exprEquals(a.expr, (b as typeof a).expr);
    case 'case': {
      const c = b as typeof a;
      if (a.whens.length !== c.whens.length) return false;
      if ((a.else === undefined) !== (c.else === undefined)) return false;
      if (a.else && c.else && !exprEquals(a.else, c.else)) return false;
      return a.whens.every((w, i) => exprEquals(w.when, c.whens[i]!.when) && exprEquals(w.then, c.whens[i]!.then));
    }
  }
}

/** Adds every input column index the expression reads to `out`. */
export function collectColumns(e: BoundExpr, out: Set<number>): Set<number> {
  switch (e.kind) {
    case 'column':
      out.add(e.index);
      break;
    case 'literal':
      break;
    case 'call':
      for (const a of e.args) collectColumns(a, out);
      break;
    case 'cast':
      collectColumns(e.expr, out);
      break;
    case 'case':
      for (const w of e.whens) {
        collectColumns(w.when, out);
        collectColumns(w.then, out);
      }
      if (e.else) collectColumns(e.else, out);
      break;
  }
  return out;
}

/** Rebuilds the expression with every column reference replaced by `f(ref)`. */
export function mapColumns(e: BoundExpr, f: (ref: ColumnRef) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'column':
      return f(e);
    case 'literal':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => mapColumns(a, f)) };
    case 'cast':
      return { ...e, expr: mapColumns(e.expr, f) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: mapColumns(w.when, f), then: mapColumns(w.then, f) })),
        ...(e.else ? { else: mapColumns(e.else, f) } : {}),
      };
  }
}

/** Whether the expression can produce NULL, given the nullability of its input columns. */
export function exprNullable(e: BoundExpr, input: readonly Field[]): boolean {
  switch (e.kind) {
    case 'column':
      return input[e.index]?.nullable ?? true;
    case 'literal':
      return e.value === null;
    case 'cast':
      // casts from text may fail (NULL); others keep nullability
      return e.expr.type.kind === 'varchar' && e.type.kind !== 'varchar' ? true : exprNullable(e.expr, input);
    case 'case':
      return !e.else || e.whens.some((w) => exprNullable(w.then, input)) || exprNullable(e.else, input);
    case 'call':
      switch (e.fn) {
        case 'is_null':
        case 'is_not_null':
        case 'is_true':
        case 'is_false':
        case 'is_not_true':
        case 'is_not_false':
          return false;
        case 'coalesce':
          return e.args.every((a) => exprNullable(a, input));
        case 'nullif':
        case '/':
        case '%':
          return true;
        default:
          return e.args.some((a) => exprNullable(a, input));
      }
  }
}

// ---------- display ----------

export function formatLiteral(v: Value, t: DataType): string {
  if (v === null) return 'NULL';
  switch (t.kind) {
    case 'varchar':
    case 'json':
      return `'${String(v).replace(/'/g, "''")}'`;
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'decimal':
      return formatDecimal(v as bigint, t.scale);
    case 'date':
      return `DATE '${formatDate(v as number)}'`;
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(v as number, false)}'`;
    case 'timestamptz':
      return `TIMESTAMPTZ '${formatTimestamp(v as number, true)}'`;
    case 'interval':
      return `INTERVAL '${formatMicros(v as number)}'`;
    case 'bytes':
      return `X'${Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join('')}'`;
    default:
      return String(v);
  }
}

const INFIX: Readonly<Record<string, [string, number]>> = {
  or: ['OR', 1],
  and: ['AND', 2],
  '=': ['=', 5], '<>': ['<>', 5], '<': ['<', 5], '<=': ['<=', 5], '>': ['>', 5], '>=': ['>=', 5],
  like: ['LIKE', 6], not_like: ['NOT LIKE', 6],
  '||': ['||', 7],
  '+': ['+', 8], '-': ['-', 8],
  '*': ['*', 9], '/': ['/', 9], '%': ['%', 9],
};
const POSTFIX: Readonly<Record<string, string>> = {
  is_null: 'IS NULL', is_not_null: 'IS NOT NULL', is_true: 'IS TRUE', is_false: 'IS FALSE',
  is_not_true: 'IS NOT TRUE', is_not_false: 'IS NOT FALSE',
};

function precedence(e: BoundExpr): number {
  if (e.kind !== 'call') return 100;
  const infix = INFIX[e.fn];
  if (infix) return infix[1];
  if (e.fn === 'not') return 3;
  if (POSTFIX[e.fn] !== undefined) return 4;
  if (e.fn === 'in' || e.fn === 'between') return 6;
  if (e.fn === 'neg') return 10;
  return 100;
}

/**
 * SQL-like text: columns as `name@index` (or `name` with `indexes = false`), operators infix with
 * only the parentheses precedence needs, e.g. `status@3 = 'paid' AND amount@2 > 10.00`.
 */
export function formatExpr(e: BoundExpr, indexes = true): string {
  const f = (x: BoundExpr): string => formatExpr(x, indexes);
  const wrap = (x: BoundExpr, min: number): string => (precedence(x) < min ? `(${f(x)})` : f(x));
  switch (e.kind) {
    case 'column':
      return indexes ? `${e.name}@${e.index}` : e.name;
    case 'literal':
      return formatLiteral(e.value, e.type);
    case 'cast':
      return `CAST(${f(e.expr)} AS ${typeToString(e.type)})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${f(w.when)} THEN ${f(w.then)}`).join(' ')}${e.else ? ` ELSE ${f(e.else)}` : ''} END`;
    case 'call': {
      const p = precedence(e);
      const infix = INFIX[e.fn];
      if (infix && e.args.length === 2) return `${wrap(e.args[0]!, p)} ${infix[0]} ${wrap(e.args[1]!, p + 1)}`;
      const post = POSTFIX[e.fn];
      if (post && e.args.length === 1) return `${wrap(e.args[0]!, p + 1)} ${post}`;
      switch (e.fn) {
        case 'not': {
          const inner = e.args[0]!;
          if (inner.kind === 'call' && (inner.fn === 'in' || inner.fn === 'between' || inner.fn === 'like')) {
            const text = formatExpr(inner, indexes);
            const kw = inner.fn === 'in' ? ' IN ' : inner.fn === 'between' ? ' BETWEEN ' : ' LIKE ';
            return text.replace(kw, ` NOT${kw}`);
          }
          return `NOT ${wrap(inner, p)}`;
        }
        case 'neg':
          return `-${wrap(e.args[0]!, p)}`;
        case 'in':
          return `${wrap(e.args[0]!, p + 1)} IN (${e.args.slice(1).map(f).join(', ')})`;
        case 'between':
          return `${wrap(e.args[0]!, p + 1)} BETWEEN ${wrap(e.args[1]!, p + 1)} AND ${wrap(e.args[2]!, p + 1)}`;
        case 'extract': {
          const field = e.args[0]!.kind === 'literal' ? String(e.args[0]!.value).toUpperCase() : f(e.args[0]!);
          return `EXTRACT(${field} FROM ${f(e.args[1]!)})`;
        }
        default:
          return `${e.fn}(${e.args.map(f).join(', ')})`;
      }
    }
  }
}

/** Display of an aggregate, e.g. `count(*)`, `sum(amount@2) FILTER (WHERE status@3 = 'paid')`. */
export function formatAggregate(a: AggregateCall, indexes = true): string {
  const name = a.fn === 'count_star' || a.fn === 'count_distinct' ? 'count' : a.fn;
  const arg = a.fn === 'count_star' ? '*' : a.arg ? formatExpr(a.arg, indexes) : '';
  const distinct = a.fn === 'count_distinct' ? 'DISTINCT ' : '';
  const filter = a.filter ? ` FILTER (WHERE ${formatExpr(a.filter, indexes)})` : '';
  return `${name}(${distinct}${arg})${filter}`;
}
