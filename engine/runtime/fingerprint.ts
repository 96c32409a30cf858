// Stable fingerprint of a sink's query (its EXPLAIN text plus the source definition it reads), so a
// checkpoint is only restored into the same operator graph. Hashing only; no I/O.
import { createHash } from 'node:crypto';
import type { SinkWrite } from '../../sql/plan/logical-plan.js';
import type { LogicalPlan } from '../../sql/plan/logical-plan.js';
import { explain } from '../../sql/index.js';

function sourceOf(plan: LogicalPlan): LogicalPlan & { kind: 'source-scan' } {
  let n = plan;
  while (n.kind !== 'source-scan') n = n.input;
  return n;
}

export function planFingerprint(plan: SinkWrite): string {
  const src = sourceOf(plan).source;
  const text = JSON.stringify({
    query: explain(plan.input),
    columns: src.columns,
    key: src.primaryKey,
    watermark: src.watermark ?? null,
    changelog: src.changelog,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
