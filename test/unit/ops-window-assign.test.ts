// WindowAssign: TUMBLE/HOP without aggregation appends window_start/window_end once per window
// (epoch-aligned, negative times included); stateless, so nothing is late.
import { describe, expect, it } from 'vitest';
import type { Row } from '../../engine/core/value.js';
import { WindowAssignOp } from '../../engine/ops/window-assign.js';
import type { TimeWindowSpec } from '../../engine/ops/windows.js';

function make(window: TimeWindowSpec) {
  const log: (string | [Row, number])[] = [];
  let late = 0;
  const op = new WindowAssignOp(
    'v/window-assign',
    { change: (r, w) => log.push([r, w]), watermark: (t) => log.push(`wm ${t}`) },
    { late: () => void late++ },
    { window, timeColumn: 1 },
  );
  return { op, log, late: () => late };
}

describe('WindowAssignOp', () => {
  it('TUMBLE: one window per change, aligned to the epoch', () => {
    const { op, log } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 0], 1);
    op.onChange(['b', 19], 1);
    op.onChange(['c', -1], -1);
    op.onChange(['d', null], 1);
    expect(log).toEqual([
      [['a', 0, 0, 10], 1],
      [['b', 19, 10, 20], 1],
      [['c', -1, -10, 0], -1],
    ]);
  });

  it('HOP: size/slide overlapping windows, in start order', () => {
    const { op, log } = make({ kind: 'hop', slide: 5, size: 15 });
    op.onChange(['a', 12], 1);
    op.onChange(['b', 10], -1);
    expect(log).toEqual([
      [['a', 12, 0, 15], 1],
      [['a', 12, 5, 20], 1],
      [['a', 12, 10, 25], 1],
      [['b', 10, 0, 15], -1],
      [['b', 10, 5, 20], -1],
      [['b', 10, 10, 25], -1],
    ]);
  });

  it('HOP whose size is not a multiple of the slide', () => {
    const { op, log } = make({ kind: 'hop', slide: 4, size: 10 });
    op.onChange(['a', 9], 1);
    expect(log).toEqual([
      [['a', 9, 0, 10], 1],
      [['a', 9, 4, 14], 1],
      [['a', 9, 8, 18], 1],
    ]);
  });

  it('forwards changes behind the watermark (no state, nothing late) and the watermark itself', () => {
    const { op, log, late } = make({ kind: 'tumble', size: 10 });
    op.onWatermark(100);
    op.onChange(['old', 5], 1);
    expect(log).toEqual(['wm 100', [['old', 5, 0, 10], 1]]);
    expect(late()).toBe(0);
  });
});
