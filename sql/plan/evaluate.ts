// The evaluator factory: compiles a BoundExpr once into a closure `(row) => Value`, specialized
// by operand types, so rows are never interpreted against the tree and column/comparison
// closures allocate nothing. Standard SQL NULL semantics (three-valued AND/OR/NOT, NULL from
// comparisons with NULL; callers treat a NULL predicate as false). Pure: no I/O, no clock.
import { compareBytes, compareUtf8, type DataType, type Row, type Value } from '../../catalog/types.js';
import type { BoundExpr, Call } from './expr.js';
import type { Compiled } from './evaluate-cast.js';
import { compileCast } from './evaluate-cast.js';
import {
  abs,
  arithmetic,
  binary,
  codePointLength,
  extract,
  floorCeil,
  likeMatcher,
  negate,
  round,
  substring,
  trim,
  truncate,
  unary,
} from './evaluate-functions.js';
import type { ExtractField, TruncUnit } from './temporal.js';
import { normalizeTimeField } from './temporal.js';

export type { Compiled } from './evaluate-cast.js';

export function compileExpr(e: BoundExpr): Compiled {
  switch (e.kind) {
    case 'column': {
      const i = e.index;
      return (row: Row) => row[i] as Value;
    }
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'cast':
      return compileCast(compileExpr(e.expr), e.expr.type, e.type);
    case 'case':
      return compileCase(e.whens.map((w) => [compileExpr(w.when), compileExpr(w.then)] as const), e.else ? compileExpr(e.else) : undefined);
    case 'call':
      return compileCall(e);
  }
}

function compileCase(arms: readonly (readonly [Compiled, Compiled])[], otherwise: Compiled | undefined): Compiled {
  if (arms.length === 1 && otherwise) {
    const [w, t] = arms[0]!;
    return (row) => (w(row) === true ? t(row) : otherwise(row));
  }
  return (row) => {
    for (const [w, t] of arms) if (w(row) === true) return t(row);
    return otherwise ? otherwise(row) : null;
  };
}

/** Equality of two non-null values of the same type (bytes compare by content). */
export function valuesEqual(x: Value, y: Value): boolean {
  if (x === y) return true;
  if (x instanceof Uint8Array && y instanceof Uint8Array) {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  return false;
}

/**
 * How non-null values of a type order where JS's < would not: bytes by content, strings by code
 * point (their UTF-8 bytes, as DuckDB, Flink and PostgreSQL's C collation compare; JS compares
 * UTF-16 units, which puts characters above U+FFFF before U+E000..U+FFFF). Null: JS's <.
 */
function orderingOf(t: DataType): ((x: Value, y: Value) => number) | null {
  if (t.kind === 'bytes') return (x, y) => compareBytes(x as Uint8Array, y as Uint8Array);
  if (t.kind === 'varchar' || t.kind === 'json') return (x, y) => compareUtf8(x as string, y as string);
  return null;
}

function compileComparison(op: string, args: readonly BoundExpr[]): Compiled {
  const [l, r] = args as [BoundExpr, BoundExpr];
  const order = orderingOf(l.type);
  // strings are equal exactly when === says so; bytes need their content compared
  if (order !== null && (l.type.kind === 'bytes' || (op !== '=' && op !== '<>'))) {
    const a = compileExpr(l);
    const b = compileExpr(r);
    const test = (c: number): boolean =>
      op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    return binary(a, b, (x, y) => test(order(x, y)));
  }
  // column <op> constant: the hot path of most filters
  if (l.kind === 'column' && r.kind === 'literal') {
    const i = l.index;
    const c = r.value;
    if (c === null) return () => null;
    switch (op) {
      case '=':
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : x === c;
        };
      case '<>':
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : x !== c;
        };
      case '<':
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : (x as number) < (c as number);
        };
      case '<=':
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : (x as number) <= (c as number);
        };
      case '>':
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : (x as number) > (c as number);
        };
      default:
        return (row) => {
          const x = row[i] as Value;
          return x === null ? null : (x as number) >= (c as number);
        };
    }
  }
  const a = compileExpr(l);
  const b = compileExpr(r);
  switch (op) {
    case '=':
      return binary(a, b, (x, y) => x === y);
    case '<>':
      return binary(a, b, (x, y) => x !== y);
    case '<':
      return binary(a, b, (x, y) => (x as number) < (y as number));
    case '<=':
      return binary(a, b, (x, y) => (x as number) <= (y as number));
    case '>':
      return binary(a, b, (x, y) => (x as number) > (y as number));
    default:
      return binary(a, b, (x, y) => (x as number) >= (y as number));
  }
}

function compileIn(args: readonly BoundExpr[]): Compiled {
  const a = compileExpr(args[0]!);
  const list = args.slice(1);
  if (args[0]!.type.kind !== 'bytes' && list.every((x) => x.kind === 'literal')) {
    const set = new Set<Value>();
    let hasNull = false;
    for (const x of list) {
      const v = (x as { value: Value }).value;
      if (v === null) hasNull = true;
      else set.add(v);
    }
    return (row) => {
      const x = a(row);
      if (x === null) return null;
      if (set.has(x)) return true;
      return hasNull ? null : false;
    };
  }
  const items = list.map(compileExpr);
  return (row) => {
    const x = a(row);
    if (x === null) return null;
    let sawNull = false;
    for (const f of items) {
      const y = f(row);
      if (y === null) sawNull = true;
      else if (valuesEqual(x, y)) return true;
    }
    return sawNull ? null : false;
  };
}

