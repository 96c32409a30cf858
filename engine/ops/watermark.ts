// WatermarkTracker: the watermark of one source (or one Kafka partition) = highest event time
// over every row read so far, inserted or retracted, minus the declared delay (SPEC "Windowed
// SELECT"); -Infinity before any row, NULL times ignored, never moves backwards.
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
  /** A change passed through since the last watermark sent downstream. */
  private changed = false;

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
    this.send(this.current);
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
      if (this.forwarded !== Number.NEGATIVE_INFINITY) this.out.watermark(this.forwarded);
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
