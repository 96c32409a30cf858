// Derived facts about a plan: whether its output is append-only, which output column carries
// the event time (the source's WATERMARK column, tracked through filters and projections), which
// columns form a unique key, and whether a watermark bounds its state. Pure functions.
import type { LogicalPlan, SourceScan } from './logical-plan.js';

/** The source scan at the bottom of a linear plan (every plan has exactly one today). */
export function sourceScanOf(plan: LogicalPlan): SourceScan {
  let n = plan;
  while (n.kind !== 'source-scan') n = n.input;
  return n;
}

/** True when the plan never emits retractions. */
export function appendOnly(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case 'source-scan':
      return plan.source.changelog === 'append';
    case 'window-aggregate':
      return true; // each (window, group) row is emitted once, final, when the watermark passes
    case 'filter':
    case 'project':
    case 'window-assign':
    case 'sink-write':
      return appendOnly(plan.input);
  }
}

/** The first source scan whose retractions reach the plan's output (for diagnostics). */
export function retractingSource(plan: LogicalPlan): SourceScan | undefined {
  switch (plan.kind) {
    case 'source-scan':
      return plan.source.changelog === 'append' ? undefined : plan;
    case 'window-aggregate':
      return undefined;
    case 'filter':
    case 'project':
    case 'window-assign':
    case 'sink-write':
      return retractingSource(plan.input);
  }
}

/**
 * Output column that carries the source's watermark, or undefined. Window aggregate output is
 * not a watermarked stream in this version (cascaded windows are not supported).
 */
export function eventTimeColumn(plan: LogicalPlan): number | undefined {
  switch (plan.kind) {
    case 'source-scan':
      return plan.source.watermark?.column;
    case 'filter':
    case 'window-assign':
    case 'sink-write':
      return eventTimeColumn(plan.input);
    case 'project': {
      const t = eventTimeColumn(plan.input);
      if (t === undefined) return undefined;
      const i = plan.exprs.findIndex((e) => e.kind === 'column' && e.index === t);
      return i < 0 ? undefined : i;
    }
    case 'window-aggregate':
      return undefined;
  }
}

/** Output columns that identify a row uniquely (in key order), or undefined when none do. */
export function keyColumns(plan: LogicalPlan): readonly number[] | undefined {
  switch (plan.kind) {
    case 'source-scan':
      return plan.source.changelog === 'retract' && plan.source.primaryKey.length > 0 ? plan.source.primaryKey : undefined;
    case 'filter':
    case 'sink-write':
      return keyColumns(plan.input);
    case 'project': {
      const keys = keyColumns(plan.input);
      if (!keys) return undefined;
      const out: number[] = [];
      for (const k of keys) {
        const i = plan.exprs.findIndex((e) => e.kind === 'column' && e.index === k);
        if (i < 0) return undefined;
        out.push(i);
      }
      return out;
    }
    case 'window-assign': {
      const keys = keyColumns(plan.input);
      return keys ? [...keys, plan.input.schema.fields.length] : undefined; // + window_start
    }
    case 'window-aggregate':
      return Array.from({ length: plan.groupKeys.length + 2 }, (_, i) => i);
  }
}

/** True when every stateful operator's state is released by the watermark. */
export function stateBound(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case 'source-scan':
      // upsert normalization keeps the last row of every key, forever
      return !(plan.source.changelog === 'retract' && plan.source.primaryKey.length > 0);
    case 'filter':
    case 'project':
    case 'window-assign':
    case 'sink-write':
      return stateBound(plan.input);
    case 'window-aggregate':
      return eventTimeColumn(plan.input) === plan.timeColumn && stateBound(plan.input);
  }
}