const literalString = (e: BoundExpr | undefined): string | undefined =>
  e && e.kind === 'literal' && typeof e.value === 'string' ? e.value : undefined;
const literalInt = (e: BoundExpr | undefined): number =>
  e && e.kind === 'literal' && e.value !== null ? Number(e.value) : 0;

function compileCall(e: Call): Compiled {
  const args = e.args;
  switch (e.fn) {
    case 'and': {
      const [a, b] = args.map(compileExpr) as [Compiled, Compiled];
      return (row) => {
        const x = a(row);
        if (x === false) return false;
        const y = b(row);
        if (y === false) return false;
        return x === null || y === null ? null : true;
      };
    }
    case 'or': {
      const [a, b] = args.map(compileExpr) as [Compiled, Compiled];
      return (row) => {
        const x = a(row);
        if (x === true) return true;
        const y = b(row);
        if (y === true) return true;
        return x === null || y === null ? null : false;
      };
    }
    case 'not':
      return unary(compileExpr(args[0]!), (x) => !x);
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compileComparison(e.fn, args);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return binary(compileExpr(args[0]!), compileExpr(args[1]!), arithmetic(e.fn, args[0]!.type, args[1]!.type, e.type));
    case 'neg':
      return unary(compileExpr(args[0]!), negate(e.type));
    case '||':
      return binary(compileExpr(args[0]!), compileExpr(args[1]!), (x, y) => (x as string) + (y as string));
    case 'is_null': {
      const a = compileExpr(args[0]!);
      return (row) => a(row) === null;
    }
    case 'is_not_null': {
      const a = compileExpr(args[0]!);
      return (row) => a(row) !== null;
    }
    case 'is_true':
    case 'is_false':
    case 'is_not_true':
    case 'is_not_false': {
      const a = compileExpr(args[0]!);
      const want = e.fn === 'is_true' || e.fn === 'is_not_true';
      const negated = e.fn.startsWith('is_not');
      return (row) => (a(row) === want) !== negated;
    }
    case 'in':
      return compileIn(args);
    case 'between': {
      const [a, lo, hi] = args.map(compileExpr) as [Compiled, Compiled, Compiled];
      const order = orderingOf(args[0]!.type);
      return (row) => {
        const x = a(row);
        if (x === null) return null;
        const l = lo(row);
        const h = hi(row);
        const ge = l === null ? null : order !== null ? order(x, l) >= 0 : (x as number) >= (l as number);
        const le = h === null ? null : order !== null ? order(x, h) <= 0 : (x as number) <= (h as number);
        if (ge === false || le === false) return false;
        return ge === null || le === null ? null : true;
      };
    }
    case 'like':
    case 'not_like': {
      const a = compileExpr(args[0]!);
      const p = compileExpr(args[1]!);
      const match = likeMatcher(literalString(args[1]));
      const negated = e.fn === 'not_like';
      return binary(a, p, (x, y) => match(x as string, y as string) !== negated);
    }
    case 'coalesce': {
      const fs = args.map(compileExpr);
      return (row) => {
        for (const f of fs) {
          const v = f(row);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'nullif': {
      const [a, b] = args.map(compileExpr) as [Compiled, Compiled];
      return (row) => {
        const x = a(row);
        if (x === null) return null;
        const y = b(row);
        return y !== null && valuesEqual(x, y) ? null : x;
      };
    }
    case 'lower':
      return unary(compileExpr(args[0]!), (x) => (x as string).toLowerCase());
    case 'upper':
      return unary(compileExpr(args[0]!), (x) => (x as string).toUpperCase());
    case 'length':
    case 'char_length':
    case 'character_length':
      return unary(compileExpr(args[0]!), (x) => codePointLength(x as string));
    case 'trim':
    case 'ltrim':
    case 'rtrim': {
      const left = e.fn !== 'rtrim';
      const right = e.fn !== 'ltrim';
      const s = compileExpr(args[0]!);
      if (args.length === 1) return unary(s, (x) => trim(x as string, ' ', left, right));
      return binary(s, compileExpr(args[1]!), (x, y) => trim(x as string, y as string, left, right));
    }
    case 'substring':
    case 'substr': {
      const [s, from, len] = args.map(compileExpr) as [Compiled, Compiled, Compiled | undefined];
      if (!len) return binary(s, from, (x, y) => substring(x as string, y as number, undefined));
      return (row) => {
        const x = s(row);
        const y = from(row);
        const n = len(row);
        return x === null || y === null || n === null ? null : substring(x as string, y as number, n as number);
      };
    }
    case 'abs':
      return unary(compileExpr(args[0]!), abs(args[0]!.type));
    case 'floor':
    case 'ceil':
    case 'ceiling':
      return unary(compileExpr(args[0]!), floorCeil(args[0]!.type, e.fn !== 'floor'));
    case 'round':
      return unary(compileExpr(args[0]!), round(args[0]!.type, literalInt(args[1])));
    case 'extract': {
      const field = normalizeTimeField(literalString(args[0]) ?? '') as ExtractField;
      return unary(compileExpr(args[1]!), extract(field, args[1]!.type));
    }
    case 'date_trunc': {
      const unit = normalizeTimeField(literalString(args[0]) ?? '') as TruncUnit;
      return unary(compileExpr(args[1]!), truncate(unit));
    }
    default:
      throw new Error(`internal error: no evaluator for function '${e.fn}' (this is a bug in the binder)`);
  }
}

/** Evaluates an expression that reads no columns (used by constant folding). */
export function evaluateConstant(e: BoundExpr): Value {
  return compileExpr(e)([]);
}
