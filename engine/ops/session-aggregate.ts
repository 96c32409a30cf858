// SessionAggregate: SESSION windows per GROUP BY key, emitted once, final, when the watermark
// reaches last + gap (SPEC "Windowed SELECT"). An insert joins the pending sessions its
// [t, t + gap) overlaps; it is late if t < the end of the key's last emitted session, or if it
// joins none and t + gap <= watermark. A retraction is applied while its row is pending, else late.
// No I/O; arguments, filters and group keys arrive as compiled closures.
import type { EventTime } from '../core/time.js';
import type { JsonValue, Row, Value } from '../core/value.js';
import { rowFromJson, rowToJson, valueFromJson, valueToJson } from '../core/value.js';
import type { GroupKey } from '../state/group-key.js';
import { keyOf, singleKey } from '../state/group-key.js';
import { MinHeap } from '../state/min-heap.js';
import { sameValue } from '../state/value-multiset.js';
import type { AggregateSpec } from './accumulators.js';
import { AccumulatorSet } from './accumulators.js';
import type { Operator, OperatorContext, Output } from './operator.js';

export interface SessionAggregateConfig {
  /** Session gap in microseconds. */
  readonly gap: number;
  readonly timeColumn: number;
  readonly groupKeys: readonly ((row: Row) => Value)[];
  readonly aggregates: readonly AggregateSpec[];
  readonly aggregateTexts?: readonly string[];
}

/** A key with pending rows (keys without any are only remembered in `emitted`). */
interface KeyState {
  readonly key: GroupKey;
  readonly keyVals: Value[];
  /** Creation order: breaks ties between sessions closing with the same window_end. */
  readonly seq: number;
  /** End of the last session emitted for this key (-Infinity if none); mirrors `emitted`. */
  emittedEnd: number;
  /** Event time of every pending row, ascending (equal times adjacent). */
  times: number[];
  /** Per pending row, `stride` slots: [weight, ...effective input of each aggregate]. */
  data: unknown[];
  /** Priority of this key's one valid heap entry, a lower bound of its first session's end. */
  queued: number;
}

/** A pending key: [group key values, seq, times, data]. */
type KeyJson = [JsonValue[], number, number[], JsonValue[]];

interface Snapshot {
  /** The last finite watermark received (the data watermark). */
  readonly watermark: JsonValue;
  readonly nextSeq: number;
  readonly keys: KeyJson[];
  /** Per key with an emitted session: its map key and the end of its last emitted session. */
  readonly emittedKeys: JsonValue[];
  readonly emittedEnds: number[];
}

interface Closing {
  readonly end: number;
  readonly seq: number;
  readonly row: Value[];
}

const NO_KEY: Value[] = [];
const INF = Number.POSITIVE_INFINITY;

