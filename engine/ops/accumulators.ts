// Invertible accumulators for window aggregates: every aggregate takes signed weights, so a
// retraction undoes an insert exactly (COUNT, SUM and the moments of VAR/STDDEV are exact for
// integer and DECIMAL inputs; MIN/MAX and COUNT(DISTINCT) keep value multisets). A group's state
// is one flat array shared by all its aggregates (no object per aggregate per group).
// Pure computation: no I/O, no SQL imports (args and filters arrive as compiled closures).
import type { DataType } from '../../catalog/types.js';
import type { Row, Value } from '../core/value.js';
import type { Kind } from './accumulator-kinds.js';
import { CountKind, DoubleMomentKind, DoubleSumKind, ExactMomentKind, ExactSumKind, scaleOf } from './accumulator-kinds.js';
import { DistinctKind, ExtremeKind } from './accumulator-multisets.js';

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
