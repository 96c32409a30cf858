// Accumulator kinds over value multisets: MIN/MAX (cached extreme, recomputed only after it is
// retracted) and COUNT(DISTINCT). The first distinct value lives inline in the group's slots so
// the common one-value group allocates nothing; BIGINT/DECIMAL values in the safe-integer range
// are held as numbers (compared without bigint calls, nothing kept alive per group) and become
// bigints again in results and snapshots. Pure computation: no I/O, no SQL imports.
import type { JsonValue, Value } from '../core/value.js';
import { compareValues, valueFromJson, valueToJson } from '../core/value.js';
import { ValueMultiset, sameValue } from '../state/value-multiset.js';
import type { Kind } from './accumulator-kinds.js';

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

function multisetToJson(s: unknown[], at: number, out: (v: Value) => Value): unknown {
  const rest = s[at + 2] as ValueMultiset | null;
  return [valueToJson(out(s[at] as Value)), s[at + 1], rest === null ? null : rest.toJson(out)];
}

function multisetFromJson(s: unknown[], at: number, j: unknown, held: (v: Value) => Value): void {
  const [v0, c0, rest] = j as [JsonValue, number, unknown];
  s[at] = held(valueFromJson(v0));
  s[at + 1] = c0;
  s[at + 2] = rest === null ? null : ValueMultiset.fromJson(rest, held);
}

/**
 * How a multiset kind holds its values: with `big` (BIGINT/DECIMAL arguments) a bigint in the
 * safe-integer range is held as the equal number, and held numbers read back as bigints.
 */
class Holding {
  constructor(readonly big: boolean) {}
  readonly held = (v: Value): Value => {
    if (this.big && typeof v === 'bigint') {
      const n = Number(v);
      if (Number.isSafeInteger(n)) return n;
    }
    return v;
  };
  readonly out = (v: Value): Value => (this.big && typeof v === 'number' ? BigInt(v) : v);
}

/** MIN/MAX over a value multiset; the extreme is cached and recomputed only after it is retracted. */
export class ExtremeKind implements Kind {
  readonly slots = 5; // [v0, c0, rest, extreme | null, dirty]
  readonly stateKey: string;
  private readonly h: Holding;
  /** `big`: the argument is BIGINT or DECIMAL (values are bigints). */
  constructor(
    private readonly isMax: boolean,
    big = false,
  ) {
    this.stateKey = isMax ? 'max' : 'min';
    this.h = new Holding(big);
  }
  init(s: unknown[], at: number): void {
    multisetInit(s, at);
    s[at + 3] = null;
    s[at + 4] = false;
  }
  private better(a: Value, b: Value): boolean {
    if (typeof a === 'number' && typeof b === 'number') return this.isMax ? a > b : a < b;
    const c = compareValues(a, b);
    return this.isMax ? c > 0 : c < 0;
  }
  add(s: unknown[], at: number, value: Value, w: number): void {
    const v = this.h.held(value);
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
  result(s: unknown[], at: number, loose?: boolean): Value {
    if (s[at + 4] === true) {
      // the best of the values whose count is > 0, scanned in place (no list of them)
      let best: Value = (s[at + 1] as number) > 0 ? (s[at] as Value) : null;
      const rest = s[at + 2] as ValueMultiset | null;
      if (rest !== null)
        for (let i = 0; i < rest.size; i++)
          if (rest.countAt(i) > 0) {
            const v = rest.valueAt(i);
            if (best === null || this.better(v, best)) best = v;
          }
      s[at + 3] = best;
      s[at + 4] = false;
    }
    // held values of a BIGINT/DECIMAL argument are safe-integer numbers or bigints
    return loose === true ? (s[at + 3] as Value) : this.h.out(s[at + 3] as Value);
  }
  toJson(s: unknown[], at: number): unknown {
    return multisetToJson(s, at, this.h.out);
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    multisetFromJson(s, at, j, this.h.held);
    s[at + 3] = null;
    s[at + 4] = true;
  }
}

export class DistinctKind implements Kind {
  readonly slots = 4; // [v0, c0, rest, number of values with count > 0]
  readonly stateKey = 'distinct';
  private readonly h: Holding;
  /** `big`: the argument is BIGINT or DECIMAL (values are bigints). */
  constructor(big = false) {
    this.h = new Holding(big);
  }
  init(s: unknown[], at: number): void {
    multisetInit(s, at);
    s[at + 3] = 0;
  }
  add(s: unknown[], at: number, value: Value, w: number): void {
    const before = multisetAdd(s, at, this.h.held(value), w);
    const after = before + w;
    if (before <= 0 && after > 0) s[at + 3] = (s[at + 3] as number) + 1;
    else if (before > 0 && after <= 0) s[at + 3] = (s[at + 3] as number) - 1;
  }
  result(s: unknown[], at: number, loose?: boolean): Value {
    return loose === true ? (s[at + 3] as number) : BigInt(s[at + 3] as number);
  }
  toJson(s: unknown[], at: number): unknown {
    return multisetToJson(s, at, this.h.out);
  }
  fromJson(s: unknown[], at: number, j: unknown): void {
    multisetFromJson(s, at, j, this.h.held);
    s[at + 3] = multisetPositives(s, at).length;
  }
}
