// WatermarkTracker: the watermark of one source = highest event time over every row read so far,
// inserted or retracted, minus the declared delay (SPEC "Windowed SELECT"); with several splits
// (Kafka partitions) the minimum over splits that are not idle. -Infinity before any row, NULL
// times ignored, never moves backwards.
// As an operator it forwards changes unchanged; flushWatermark() (called by the runtime after
// every event, never inside one) forwards the watermark when it advanced, or repeats it when the
// event carried a change (so operators emit what that change made closable). No clocks read here.
import type { EventTime } from '../core/time.js';
import type { JsonValue, Row } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';
import type { Operator, OperatorContext, Output } from './operator.js';

export interface WatermarkConfig {
  /** Column holding the event time (TIMESTAMP microseconds). */
  readonly timeColumn: number;
  /** Declared delay in microseconds (`ts - INTERVAL '5' SECOND` -> 5_000_000). */
  readonly delay: number;
  /**
   * Repeat the watermark after an event that carried a change (default true). Only a SESSION
   * aggregate acts on a repeat; chains without one turn this off and skip that work per event.
   */
  readonly repeat?: boolean;
}

interface Snapshot {
  readonly max: JsonValue;
  readonly forwarded: JsonValue;
  /** Per split (Kafka partition): [split, max event time]. Absent in single-split snapshots. */
  readonly splits?: [string, JsonValue][];
}

/** Highest event time seen on one split; `idle` splits do not hold the watermark back. */
interface Slot {
  max: number;
  idle: boolean;
}

export class WatermarkTracker implements Operator {
  readonly name = 'Watermark';
  /** Highest event time over every split. */
  private max = Number.NEGATIVE_INFINITY;
  private readonly slots = new Map<string, Slot>();
  /** The split the rows being observed come from (the runtime switches it per batch). */
  private slot: Slot = { max: Number.NEGATIVE_INFINITY, idle: false };
  /** Last watermark sent downstream. */
  private forwarded = Number.NEGATIVE_INFINITY;
  /** A change passed through since the last watermark sent downstream. */
  private changed = false;
  /** `current` may differ from when it was last sent (a max rose, splits or idleness changed). */
  private moved = false;
  private readonly repeat: boolean;
  private readonly timeColumn: number;

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: WatermarkConfig,
  ) {
    this.slots.set('', this.slot);
    this.repeat = config.repeat ?? true;
    this.timeColumn = config.timeColumn;
  }

  describe(): Readonly<Record<string, string>> {
    return { time: `@${this.config.timeColumn}`, delay: `${this.config.delay}us` };
  }

  /** Take `row`'s event time into account (for runtimes that do not chain this operator). */
  observe(row: Row): void {
    const v = row[this.timeColumn];
    const t = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NEGATIVE_INFINITY;
    const slot = this.slot;
    if (t > slot.max) {
      slot.max = t;
      if (t > this.max) this.max = t;
      this.moved = true;
    }
  }

  /** Rows observed from now on come from `split` (a file path or 'topic/partition'). */
  useSplit(split: string): void {
    let s = this.slots.get(split);
    if (s === undefined) {
      const only = this.slots.get('');
      // The first named split takes over the anonymous one (single-split sources never name one).
      if (only !== undefined && this.slots.size === 1) {
        this.slots.delete('');
        s = only;
      } else {
        s = { max: Number.NEGATIVE_INFINITY, idle: false };
      }
      this.slots.set(split, s);
    }
    s.idle = false;
    this.slot = s;
    this.moved = true;
  }

  /**
   * Splits the source will read (Kafka partitions, known before their first record): each one
   * holds the watermark back from the start, until it delivers or becomes idle, so the first
   * partition to deliver cannot make the others' first records late.
   */
  addSplits(splits: readonly string[]): void {
    for (const split of splits) {
      if (this.slots.has(split)) continue;
      const only = this.slots.get('');
      if (only !== undefined && this.slots.size === 1) {
        this.slots.delete('');
        this.slots.set(split, only);
      } else this.slots.set(split, { max: Number.NEGATIVE_INFINITY, idle: false });
      this.moved = true;
    }
  }

  /** Splits idle for the source's idle_timeout: they stop holding the watermark back. */
  setIdle(idle: readonly string[]): void {
    for (const [k, s] of this.slots) s.idle = idle.includes(k);
    this.moved = true;
  }

  /** min over active splits of max(event time) - delay (every split idle: over all), or -Infinity. */
  get current(): EventTime {
    let m: number;
    if (this.slots.size <= 1) {
      m = this.max;
    } else {
      m = Number.POSITIVE_INFINITY;
      for (const s of this.slots.values()) if (!s.idle && s.max < m) m = s.max;
      if (m === Number.POSITIVE_INFINITY) m = this.max;
    }
    return m === Number.NEGATIVE_INFINITY ? m : m - this.config.delay;
  }

  onChange(row: Row, weight: number): void {
    this.observe(row);
    this.changed = true;
    this.out.change(row, weight);
  }

  /**
   * End of an event: forward the current watermark if it advanced since the last one forwarded;
   * else, if a change passed through since then, repeat the last one (never -Infinity), so a
   * change that made something closable behind the watermark (a SESSION shrunk by a retraction)
   * is emitted after its event. Operators treat a repeated watermark cheaply.
   */
  flushWatermark(): void {
    if (this.moved) {
      this.moved = false;
      this.send(this.current);
    } else if (this.changed) {
      // current has not moved since it was last computed, so it is <= forwarded: a repeat.
      this.changed = false;
      if (this.repeat && this.forwarded !== Number.NEGATIVE_INFINITY) this.out.watermark(this.forwarded);
    }
  }

  /** An external watermark (end of input = +Infinity, or an idle-source advance). */
  onWatermark(time: EventTime): void {
    this.send(time > this.current ? time : this.current);
  }

  private send(wm: EventTime): void {
    if (wm > this.forwarded) {
      this.forwarded = wm;
      this.changed = false;
      this.out.watermark(wm);
    } else if (this.changed) {
      this.changed = false;
      if (this.repeat && this.forwarded !== Number.NEGATIVE_INFINITY) this.out.watermark(this.forwarded);
    }
  }

  snapshot(): unknown {
    // +Infinity is only ever forwarded at end of input; persist the finite data watermark so a
    // later run over appended input starts from where the data left off.
    const fwd = this.forwarded === Number.POSITIVE_INFINITY ? this.current : this.forwarded;
    const base = { max: valueToJson(this.max), forwarded: valueToJson(fwd) };
    if (this.slots.size <= 1) return base satisfies Snapshot;
    const splits: [string, JsonValue][] = [...this.slots].map(([k, v]) => [k, valueToJson(v.max)]);
    return { ...base, splits } satisfies Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    this.max = valueFromJson(s.max) as number;
    this.forwarded = valueFromJson(s.forwarded) as number;
    this.slots.clear();
    if (s.splits) {
      for (const [k, v] of s.splits) this.slots.set(k, { max: valueFromJson(v) as number, idle: false });
    } else {
      this.slots.set('', { max: this.max, idle: false });
    }
    this.slot = this.slots.values().next().value ?? { max: this.max, idle: false };
    this.moved = true;
  }
}
