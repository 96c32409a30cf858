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
import { keyOf } from '../state/group-key.js';
import type { AggregateSpec } from './accumulators.js';
import { AccumulatorSet } from './accumulators.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import type { TimeWindowSpec } from './windows.js';
import { checkWindowSpec, describeWindow, windowStarts } from './windows.js';

export interface WindowAggregateConfig {
  readonly window: TimeWindowSpec;
  /** Input column holding the event time (TIMESTAMP microseconds). */
  readonly timeColumn: number;
  readonly groupKeys: readonly ((row: Row) => Value)[];
  readonly aggregates: readonly AggregateSpec[];
  /** Display text per aggregate for EXPLAIN, e.g. 'sum(amount@2)'. */
  readonly aggregateTexts?: readonly string[];
}

/** A group: [groupKeyValues, netRowCount, ...accumulator slots]. */
type Group = unknown[];
const BASE = 2;

interface WindowState {
  readonly start: number;
  readonly end: number;
  /** First-touched order is the emission order within the window. */
  readonly groups: Map<GroupKey, Group>;
}

interface Snapshot {
  readonly watermark: JsonValue;
  readonly maxClosedEnd: JsonValue;
  /** [start, [[groupKeyValues, net, accumulators], ...]] per open window, creation order. */
  readonly windows: [number, [JsonValue[], number, unknown[]][]][];
}

const NO_KEY: Value[] = [];

/**
 * End of input: when +Infinity closes every window, snapshot() persists as the watermark the
 * largest window_end closed so far (or the last finite watermark if larger), a finite value, so a
 * later run over appended input keeps working: changes for windows already emitted are late,
 * newer windows are accepted and emitted normally.
 */
export class WindowAggregateOp implements Operator {
  readonly name = 'WindowAggregate';
  private readonly acc: AccumulatorSet;
  private readonly windows = new Map<number, WindowState>();
  private readonly starts: number[] = [];
  private readonly inputs: Value[];
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
    this.inputs = new Array<Value>(config.aggregates.length);
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
    if (typeof tv !== 'number') return;
    const spec = this.config.window;
    const n = windowStarts(spec, tv, this.starts);
    let late = false;
    let keyVals: Value[] | undefined;
    let key: GroupKey = '';
    for (let w = 0; w < n; w++) {
      const start = this.starts[w]!;
      const end = start + spec.size;
      if (this.wm >= end) {
        late = true;
        continue;
      }
      if (keyVals === undefined) {
        keyVals = this.groupKeyValues(row);
        key = keyOf(keyVals);
        const acc = this.acc;
        for (let i = 0; i < acc.count; i++) this.inputs[i] = acc.input(i, row);
      }
      let win = this.windows.get(start);
      if (win === undefined) {
        win = { start, end, groups: new Map() };
        this.windows.set(start, win);
        if (end < this.minEnd) this.minEnd = end;
      }
      let g = win.groups.get(key);
      if (g === undefined) {
        g = this.newGroup(keyVals);
        win.groups.set(key, g);
      }
      g[1] = (g[1] as number) + weight;
      for (let i = 0; i < this.acc.count; i++) this.acc.addInput(g, BASE, i, this.inputs[i]!, weight);
    }
    if (late) this.ctx.late(row, weight);
  }

  private groupKeyValues(row: Row): Value[] {
    const fs = this.config.groupKeys;
    if (fs.length === 0) return NO_KEY;
    const vals = new Array<Value>(fs.length);
    for (let i = 0; i < fs.length; i++) vals[i] = fs[i]!(row);
    return vals;
  }

  private newGroup(keyVals: Value[]): Group {
    const g: Group = new Array<unknown>(BASE + this.acc.width);
    g[0] = keyVals;
    g[1] = 0;
    this.acc.init(g, BASE);
    return g;
  }

  onWatermark(time: EventTime): void {
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
    for (const win of closing) {
      this.windows.delete(win.start);
      if (win.end > this.maxClosedEnd) this.maxClosedEnd = win.end;
      for (const g of win.groups.values()) {
        if ((g[1] as number) <= 0) continue; // every row retracted: nothing to emit
        const keyVals = g[0] as Value[];
        const row: Value[] = keyVals.slice();
        row.push(win.start, win.end);
        this.acc.results(g, BASE, row);
        this.out.change(row, 1);
      }
    }
    this.minEnd = minEnd;
  }

  snapshot(): unknown {
    const windows: Snapshot['windows'] = [];
    for (const win of this.windows.values()) {
      const groups: [JsonValue[], number, unknown[]][] = [];
      for (const g of win.groups.values()) groups.push([rowToJson(g[0] as Value[]), g[1] as number, this.acc.toJson(g, BASE)]);
      windows.push([win.start, groups]);
    }
    const wm = this.wm === Number.POSITIVE_INFINITY ? Math.max(this.lastFinite, this.maxClosedEnd) : this.wm;
    return { watermark: valueToJson(wm), maxClosedEnd: valueToJson(this.maxClosedEnd), windows } satisfies Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    this.windows.clear();
    this.wm = valueFromJson(s.watermark) as number;
    this.lastFinite = this.wm;
    this.maxClosedEnd = valueFromJson(s.maxClosedEnd) as number;
    this.minEnd = Number.POSITIVE_INFINITY;
    const size = this.config.window.size;
    for (const [start, groups] of s.windows) {
      const win: WindowState = { start, end: start + size, groups: new Map() };
      for (const [kj, net, accJson] of groups) {
        const keyVals = kj.length === 0 ? NO_KEY : rowFromJson(kj);
        const g = this.newGroup(keyVals);
        g[1] = net;
        this.acc.fromJson(g, BASE, accJson);
        win.groups.set(keyOf(keyVals), g);
      }
      this.windows.set(start, win);
      if (win.end < this.minEnd) this.minEnd = win.end;
    }
  }
}
