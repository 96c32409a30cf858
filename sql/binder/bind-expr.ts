// Binds AST expressions to typed BoundExprs: resolves columns through an environment, types
// literals (INT/BIGINT/DECIMAL/DOUBLE by spelling), inserts implicit casts (numeric widening,
// string literals compared with typed values), checks function signatures and reports every
// problem as a diagnostic. Aggregates are delegated to the environment (or rejected there).
import type { DataType, Value } from '../../catalog/types.js';
import type { CallExpr, ColumnExpr, Expr } from '../ast.js';
import type { Diagnostics } from '../diagnostic.js';
import { intervalMicros } from '../durations.js';
import { decimalLiteral } from '../plan/decimal.js';
import { compileCast } from '../plan/evaluate-cast.js';
import type { BoundExpr, Literal } from '../plan/expr.js';
import { EXTRACT_FIELDS, TRUNC_UNITS, normalizeTimeField, parseDate, parseTimestamp } from '../plan/temporal.js';
import type { Span } from '../source.js';
import { didYouMean } from '../suggest.js';
import type { ArithOp } from '../types.js';
import { AGGREGATES, MAX_DECIMAL_PRECISION, SCALAR_FUNCTIONS, T, arithmeticType, canCast, commonType, isNumeric, isTimestamp, sameType, scalarSignature, typeToString } from '../types.js';

/** Where names come from and what aggregates mean in the clause being bound. */
export interface ExprEnv {
  column(ref: ColumnExpr, diags: Diagnostics): BoundExpr | undefined;
  /** Binds an aggregate call; absent where aggregates are not allowed. */
  aggregate?(call: CallExpr, binder: ExprBinder): BoundExpr | undefined;
  /** Message when an aggregate appears where none is allowed, e.g. 'aggregate functions are not allowed in WHERE'. */
  readonly noAggregates: string;
  /** Tried on every node before binding it (GROUP BY key matching in aggregate queries). */
  replace?(e: Expr): BoundExpr | undefined;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const BIG_MIN = -(2n ** 63n);
const BIG_MAX = 2n ** 63n - 1n;

const CANONICAL: Readonly<Record<string, string>> = {
  ceiling: 'ceil', substr: 'substring', char_length: 'length', character_length: 'length',
};

export function literal(value: Value, type: DataType, span?: Span): Literal {
  return span ? { kind: 'literal', value, type, span } : { kind: 'literal', value, type };
}

/** Type of a numeric literal from its spelling: INT, BIGINT, DECIMAL(p,s) or DOUBLE (exponent). */
export function numberLiteral(text: string, span: Span): Literal {
  const neg = text.startsWith('-');
  const digits = neg ? text.slice(1) : text;
  if (/^\d+$/.test(digits)) {
    const v = BigInt(text);
    if (v >= INT_MIN && v <= INT_MAX) return literal(Number(v), T.int, span);
    if (v >= BIG_MIN && v <= BIG_MAX) return literal(v, T.bigint, span);
    if (digits.replace(/^0+/, '').length <= MAX_DECIMAL_PRECISION) return literal(v, T.decimal(MAX_DECIMAL_PRECISION, 0), span);
  } else {
    const d = /^\d*\.\d*$/.test(digits) ? decimalLiteral(digits) : undefined;
    if (d && d.precision <= MAX_DECIMAL_PRECISION) return literal(neg ? -d.unscaled : d.unscaled, T.decimal(d.precision, d.scale), span);
  }
  return literal(Number(text), T.double, span);
}

export class ExprBinder {
  constructor(readonly diags: Diagnostics) {}

  private mismatch(message: string, span: Span, help?: string[]): undefined {
    this.diags.error('type-mismatch', message, span, help ? { help } : {});
    return undefined;
  }

  /** Implicit conversion to `to`; string literals are converted now (undefined + diagnostic if invalid). */
  coerce(e: BoundExpr, to: DataType): BoundExpr | undefined {
    if (sameType(e.type, to)) return e;
    if (e.kind === 'literal' && (e.value === null || e.type.kind === 'varchar')) {
      if (e.value === null) return literal(null, to, e.span);
      const v = compileCast(() => e.value, e.type, to)([]);
      if (v === null) {
        this.diags.error('invalid-literal', `invalid ${typeToString(to)} literal '${String(e.value)}'`, e.span ?? this.nowhere());
        return undefined;
      }
      return literal(v, to, e.span);
    }
    return { kind: 'cast', expr: e, type: to, ...(e.span ? { span: e.span } : {}) };
  }

