// prune-columns: computes, top-down, which input columns each operator needs and records on
// every SourceScan exactly the source columns read anywhere above it, plus the watermark and
// primary-key columns the runtime always needs. Other columns may be left null by the decoder.
// Only `usedColumns` changes; schemas stay as they are.
import { collectColumns } from '../plan/expr-utils.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Transformed } from '../plan/rewrite.js';
import { changed, unchanged, withInput } from '../plan/rewrite.js';
import type { Rule } from './rule.js';

const all = (p: LogicalPlan): Set<number> => new Set(p.schema.fields.map((_, i) => i));

function prune(p: LogicalPlan, required: Set<number>): Transformed<LogicalPlan> {
  let need: Set<number>;
  switch (p.kind) {
    case 'source-scan': {
      const used = new Set(required);
      if (p.source.watermark) used.add(p.source.watermark.column);
      for (const k of p.source.primaryKey) used.add(k);
      const usedColumns = [...used].sort((a, b) => a - b);
      const same = usedColumns.length === p.usedColumns.length && usedColumns.every((c, i) => c === p.usedColumns[i]);
      return same ? unchanged(p) : changed({ ...p, usedColumns });
    }
    case 'sink-write':
      need = all(p.input);
      break;
    case 'project':
      need = new Set();
      for (const i of required) {
        const e = p.exprs[i];
        if (e) collectColumns(e, need);
      }
      break;
    case 'filter':
      need = collectColumns(p.predicate, new Set(required));
      break;
    case 'window-assign': {
      const width = p.input.schema.fields.length;
      need = new Set([...required].filter((i) => i < width));
      need.add(p.timeColumn);
      break;
    }
    case 'window-aggregate':
      need = new Set([p.timeColumn]);
      for (const k of p.groupKeys) collectColumns(k, need);
      for (const a of p.aggregates) {
        if (a.arg) collectColumns(a.arg, need);
        if (a.filter) collectColumns(a.filter, need);
      }
      break;
  }
  const t = prune(p.input, need);
  return t.changed ? changed(withInput(p, t.node)) : unchanged(p);
}

export const pruneColumns: Rule = {
  name: 'prune-columns',
  apply: (plan) => prune(plan, all(plan)),
};
