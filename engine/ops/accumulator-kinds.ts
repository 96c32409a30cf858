// Accumulator kinds for counts, sums/averages and variance moments: each one works on a slice of
// a group's flat state array and takes signed weights, so a retraction undoes an insert exactly
// (integer and DECIMAL inputs are summed in bigints; DOUBLE inputs as bigints times a power of two,
// exact-double.ts). Exact sums become DOUBLE results through one correctly rounded division. Pure computation: no I/O, no SQL imports.
import type { DataType } from '../../catalog/types.js';
import type { JsonValue, Value } from '../core/value.js';
import { valueFromJson } from '../core/value.js';
import {
  EXACT_DOUBLE_SLOTS,
  exactAdd,
  exactFromDoubles,
  exactFromJson,
  exactInit,
  exactNonFinite,
  exactSquaredDeviationsOver,
  exactSumOver,
  exactToJson,
  ratio,
} from './exact-double.js';

/** One aggregate's behaviour over the slots [at, at + slots) of a group's state array. */
export interface Kind {
  readonly slots: number;
  /** Kinds with equal stateKeys keep identical state for identical inputs (so they may share it). */
  readonly stateKey: string;
  init(s: unknown[], at: number): void;
  /** `v` is the non-null effective input (TRUE for COUNT(*)); `w` a signed weight. */
  add(s: unknown[], at: number, v: Value, w: number): void;
  /**
   * The aggregate's value. `loose`: a BIGINT or DECIMAL result in the safe-integer range may come
   * as the equal number instead of a bigint (for an output that packs int64s: see Output.int64AsNumber).
   */
  result(s: unknown[], at: number, loose?: boolean): Value;
  toJson(s: unknown[], at: number): unknown;
  fromJson(s: unknown[], at: number, j: unknown): void;
}

const POW10N: bigint[] = [];
for (let i = 0; i <= 80; i++) POW10N.push(10n ** BigInt(i));
const pow10n = (n: number): bigint => POW10N[n] ?? 10n ** BigInt(n);


export { ratio };

export function scaleOf(t: DataType | undefined): number {
  return t !== undefined && t.kind === 'decimal' ? t.scale : 0;
}

function rescale(unscaled: bigint, from: number, to: number): bigint {
  if (to === from) return unscaled;
  if (to > from) return unscaled * 10n ** BigInt(to - from);
  const d = 10n ** BigInt(from - to);
  const q = unscaled / d;
  const r = unscaled % d;
  // round half away from zero
  if ((r < 0n ? -r : r) * 2n >= d) return unscaled < 0n ? q - 1n : q + 1n;
  return q;
}

/** Convert an exact unscaled sum at `scale` to the declared result type. */
function exactTo(result: DataType, sum: bigint, scale: number): Value {
  switch (result.kind) {
    case 'decimal':
      return rescale(sum, scale, result.scale);
    case 'double':
      return ratio(sum, pow10n(scale));
    case 'int':
      return Number(rescale(sum, scale, 0));
    default:
      return rescale(sum, scale, 0);
  }
}

function bigOf(s: unknown[], i: number): bigint {
  return s[i] as bigint;
}

export class CountKind implements Kind {
  readonly slots = 1;
  readonly stateKey = 'count';
  init(s: unknown[], at: number): void {
    s[at] = 0;
  }
  add(s: unknown[], at: number, _v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
  }
  result(s: unknown[], at: number, loose?: boolean): Value {
    return loose === true ? (s[at] as number) : BigInt(s[at] as number);
  }
  toJson(s: unknown[], at: number): unknown {
    return s[at];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    s[at] = j as number;
  }
}

const SMALL_LIMIT = 2 ** 50;
const MAX_SAFE_NUM = Number.MAX_SAFE_INTEGER;

/**
 * SUM/AVG over INT, BIGINT and DECIMAL (unscaled bigints), exact: unit-weight changes of values
 * below 2^50 accumulate in a plain number (integral, so exact) that is flushed into a bigint
 * before it could lose bits; everything else goes to the bigint, which stays the number 0 until
 * first needed (so results of small sums need no bigint arithmetic).
 */
