// The closed LogicalPlan union produced by the binder and consumed by engine/compile/lower.ts.
// Immutable nodes, each with its output schema. Pure declarations: no I/O.
import type { SinkDef, SourceDef } from '../../catalog/model.js';
import type { Schema } from '../../catalog/types.js';
import type { Span } from '../source.js';
import type { AggregateCall, BoundExpr } from './expr.js';

export type LogicalPlan =
  | SourceScan
  | Filter
  | Project
  | WindowAssign
  | WindowAggregate
  | SinkWrite;

interface PlanBase {
  readonly schema: Schema;
  readonly span?: Span;
}

/** All declared columns of a source, in declaration order (metadata columns included). */
export interface SourceScan extends PlanBase {
  readonly kind: 'source-scan';
  readonly source: SourceDef;
  /** Source column indexes some operator above reads (after prune-columns); others may be left null. */
  readonly usedColumns: readonly number[];
}

export interface Filter extends PlanBase {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly predicate: BoundExpr;
}

export interface Project extends PlanBase {
  readonly kind: 'project';
  readonly input: LogicalPlan;
  readonly exprs: readonly BoundExpr[];
}

/** Window sizes in microseconds. */
export type WindowSpec =
  | { readonly kind: 'tumble'; readonly size: number }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number }
  | { readonly kind: 'session'; readonly gap: number };

/**
 * A window table function used without aggregation: every input row is repeated once per
 * window it belongs to (TUMBLE: one, HOP: size/slide) with window_start, window_end appended.
 * SESSION is only valid under a WindowAggregate.
 */
export interface WindowAssign extends PlanBase {
  readonly kind: 'window-assign';
  readonly input: LogicalPlan;
  readonly window: WindowSpec;
  /** Input column holding the event time; it carries the source's WATERMARK. */
  readonly timeColumn: number;
}

/**
 * GROUP BY over a window table function. Output row = [...groupKeys, window_start, window_end,
 * ...aggregates]. Emitted once per (window, group) when the watermark reaches window_end.
 * `groupKeys` and aggregate args/filters are evaluated on input rows.
 */
export interface WindowAggregate extends PlanBase {
  readonly kind: 'window-aggregate';
  readonly input: LogicalPlan;
  readonly window: WindowSpec;
  readonly timeColumn: number;
  readonly groupKeys: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
}

export interface SinkWrite extends PlanBase {
  readonly kind: 'sink-write';
  readonly input: LogicalPlan;
  readonly sink: SinkDef;
}
