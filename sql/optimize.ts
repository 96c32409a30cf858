// Runs the rules of rules/index.ts in order, repeatedly, until none changes the plan (capped),
// and asserts after every rewrite that the plan's output schema is unchanged, naming the rule
// that broke it (a bug, hence thrown). Pure.
import type { Schema } from '../catalog/types.js';
import type { LogicalPlan } from './plan/logical-plan.js';
import type { Rule } from './rules/index.js';
import { RULES } from './rules/index.js';
import { sameType } from './types.js';

export const MAX_PASSES = 10;

function sameSchema(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.name === g.name && f.nullable === g.nullable && sameType(f.type, g.type);
    })
  );
}

export function optimize(plan: LogicalPlan, rules: readonly Rule[] = RULES): LogicalPlan {
  let current = plan;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let any = false;
    for (const rule of rules) {
      const r = rule.apply(current);
      if (!r.changed) continue;
      if (!sameSchema(current.schema, r.node.schema))
        throw new Error(`internal error: rule '${rule.name}' changed the output schema of a plan (this is a bug)`);
      current = r.node;
      any = true;
    }
    if (!any) break;
  }
  return current;
}
