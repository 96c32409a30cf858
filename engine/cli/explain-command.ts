// `streamforge explain`: prints each sink's logical plan (sql/ EXPLAIN text) and the operator
// chain it lowers to, with each operator's stable id and settings. Printing only.
import type { PlanSet } from '../../sql/index.js';
import { explain } from '../../sql/index.js';
import { lowerSink } from '../compile/lower.js';
import { NULL_OUTPUT } from '../ops/operator.js';

export function explainCommand(plans: PlanSet, sinkName: string | undefined): number {
  const sinks = sinkName ? plans.sinks.filter((s) => s.sink.name === sinkName.toLowerCase()) : plans.sinks;
  if (sinks.length === 0) {
    const names = plans.sinks.map((s) => `'${s.sink.name}'`).join(', ');
    process.stderr.write(
      sinkName ? `error: no sink named '${sinkName}' (sinks: ${names || 'none'})\n` : 'error: no CREATE SINK in the given files\n',
    );
    return 1;
  }
  const out: string[] = [];
  for (const s of sinks) {
    out.push(`sink ${s.sink.name}:`);
    out.push(explain(s.plan));
    const chain = lowerSink(s.plan, NULL_OUTPUT, { late() {} });
    out.push('operators:');
    const all = [chain.normalizer, ...chain.operators];
    all.forEach((op, i) => {
      const fields = Object.entries(op.describe())
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      out.push(`  ${String(i + 1).padStart(2, '0')} ${op.id} ${op.name}${fields ? ': ' + fields : ''}`);
    });
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return 0;
}