export class ExactSumKind implements Kind {
  readonly slots = 3; // [n, small, big (0 or a bigint)]
  readonly stateKey: string;
  /** 10^scale as a double when exact, else 0. */
  private readonly unit: number;
  /** Results that are the exact sum itself (same scale, no rounding). */
  private readonly identity: 'decimal' | 'bigint' | 'int' | 'double' | null;
  constructor(
    private readonly avg: boolean,
    private readonly scale: number,
    private readonly resultType: DataType,
  ) {
    this.stateKey = `exact-sum/${scale}`;
    const unit = 10 ** scale;
    this.unit = Number.isSafeInteger(unit) && BigInt(unit) === pow10n(scale) ? unit : 0;
    const r = resultType;
    this.identity =
      r.kind === 'decimal'
        ? r.scale === scale
          ? 'decimal'
          : null
        : r.kind === 'bigint' || r.kind === 'int'
          ? scale === 0
            ? r.kind
            : null
          : r.kind === 'double' && this.unit > 0
            ? 'double'
            : null;
  }
  init(s: unknown[], at: number): void {
    s[at] = 0;
    s[at + 1] = 0;
    s[at + 2] = 0;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    // Number() of a bigint at or beyond 2^50 in magnitude rounds to a value still beyond it.
    const x = typeof v === 'bigint' ? Number(v) : (v as number);
    if ((w === 1 || w === -1) && x < SMALL_LIMIT && x > -SMALL_LIMIT) {
      const small = (s[at + 1] as number) + (w === 1 ? x : -x);
      if (small > SMALL_LIMIT || small < -SMALL_LIMIT) {
        this.addBig(s, at, BigInt(small));
        s[at + 1] = 0;
      } else s[at + 1] = small;
      return;
    }
    this.addBig(s, at, (typeof v === 'bigint' ? v : BigInt(v as number)) * BigInt(w));
  }
  private addBig(s: unknown[], at: number, d: bigint): void {
    const big = s[at + 2];
    s[at + 2] = typeof big === 'bigint' ? big + d : d;
  }
  private exact(s: unknown[], at: number): bigint {
    const big = s[at + 2];
    const small = BigInt(s[at + 1] as number);
    return typeof big === 'bigint' ? big + small : small;
  }
  result(s: unknown[], at: number, loose?: boolean): Value {
    const n = s[at] as number;
    if (n <= 0) return null;
    if (typeof s[at + 2] !== 'bigint') {
      // Only the small part: both operands of the division are exact doubles, so one IEEE
      // division rounds exactly as ratio() would.
      const small = s[at + 1] as number;
      if (this.avg) {
        const den = n * this.unit;
        if (den > 0 && den <= MAX_SAFE_NUM) return small / den;
      } else {
        switch (this.identity) {
          case 'decimal':
          case 'bigint':
            return loose === true ? small : BigInt(small);
          case 'int':
            return small;
          case 'double':
            return small / this.unit;
          case null:
            break;
        }
      }
    }
    if (this.avg) return ratio(this.exact(s, at), BigInt(n) * pow10n(this.scale));
    return exactTo(this.resultType, this.exact(s, at), this.scale);
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], this.exact(s, at).toString()];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const [n, sum] = j as [number, string];
    s[at] = n;
    const big = BigInt(sum);
    const small = Number(big);
    if (small < SMALL_LIMIT && small > -SMALL_LIMIT) {
      s[at + 1] = small;
      s[at + 2] = 0;
    } else {
      s[at + 1] = 0;
      s[at + 2] = big;
    }
  }
}

/**
 * SUM/AVG over DOUBLE, exact (exact-double.ts): a retraction undoes its insert to the bit, and the
 * result is the exact sum (or mean) of the rows present, rounded once.
 */