  private nowhere(): Span {
    return { path: '', start: 0, end: 0 };
  }

  /** Whether literal `lit` converts to `to` and back without loss (and the types are comparable). */
  private holdsExactly(lit: Literal, to: DataType): boolean {
    if (sameType(lit.type, to)) return true;
    if (commonType(lit.type, to) === undefined) return false;
    if (lit.value === null) return true;
    const there = compileCast(() => lit.value, lit.type, to)([]);
    if (there === null) return false;
    const back = compileCast(() => there, to, lit.type)([]);
    return back === lit.value;
  }

  /** Brings two operands to one type (string literals adopt the other side's type). */
  unify(a: BoundExpr, b: BoundExpr, span: Span, what: string): [BoundExpr, BoundExpr] | undefined {
    const isStrLit = (x: BoundExpr): boolean => x.kind === 'literal' && x.type.kind === 'varchar';
    let l: BoundExpr | undefined = a;
    let r: BoundExpr | undefined = b;
    if (isStrLit(a) && b.type.kind !== 'varchar' && b.type.kind !== 'null' && canCast(T.varchar, b.type)) l = this.coerce(a, b.type);
    else if (isStrLit(b) && a.type.kind !== 'varchar' && a.type.kind !== 'null' && canCast(T.varchar, a.type)) r = this.coerce(b, a.type);
    if (!l || !r) return undefined;
    // a constant that the other operand's type holds exactly adopts it (no cast on the column)
    if (l.kind === 'literal' && r.kind !== 'literal' && this.holdsExactly(l, r.type)) return [this.coerce(l, r.type)!, r];
    if (r.kind === 'literal' && l.kind !== 'literal' && this.holdsExactly(r, l.type)) return [l, this.coerce(r, l.type)!];
    const common = commonType(l.type, r.type);
    if (!common) return this.mismatch(`cannot ${what} ${typeToString(l.type)} with ${typeToString(r.type)}`, span);
    const cl = this.coerce(l, common);
    const cr = this.coerce(r, common);
    return cl && cr ? [cl, cr] : undefined;
  }

  /** Binds a condition that must be BOOLEAN (WHERE, HAVING, FILTER, CASE WHEN, AND/OR/NOT operands). */
  bindBoolean(e: Expr, env: ExprEnv, what: string): BoundExpr | undefined {
    const b = this.bind(e, env);
    if (!b) return undefined;
    if (b.type.kind === 'boolean') return b;
    if (b.type.kind === 'null') return literal(null, T.boolean, e.span);
    return this.mismatch(`${what} must be BOOLEAN, found ${typeToString(b.type)}`, e.span);
  }

