// Project: computes the output row from compiled expressions, one per output column. Linear
// and stateless, so retractions map to retractions of the projected row; watermarks pass through.
// No SQL imports: expressions arrive as compiled closures.
import type { EventTime } from '../core/time.js';
import type { Row, Value } from '../core/value.js';
import type { Operator, OperatorContext, Output } from './operator.js';

export interface ProjectConfig {
  readonly exprs: readonly ((row: Row) => Value)[];
  /** Display text per expression for EXPLAIN. */
  readonly texts?: readonly string[];
}

export class ProjectOp implements Operator {
  readonly name = 'Project';
  private readonly exprs: readonly ((row: Row) => Value)[];

  constructor(
    readonly id: string,
    private readonly out: Output,
    _ctx: OperatorContext,
    private readonly config: ProjectConfig,
  ) {
    this.exprs = config.exprs;
  }

  describe(): Readonly<Record<string, string>> {
    return { exprs: `[${(this.config.texts ?? this.exprs.map((_, i) => `expr${i}`)).join(', ')}]` };
  }

  onChange(row: Row, weight: number): void {
    const exprs = this.exprs;
    const r = new Array<Value>(exprs.length);
    for (let i = 0; i < exprs.length; i++) r[i] = exprs[i]!(row);
    this.out.change(r, weight);
  }

  onWatermark(time: EventTime): void {
    this.out.watermark(time);
  }

  snapshot(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}
