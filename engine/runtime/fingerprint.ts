// Stable fingerprint of a sink's query (its EXPLAIN text plus the source definition it reads), so a
// checkpoint is only restored into the same operator graph. Hashing only; no I/O.
import { createHash } from 'node:crypto';
import type { SinkWrite } from '../../sql/plan/logical-plan.js';
import { explain, sourceScanOf } from '../../sql/index.js';

export function planFingerprint(plan: SinkWrite): string {
  const src = sourceScanOf(plan).source;
  const text = JSON.stringify({
    query: explain(plan.input),
    columns: src.columns,
    key: src.primaryKey,
    watermark: src.watermark ?? null,
    changelog: src.changelog,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