/** First index whose time is >= t (upper = false) or > t (upper = true). */
function bound(a: readonly number[], t: number, upper: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t || (upper && a[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * State choice: a key keeps the live rows of its pending sessions (event time + the aggregates'
 * effective inputs, in flat arrays sorted by time) and session boundaries are derived from them:
 * consecutive times closer than `gap` chain into one session. So an insert that bridges two
 * sessions merges them, and retracting the bridging row splits them again exactly as a
 * from-scratch computation would. Aggregates are computed from the rows when a session closes.
 * A retraction matches a pending row with the same time and the same aggregate inputs (rows that
 * agree on those are indistinguishable in the output); one that matches none is reported late.
 *
 * Sessions close on every onWatermark call, one repeating the current watermark too (the
 * WatermarkTracker repeats it after every event that carried a change), so a session whose end
 * fell behind the watermark because a retraction shrank it is emitted after that event. A
 * min-heap holds, per pending key, a lower bound of its first session's end, and every change
 * that can lower it pushes an entry, so a watermark only visits keys that may close and a
 * repeated one costs a heap peek. Sessions closing together are emitted by (window_end, key
 * order of the pending state's creation).
 *
 * The end of a key's last emitted session matters for as long as the key may see inserts (one
 * at t < that end may arrive while a newer session of the key is pending), so it is kept per key
 * in a compact map (key -> end, one number) for good; everything else of a key is dropped when
 * its last pending row closes or is retracted.
 *
 * End of input: +Infinity closes every session; snapshot() persists the last finite watermark
 * (the data watermark) and the per-key emitted ends, so a later run over appended input judges
 * lateness per key: an insert before its key's emitted end is late, one for a key that joins
 * nothing is accepted when t + gap > the data watermark.
 */
export class SessionAggregateOp implements Operator {
  readonly name = 'SessionAggregate';
  private readonly acc: AccumulatorSet;
  private readonly gap: number;
  /** Slots per pending row. */
  private readonly stride: number;
  /** Keys with pending rows. */
  private readonly keys = new Map<GroupKey, KeyState>();
  /** Every key with an emitted session -> the end of its last emitted session. */
  private readonly emitted = new Map<GroupKey, number>();
  private readonly heap = new MinHeap<KeyState>();
  private readonly inputs: Value[];
  private wm = Number.NEGATIVE_INFINITY;
  private lastFinite = Number.NEGATIVE_INFINITY;
  private nextSeq = 0;

  constructor(
    readonly id: string,
    private readonly out: Output,
    private readonly ctx: OperatorContext,
    private readonly config: SessionAggregateConfig,
  ) {
    if (!Number.isSafeInteger(config.gap) || config.gap <= 0)
      throw new Error(`internal error: invalid session gap ${config.gap} (this is a bug)`);
    this.gap = config.gap;
    this.acc = new AccumulatorSet(config.aggregates);
    this.inputs = new Array<Value>(config.aggregates.length);
    this.stride = 1 + config.aggregates.length;
  }

  describe(): Readonly<Record<string, string>> {
    const texts = this.config.aggregateTexts ?? this.config.aggregates.map((a) => a.fn);
    return {
      window: `session=${this.gap}us`,
      time: `@${this.config.timeColumn}`,
      groups: String(this.config.groupKeys.length),
      aggs: `[${texts.join(', ')}]`,
    };
  }

  get watermark(): EventTime {
    return this.wm;
  }

  /** Keys with pending rows. */
  get pendingKeys(): number {
    return this.keys.size;
  }

  /** Keys whose last emitted session end is remembered. */
  get emittedKeys(): number {
    return this.emitted.size;
  }

  onChange(row: Row, weight: number): void {
    const tv = row[this.config.timeColumn];
    if (typeof tv !== 'number' || weight === 0) return; // NULL time: no session, not late
    const fs = this.config.groupKeys;
    const key = fs.length === 1 ? singleKey(fs[0]!(row)) : keyOf(this.keyValues(row));
    const acc = this.acc;
    for (let i = 0; i < acc.count; i++) this.inputs[i] = acc.input(i, row);
    const ok = weight > 0 ? this.insert(key, row, tv, weight) : this.retract(key, tv, weight);
    if (!ok) this.ctx.late(row, weight);
  }

  private keyValues(row: Row): Value[] {
    const fs = this.config.groupKeys;
    if (fs.length === 0) return NO_KEY;
    const vals = new Array<Value>(fs.length);
    for (let i = 0; i < fs.length; i++) vals[i] = fs[i]!(row);
    return vals;
  }

  /** Index of the pending row in [from, to) whose inputs equal this.inputs, or -1. */
  private findRow(ks: KeyState, from: number, to: number): number {
    const inputs = this.inputs;
    const data = ks.data;
    const stride = this.stride;
    outer: for (let r = from; r < to; r++) {
      const at = r * stride + 1;
      for (let i = 0; i < inputs.length; i++) if (!sameValue(data[at + i] as Value, inputs[i]!)) continue outer;
      return r;
    }
    return -1;
  }

  private insert(key: GroupKey, row: Row, t: number, weight: number): boolean {
    const gap = this.gap;
    let ks = this.keys.get(key);
    const emittedEnd = ks !== undefined ? ks.emittedEnd : (this.emitted.get(key) ?? Number.NEGATIVE_INFINITY);
    if (t < emittedEnd) return false;
    const times = ks?.times;
    const hi = times === undefined ? 0 : bound(times, t, true);
    const joins =
      times !== undefined && ((hi > 0 && t - times[hi - 1]! < gap) || (hi < times.length && times[hi]! - t < gap));
    if (!joins && t + gap <= this.wm) return false;
    if (ks === undefined) {
      ks = { key, keyVals: this.keyValues(row), seq: this.nextSeq++, emittedEnd, times: [], data: [], queued: INF };
      this.keys.set(key, ks);
    }
    // Rows equal in time and inputs share one weighted slot.
    let lo = hi;
    while (lo > 0 && ks.times[lo - 1] === t) lo--;
    const same = lo < hi ? this.findRow(ks, lo, hi) : -1;
    if (same >= 0) {
      const at = same * this.stride;
      ks.data[at] = (ks.data[at] as number) + weight;
    } else if (hi === ks.times.length) {
      ks.times.push(t);
      ks.data.push(weight);
      for (let i = 0; i < this.inputs.length; i++) ks.data.push(this.inputs[i]);
    } else {
      ks.times.splice(hi, 0, t);
      ks.data.splice(hi * this.stride, 0, weight, ...this.inputs);
    }
    // The first session now ends at or after min(previous first end, t + gap).
    if (t + gap < ks.queued) this.schedule(ks, t + gap);
    return true;
  }

  private retract(key: GroupKey, t: number, weight: number): boolean {
    const ks = this.keys.get(key);
    if (ks === undefined) return false;
    const lo = bound(ks.times, t, false);
    let hi = lo;
    while (hi < ks.times.length && ks.times[hi] === t) hi++;
    const r = this.findRow(ks, lo, hi);
    if (r < 0) return false;
    const at = r * this.stride;
    const left = (ks.data[at] as number) + weight;
    if (left < 0) return false;
    if (left > 0) {
      ks.data[at] = left;
      return true;
    }
    ks.times.splice(r, 1);
    ks.data.splice(at, this.stride);
    if (ks.times.length === 0) {
      this.keys.delete(ks.key); // its heap entries become stale
      return true;
    }
    // Removing a row may shrink or split the first session: requeue at its actual end.
    const end = ks.times[this.firstSessionLast(ks)]! + this.gap;
    if (end < ks.queued) this.schedule(ks, end);
    return true;
  }

  private schedule(ks: KeyState, priority: number): void {
    ks.queued = priority;
    this.heap.push(priority, ks);
  }

  /** Index of the last pending row of the first session (consecutive times closer than gap). */
  private firstSessionLast(ks: KeyState): number {
    const times = ks.times;
    let j = 0;
    while (j + 1 < times.length && times[j + 1]! - times[j]! < this.gap) j++;
    return j;
  }

  onWatermark(time: EventTime): void {
    const advanced = time > this.wm;
    if (advanced) {
      this.wm = time;
      if (time !== INF) this.lastFinite = time;
    }
    this.drain(this.wm);
    if (advanced) this.out.watermark(time);
  }

  /** Emit every pending session with end <= w, ordered by (window_end, key creation order). */
  private drain(w: number): void {
    const heap = this.heap;
    if (heap.size === 0 || heap.peekPriority() > w) return;
    const closing: Closing[] = [];
    while (heap.size > 0 && heap.peekPriority() <= w) {
      const prio = heap.peekPriority();
      const ks = heap.pop()!;
      if (this.keys.get(ks.key) !== ks || prio !== ks.queued) continue; // stale entry
      ks.queued = INF;
      while (ks.times.length > 0) {
        const last = this.firstSessionLast(ks);
        const end = ks.times[last]! + this.gap;
        if (end > w) {
          this.schedule(ks, end);
          break;
        }
        closing.push({ end, seq: ks.seq, row: this.sessionRow(ks, last, end) });
        ks.emittedEnd = end;
        this.emitted.set(ks.key, end);
        if (last + 1 === ks.times.length) {
          this.keys.delete(ks.key);
          break;
        }
        ks.times.splice(0, last + 1);
        ks.data.splice(0, (last + 1) * this.stride);
      }
    }
    closing.sort((a, b) => a.end - b.end || a.seq - b.seq);
    for (const c of closing) this.out.change(c.row, 1);
  }

  /** Output row of the session made of pending rows [0, last]. */
  private sessionRow(ks: KeyState, last: number, end: number): Value[] {
    const acc = this.acc;
    const s: unknown[] = new Array<unknown>(acc.width);
    acc.init(s, 0);
    const data = ks.data;
    const stride = this.stride;
    for (let at = 0; at <= last * stride; at += stride) {
      const w = data[at] as number;
      for (let i = 0; i < acc.count; i++) acc.addInput(s, 0, i, data[at + 1 + i] as Value, w);
    }
    const row: Value[] = ks.keyVals.slice();
    row.push(ks.times[0]!, end);
    acc.results(s, 0, row);
    return row;
  }

  snapshot(): unknown {
    // +Infinity only marks the end of a bounded run: persist the data watermark (the per-key
    // emitted ends keep every emitted session final).
    const wm = this.wm === INF ? this.lastFinite : this.wm;
    const keys: KeyJson[] = [];
    for (const ks of this.keys.values()) {
      const data = ks.data.map((v) => valueToJson(v as Value));
      keys.push([rowToJson(ks.keyVals), ks.seq, ks.times.slice(), data]);
    }
    const emittedKeys: JsonValue[] = [];
    const emittedEnds: number[] = [];
    for (const [key, end] of this.emitted) {
      emittedKeys.push(valueToJson(key));
      emittedEnds.push(end);
    }
    return { watermark: valueToJson(wm), nextSeq: this.nextSeq, keys, emittedKeys, emittedEnds } satisfies Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    this.keys.clear();
    this.emitted.clear();
    this.heap.clear();
    this.wm = valueFromJson(s.watermark) as number;
    this.lastFinite = this.wm;
    this.nextSeq = s.nextSeq;
    for (let i = 0; i < s.emittedKeys.length; i++)
      this.emitted.set(valueFromJson(s.emittedKeys[i]!) as GroupKey, s.emittedEnds[i]!);
    for (const [kj, seq, times, dj] of s.keys) {
      const keyVals = kj.length === 0 ? NO_KEY : rowFromJson(kj);
      const key = keyOf(keyVals);
      const ks: KeyState = {
        key,
        keyVals,
        seq,
        emittedEnd: this.emitted.get(key) ?? Number.NEGATIVE_INFINITY,
        times: times.slice(),
        data: dj.map(valueFromJson),
        queued: INF,
      };
      this.keys.set(key, ks);
      this.schedule(ks, ks.times[this.firstSessionLast(ks)]! + this.gap);
    }
  }
}
