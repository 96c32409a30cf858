// Changes (row, weight) and Z-set helpers: consolidate, negate, integrate.
// Pure functions over small arrays; used by tests, the oracle and sinks (not on the per-event path).
import type { Row } from './value.js';
import { rowKey } from './value.js';

export interface Change {
  readonly row: Row;
  /** +n inserts, -n retracts; never 0 after consolidate. */
  readonly weight: number;
}
export type ChangeBatch = readonly Change[];

/** Merge equal rows, summing weights, and drop zero weights. Keeps first-seen order. */
export function consolidate(batch: ChangeBatch): Change[] {
  const acc = new Map<string, { row: Row; weight: number }>();
  for (const c of batch) {
    const k = rowKey(c.row);
    const e = acc.get(k);
    if (e) e.weight += c.weight;
    else acc.set(k, { row: c.row, weight: c.weight });
  }
  const out: Change[] = [];
  for (const e of acc.values()) if (e.weight !== 0) out.push({ row: e.row, weight: e.weight });
  return out;
}

export function negate(batch: ChangeBatch): Change[] {
  return batch.map((c) => ({ row: c.row, weight: -c.weight }));
}

export function concat(...batches: ChangeBatch[]): Change[] {
  return batches.flat();
}

/** Integrate a sequence of deltas into the resulting multiset (consolidated). */
export function integrate(batches: readonly ChangeBatch[]): Change[] {
  return consolidate(batches.flat());
}
