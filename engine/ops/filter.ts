// Filter: forwards a change when the compiled predicate returns exactly TRUE (NULL and FALSE
// drop it). Linear and stateless, so it applies to retractions unchanged; watermarks pass through.
// No SQL imports: the predicate arrives as a compiled closure.
import type { EventTime } from '../core/time.js';
import type { Row, Value } from '../core/value.js';
import type { Operator, OperatorContext, Output } from './operator.js';

export interface FilterConfig {
  readonly predicate: (row: Row) => Value;
  /** Display text for EXPLAIN, e.g. "status@3 = 'paid'". */
  readonly text?: string;
}

export class FilterOp implements Operator {
  readonly name = 'Filter';
  private readonly predicate: (row: Row) => Value;

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: FilterConfig,
  ) {
    this.predicate = config.predicate;
  }

  describe(): Readonly<Record<string, string>> {
    return { predicate: this.config.text ?? '<expr>' };
  }

  onChange(row: Row, weight: number): void {
    if (this.predicate(row) === true) this.out.change(row, weight);
  }

  onWatermark(time: EventTime): void {
    this.out.watermark(time);
  }

  snapshot(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}
