// WindowAggregate (TUMBLE and HOP): GROUP BY over epoch-aligned windows, emitting each
// (window, group) row once, final, when the watermark reaches window_end (append-only output).
// SPEC "Windowed SELECT": a change (insert or retraction) is applied to each of its windows that
// is still open (last watermark received < window_end) and is late for every closed one; a late
// change is reported through ctx.late ONCE per change, however many of its windows were closed.
// No I/O; arguments, filters and group keys arrive as compiled closures.
import type { EventTime } from '../core/time.js';
import type { JsonValue, Row, Value } from '../core/value.js';
import { rowFromJson, rowToJson, valueFromJson, valueToJson } from '../core/value.js';
import type { GroupKey } from '../state/group-key.js';
import { keyOf, singleKey } from '../state/group-key.js';
import type { AggregateSpec } from './accumulators.js';
import { AccumulatorSet } from './accumulators.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import type { TimeWindowSpec } from './windows.js';
import { alignDown, checkWindowSpec, describeWindow, windowStarts } from './windows.js';

export interface WindowAggregateConfig {
  readonly window: TimeWindowSpec;
  /** Input column holding the event time (TIMESTAMP microseconds). */
  readonly timeColumn: number;
  readonly groupKeys: readonly ((row: Row) => Value)[];
  readonly aggregates: readonly AggregateSpec[];
  /** Display text per aggregate for EXPLAIN, e.g. 'sum(amount@2)'. */
  readonly aggregateTexts?: readonly string[];
}

/**
 * One open window. Its groups are numbered in first-touched order (the emission order) and live
 * in fixed-size chunks of CHUNK groups, `stride` slots per group: [group key (the value itself
 * for one GROUP BY column, else the array of values), net row count, ...accumulator slots]. A
 * Map gives a group's number; flat chunks save a dependent memory load and an allocation per
 * group, and never copy a huge array while growing.
 */
interface WindowState {
  readonly start: number;
  readonly end: number;
  readonly index: Map<GroupKey, number>;
  readonly chunks: unknown[][];
  groups: number;
}

const CHUNK_BITS = 8;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

const KEY = 0;
const NET = 1;
const BASE = 2;

interface Snapshot {
  readonly watermark: JsonValue;
  readonly maxClosedEnd: JsonValue;
  /** [start, [[groupKeyValues, net, accumulators], ...]] per open window, creation order. */
  readonly windows: [number, [JsonValue[], number, unknown[]][]][];
}

/**
 * A group whose net row count is <= 0 when its window closes emits nothing and is dropped with
 * the window; it is kept until then (not dropped the moment its count reaches 0) because later
 * changes must integrate with everything applied before, e.g. after a retraction of a row this
 * operator never saw. NULL event times belong to no window and are dropped without being late.
 * Output order: windows by window_end, groups within a window in first-touched order.
 *
 * End of input: when +Infinity closes every window, snapshot() persists as the watermark the
 * largest window_end closed so far (or the last finite watermark if larger), a finite value, so a
 * later run over appended input keeps working: changes for windows already emitted are late,
 * newer windows are accepted and emitted normally.
 */
export class WindowAggregateOp implements Operator {
  readonly name = 'WindowAggregate';
  private readonly acc: AccumulatorSet;
  private readonly stride: number;
  private readonly windows = new Map<number, WindowState>();
  /** The window the previous change went to (most changes hit the same one). */
  private lastWin: WindowState | undefined;
  private readonly starts: number[] = [];
  private readonly inputs: Value[];
  /** Exactly one GROUP BY column: the key slot holds the value itself. */
  private readonly single: boolean;
  /** Last watermark received (the one every change is judged against). */
  private wm = Number.NEGATIVE_INFINITY;
  private lastFinite = Number.NEGATIVE_INFINITY;
  private maxClosedEnd = Number.NEGATIVE_INFINITY;
  /** Smallest window_end among open windows (+Infinity when none). */
  private minEnd = Number.POSITIVE_INFINITY;

  constructor(
    readonly id: string,
    private readonly out: Output,
    private readonly ctx: OperatorContext,
    private readonly config: WindowAggregateConfig,
  ) {
    checkWindowSpec(config.window);
    this.acc = new AccumulatorSet(config.aggregates);
    this.stride = BASE + this.acc.width;
    this.inputs = new Array<Value>(config.aggregates.length);
    this.single = config.groupKeys.length === 1;
  }

  describe(): Readonly<Record<string, string>> {
    const texts = this.config.aggregateTexts ?? this.config.aggregates.map((a) => a.fn);
    return {
      window: describeWindow(this.config.window),
      time: `@${this.config.timeColumn}`,
      groups: String(this.config.groupKeys.length),
      aggs: `[${texts.join(', ')}]`,
    };
  }

  /** The last watermark received. */
  get watermark(): EventTime {
    return this.wm;
  }

  /** Number of open windows (for metrics and tests). */
  get openWindows(): number {
    return this.windows.size;
  }