  bind(e: Expr, env: ExprEnv): BoundExpr | undefined {
    const replaced = env.replace?.(e);
    if (replaced) return replaced;
    const span = e.span;
    switch (e.kind) {
      case 'column':
        return env.column(e, this.diags);
      case 'number':
        return numberLiteral(e.text, span);
      case 'string':
        return literal(e.value, T.varchar, span);
      case 'boolean':
        return literal(e.value, T.boolean, span);
      case 'null':
        return literal(null, T.null, span);
      case 'typed-literal': {
        const v =
          e.type.kind === 'date' ? parseDate(e.value) : parseTimestamp(e.value, e.type.kind === 'timestamptz');
        if (v === undefined) {
          this.diags.error('invalid-literal', `invalid ${typeToString(e.type)} literal '${e.value}'`, span, {
            help: [`write it as '2024-01-31${e.type.kind === 'date' ? '' : ' 13:45:00'}'`],
          });
          return undefined;
        }
        return literal(v, e.type, span);
      }
      case 'interval': {
        const r = intervalMicros(e.value, e.unit);
        if ('error' in r) {
          this.diags.error(r.error.includes('no fixed length') ? 'unsupported' : 'invalid-literal', r.error, span);
          return undefined;
        }
        return literal(r.micros, T.interval, span);
      }
      case 'unary':
        return this.unary(e.op, e.expr, span, env);
      case 'binary':
        return this.binary(e, env);
      case 'call':
        return this.call(e, env);
      case 'cast': {
        const inner = this.bind(e.expr, env);
        if (!inner) return undefined;
        if (!canCast(inner.type, e.type.type))
          return this.mismatch(`cannot cast ${typeToString(inner.type)} to ${typeToString(e.type.type)}`, span);
        if (inner.kind === 'literal' && inner.type.kind === 'varchar') {
          const c = this.coerce(inner, e.type.type);
          return c ? { ...c, span } : undefined;
        }
        if (inner.kind === 'literal' && inner.value === null) return literal(null, e.type.type, span);
        return { kind: 'cast', expr: inner, type: e.type.type, span };
      }
      case 'case':
        return this.caseExpr(e, env);
      case 'in': {
        const x = this.bind(e.expr, env);
        const items = e.list.map((i) => this.bind(i, env));
        if (!x || items.some((i) => !i)) return undefined;
        let common: DataType = x.type;
        const adjusted: BoundExpr[] = [];
        for (const item of items as BoundExpr[]) {
          const pair = this.unify(x, item, item.span ?? span, 'compare');
          if (!pair) return undefined;
          adjusted.push(pair[1]);
          common = commonType(common, pair[1].type) ?? common;
        }
        const args = [x, ...adjusted].map((a) => this.coerce(a, common));
        if (args.some((a) => !a)) return undefined;
        const call: BoundExpr = { kind: 'call', fn: 'in', args: args as BoundExpr[], type: T.boolean, span };
        return e.negated ? { kind: 'call', fn: 'not', args: [call], type: T.boolean, span } : call;
      }
      case 'between': {
        const x = this.bind(e.expr, env);
        const lo = this.bind(e.low, env);
        const hi = this.bind(e.high, env);
        if (!x || !lo || !hi) return undefined;
        const p1 = this.unify(x, lo, span, 'compare');
        const p2 = p1 && this.unify(p1[0], hi, span, 'compare');
        if (!p1 || !p2) return undefined;
        const common = p2[0].type;
        const args = [p2[0], this.coerce(p1[1], common), p2[1]];
        if (args.some((a) => !a)) return undefined;
        const call: BoundExpr = { kind: 'call', fn: 'between', args: args as BoundExpr[], type: T.boolean, span };
        return e.negated ? { kind: 'call', fn: 'not', args: [call], type: T.boolean, span } : call;
      }
      case 'is': {
        if (e.test === 'null') {
          const x = this.bind(e.expr, env);
          return x && { kind: 'call', fn: e.negated ? 'is_not_null' : 'is_null', args: [x], type: T.boolean, span };
        }
        const x = this.bindBoolean(e.expr, env, `the operand of IS ${e.test.toUpperCase()}`);
        const fn = `is_${e.negated ? 'not_' : ''}${e.test}`;
        return x && { kind: 'call', fn, args: [x], type: T.boolean, span };
      }
      case 'extract': {
        const field = normalizeTimeField(e.field);
        const x = this.bind(e.expr, env);
        if (!(EXTRACT_FIELDS as readonly string[]).includes(field)) {
          this.diags.error('invalid-argument', `unknown EXTRACT field '${e.field}'`, span, {
            help: didYouMean(field, EXTRACT_FIELDS).concat([`fields: ${EXTRACT_FIELDS.join(', ')}`]),
          });
          return undefined;
        }
        if (!x) return undefined;
        if (x.type.kind !== 'date' && !isTimestamp(x.type) && x.type.kind !== 'null')
          return this.mismatch(`EXTRACT needs a DATE or TIMESTAMP, found ${typeToString(x.type)}`, e.expr.span);
        const arg = x.type.kind === 'null' ? literal(null, T.timestamp(6), x.span) : x;
        return {
          kind: 'call',
          fn: 'extract',
          args: [literal(field, T.varchar), arg],
          type: field === 'epoch' ? T.double : T.int,
          span,
        };
      }
      case 'unsupported':
        this.diags.error('unsupported', `${e.what} is not supported`, span, e.help ? { help: [e.help] } : {});
        return undefined;
    }
  }

