// Filter and Project: linear, stateless operators; retractions map to retractions and
// watermarks pass through unchanged.
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../engine/core/value.js';
import { FilterOp } from '../../engine/ops/filter.js';
import { ProjectOp } from '../../engine/ops/project.js';

function sink() {
  const log: (string | [Row, number])[] = [];
  return { log, out: { change: (r: Row, w: number) => log.push([r, w]), watermark: (t: number) => log.push(`wm ${t}`) } };
}

describe('FilterOp', () => {
  it('keeps rows where the predicate is TRUE (not NULL, not FALSE), both signs', () => {
    const { log, out } = sink();
    const f = new FilterOp('v/filter', out, { late() {} }, { predicate: (r) => (r[0] === null ? null : (r[0] as number) > 2) });
    f.onChange([3], 1);
    f.onChange([1], 1);
    f.onChange([null], 1);
    f.onWatermark(10);
    f.onChange([3], -1);
    expect(log).toEqual([[[3], 1], 'wm 10', [[3], -1]]);
    expect(f.snapshot()).toBe(null);
  });
});

describe('ProjectOp', () => {
  it('computes one value per expression and keeps the weight', () => {
    const { log, out } = sink();
    const p = new ProjectOp('v/project', out, { late() {} }, {
      exprs: [(r) => r[1] ?? null, (r): Value => (r[0] as bigint) * 2n],
    });
    p.onChange([2n, 'a'], 1);
    p.onChange([5n, 'b'], -1);
    p.onWatermark(7);
    expect(log).toEqual([[['a', 4n], 1], [['b', 10n], -1], 'wm 7']);
  });
});
