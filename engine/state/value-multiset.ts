// A small multiset of values with signed counts (the state behind MIN/MAX and COUNT(DISTINCT)):
// parallel arrays scanned linearly while small, plus a hash index once it grows. Entries whose
// count returns to 0 are removed. Pure data structure; no I/O.
import type { JsonValue, Value } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';
import type { GroupKey } from './group-key.js';
import { singleKey } from './group-key.js';

const INDEX_THRESHOLD = 8;

/** Value equality as SQL grouping sees it: bytes by content, NaN equal to NaN. */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a !== a && b !== b; // NaN
}

export class ValueMultiset {
  private readonly vals: Value[] = [];
  private readonly cnts: number[] = [];
  private index: Map<GroupKey, number> | null = null;

  get size(): number {
    return this.vals.length;
  }
  valueAt(i: number): Value {
    return this.vals[i]!;
  }
  countAt(i: number): number {
    return this.cnts[i]!;
  }

  private find(v: Value): number {
    if (this.index !== null) return this.index.get(singleKey(v)) ?? -1;
    const vals = this.vals;
    for (let i = 0; i < vals.length; i++) if (sameValue(vals[i]!, v)) return i;
    return -1;
  }

  has(v: Value): boolean {
    return this.find(v) >= 0;
  }

  /** Add `w` (may be negative) to the count of `v`; returns the count before. */
  add(v: Value, w: number): number {
    const i = this.find(v);
    if (i < 0) {
      this.vals.push(v);
      this.cnts.push(w);
      if (this.index !== null) this.index.set(singleKey(v), this.vals.length - 1);
      else if (this.vals.length > INDEX_THRESHOLD) this.buildIndex();
      return 0;
    }
    const before = this.cnts[i]!;
    const after = before + w;
    if (after === 0) this.removeAt(i);
    else this.cnts[i] = after;
    return before;
  }

  private removeAt(i: number): void {
    const last = this.vals.length - 1;
    const removed = this.vals[i]!;
    if (i !== last) {
      this.vals[i] = this.vals[last]!;
      this.cnts[i] = this.cnts[last]!;
      if (this.index !== null) this.index.set(singleKey(this.vals[i]!), i);
    }
    this.vals.pop();
    this.cnts.pop();
    if (this.index !== null) this.index.delete(singleKey(removed));
  }

  private buildIndex(): void {
    const index = new Map<GroupKey, number>();
    for (let i = 0; i < this.vals.length; i++) index.set(singleKey(this.vals[i]!), i);
    this.index = index;
  }

  /** `out` maps each held value to the value to write (default: as held). */
  toJson(out: (v: Value) => Value = (v) => v): [JsonValue[], number[]] {
    return [this.vals.map((v) => valueToJson(out(v))), this.cnts.slice()];
  }

  /** `held` maps each value read to the value to hold (default: as read). */
  static fromJson(j: unknown, held: (v: Value) => Value = (v) => v): ValueMultiset {
    const [vals, cnts] = j as [JsonValue[], number[]];
    const m = new ValueMultiset();
    for (let i = 0; i < vals.length; i++) m.add(held(valueFromJson(vals[i]!)), cnts[i]!);
    return m;
  }
}