  private unary(op: '-' | '+' | 'not', inner: Expr, span: Span, env: ExprEnv): BoundExpr | undefined {
    if (op === 'not') {
      const x = this.bindBoolean(inner, env, 'the operand of NOT');
      return x && { kind: 'call', fn: 'not', args: [x], type: T.boolean, span };
    }
    const x = this.bind(inner, env);
    if (!x) return undefined;
    const t = x.type.kind === 'null' ? T.int : x.type;
    if (!isNumeric(t) && t.kind !== 'interval') return this.mismatch(`operator '${op}' cannot be applied to ${typeToString(t)}`, span);
    if (op === '+') return x;
    return { kind: 'call', fn: 'neg', args: [this.coerce(x, t)!], type: t, span };
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, env: ExprEnv): BoundExpr | undefined {
    const span = e.span;
    if (e.op === 'and' || e.op === 'or') {
      const l = this.bindBoolean(e.left, env, `the operands of ${e.op.toUpperCase()}`);
      const r = this.bindBoolean(e.right, env, `the operands of ${e.op.toUpperCase()}`);
      return l && r && { kind: 'call', fn: e.op, args: [l, r], type: T.boolean, span };
    }
    const l = this.bind(e.left, env);
    const r = this.bind(e.right, env);
    if (!l || !r) return undefined;
    switch (e.op) {
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const pair = this.unify(l, r, span, 'compare');
        if (!pair) return undefined;
        if (pair[0].type.kind === 'json' && e.op !== '=' && e.op !== '<>') return this.mismatch('JSON values cannot be ordered', span);
        return { kind: 'call', fn: e.op, args: pair, type: T.boolean, span };
      }
      case '||': {
        if (l.type.kind !== 'varchar' && r.type.kind !== 'varchar')
          return this.mismatch(`operator '||' needs a VARCHAR operand, found ${typeToString(l.type)} and ${typeToString(r.type)}`, span);
        const args = [l, r].map((x) => (canCast(x.type, T.varchar) ? this.coerce(x, T.varchar) : undefined));
        if (args.some((a) => !a)) return this.mismatch(`operator '||' cannot be applied to ${typeToString(l.type)} and ${typeToString(r.type)}`, span);
        return { kind: 'call', fn: '||', args: args as BoundExpr[], type: T.varchar, span };
      }
      case 'like':
      case 'not like': {
        for (const x of [l, r])
          if (x.type.kind !== 'varchar' && x.type.kind !== 'null')
            return this.mismatch(`LIKE needs VARCHAR operands, found ${typeToString(x.type)}`, x.span ?? span);
        const args = [this.coerce(l, T.varchar)!, this.coerce(r, T.varchar)!];
        return { kind: 'call', fn: e.op === 'like' ? 'like' : 'not_like', args, type: T.boolean, span };
      }
      default: {
        const op = e.op as ArithOp;
        let a = l;
        let b = r;
        // an untyped string literal next to a number or timestamp takes the other operand's type
        if (a.kind === 'literal' && a.type.kind === 'varchar' && b.type.kind !== 'varchar' && canCast(T.varchar, b.type)) a = this.coerce(a, b.type) ?? a;
        if (b.kind === 'literal' && b.type.kind === 'varchar' && a.type.kind !== 'varchar' && canCast(T.varchar, a.type)) b = this.coerce(b, a.type) ?? b;
        const t = arithmeticType(op, a.type, b.type);
        if ('error' in t) return this.mismatch(t.error, span);
        const ca = this.coerce(a, t.left);
        const cb = this.coerce(b, t.right);
        return ca && cb && { kind: 'call', fn: op, args: [ca, cb], type: t.type, span };
      }
    }
  }

