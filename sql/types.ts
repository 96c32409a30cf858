// SQL type rules: type names -> DataType, implicit coercion (numeric widening, temporal
// widening), explicit CAST legality, operator result types and scalar function signatures.
// Pure tables and functions over DataType; no binding, no evaluation.
import type { DataType } from '../catalog/types.js';

// The pure DataType helpers are shared with the catalog (the one value import sql/ makes from it).
import { T, isNumeric, sameType, typeToString } from '../catalog/types.js';
export { T, isNumeric, sameType, typeToString };

export const MAX_DECIMAL_PRECISION = 38;

/** Type names accepted by typeFromName (for suggestions). */
export const TYPE_NAMES = [
  'boolean', 'int', 'integer', 'bigint', 'double', 'float', 'decimal', 'numeric', 'varchar', 'string', 'text',
  'date', 'timestamp', 'timestamptz', 'bytes', 'json',
];

/** Resolves a type name with its parameters, e.g. ('decimal', [10, 2]) or ('timestamp', [3], tz). */
export function typeFromName(name: string, params: readonly number[], withTimeZone = false): DataType | { error: string } {
  const n = name.toLowerCase().replace(/\s+/g, ' ');
  const noParams = (t: DataType): DataType | { error: string } =>
    params.length === 0 ? t : { error: `type ${name.toUpperCase()} takes no parameters` };
  switch (n) {
    case 'boolean':
    case 'bool':
      return noParams(T.boolean);
    case 'int':
    case 'integer':
    case 'int4':
    case 'smallint':
    case 'int2':
    case 'tinyint':
      return noParams(T.int);
    case 'bigint':
    case 'int8':
      return noParams(T.bigint);
    case 'double':
    case 'double precision':
    case 'float':
    case 'float8':
    case 'float4':
    case 'real':
      return params.length <= 1 ? T.double : { error: `type ${name.toUpperCase()} takes at most one parameter` };
    case 'decimal':
    case 'numeric':
    case 'dec': {
      if (params.length > 2) return { error: 'DECIMAL takes a precision and a scale' };
      const p = params[0] ?? 10;
      const s = params[1] ?? 0;
      if (!Number.isInteger(p) || p < 1 || p > MAX_DECIMAL_PRECISION)
        return { error: `DECIMAL precision must be between 1 and ${MAX_DECIMAL_PRECISION}` };
      if (!Number.isInteger(s) || s < 0 || s > p) return { error: `DECIMAL scale must be between 0 and the precision (${p})` };
      return T.decimal(p, s);
    }
    case 'varchar':
    case 'character varying':
    case 'char':
    case 'character':
    case 'string':
    case 'text':
      return params.length <= 1 ? T.varchar : { error: `type ${name.toUpperCase()} takes at most one parameter` };
    case 'date':
      return noParams(T.date);
    case 'timestamp':
    case 'timestamptz': {
      if (params.length > 1) return { error: 'TIMESTAMP takes one precision parameter' };
      const p = params[0] ?? 6;
      if (!Number.isInteger(p) || p < 0 || p > 9) return { error: 'TIMESTAMP precision must be between 0 and 9' };
      return n === 'timestamptz' || withTimeZone ? T.timestamptz(p) : T.timestamp(p);
    }
    case 'bytes':
    case 'bytea':
    case 'binary':
    case 'varbinary':
      return noParams(T.bytes);
    case 'json':
    case 'jsonb':
      return noParams(T.json);
    case 'interval':
      return noParams(T.interval);
    default:
      return { error: `unknown type '${name}'` };
  }
}

export const isTimestamp = (t: DataType): boolean => t.kind === 'timestamp' || t.kind === 'timestamptz';
export const isIntegral = (t: DataType): boolean => t.kind === 'int' || t.kind === 'bigint';

/** int -> DECIMAL(10,0), bigint -> DECIMAL(19,0); decimals unchanged. */
export function asDecimal(t: DataType): { precision: number; scale: number } | undefined {
  if (t.kind === 'decimal') return { precision: t.precision, scale: t.scale };
  if (t.kind === 'int') return { precision: 10, scale: 0 };
  if (t.kind === 'bigint') return { precision: 19, scale: 0 };
  return undefined;
}

const decimalOf = (intDigits: number, scale: number): DataType => {
  const s = Math.min(scale, MAX_DECIMAL_PRECISION);
  return T.decimal(Math.min(MAX_DECIMAL_PRECISION, Math.max(intDigits + s, 1)), s);
};

/** The type both operands widen to for comparison, CASE, COALESCE and IN; undefined if none. */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === 'double' || b.kind === 'double') return T.double;
    if (a.kind === 'decimal' || b.kind === 'decimal') {
      const x = asDecimal(a)!;
      const y = asDecimal(b)!;
      return decimalOf(Math.max(x.precision - x.scale, y.precision - y.scale), Math.max(x.scale, y.scale));
    }
    return T.bigint;
  }
  const temporal = (t: DataType): boolean => isTimestamp(t) || t.kind === 'date';
  if (temporal(a) && temporal(b)) {
    const prec = Math.max(a.kind === 'date' ? 0 : (a as { precision: number }).precision, b.kind === 'date' ? 0 : (b as { precision: number }).precision);
    if (a.kind === 'timestamptz' || b.kind === 'timestamptz') return T.timestamptz(prec);
    return T.timestamp(prec);
  }
  return undefined;
}

