// Accumulator kinds for counts, sums/averages and variance moments: each one works on a slice of
// a group's flat state array and takes signed weights, so a retraction undoes an insert exactly
// (integer and DECIMAL inputs are summed in bigints; DOUBLE inputs in doubles).
// Pure computation: no I/O, no SQL imports.
import type { DataType } from '../../catalog/types.js';
import type { JsonValue, Value } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';

/** One aggregate's behaviour over the slots [at, at + slots) of a group's state array. */
export interface Kind {
  readonly slots: number;
  init(s: unknown[], at: number): void;
  /** `v` is the non-null effective input (TRUE for COUNT(*)); `w` a signed weight. */
  add(s: unknown[], at: number, v: Value, w: number): void;
  result(s: unknown[], at: number): Value;
  toJson(s: unknown[], at: number): unknown;
  fromJson(s: unknown[], at: number, j: unknown): void;
}

const POW10: number[] = [];
for (let i = 0; i <= 40; i++) POW10.push(Number(`1e${i}`));
const pow10 = (n: number): number => POW10[n] ?? Math.pow(10, n);

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
      return Number(sum) / pow10(scale);
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
  init(s: unknown[], at: number): void {
    s[at] = 0;
  }
  add(s: unknown[], at: number, _v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
  }
  result(s: unknown[], at: number): Value {
    return BigInt(s[at] as number);
  }
  toJson(s: unknown[], at: number): unknown {
    return s[at];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    s[at] = j as number;
  }
}

const SMALL_LIMIT = 2 ** 50;
const BIG_SMALL_LIMIT = 2n ** 50n;

/**
 * SUM/AVG over INT, BIGINT and DECIMAL (unscaled bigints), exact: unit-weight changes of values
 * below 2^50 accumulate in a plain number (integral, so exact) that is flushed into a bigint
 * before it could lose bits; everything else goes straight to the bigint.
 */
export class ExactSumKind implements Kind {
  readonly slots = 3; // [n, small, big]
  constructor(
    private readonly avg: boolean,
    private readonly scale: number,
    private readonly resultType: DataType,
  ) {}
  init(s: unknown[], at: number): void {
    s[at] = 0;
    s[at + 1] = 0;
    s[at + 2] = 0n;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    let x: number;
    if (typeof v === 'bigint') {
      if (v >= BIG_SMALL_LIMIT || v <= -BIG_SMALL_LIMIT || (w !== 1 && w !== -1)) {
        s[at + 2] = bigOf(s, at + 2) + v * BigInt(w);
        return;
      }
      x = Number(v);
    } else {
      if (w !== 1 && w !== -1) {
        s[at + 2] = bigOf(s, at + 2) + BigInt(v as number) * BigInt(w);
        return;
      }
      x = v as number;
    }
    const small = (s[at + 1] as number) + (w === 1 ? x : -x);
    if (small > SMALL_LIMIT || small < -SMALL_LIMIT) {
      s[at + 2] = bigOf(s, at + 2) + BigInt(small);
      s[at + 1] = 0;
    } else s[at + 1] = small;
  }
  private exact(s: unknown[], at: number): bigint {
    return bigOf(s, at + 2) + BigInt(s[at + 1] as number);
  }
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    if (n <= 0) return null;
    if (this.avg) return Number(this.exact(s, at)) / n / pow10(this.scale);
    return exactTo(this.resultType, this.exact(s, at), this.scale);
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], this.exact(s, at).toString()];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const [n, sum] = j as [number, string];
    s[at] = n;
    s[at + 1] = 0;
    s[at + 2] = BigInt(sum);
  }
}

/** SUM/AVG over DOUBLE: a plain double sum (retractions subtract; doubles may round). */
export class DoubleSumKind implements Kind {
  readonly slots = 2; // [n, sum]
  constructor(
    private readonly avg: boolean,
    private readonly resultType: DataType,
  ) {}
  init(s: unknown[], at: number): void {
    s[at] = 0;
    s[at + 1] = 0;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    s[at] = (s[at] as number) + w;
    s[at + 1] = (s[at + 1] as number) + (v as number) * w;
  }
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    if (n <= 0) return null;
    const sum = s[at + 1] as number;
    if (this.avg) return sum / n;
    if (this.resultType.kind === 'bigint') return BigInt(Math.trunc(sum));
    return sum;
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], valueToJson(s[at + 1] as number)];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const [n, sum] = j as [number, JsonValue];
    s[at] = n;
    s[at + 1] = valueFromJson(sum);
  }
}

export type Moment = 'var_pop' | 'var_samp' | 'stddev_pop' | 'stddev_samp';

function finishMoment(fn: Moment, n: number, numerator: number, scale: number): Value {
  const samp = fn === 'var_samp' || fn === 'stddev_samp';
  if (samp ? n < 2 : n <= 0) return null;
  const num = numerator > 0 ? numerator : 0;
  const variance = num / (n * (samp ? n - 1 : n)) / pow10(2 * scale);
  return fn === 'var_pop' || fn === 'var_samp' ? variance : Math.sqrt(variance);
}

/** VAR/STDDEV over INT, BIGINT or DECIMAL: count, sum and sum of squares kept as exact bigints. */
export class ExactMomentKind implements Kind {
  readonly slots = 3; // [n, S, Q]
  constructor(
    private readonly fn: Moment,
    private readonly scale: number,
  ) {}
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
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    const S = bigOf(s, at + 1);
    const num = BigInt(n) * bigOf(s, at + 2) - S * S;
    return finishMoment(this.fn, n, Number(num), this.scale);
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

/** VAR/STDDEV over DOUBLE: count, sum and sum of squares as doubles. */
export class DoubleMomentKind implements Kind {
  readonly slots = 3; // [n, S, Q]
  constructor(private readonly fn: Moment) {}
  init(s: unknown[], at: number): void {
    s[at] = 0;
    s[at + 1] = 0;
    s[at + 2] = 0;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    const x = v as number;
    s[at] = (s[at] as number) + w;
    s[at + 1] = (s[at + 1] as number) + x * w;
    s[at + 2] = (s[at + 2] as number) + x * x * w;
  }
  result(s: unknown[], at: number): Value {
    const n = s[at] as number;
    const S = s[at + 1] as number;
    return finishMoment(this.fn, n, n * (s[at + 2] as number) - S * S, 0);
  }
  toJson(s: unknown[], at: number): unknown {
    return [s[at], valueToJson(s[at + 1] as number), valueToJson(s[at + 2] as number)];
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    const [n, S, Q] = j as [number, JsonValue, JsonValue];
    s[at] = n;
    s[at + 1] = valueFromJson(S);
    s[at + 2] = valueFromJson(Q);
  }
}