  private caseExpr(e: Extract<Expr, { kind: 'case' }>, env: ExprEnv): BoundExpr | undefined {
    const operand = e.operand ? this.bind(e.operand, env) : undefined;
    if (e.operand && !operand) return undefined;
    const whens: { when: BoundExpr; then: BoundExpr }[] = [];
    let ok = true;
    for (const w of e.whens) {
      let cond: BoundExpr | undefined;
      if (operand) {
        const v = this.bind(w.when, env);
        const pair = v && this.unify(operand, v, w.when.span, 'compare');
        cond = pair ? { kind: 'call', fn: '=', args: pair, type: T.boolean, span: w.when.span } : undefined;
      } else cond = this.bindBoolean(w.when, env, 'a CASE WHEN condition');
      const then = this.bind(w.then, env);
      if (!cond || !then) ok = false;
      else whens.push({ when: cond, then });
    }
    const otherwise = e.else ? this.bind(e.else, env) : undefined;
    if (!ok || (e.else && !otherwise)) return undefined;
    let type: DataType = T.null;
    for (const x of [...whens.map((w) => w.then), ...(otherwise ? [otherwise] : [])]) {
      const c = commonType(type, x.type);
      if (!c) return this.mismatch(`CASE results have no common type (${typeToString(type)} and ${typeToString(x.type)})`, x.span ?? e.span);
      type = c;
    }
    const arms = whens.map((w) => ({ when: w.when, then: this.coerce(w.then, type)! }));
    const elseCoerced = otherwise ? this.coerce(otherwise, type) : undefined;
    return { kind: 'case', whens: arms, ...(elseCoerced ? { else: elseCoerced } : {}), type, span: e.span };
  }

  private call(e: CallExpr, env: ExprEnv): BoundExpr | undefined {
    const span = e.span;
    if (AGGREGATES[e.name] !== undefined) {
      if (!env.aggregate) {
        this.diags.error('aggregate-misuse', env.noAggregates, span);
        return undefined;
      }
      return env.aggregate(e, this);
    }
    if (e.star) {
      this.diags.error('syntax-error', `'*' is only allowed in count(*)`, span);
      return undefined;
    }
    if (e.distinct || e.filter) {
      this.diags.error('aggregate-misuse', `${e.distinct ? 'DISTINCT' : 'FILTER'} is only allowed in aggregate functions, and '${e.name}' is not one`, span);
      return undefined;
    }
    if (!(SCALAR_FUNCTIONS as readonly string[]).includes(e.name)) {
      this.diags.error('unknown-function', `function '${e.name}' does not exist`, e.nameSpan, {
        help: didYouMean(e.name, [...SCALAR_FUNCTIONS, ...Object.keys(AGGREGATES)]),
      });
      return undefined;
    }
    const args = e.args.map((a) => this.bind(a, env));
    if (args.some((a) => !a)) return undefined;
    const bound = args as BoundExpr[];
    const sig = scalarSignature(e.name, bound.map((a) => a.type));
    if (!sig) return undefined;
    if ('error' in sig) return this.mismatch(sig.error, span);
    const coerced = bound.map((a, i) => this.coerce(a, sig.args[i]!));
    if (coerced.some((a) => !a)) return undefined;
    const fn = CANONICAL[e.name] ?? e.name;
    let type = sig.type;
    if (fn === 'date_trunc') {
      const unit = coerced[0]!;
      const name = unit.kind === 'literal' && typeof unit.value === 'string' ? normalizeTimeField(unit.value) : undefined;
      if (!name || !(TRUNC_UNITS as readonly string[]).includes(name)) {
        this.diags.error('invalid-argument', `date_trunc() unit must be a literal such as 'minute' or 'day'`, e.args[0]!.span, {
          help: name ? didYouMean(name, TRUNC_UNITS) : [`units: ${TRUNC_UNITS.join(', ')}`],
        });
        return undefined;
      }
      coerced[0] = literal(name, T.varchar, unit.span);
    }
    if (fn === 'round') {
      const n = coerced[1];
      if (n && (n.kind !== 'literal' || n.value === null)) {
        this.diags.error('invalid-argument', 'round() scale must be an integer literal', e.args[1]!.span);
        return undefined;
      }
      const places = n ? Number(n.value) : 0;
      const x = coerced[0]!.type;
      if (x.kind === 'decimal') type = T.decimal(x.precision, Math.max(0, Math.min(places, x.scale)));
    }
    return { kind: 'call', fn, args: coerced as BoundExpr[], type, span };
  }
}
