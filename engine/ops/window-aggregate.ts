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
import { KeyTable } from './key-table.js';
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
 * One open window. Its groups are numbered in first-touched order (the emission order). `keys`
 * holds each group's key: the value itself for one GROUP BY column (a BIGINT in the safe range as
 * the equal number, with bigKey[g] = 1, so that nothing stays alive per group), else the array of
 * values. Fixed-size chunks of CHUNK groups hold `stride` slots per group: [net row count,
 * ...accumulator slots]. A KeyTable gives a group's number. Closed windows go back to a small pool
 * with their arrays and table, so a steady stream allocates (almost) nothing per window or group.
 */
interface WindowState {
  start: number;
  end: number;
  readonly index: KeyTable;
  readonly keys: unknown[];
  bigKey: Uint8Array;
  readonly chunks: unknown[][];
  groups: number;
}

const CHUNK_BITS = 8;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

const NET = 0;
const BASE = 1;
/** Closed windows kept for reuse. */
const POOL = 4;

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
  private readonly pool: WindowState[] = [];
  /** The window the previous change went to (most changes hit the same one). */
  private lastWin: WindowState | undefined;
  /** The group the previous change went to: its window, key and number (a window is forgotten when it closes). */
  private lastGroupWin: WindowState | undefined;
  private lastGroupKey: GroupKey = null;
  private lastGroup = 0;
  private readonly starts: number[] = [];
  private readonly inputs: Value[];
  private readonly timeColumn: number;
  /** TUMBLE size, or 0 for HOP. */
  private readonly tumble: number;
  private readonly size: number;
  /** Exactly one GROUP BY column: its expression (the key slot holds the value itself). */
  private readonly single: ((row: Row) => Value) | undefined;
  /** Output row width: group key values, window_start, window_end, aggregates. */
  private readonly outWidth: number;
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
    this.acc = new AccumulatorSet(config.aggregates, { rowCountBefore: true }); // NET sits before BASE
    this.stride = BASE + this.acc.width;
    this.inputs = new Array<Value>(config.aggregates.length).fill(null);
    this.timeColumn = config.timeColumn;
    this.size = config.window.size;
    this.tumble = config.window.kind === 'tumble' ? config.window.size : 0;
    this.single = config.groupKeys.length === 1 ? config.groupKeys[0] : undefined;
    this.outWidth = config.groupKeys.length + 2 + config.aggregates.length;
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
    const tv = row[this.timeColumn];
    // A NULL event time belongs to no window: the change is dropped (it is not late).
    if (typeof tv !== 'number' || weight === 0) return;
    if (this.tumble > 0) {
      // Most changes fall into the window the previous one went to (always open: closing a
      // window forgets lastWin).
      const last = this.lastWin;
      let win: WindowState;
      if (last !== undefined && tv >= last.start && tv < last.end) win = last;
      else {
        const start = alignDown(tv, this.tumble);
        if (this.wm >= start + this.tumble) {
          this.ctx.late(row, weight);
          return;
        }
        win = this.windowAt(start);
      }
      const keyValue = this.keyValue(row);
      const key = this.single !== undefined ? singleKey(keyValue as Value) : keyOf(keyValue as Value[]);
      this.acc.inputsOf(row, this.inputs);
      this.apply(win, key, keyValue, weight);
      return;
    }
    const n = windowStarts(this.config.window, tv, this.starts);
    let late = false;
    let key: GroupKey | undefined;
    let keyValue: unknown;
    for (let w = 0; w < n; w++) {
      const start = this.starts[w]!;
      if (this.wm >= start + this.size) {
        late = true;
        continue;
      }
      if (key === undefined) {
        keyValue = this.keyValue(row);
        key = this.single !== undefined ? singleKey(keyValue as Value) : keyOf(keyValue as Value[]);
        this.acc.inputsOf(row, this.inputs);
      }
      this.apply(this.windowAt(start), key, keyValue, weight);
    }
    if (late) this.ctx.late(row, weight);
  }

  /** The group key of `row`: the value itself for one GROUP BY column, else the array of values. */
  private keyValue(row: Row): unknown {
    if (this.single !== undefined) return this.single(row);
    const fs = this.config.groupKeys;
    const vals = new Array<Value>(fs.length);
    for (let i = 0; i < fs.length; i++) vals[i] = fs[i]!(row);
    return vals;
  }

  /** The open window starting at `start` (opened if needed); it becomes lastWin. */
  private windowAt(start: number): WindowState {
    let win = this.lastWin;
    if (win === undefined || win.start !== start) {
      win = this.windows.get(start);
      if (win === undefined) win = this.openWindow(start);
      this.lastWin = win;
    }
    return win;
  }

  /** Apply one change (its effective inputs are in `inputs`) to open window `win`. */
  private apply(win: WindowState, key: GroupKey, keyValue: unknown, weight: number): void {
    // An update's retraction and insert usually hit the same group back to back.
    let g: number;
    if (win === this.lastGroupWin && key === this.lastGroupKey) g = this.lastGroup;
    else {
      g = win.index.get(key);
      if (g < 0) g = this.newGroup(win, key, keyValue);
      this.lastGroupWin = win;
      this.lastGroupKey = key;
      this.lastGroup = g;
    }
    const slots = win.chunks[g >>> CHUNK_BITS]!;
    const at = (g & MASK) * this.stride;
    slots[at + NET] = (slots[at + NET] as number) + weight;
    this.acc.addInputs(slots, at + BASE, this.inputs, weight);
  }

  private openWindow(start: number): WindowState {
    const end = start + this.size;
    const pooled = this.pool.pop();
    let win: WindowState;
    if (pooled !== undefined) {
      win = pooled;
      win.start = start;
      win.end = end;
    } else win = { start, end, index: new KeyTable(), keys: [], bigKey: new Uint8Array(CHUNK), chunks: [], groups: 0 };
    this.windows.set(start, win);
    if (end < this.minEnd) this.minEnd = end;
    return win;
  }

  /** Forget a closed window's groups and keep its arrays for the next window. */
  private recycle(win: WindowState): void {
    if (this.lastGroupWin === win) this.lastGroupWin = undefined;
    if (this.pool.length >= POOL) return;
    win.index.clear();
    win.keys.length = 0;
    win.groups = 0;
    this.pool.push(win);
  }

  /** Append a group to `win`; returns its number. */
  private newGroup(win: WindowState, key: GroupKey, keyValue: unknown): number {
    const g = win.groups++;
    const c = g >>> CHUNK_BITS;
    if (c === win.chunks.length) {
      const chunk: unknown[] = [];
      for (let i = CHUNK * this.stride; i > 0; i--) chunk.push(null); // packed, never grows
      win.chunks.push(chunk);
    }
    const slots = win.chunks[c]!;
    const at = (g & MASK) * this.stride;
    slots[at + NET] = 0;
    this.acc.init(slots, at + BASE);
    // A single BIGINT key in the safe range is held as its map key (a number).
    const held = this.single !== undefined && typeof keyValue === 'bigint' && typeof key === 'number';
    win.keys.push(held ? key : keyValue);
    if (g === win.bigKey.length) {
      const grown = new Uint8Array(2 * g);
      grown.set(win.bigKey);
      win.bigKey = grown;
    }
    win.bigKey[g] = held ? 1 : 0;
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
    if (closing.length > 1) closing.sort((a, b) => a.end - b.end);
    this.lastWin = undefined;
    this.minEnd = minEnd;
    for (const win of closing) {
      this.windows.delete(win.start);
      if (win.end > this.maxClosedEnd) this.maxClosedEnd = win.end;
      this.emit(win);
      this.recycle(win);
    }
  }

  /** One output row per group of `win` with a positive net row count, in group order. */
  private emit(win: WindowState): void {
    const stride = this.stride;
    const width = this.outWidth;
    const nKeys = this.config.groupKeys.length;
    const acc = this.acc;
    const out = this.out;
    // A sink packing int64s takes safe BIGINT/DECIMAL values as numbers: no bigint per value; one
    // that copies what it keeps gets the same array for every row (each fills all of it).
    const loose = out.int64AsNumber === true;
    const reuse = out.copiesRows === true ? new Array<Value>(width) : null;
    for (let g = 0; g < win.groups; g++) {
      const slots = win.chunks[g >>> CHUNK_BITS]!;
      const at = (g & MASK) * stride;
      if ((slots[at + NET] as number) <= 0) continue; // every row retracted: nothing to emit
      const row = reuse ?? new Array<Value>(width);
      const kv = win.keys[g];
      if (this.single !== undefined) row[0] = win.bigKey[g] === 1 && !loose ? BigInt(kv as number) : (kv as Value);
      else for (let i = 0; i < nKeys; i++) row[i] = (kv as Value[])[i]!;
      row[nKeys] = win.start;
      row[nKeys + 1] = win.end;
      acc.resultsInto(slots, at + BASE, row, nKeys + 2, loose);
      out.change(row, 1);
    }
  }

  snapshot(): unknown {
    const windows: Snapshot['windows'] = [];
    for (const win of this.windows.values()) {
      const groups: [JsonValue[], number, unknown[]][] = [];
      for (let g = 0; g < win.groups; g++) {
        const slots = win.chunks[g >>> CHUNK_BITS]!;
        const at = (g & MASK) * this.stride;
        const kv = win.keys[g];
        const keyVals = this.single !== undefined ? [win.bigKey[g] === 1 ? BigInt(kv as number) : (kv as Value)] : (kv as Value[]);
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
    this.lastGroupWin = undefined;
    this.wm = valueFromJson(s.watermark) as number;
    this.lastFinite = this.wm;
    this.maxClosedEnd = valueFromJson(s.maxClosedEnd) as number;
    this.minEnd = Number.POSITIVE_INFINITY;
    for (const [start, groups] of s.windows) {
      const win = this.openWindow(start);
      for (const [kj, net, accJson] of groups) {
        const keyVals = rowFromJson(kj);
        const keyValue = this.single !== undefined ? keyVals[0]! : keyVals;
        const g = this.newGroup(win, this.single !== undefined ? singleKey(keyVals[0]!) : keyOf(keyVals), keyValue);
        const slots = win.chunks[g >>> CHUNK_BITS]!;
        const at = (g & MASK) * this.stride;
        slots[at + NET] = net;
        this.acc.fromJson(slots, at + BASE, accJson);
      }
    }
  }
}
