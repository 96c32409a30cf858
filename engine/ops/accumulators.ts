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
  /**
   * Aggregates with equal inputKeys have equal effective inputs for every row (the same argument
   * and the same FILTER), so they evaluate them once and share state where their kinds agree
   * (SUM and AVG of one column). Absent: nothing is shared.
   */
  readonly inputKey?: string;
}

export interface AccumulatorSetOptions {
  /**
   * The slot just before `base` holds the group's net row count (the sum of every weight
   * applied): COUNT(*) without FILTER reads it instead of keeping a count of its own.
   */
  readonly rowCountBefore?: boolean;
}

function needArgType(spec: AggregateSpec): DataType {
  if (spec.argType === undefined || spec.arg === undefined)
    throw new Error(`internal error: aggregate ${spec.fn} needs an argument and its type (this is a bug)`);
  return spec.argType;
}

/** The argument's values are bigints (BIGINT, DECIMAL). */
const bigArg = (spec: AggregateSpec): boolean => spec.argType?.kind === 'bigint' || spec.argType?.kind === 'decimal';

function kindFor(spec: AggregateSpec): Kind {
  switch (spec.fn) {
    case 'count_star':
    case 'count':
      return new CountKind();
    case 'count_distinct':
      return new DistinctKind(bigArg(spec));
    case 'min':
      return new ExtremeKind(false, bigArg(spec));
    case 'max':
      return new ExtremeKind(true, bigArg(spec));
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
 * Aggregates with the same inputKey and kind state share slots: only the first (the owner)
 * updates them. Snapshots (toJson) still hold one entry per aggregate.
 */
export class AccumulatorSet {
  readonly width: number;
  readonly count: number;
  private readonly kinds: Kind[];
  private readonly offsets: number[];
  private readonly args: ((row: Row) => Value)[];
  private readonly filters: (((row: Row) => Value) | undefined)[];
  /**
   * Aggregate i's effective input is that of aggregate inputFrom[i] (itself when first; -1: it
   * needs none, being COUNT(*) read from the row count).
   */
  private readonly inputFrom: number[];
  /** Aggregate i's argument is BIGINT or DECIMAL: inputsOf() hands safe bigints over as numbers. */
  private readonly bigInput: boolean[];
  /** Aggregate i updates its slots (false: it shares an earlier one's, or reads the row count). */
  private readonly owner: boolean[];
  /** Aggregate i is COUNT(*) read from the row count before `base`. */
  private readonly rowCount: boolean[];
  /** The owners' indexes, kinds and offsets (the per-change loop). */
  private readonly ownerIndex: number[];
  private readonly ownerKinds: Kind[];
  private readonly ownerOffsets: number[];
  private readonly scratch: Value[];

  constructor(specs: readonly AggregateSpec[], opts: AccumulatorSetOptions = {}) {
    this.kinds = specs.map(kindFor);
    this.count = specs.length;
    this.args = specs.map((s) => (s.fn === 'count_star' ? ALWAYS : s.arg ?? ALWAYS));
    this.filters = specs.map((s) => s.filter);
    this.offsets = [];
    this.inputFrom = [];
    this.bigInput = specs.map(bigArg);
    this.owner = [];
    this.rowCount = [];
    this.ownerIndex = [];
    this.ownerKinds = [];
    this.ownerOffsets = [];
    let w = 0;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const kind = this.kinds[i]!;
      const key = spec.inputKey;
      const countRows = opts.rowCountBefore === true && spec.fn === 'count_star' && spec.filter === undefined;
      let from = i;
      if (key !== undefined)
        for (let j = 0; j < i && from === i; j++) if (specs[j]!.inputKey === key && this.inputFrom[j]! >= 0) from = j;
      this.inputFrom.push(countRows ? -1 : from);
      this.rowCount.push(countRows);
      let shared = -1;
      if (!countRows && key !== undefined)
        for (let j = 0; j < i && shared < 0; j++)
          if (this.owner[j] && specs[j]!.inputKey === key && this.kinds[j]!.stateKey === kind.stateKey) shared = j;
      const own = !countRows && shared < 0;
      this.owner.push(own);
      if (shared >= 0) this.offsets.push(this.offsets[shared]!);
      else {
        this.offsets.push(w);
        if (own) w += kind.slots;
      }
      if (own) {
        this.ownerIndex.push(i);
        this.ownerKinds.push(kind);
        this.ownerOffsets.push(this.offsets[i]!);
      }
    }
    this.width = w;
    this.scratch = new Array<Value>(specs.length).fill(null);
  }

  init(s: unknown[], base: number): void {
    const kinds = this.ownerKinds;
    for (let k = 0; k < kinds.length; k++) kinds[k]!.init(s, base + this.ownerOffsets[k]!);
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

  /**
   * The effective input (see input()) of every aggregate for `row`, into `out`, for addInputs():
   * a BIGINT/DECIMAL value in the safe-integer range is handed over as the equal number (every
   * kind takes either, and converts once here rather than once per kind).
   */
  inputsOf(row: Row, out: Value[]): void {
    const filters = this.filters;
    const args = this.args;
    const from = this.inputFrom;
    for (let i = 0; i < args.length; i++) {
      const j = from[i]!;
      if (j !== i) {
        out[i] = j < 0 ? null : out[j]!;
        continue;
      }
      const f = filters[i];
      let v = f !== undefined && f(row) !== true ? null : args[i]!(row);
      if (typeof v === 'bigint' && this.bigInput[i]) {
        const n = Number(v);
        if (Number.isSafeInteger(n)) v = n;
      }
      out[i] = v;
    }
  }

  /** Apply the effective inputs inputsOf() computed, with signed weight `w`. */
  addInputs(s: unknown[], base: number, inputs: readonly Value[], w: number): void {
    const kinds = this.ownerKinds;
    const offsets = this.ownerOffsets;
    const index = this.ownerIndex;
    for (let k = 0; k < kinds.length; k++) {
      const v = inputs[index[k]!]!;
      if (v !== null) kinds[k]!.add(s, base + offsets[k]!, v, w);
    }
  }

  /** Apply `row` with signed weight `w` to every aggregate. */
  add(s: unknown[], base: number, row: Row, w: number): void {
    this.inputsOf(row, this.scratch);
    this.addInputs(s, base, this.scratch, w);
  }

  /** Apply a pre-computed effective input (see input()) of aggregate i (ignored unless i owns its state). */
  addInput(s: unknown[], base: number, i: number, v: Value, w: number): void {
    if (v !== null && this.owner[i]) this.kinds[i]!.add(s, base + this.offsets[i]!, v, w);
  }

  /** Aggregate i's value; `loose`: see Kind.result (a safe BIGINT/DECIMAL may come as a number). */
  result(s: unknown[], base: number, i: number, loose?: boolean): Value {
    if (this.rowCount[i]) return loose === true ? (s[base - 1] as number) : BigInt(s[base - 1] as number);
    return this.kinds[i]!.result(s, base + this.offsets[i]!, loose);
  }

  /** Write every aggregate's result into `out` from index `from` on (`loose`: see result()). */
  resultsInto(s: unknown[], base: number, out: Value[], from: number, loose?: boolean): void {
    for (let i = 0; i < this.count; i++) out[from + i] = this.result(s, base, i, loose);
  }

  /** Append every aggregate's result to `out`. */
  results(s: unknown[], base: number, out: Value[]): void {
    for (let i = 0; i < this.count; i++) out.push(this.result(s, base, i));
  }

  /** One JSON entry per aggregate (shared state appears under each of its aggregates). */
  toJson(s: unknown[], base: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < this.count; i++)
      out.push(this.rowCount[i] ? s[base - 1] : this.kinds[i]!.toJson(s, base + this.offsets[i]!));
    return out;
  }

  /** Restore what toJson wrote (the row count before `base` is the caller's to restore). */
  fromJson(s: unknown[], base: number, j: readonly unknown[]): void {
    for (let i = 0; i < this.count; i++) if (this.owner[i]) this.kinds[i]!.fromJson(s, base + this.offsets[i]!, j[i]);
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
