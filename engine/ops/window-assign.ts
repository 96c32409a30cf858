// WindowAssign: TUMBLE/HOP used without aggregation. Each change goes out once per window that
// contains its event time, with window_start and window_end (microseconds) appended; NULL times
// belong to no window and are dropped. It keeps no state, so nothing is ever late here: a change
// whose windows the watermark has passed is forwarded like any other (lateness is a property of
// stateful window operators). Watermarks pass through unchanged. No I/O.
import type { EventTime } from '../core/time.js';
import type { Row, Value } from '../core/value.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import type { TimeWindowSpec } from './windows.js';
import { checkWindowSpec, describeWindow, windowStarts } from './windows.js';

export interface WindowAssignConfig {
  readonly window: TimeWindowSpec;
  readonly timeColumn: number;
}

export class WindowAssignOp implements Operator {
  readonly name = 'WindowAssign';
  private readonly starts: number[] = [];

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: WindowAssignConfig,
  ) {
    checkWindowSpec(config.window);
  }

  describe(): Readonly<Record<string, string>> {
    return { window: describeWindow(this.config.window), time: `@${this.config.timeColumn}` };
  }

  onChange(row: Row, weight: number): void {
    const t = row[this.config.timeColumn];
    if (typeof t !== 'number') return;
    const size = this.config.window.size;
    const n = windowStarts(this.config.window, t, this.starts);
    const width = row.length;
    for (let i = 0; i < n; i++) {
      const start = this.starts[i]!;
      const r = new Array<Value>(width + 2);
      for (let c = 0; c < width; c++) r[c] = row[c]!;
      r[width] = start;
      r[width + 1] = start + size;
      this.out.change(r, weight);
    }
  }

  onWatermark(time: EventTime): void {
    this.out.watermark(time);
  }

  snapshot(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}
