// Invertible accumulators for window aggregates: every aggregate takes signed weights, so a
// retraction undoes an insert exactly (COUNT, SUM and the moments of VAR/STDDEV are exact for
// integer and DECIMAL inputs; MIN/MAX and COUNT(DISTINCT) keep value multisets). A group's state
// is one flat array shared by all its aggregates (no object per aggregate per group).
// Pure computation: no I/O, no SQL imports (args and filters arrive as compiled closures).
import type { DataType } from '../../catalog/types.js';
import type { Row, Value } from '../core/value.js';
import { compareValues, valueFromJson, valueToJson } from '../core/value.js';
import type { JsonValue } from '../core/value.js';
import { ValueMultiset, sameValue } from '../state/value-multiset.js';

export type AggregateFn =
  | 'count_star'
  | 'count'
  | 'count_distinct'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'stddev_pop'
  | 'stddev_samp'
  | 'var_pop'
  | 'var_samp';

/** One aggregate call, with its argument and FILTER already compiled to closures over input rows. */
export interface AggregateSpec {
  readonly fn: AggregateFn;
  readonly arg?: (row: Row) => Value;
  /** Only rows where this returns exactly `true` are aggregated. */
  readonly filter?: (row: Row) => Value;
  readonly argType: DataType | undefined;
  readonly resultType: DataType;
}