/** Whether CAST(x AS to) is allowed for x of type `from`. */
export function canCast(from: DataType, to: DataType): boolean {
  if (from.kind === 'null' || sameType(from, to)) return true;
  const f = from.kind;
  const t = to.kind;
  if (t === 'varchar') return true;
  if (f === 'varchar') return t !== 'interval' && t !== 'null';
  if (isNumeric(from) && isNumeric(to)) return true;
  if ((f === 'boolean' && isIntegral(to)) || (isIntegral(from) && t === 'boolean')) return true;
  const temporal = (k: string): boolean => k === 'date' || k === 'timestamp' || k === 'timestamptz';
  if (temporal(f) && temporal(t)) return true;
  return false;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** Result type of `a op b` plus the types the operands are coerced to first; a message if invalid. */
export function arithmeticType(
  op: ArithOp,
  a: DataType,
  b: DataType,
): { type: DataType; left: DataType; right: DataType } | { error: string } {
  const bad = { error: `operator '${op}' cannot be applied to ${typeToString(a)} and ${typeToString(b)}` };
  if (a.kind === 'null' || b.kind === 'null') {
    const other = a.kind === 'null' ? b : a;
    if (other.kind === 'null') return { type: T.int, left: T.int, right: T.int };
    return arithmeticType(op, other, other);
  }
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === 'double' || b.kind === 'double') return { type: T.double, left: T.double, right: T.double };
    if (a.kind === 'decimal' || b.kind === 'decimal') {
      const x = asDecimal(a)!;
      const y = asDecimal(b)!;
      const left = T.decimal(x.precision, x.scale);
      const right = T.decimal(y.precision, y.scale);
      switch (op) {
        case '+':
        case '-':
          return { type: decimalOf(Math.max(x.precision - x.scale, y.precision - y.scale) + 1, Math.max(x.scale, y.scale)), left, right };
        case '*':
          return { type: decimalOf(x.precision - x.scale + y.precision - y.scale, x.scale + y.scale), left, right };
        case '/':
          return { type: T.double, left: T.double, right: T.double };
        case '%':
          return { type: decimalOf(Math.max(x.precision - x.scale, y.precision - y.scale), Math.max(x.scale, y.scale)), left, right };
      }
    }
    const t = a.kind === 'bigint' || b.kind === 'bigint' ? T.bigint : T.int;
    return { type: t, left: t, right: t };
  }
  const ts = (t: DataType): boolean => isTimestamp(t);
  if (op === '+' || op === '-') {
    if (ts(a) && b.kind === 'interval') return { type: a, left: a, right: b };
    if (a.kind === 'date' && b.kind === 'interval') return { type: T.timestamp(6), left: T.timestamp(6), right: b };
    if (op === '+' && a.kind === 'interval' && (ts(b) || b.kind === 'date')) {
      const t = ts(b) ? b : T.timestamp(6);
      return { type: t, left: a, right: t };
    }
    if (a.kind === 'interval' && b.kind === 'interval') return { type: T.interval, left: a, right: b };
    if (a.kind === 'date' && b.kind === 'int') return { type: T.date, left: a, right: b };
    if (op === '-' && a.kind === 'date' && b.kind === 'date') return { type: T.int, left: a, right: b };
    if (op === '-' && ts(a) && (ts(b) || b.kind === 'date')) {
      const c = commonType(a, b)!;
      return { type: T.interval, left: c, right: c };
    }
    if (op === '+' && a.kind === 'int' && b.kind === 'date') return { type: T.date, left: a, right: b };
  }
  if (op === '*' || op === '/') {
    if (a.kind === 'interval' && isNumeric(b)) return { type: T.interval, left: a, right: T.double };
    if (op === '*' && isNumeric(a) && b.kind === 'interval') return { type: T.interval, left: T.double, right: b };
  }
  return bad;
}

export type AggregateName =
  | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stddev_pop' | 'stddev_samp' | 'var_pop' | 'var_samp';

/** Aggregate function names, with accepted aliases mapped to their canonical name. */
export const AGGREGATES: Readonly<Record<string, AggregateName>> = {
  count: 'count', sum: 'sum', avg: 'avg', min: 'min', max: 'max',
  stddev_pop: 'stddev_pop', stddev_samp: 'stddev_samp', stddev: 'stddev_samp',
  var_pop: 'var_pop', var_samp: 'var_samp', variance: 'var_samp',
};

