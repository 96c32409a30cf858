// WatermarkTracker: the watermark of one source (or one Kafka partition) = highest event time
// over every row read so far, inserted or retracted, minus the declared delay (SPEC "Windowed
// SELECT"); -Infinity before any row, NULL times ignored, never moves backwards.
// As an operator it forwards changes unchanged; flushWatermark() (called by the runtime between
// events, never inside one) forwards the watermark when it advanced. No clocks read here.
import type { EventTime } from '../core/time.js';
import type { JsonValue, Row } from '../core/value.js';
import { valueFromJson, valueToJson } from '../core/value.js';
import type { Operator, OperatorContext, Output } from './operator.js';

export interface WatermarkConfig {
  /** Column holding the event time (TIMESTAMP microseconds). */
  readonly timeColumn: number;
  /** Declared delay in microseconds (`ts - INTERVAL '5' SECOND` -> 5_000_000). */
  readonly delay: number;
}

interface Snapshot {
  readonly max: JsonValue;
  readonly forwarded: JsonValue;
}

export class WatermarkTracker implements Operator {
  readonly name = 'Watermark';
  private max = Number.NEGATIVE_INFINITY;
  /** Last watermark sent downstream. */
  private forwarded = Number.NEGATIVE_INFINITY;

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: WatermarkConfig,
  ) {}

  describe(): Readonly<Record<string, string>> {
    return { time: `@${this.config.timeColumn}`, delay: `${this.config.delay}us` };
  }

  /** Take `row`'s event time into account (for runtimes that do not chain this operator). */
  observe(row: Row): void {
    const v = row[this.config.timeColumn];
    if (typeof v === 'number') {
      if (v > this.max) this.max = v;
    } else if (typeof v === 'bigint') {
      const n = Number(v);
      if (n > this.max) this.max = n;
    }
  }

  /** max(event time) - delay, or -Infinity before any row. */
  get current(): EventTime {
    return this.max === Number.NEGATIVE_INFINITY ? this.max : this.max - this.config.delay;
  }

  onChange(row: Row, weight: number): void {
    this.observe(row);
    this.out.change(row, weight);
  }

  /** Forward the current watermark if it advanced since the last one forwarded. */
  flushWatermark(): void {
    const wm = this.current;
    if (wm > this.forwarded) {
      this.forwarded = wm;
      this.out.watermark(wm);
    }
  }

  /** An external watermark (end of input = +Infinity, or an idle-source advance). */
  onWatermark(time: EventTime): void {
    const wm = Math.max(time, this.current);
    if (wm > this.forwarded) {
      this.forwarded = wm;
      this.out.watermark(wm);
    }
  }

  snapshot(): unknown {
    // +Infinity is only ever forwarded at end of input; persist the finite data watermark so a
    // later run over appended input starts from where the data left off.
    const fwd = this.forwarded === Number.POSITIVE_INFINITY ? this.current : this.forwarded;
    return { max: valueToJson(this.max), forwarded: valueToJson(fwd) } satisfies Snapshot;
  }

  restore(state: unknown): void {
    const s = state as Snapshot;
    this.max = valueFromJson(s.max) as number;
    this.forwarded = valueFromJson(s.forwarded) as number;
  }
}