export class DoubleSumKind implements Kind {
  readonly slots = 1 + EXACT_DOUBLE_SLOTS; // [n, exact sum]
  readonly stateKey = 'double-sum';
  constructor(
    private readonly avg: boolean,
    private readonly resultType: DataType,
  ) {}
  init(s: unknown[], at: number): void {
    s[at] = 0;
    exactInit(s, at + 1);
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    exactAdd(s, at + 1, v as number, w, false);
  }
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    if (n <= 0) return null;
    const odd = exactNonFinite(s, at + 1);
    const value = odd ?? exactSumOver(s, at + 1, this.avg ? n : 1);
    if (this.avg) return value;
    if (this.resultType.kind === 'bigint') return BigInt(Math.trunc(value));
    return value;
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], ...exactToJson(s, at + 1)];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const a = j as unknown[];
    s[at] = a[0] as number;
    // [n, sum]: a plain double sum, as versions before the exact sum kept it
    if (a.length === 2) exactFromDoubles(s, at + 1, valueFromJson(a[1] as JsonValue) as number, 0);
    else exactFromJson(s, at + 1, a.slice(1));
  }
}

export type Moment = 'var_pop' | 'var_samp' | 'stddev_pop' | 'stddev_samp';

const isSamp = (fn: Moment): boolean => fn === 'var_samp' || fn === 'stddev_samp';

function finishMoment(fn: Moment, variance: number): Value {
  return fn === 'var_pop' || fn === 'var_samp' ? variance : Math.sqrt(variance);
}

/** VAR/STDDEV over INT, BIGINT or DECIMAL: count, sum and sum of squares kept as exact bigints. */
export class ExactMomentKind implements Kind {
  readonly slots = 3; // [n, S, Q]
  readonly stateKey: string;
  constructor(
    private readonly fn: Moment,
    private readonly scale: number,
  ) {
    this.stateKey = `exact-moment/${scale}`;
  }
  init(s: unknown[], at: number): void {
    s[at] = 0;
    s[at + 1] = 0n;
    s[at + 2] = 0n;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    const x = typeof v === 'bigint' ? v : BigInt(v as number);
    const xx = x * x;
    if (w === 1) {
      s[at + 1] = bigOf(s, at + 1) + x;
      s[at + 2] = bigOf(s, at + 2) + xx;
    } else {
      const bw = BigInt(w);
      s[at + 1] = bigOf(s, at + 1) + x * bw;
      s[at + 2] = bigOf(s, at + 2) + xx * bw;
    }
  }
  /** (n·Q − S²) / (n·(n or n−1)·10^(2·scale)), exact up to one final rounding. */
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    const samp = isSamp(this.fn);
    if (samp ? n < 2 : n <= 0) return null;
    const S = bigOf(s, at + 1);
    const bn = BigInt(n);
    const num = bn * bigOf(s, at + 2) - S * S;
    if (num <= 0n) return 0;
    return finishMoment(this.fn, ratio(num, bn * BigInt(samp ? n - 1 : n) * pow10n(2 * this.scale)));
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], bigOf(s, at + 1).toString(), bigOf(s, at + 2).toString()];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const [n, S, Q] = j as [number, string, string];
    s[at] = n;
    s[at + 1] = BigInt(S);
    s[at + 2] = BigInt(Q);
  }
}

/**
 * VAR/STDDEV over DOUBLE: count, exact sum and exact sum of squares (exact-double.ts), so large
 * means do not cancel the spread and retractions undo inserts exactly; one final rounding.
 */
export class DoubleMomentKind implements Kind {
  readonly slots = 1 + EXACT_DOUBLE_SLOTS; // [n, exact sums]
  readonly stateKey = 'double-moment';
  constructor(private readonly fn: Moment) {}
  init(s: unknown[], at: number): void {
    s[at] = 0;
    exactInit(s, at + 1);
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    exactAdd(s, at + 1, v as number, w, true);
  }
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    const samp = isSamp(this.fn);
    if (samp ? n < 2 : n <= 0) return null;
    // a NaN or an infinity among the values makes the spread undefined
    if (exactNonFinite(s, at + 1) !== null) return Number.NaN;
    return finishMoment(this.fn, exactSquaredDeviationsOver(s, at + 1, n, samp ? n - 1 : n));
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], ...exactToJson(s, at + 1)];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const a = j as unknown[];
    s[at] = a[0] as number;
    // [n, S, Q]: plain double sums, as versions before the exact sums kept them
    if (a.length === 3) exactFromDoubles(s, at + 1, valueFromJson(a[1] as JsonValue) as number, valueFromJson(a[2] as JsonValue) as number);
    else exactFromJson(s, at + 1, a.slice(1));
  }
}