/** Result type of an aggregate over an argument of type `arg` (see AggregateCall in plan/expr.ts). */
export function aggregateType(fn: AggregateName, arg: DataType | undefined): DataType | { error: string } {
  if (fn === 'count') return T.bigint;
  if (arg === undefined) return { error: `${fn}() needs an argument` };
  switch (fn) {
    case 'min':
    case 'max':
      if (arg.kind === 'json' || arg.kind === 'interval') return { error: `${fn}() cannot be applied to ${typeToString(arg)}` };
      return arg.kind === 'null' ? T.int : arg;
    case 'sum':
      if (arg.kind === 'int' || arg.kind === 'bigint' || arg.kind === 'null') return T.bigint;
      if (arg.kind === 'decimal') return T.decimal(MAX_DECIMAL_PRECISION, arg.scale);
      if (arg.kind === 'double') return T.double;
      return { error: `sum() needs a numeric argument, found ${typeToString(arg)}` };
    default:
      if (isNumeric(arg) || arg.kind === 'null') return T.double;
      return { error: `${fn}() needs a numeric argument, found ${typeToString(arg)}` };
  }
}

/** A resolved scalar function: result type and the types its arguments are coerced to. */
export interface Signature {
  readonly type: DataType;
  readonly args: readonly DataType[];
}

const sig = (type: DataType, args: readonly DataType[]): Signature => ({ type, args });
const need = (fn: string, what: string, got: DataType): { error: string } => ({
  error: `${fn}() expects ${what}, found ${typeToString(got)}`,
});

export const SCALAR_FUNCTIONS = [
  'lower', 'upper', 'trim', 'ltrim', 'rtrim', 'length', 'char_length', 'character_length', 'substring', 'substr',
  'abs', 'round', 'floor', 'ceil', 'ceiling', 'coalesce', 'nullif', 'date_trunc',
] as const;

/**
 * Signature of a scalar function for the given argument types (round's scale and date_trunc's
 * unit are checked by the binder, which sees the literal). Unknown names return undefined.
 */
export function scalarSignature(name: string, args: readonly DataType[]): Signature | { error: string } | undefined {
  const arity = (min: number, max: number): { error: string } | undefined =>
    args.length < min || args.length > max
      ? { error: `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, found ${args.length}` }
      : undefined;
  const strArg = (t: DataType): boolean => t.kind === 'varchar' || t.kind === 'null';
  switch (name) {
    case 'lower':
    case 'upper':
    case 'length':
    case 'char_length':
    case 'character_length': {
      const e = arity(1, 1);
      if (e) return e;
      if (!strArg(args[0]!)) return need(name, 'a string', args[0]!);
      return sig(name === 'lower' || name === 'upper' ? T.varchar : T.int, [T.varchar]);
    }
    case 'trim':
    case 'ltrim':
    case 'rtrim': {
      const e = arity(1, 2);
      if (e) return e;
      for (const a of args) if (!strArg(a)) return need(name, 'strings', a);
      return sig(T.varchar, args.map(() => T.varchar));
    }
    case 'substring':
    case 'substr': {
      const e = arity(2, 3);
      if (e) return e;
      if (!strArg(args[0]!)) return need(name, 'a string', args[0]!);
      for (const a of args.slice(1)) if (a.kind !== 'int' && a.kind !== 'bigint' && a.kind !== 'null') return need(name, 'integer positions', a);
      return sig(T.varchar, [T.varchar, ...args.slice(1).map(() => T.int)]);
    }
    case 'abs':
    case 'floor':
    case 'ceil':
    case 'ceiling':
    case 'round': {
      const e = name === 'round' ? arity(1, 2) : arity(1, 1);
      if (e) return e;
      const a = args[0]!.kind === 'null' ? T.int : args[0]!;
      if (!isNumeric(a)) return need(name, 'a number', a);
      if (name === 'round' && args.length === 2 && !isIntegral(args[1]!)) return need(name, 'an integer scale', args[1]!);
      const type = a.kind === 'decimal' && name !== 'abs' ? T.decimal(a.precision, 0) : a;
      return sig(type, args.length === 2 ? [a, T.int] : [a]);
    }
    case 'coalesce': {
      if (args.length === 0) return { error: 'coalesce() needs at least one argument' };
      let t: DataType = T.null;
      for (const a of args) {
        const c = commonType(t, a);
        if (!c) return { error: `coalesce() arguments have no common type (${args.map(typeToString).join(', ')})` };
        t = c;
      }
      return sig(t, args.map(() => t));
    }
    case 'nullif': {
      const e = arity(2, 2);
      if (e) return e;
      const c = commonType(args[0]!, args[1]!);
      if (!c) return { error: `nullif() cannot compare ${typeToString(args[0]!)} with ${typeToString(args[1]!)}` };
      return sig(args[0]!.kind === 'null' ? c : args[0]!, [c, c]);
    }
    case 'date_trunc': {
      const e = arity(2, 2);
      if (e) return e;
      if (!strArg(args[0]!)) return need(name, 'a unit string', args[0]!);
      const t = args[1]!;
      if (t.kind === 'date') return sig(T.timestamp(6), [T.varchar, T.timestamp(6)]);
      if (!isTimestamp(t)) return need(name, 'a timestamp', t);
      return sig(t, [T.varchar, t]);
    }
    default:
      return undefined;
  }
}