/** One aggregate's behaviour over the slots [at, at + slots) of a group's state array. */
interface Kind {
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

function scaleOf(t: DataType | undefined): number {
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

class CountKind implements Kind {
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
class ExactSumKind implements Kind {
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
class DoubleSumKind implements Kind {
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

/**
 * A value multiset over three slots [v0, c0, rest]: the first distinct value and its count live
 * inline (most groups of a window hold one or two values), the others in a ValueMultiset created
 * on demand. c0 === 0 means the inline slot is free. Returns the count of `v` before the add.
 */
function multisetAdd(s: unknown[], at: number, v: Value, w: number): number {
  const c0 = s[at + 1] as number;
  if (c0 !== 0 && sameValue(s[at] as Value, v)) {
    const after = c0 + w;
    s[at + 1] = after;
    if (after === 0) s[at] = null;
    return c0;
  }
  let rest = s[at + 2] as ValueMultiset | null;
  if (c0 === 0 && (rest === null || !rest.has(v))) {
    s[at] = v;
    s[at + 1] = w;
    return 0;
  }
  if (rest === null) s[at + 2] = rest = new ValueMultiset();
  return rest.add(v, w);
}

function multisetInit(s: unknown[], at: number): void {
  s[at] = null;
  s[at + 1] = 0;
  s[at + 2] = null;
}

/** Values whose count is > 0. */
function multisetPositives(s: unknown[], at: number): Value[] {
  const out: Value[] = [];
  if ((s[at + 1] as number) > 0) out.push(s[at] as Value);
  const rest = s[at + 2] as ValueMultiset | null;
  if (rest !== null) for (let i = 0; i < rest.size; i++) if (rest.countAt(i) > 0) out.push(rest.valueAt(i));
  return out;
}

function multisetToJson(s: unknown[], at: number): unknown {
  const rest = s[at + 2] as ValueMultiset | null;
  return [valueToJson(s[at] as Value), s[at + 1], rest === null ? null : rest.toJson()];
}

function multisetFromJson(s: unknown[], at: number, j: unknown): void {
  const [v0, c0, rest] = j as [JsonValue, number, unknown];
  s[at] = valueFromJson(v0);
  s[at + 1] = c0;
  s[at + 2] = rest === null ? null : ValueMultiset.fromJson(rest);
}

/** MIN/MAX over a value multiset; the extreme is cached and recomputed only after it is retracted. */
class ExtremeKind implements Kind {
  readonly slots = 5; // [v0, c0, rest, extreme | null, dirty]
  constructor(private readonly isMax: boolean) {}
  init(s: unknown[], at: number): void {
    multisetInit(s, at);
    s[at + 3] = null;
    s[at + 4] = false;
  }
  private better(a: Value, b: Value): boolean {
    const c = compareValues(a, b);
    return this.isMax ? c > 0 : c < 0;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    const before = multisetAdd(s, at, v, w);
    const after = before + w;
    if (s[at + 4] === true) return;
    const extreme = s[at + 3] as Value;
    if (before <= 0 && after > 0) {
      if (extreme === null || this.better(v, extreme)) s[at + 3] = v;
    } else if (before > 0 && after <= 0 && extreme !== null && compareValues(v, extreme) === 0) {
      s[at + 4] = true;
    }
  }
  result(s: unknown[], at: number): Value {
    if (s[at + 4] === true) {
      let best: Value = null;
      for (const v of multisetPositives(s, at)) if (best === null || this.better(v, best)) best = v;
      s[at + 3] = best;
      s[at + 4] = false;
    }
    return s[at + 3] as Value;
  }
  toJson(s: unknown[], at: number): unknown {
    return multisetToJson(s, at);
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    multisetFromJson(s, at, j);
    s[at + 3] = null;
    s[at + 4] = true;
  }
}

class DistinctKind implements Kind {
  readonly slots = 4; // [v0, c0, rest, number of values with count > 0]
  init(s: unknown[], at: number): void {
    multisetInit(s, at);
    s[at + 3] = 0;
  }
  add(s: unknown[], at: number, v: Value, w: number): void {
    const before = multisetAdd(s, at, v, w);
    const after = before + w;
    if (before <= 0 && after > 0) s[at + 3] = (s[at + 3] as number) + 1;
    else if (before > 0 && after <= 0) s[at + 3] = (s[at + 3] as number) - 1;
  }
  result(s: unknown[], at: number): Value {
    return BigInt(s[at + 3] as number);
  }
  toJson(s: unknown[], at: number): unknown {
    return multisetToJson(s, at);
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    multisetFromJson(s, at, j);
    s[at + 3] = multisetPositives(s, at).length;
  }
}

type Moment = 'var_pop' | 'var_samp' | 'stddev_pop' | 'stddev_samp';

function finishMoment(fn: Moment, n: number, numerator: number, scale: number): Value {
  const samp = fn === 'var_samp' || fn === 'stddev_samp';
  if (samp ? n < 2 : n <= 0) return null;
  const num = numerator > 0 ? numerator : 0;
  const variance = num / (n * (samp ? n - 1 : n)) / pow10(2 * scale);
  return fn === 'var_pop' || fn === 'var_samp' ? variance : Math.sqrt(variance);
}

/** VAR/STDDEV over INT, BIGINT or DECIMAL: count, sum and sum of squares kept as exact bigints. */
class ExactMomentKind implements Kind {
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
class DoubleMomentKind implements Kind {
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

function needArgType(spec: AggregateSpec): DataType {
  if (spec.argType === undefined || spec.arg === undefined)
    throw new Error(`internal error: aggregate ${spec.fn} needs an argument and its type (this is a bug)`);
  return spec.argType;
}

function kindFor(spec: AggregateSpec): Kind {
  switch (spec.fn) {
    case 'count_star':
    case 'count':
      return new CountKind();
    case 'count_distinct':
      return new DistinctKind();
    case 'min':
      return new ExtremeKind(false);
    case 'max':
      return new ExtremeKind(true);
    case 'sum':
    case 'avg': {
      const t = needArgType(spec);
      const avg = spec.fn === 'avg';
      if (t.kind === 'int' || t.kind === 'bigint' || t.kind === 'decimal') return new ExactSumKind(avg, scaleOf(t), spec.resultType);
      return new DoubleSumKind(avg, spec.resultType);
    }
    case 'var_pop':
    case 'var_samp':
    case 'stddev_pop':
    case 'stddev_samp': {
      const t = needArgType(spec);
      if (t.kind === 'int' || t.kind === 'bigint' || t.kind === 'decimal') return new ExactMomentKind(spec.fn, scaleOf(t));
      return new DoubleMomentKind(spec.fn);
    }
  }
}

const ALWAYS = (): Value => true;

/**
 * The aggregates of one window aggregation laid out over a flat state array: aggregate i uses
 * slots [base + offset(i), ...). Callers own the arrays (one per group) and pass `base`.
 */
export class AccumulatorSet {
  readonly width: number;
  readonly count: number;
  private readonly kinds: Kind[];
  private readonly offsets: number[];
  private readonly args: ((row: Row) => Value)[];
  private readonly filters: (((row: Row) => Value) | undefined)[];

  constructor(specs: readonly AggregateSpec[]) {
    this.kinds = specs.map(kindFor);
    this.offsets = [];
    let w = 0;
    for (const k of this.kinds) {
      this.offsets.push(w);
      w += k.slots;
    }
    this.width = w;
    this.count = specs.length;
    this.args = specs.map((s) => (s.fn === 'count_star' ? ALWAYS : s.arg ?? ALWAYS));
    this.filters = specs.map((s) => s.filter);
  }

  init(s: unknown[], base: number): void {
    for (let i = 0; i < this.kinds.length; i++) this.kinds[i]!.init(s, base + this.offsets[i]!);
  }

  /**
   * The effective input of aggregate i for `row`: NULL when FILTER rejects the row or the
   * argument is NULL (both mean "ignore"), TRUE for COUNT(*), else the argument value.
   */
  input(i: number, row: Row): Value {
    const f = this.filters[i];
    if (f !== undefined && f(row) !== true) return null;
    return this.args[i]!(row);
  }

  /** Apply `row` with signed weight `w` to every aggregate. */
  add(s: unknown[], base: number, row: Row, w: number): void {
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length; i++) {
      const v = this.input(i, row);
      if (v !== null) kinds[i]!.add(s, base + this.offsets[i]!, v, w);
    }
  }

  /** Apply a pre-computed effective input (see input()) of aggregate i. */
  addInput(s: unknown[], base: number, i: number, v: Value, w: number): void {
    if (v !== null) this.kinds[i]!.add(s, base + this.offsets[i]!, v, w);
  }

  result(s: unknown[], base: number, i: number): Value {
    return this.kinds[i]!.result(s, base + this.offsets[i]!);
  }

  /** Append every aggregate's result to `out`. */
  results(s: unknown[], base: number, out: Value[]): void {
    for (let i = 0; i < this.kinds.length; i++) out.push(this.kinds[i]!.result(s, base + this.offsets[i]!));
  }

  toJson(s: unknown[], base: number): unknown[] {
    return this.kinds.map((k, i) => k.toJson(s, base + this.offsets[i]!));
  }

  fromJson(s: unknown[], base: number, j: readonly unknown[]): void {
    for (let i = 0; i < this.kinds.length; i++) this.kinds[i]!.fromJson(s, base + this.offsets[i]!, j[i]);
  }
}

/** A single stand-alone accumulator (one aggregate, its own state). */
export interface Accumulator {
  add(row: Row, weight: number): void;
  result(): Value;
  snapshot(): unknown;
  restore(state: unknown): void;
}

export function createAccumulator(spec: AggregateSpec): Accumulator {
  const set = new AccumulatorSet([spec]);
  const state: unknown[] = new Array<unknown>(set.width);
  set.init(state, 0);
  return {
    add: (row, weight) => set.add(state, 0, row, weight),
    result: () => set.result(state, 0, 0),
    snapshot: () => set.toJson(state, 0),
    restore: (j) => {
      set.init(state, 0);
      set.fromJson(state, 0, j as unknown[]);
    },
  };
}
