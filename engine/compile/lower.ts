// Lowers one sink's LogicalPlan into a runtime chain of operators: changelog normalizer ->
// watermark tracker -> filter/project/window operators -> the sink writer. The only file that
// knows both plan nodes and operators; it compiles bound expressions to closures once here.
import type { SourceDef } from '../../catalog/model.js';
import type { AggregateCall, BoundExpr } from '../../sql/plan/expr.js';
import type { LogicalPlan, SinkWrite } from '../../sql/plan/logical-plan.js';
import { compileExpr, formatExpr } from '../../sql/index.js';
import { internal } from '../core/errors.js';
import type { AggregateSpec } from '../ops/accumulators.js';
import { ChangelogNormalizer } from '../ops/changelog.js';
import { FilterOp } from '../ops/filter.js';
import type { Operator, OperatorContext, Output } from '../ops/operator.js';
import { ProjectOp } from '../ops/project.js';
import { SessionAggregateOp } from '../ops/session-aggregate.js';
import { WatermarkTracker } from '../ops/watermark.js';
import { WindowAggregateOp } from '../ops/window-aggregate.js';
import { WindowAssignOp } from '../ops/window-assign.js';

/** A compiled sink graph: one source feeding a linear chain that ends in `sinkOutput`. */
export interface SinkChain {
  readonly sinkName: string;
  readonly source: SourceDef;
  /** Source columns the chain reads (decoders may leave the others null). */
  readonly usedColumns: readonly number[];
  readonly normalizer: ChangelogNormalizer;
  /** Present when the source declares a WATERMARK. */
  readonly tracker: WatermarkTracker | undefined;
  /** Operators after the normalizer, upstream first (the tracker included). */
  readonly operators: readonly Operator[];
}

/** An Output feeding `op`: its own methods, bound (no trampoline shared by every operator kind). */
function outputOf(op: Operator): Output {
  return { change: op.onChange.bind(op), watermark: op.onWatermark.bind(op) };
}

/** A structural key of a bound expression: equal keys evaluate equally on every row (spans and names ignored). */
function exprKey(e: BoundExpr): string {
  const t = JSON.stringify(e.type);
  switch (e.kind) {
    case 'column':
      return `c${e.index}:${t}`;
    case 'literal': {
      const v = e.value;
      const text =
        v instanceof Uint8Array
          ? `b${Buffer.from(v).toString('base64')}`
          : typeof v === 'bigint'
            ? `i${v}`
            : typeof v === 'number'
              ? `n${Object.is(v, -0) ? '-0' : String(v)}`
              : `j${JSON.stringify(v)}`;
      return `l(${text}):${t}`;
    }
    case 'call':
      return `f${JSON.stringify(e.fn)}(${e.args.map(exprKey).join(',')}):${t}`;
    case 'cast':
      return `cast(${exprKey(e.expr)}):${t}`;
    case 'case':
      return `case(${e.whens.map((w) => `${exprKey(w.when)}=>${exprKey(w.then)}`).join(',')};${e.else ? exprKey(e.else) : ''}):${t}`;
  }
}

function aggregateSpec(a: AggregateCall): AggregateSpec {
  // COUNT(*) has no argument: its input is TRUE for every row.
  const argKey = a.fn === 'count_star' ? '*' : a.arg ? exprKey(a.arg) : '';
  return {
    fn: a.fn,
    ...(a.arg ? { arg: compileExpr(a.arg) } : {}),
    ...(a.filter ? { filter: compileExpr(a.filter) } : {}),
    argType: a.arg?.type,
    resultType: a.type,
    inputKey: `${argKey}|${a.filter ? exprKey(a.filter) : ''}`,
  };
}

/**
 * Build the chain for `plan`, whose final output goes to `sinkOutput`. Operator ids are
 * `<sink>/<depth>-<kind>` counted from the source, stable for an unchanged plan.
 */
export function lowerSink(plan: SinkWrite, sinkOutput: Output, ctx: OperatorContext): SinkChain {
  // Collect the linear path from the sink down to the source scan.
  const path: LogicalPlan[] = [];
  let node: LogicalPlan = plan.input;
  for (;;) {
    path.push(node);
    if (node.kind === 'source-scan') break;
    if (node.kind === 'sink-write') throw internal('nested sink-write in a plan');
    node = node.input;
  }
  const scan = path[path.length - 1];
  if (!scan || scan.kind !== 'source-scan') throw internal('plan has no source scan');
  const source = scan.source;
  const name = plan.sink.name;

  // Build downstream-first so each operator knows its output.
  const operators: Operator[] = [];
  let out: Output = sinkOutput;
  for (let i = 0; i < path.length - 1; i++) {
    const n = path[i]!;
    const id = `${name}/${path.length - 1 - i}-${n.kind}`;
    let op: Operator;
    switch (n.kind) {
      case 'filter':
        op = new FilterOp(id, out, ctx, { predicate: compileExpr(n.predicate), text: formatExpr(n.predicate) });
        break;
      case 'project':
        op = new ProjectOp(id, out, ctx, { exprs: n.exprs.map(compileExpr), texts: n.exprs.map((e) => formatExpr(e)) });
        break;
      case 'window-assign':
        if (n.window.kind === 'session') throw internal('SESSION without aggregation reached lowering');
        op = new WindowAssignOp(id, out, ctx, { window: n.window, timeColumn: n.timeColumn });
        break;
      case 'window-aggregate': {
        const aggregates = n.aggregates.map(aggregateSpec);
        const groupKeys = n.groupKeys.map(compileExpr);
        const aggregateTexts = n.aggregates.map((a) => a.display);
        op =
          n.window.kind === 'session'
            ? new SessionAggregateOp(id, out, ctx, { gap: n.window.gap, timeColumn: n.timeColumn, groupKeys, aggregates, aggregateTexts })
            : new WindowAggregateOp(id, out, ctx, { window: n.window, timeColumn: n.timeColumn, groupKeys, aggregates, aggregateTexts });
        break;
      }
      case 'source-scan':
      case 'sink-write':
        throw internal(`unexpected ${n.kind} inside a sink chain`);
    }
    operators.unshift(op);
    out = outputOf(op);
  }

  let tracker: WatermarkTracker | undefined;
  if (source.watermark) {
    tracker = new WatermarkTracker(`${name}/0-watermark`, out, ctx, {
      timeColumn: source.watermark.column,
      delay: source.watermark.delayMicros,
      // Only a SESSION aggregate acts on a repeated watermark.
      repeat: operators.some((op) => op instanceof SessionAggregateOp),
    });
    operators.unshift(tracker);
    out = outputOf(tracker);
  }
  const metadataColumns: number[] = [];
  source.columns.forEach((c, i) => {
    if (c.metadata !== undefined) metadataColumns.push(i);
  });
  const normalizer = new ChangelogNormalizer(`${name}/0-changelog`, out, ctx, {
    columns: source.columns.length,
    primaryKey: source.primaryKey,
    changelog: source.changelog,
    metadataColumns,
  });
  return { sinkName: name, source, usedColumns: scan.usedColumns, normalizer, tracker, operators };
}
