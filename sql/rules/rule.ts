// The shape of a rule: a named plan -> plan rewrite that reports whether it changed anything.
// Declarations only; the ordered list lives in rules/index.ts.
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Transformed } from '../plan/rewrite.js';

export interface Rule {
  readonly name: string;
  apply(plan: LogicalPlan): Transformed<LogicalPlan>;
}
