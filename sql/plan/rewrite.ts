// Plan rewriting helpers: the `Transformed<T>` result of a rewrite ({ node, changed }), access
// to a node's input, and generic bottom-up / top-down traversals that rebuild only what changed.
// Pure; rules (sql/rules/) are written with these.
import type { LogicalPlan } from './logical-plan.js';

export interface Transformed<T> {
  readonly node: T;
  readonly changed: boolean;
}

export const unchanged = <T>(node: T): Transformed<T> => ({ node, changed: false });
export const changed = <T>(node: T): Transformed<T> => ({ node, changed: true });

/** The single input of a node, undefined for leaves. */
export function inputOf(plan: LogicalPlan): LogicalPlan | undefined {
  return plan.kind === 'source-scan' ? undefined : plan.input;
}

/** A copy of `plan` reading from `input` (same node when the input is the same). */
export function withInput(plan: LogicalPlan, input: LogicalPlan): LogicalPlan {
  if (plan.kind === 'source-scan' || plan.input === input) return plan;
  return { ...plan, input } as LogicalPlan;
}

/** Rewrites children first, then the node itself. */
export function transformUp(plan: LogicalPlan, f: (p: LogicalPlan) => Transformed<LogicalPlan>): Transformed<LogicalPlan> {
  const input = inputOf(plan);
  let node = plan;
  let any = false;
  if (input) {
    const t = transformUp(input, f);
    if (t.changed) {
      node = withInput(plan, t.node);
      any = true;
    }
  }
  const r = f(node);
  return { node: r.node, changed: any || r.changed };
}

/** Rewrites the node first, then the children of the result. */
export function transformDown(plan: LogicalPlan, f: (p: LogicalPlan) => Transformed<LogicalPlan>): Transformed<LogicalPlan> {
  const r = f(plan);
  const input = inputOf(r.node);
  if (!input) return r;
  const t = transformDown(input, f);
  return t.changed ? changed(withInput(r.node, t.node)) : r;
}