  onChange(row: Row, weight: number): void {
    const tv = row[this.config.timeColumn];
    // A NULL event time belongs to no window: the change is dropped (it is not late).
    if (typeof tv !== 'number' || weight === 0) return;
    const spec = this.config.window;
    let n = 1;
    if (spec.kind === 'tumble') this.starts[0] = alignDown(tv, spec.size);
    else n = windowStarts(spec, tv, this.starts);
    const acc = this.acc;
    let late = false;
    let key: GroupKey | undefined;
    let keyValue: unknown;
    for (let w = 0; w < n; w++) {
      const start = this.starts[w]!;
      const end = start + spec.size;
      if (this.wm >= end) {
        late = true;
        continue;
      }
      if (key === undefined) {
        keyValue = this.single ? this.config.groupKeys[0]!(row) : this.groupKeyValues(row);
        key = this.single ? singleKey(keyValue as Value) : keyOf(keyValue as Value[]);
        for (let i = 0; i < acc.count; i++) this.inputs[i] = acc.input(i, row);
      }
      let win = this.lastWin;
      if (win === undefined || win.start !== start) {
        win = this.windows.get(start);
        if (win === undefined) win = this.openWindow(start);
        this.lastWin = win;
      }
      let g = win.index.get(key);
      if (g === undefined) g = this.newGroup(win, key, keyValue);
      const slots = win.chunks[g >>> CHUNK_BITS]!;
      const at = (g & MASK) * this.stride;
      slots[at + NET] = (slots[at + NET] as number) + weight;
      for (let i = 0; i < acc.count; i++) acc.addInput(slots, at + BASE, i, this.inputs[i]!, weight);
    }
    if (late) this.ctx.late(row, weight);
  }

  private groupKeyValues(row: Row): Value[] {
    const fs = this.config.groupKeys;
    const vals = new Array<Value>(fs.length);
    for (let i = 0; i < fs.length; i++) vals[i] = fs[i]!(row);
    return vals;
  }

  private openWindow(start: number): WindowState {
    const end = start + this.config.window.size;
    const win: WindowState = { start, end, index: new Map(), chunks: [], groups: 0 };
    this.windows.set(start, win);
    if (end < this.minEnd) this.minEnd = end;
    return win;
  }

  /** Append a group to `win`; returns its number. */
  private newGroup(win: WindowState, key: GroupKey, keyValue: unknown): number {
    const g = win.groups++;
    if ((g & MASK) === 0) {
      const chunk: unknown[] = [];
      for (let i = CHUNK * this.stride; i > 0; i--) chunk.push(null); // packed, never grows
      win.chunks.push(chunk);
    }
    const slots = win.chunks[g >>> CHUNK_BITS]!;
    const at = (g & MASK) * this.stride;
    slots[at + KEY] = keyValue;
    slots[at + NET] = 0;
    this.acc.init(slots, at + BASE);
    win.index.set(key, g);
    return g;
  }

  onWatermark(time: EventTime): void {
    // A repeated watermark (sent after every event that carried a change) closes nothing here:
    // a change is only applied to windows still open, so one comparison and out.
    if (!(time > this.wm)) return;
    this.wm = time;
    if (time !== Number.POSITIVE_INFINITY) this.lastFinite = time;
    if (time >= this.minEnd) this.closeUpTo(time);
    this.out.watermark(time);
  }

  /** Emit and drop every window with end <= t, in window_end order. */
  private closeUpTo(t: number): void {
    const closing: WindowState[] = [];
    let minEnd = Number.POSITIVE_INFINITY;
    for (const win of this.windows.values()) {
      if (win.end <= t) closing.push(win);
      else if (win.end < minEnd) minEnd = win.end;
    }
    closing.sort((a, b) => a.end - b.end);
    this.lastWin = undefined;
    const stride = this.stride;
    for (const win of closing) {
      this.windows.delete(win.start);
      if (win.end > this.maxClosedEnd) this.maxClosedEnd = win.end;
      for (let g = 0; g < win.groups; g++) {
        const slots = win.chunks[g >>> CHUNK_BITS]!;
        const at = (g & MASK) * stride;
        if ((slots[at + NET] as number) <= 0) continue; // every row retracted: nothing to emit
        const row: Value[] = this.single ? [slots[at + KEY] as Value] : (slots[at + KEY] as Value[]).slice();
        row.push(win.start, win.end);
        this.acc.results(slots, at + BASE, row);
        this.out.change(row, 1);
      }
    }
    this.minEnd = minEnd;
  }

  snapshot(): unknown {
    const windows: Snapshot['windows'] = [];
    for (const win of this.windows.values()) {
      const groups: [JsonValue[], number, unknown[]][] = [];
      for (let g = 0; g < win.groups; g++) {
        const slots = win.chunks[g >>> CHUNK_BITS]!;
        const at = (g & MASK) * this.stride;
        const keyVals = this.single ? [slots[at + KEY] as Value] : (slots[at + KEY] as Value[]);
        groups.push([rowToJson(keyVals), slots[at + NET] as number, this.acc.toJson(slots, at + BASE)]);
      }
      windows.push([win.start, groups]);
    }
    const wm = this.wm === Number.POSITIVE_INFINITY ? Math.max(this.lastFinite, this.maxClosedEnd) : this.wm;
    return { watermark: valueToJson(wm), maxClosedEnd: valueToJson(this.maxClosedEnd), windows } satisfies Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    this.windows.clear();
    this.lastWin = undefined;
    this.wm = valueFromJson(s.watermark) as number;
    this.lastFinite = this.wm;
    this.maxClosedEnd = valueFromJson(s.maxClosedEnd) as number;
    this.minEnd = Number.POSITIVE_INFINITY;
    for (const [start, groups] of s.windows) {
      const win = this.openWindow(start);
      for (const [kj, net, accJson] of groups) {
        const keyVals = rowFromJson(kj);
        const keyValue = this.single ? keyVals[0]! : keyVals;
        const g = this.newGroup(win, this.single ? singleKey(keyVals[0]!) : keyOf(keyVals), keyValue);
        const slots = win.chunks[g >>> CHUNK_BITS]!;
        const at = (g & MASK) * this.stride;
        slots[at + NET] = net;
        this.acc.fromJson(slots, at + BASE, accJson);
      }
    }
  }
}
