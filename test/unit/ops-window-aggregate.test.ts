// WindowAggregate (TUMBLE/HOP): final rows emitted when the watermark reaches window_end, in
// window_end then first-touched order; lateness at the boundaries (watermark == window_end
// closes, counted once per change); retractions; end of input; snapshot/restore.
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';
import { WindowAggregateOp } from '../../engine/ops/window-aggregate.js';
import type { TimeWindowSpec } from '../../engine/ops/windows.js';

const col = (i: number) => (r: Row): Value => r[i] ?? null;
// input rows: [customer, t, amount DECIMAL(10,2)]
const AGGS: AggregateSpec[] = [
  { fn: 'count_star', argType: undefined, resultType: T.bigint },
  { fn: 'sum', arg: col(2), argType: T.decimal(10, 2), resultType: T.decimal(38, 2) },
  { fn: 'max', arg: col(2), argType: T.decimal(10, 2), resultType: T.decimal(10, 2) },
];

function make(window: TimeWindowSpec) {
  const log: (string | [Row, number])[] = [];
  const late: [Row, number][] = [];
  const op = new WindowAggregateOp(
    'v/window-aggregate',
    { change: (r, w) => log.push([r, w]), watermark: (t) => log.push(`wm ${t}`) },
    { late: (r, w) => late.push([r, w]) },
    { window, timeColumn: 1, groupKeys: [col(0)], aggregates: AGGS },
  );
  const take = () => log.splice(0, log.length);
  return { op, log, late, take };
}

describe('TUMBLE', () => {
  it('emits each (window, group) once when the watermark reaches window_end', () => {
    const { op, take } = make({ kind: 'tumble', size: 10 });
    op.onChange(['b', 1, 100n], 1);
    op.onChange(['a', 2, 50n], 1);
    op.onChange(['b', 9, 300n], 1);
    op.onChange(['a', 12, 70n], 1);
    op.onWatermark(9);
    expect(take()).toEqual(['wm 9']);
    op.onWatermark(10);
    expect(take()).toEqual([
      [['b', 0, 10, 2n, 400n, 300n], 1],
      [['a', 0, 10, 1n, 50n, 50n], 1],
      'wm 10',
    ]);
    op.onWatermark(25);
    expect(take()).toEqual([[['a', 10, 20, 1n, 70n, 70n], 1], 'wm 25']);
    expect(op.openWindows).toBe(0);
  });

  it('a repeated watermark is ignored: nothing emitted, nothing forwarded', () => {
    const { op, late, take } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 5, 1n], 1);
    op.onWatermark(8);
    op.onChange(['a', 6, 2n], 1);
    op.onWatermark(8);
    op.onWatermark(7);
    expect(take()).toEqual(['wm 8']);
    op.onChange(['a', 7, 4n], 1);
    op.onWatermark(10);
    expect(late).toEqual([]);
    expect(take()).toEqual([[['a', 0, 10, 3n, 7n, 4n], 1], 'wm 10']);
    op.onWatermark(10);
    expect(take()).toEqual([]);
  });

  it('closes several windows in window_end order on one watermark', () => {
    const { op, take } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 35, 1n], 1);
    op.onChange(['a', 5, 2n], 1);
    op.onChange(['a', 15, 3n], 1);
    op.onWatermark(40);
    expect(take()).toEqual([
      [['a', 0, 10, 1n, 2n, 2n], 1],
      [['a', 10, 20, 1n, 3n, 3n], 1],
      [['a', 30, 40, 1n, 1n, 1n], 1],
      'wm 40',
    ]);
  });

  it('applies retractions; a group whose rows were all retracted emits nothing', () => {
    const { op, take } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 1, 10n], 1);
    op.onChange(['b', 2, 90n], 1);
    op.onChange(['a', 3, 20n], 1);
    op.onChange(['b', 2, 90n], -1);
    op.onChange(['a', 3, 20n], -1);
    op.onChange(['a', 4, 5n], 1);
    op.onWatermark(10);
    expect(take()).toEqual([[['a', 0, 10, 2n, 15n, 10n], 1], 'wm 10']);
  });

  it('lateness: watermark == window_end closes the window; late is reported once per change', () => {
    const { op, take, late } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 9, 1n], 1);
    op.onWatermark(9);
    op.onChange(['a', 0, 2n], 1); // 9 < 10: still open
    op.onWatermark(10);
    expect(take()).toEqual(['wm 9', [['a', 0, 10, 2n, 3n, 2n], 1], 'wm 10']);
    op.onChange(['a', 9, 1n], -1); // closed: late
    op.onChange(['a', 10, 4n], 1); // next window: open
    expect(late).toEqual([[['a', 9, 1n], -1]]);
    op.onWatermark(Number.POSITIVE_INFINITY);
    expect(take()).toEqual([[['a', 10, 20, 1n, 4n, 4n], 1], 'wm Infinity']);
  });

  it('drops NULL event times without counting them late', () => {
    const { op, take, late } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', null, 1n], 1);
    op.onWatermark(Number.POSITIVE_INFINITY);
    expect(take()).toEqual(['wm Infinity']);
    expect(late).toEqual([]);
  });
});

describe('HOP', () => {
  it('adds a change to every overlapping window; windows close independently', () => {
    const { op, take } = make({ kind: 'hop', slide: 5, size: 10 });
    op.onChange(['a', 7, 1n], 1); // windows [0,10) [5,15)
    op.onChange(['a', 12, 2n], 1); // windows [5,15) [10,20)
    op.onWatermark(10);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n, 1n], 1], 'wm 10']);
    op.onWatermark(20);
    expect(take()).toEqual([
      [['a', 5, 15, 2n, 3n, 2n], 1],
      [['a', 10, 20, 1n, 2n, 2n], 1],
      'wm 20',
    ]);
  });

  it('a change with some windows closed is applied to the open ones and late once', () => {
    const { op, take, late } = make({ kind: 'hop', slide: 5, size: 15 });
    op.onChange(['a', 14, 1n], 1); // [0,15) [5,20) [10,25)
    op.onWatermark(15);
    expect(take()).toEqual([[['a', 0, 15, 1n, 1n, 1n], 1], 'wm 15']);
    op.onChange(['a', 14, 1n], -1); // [0,15) closed; [5,20) and [10,25) open
    op.onChange(['a', 6, 9n], 1); // [0,15) closed (late); [5,20) open
    expect(late).toEqual([
      [['a', 14, 1n], -1],
      [['a', 6, 9n], 1],
    ]);
    op.onWatermark(30);
    expect(take()).toEqual([[['a', 5, 20, 1n, 9n, 9n], 1], 'wm 30']);
  });
});

describe('snapshot/restore', () => {
  const script = (op: WindowAggregateOp, from: number, to: number): void => {
    const steps: (() => void)[] = [
      () => op.onChange(['a', 1, 10n], 1),
      () => op.onChange(['b', 4, 11n], 1),
      () => op.onWatermark(3),
      () => op.onChange(['a', 1, 10n], -1),
      () => op.onChange(['a', 8, 12n], 1),
      () => op.onChange(['c', 13, 13n], 1),
      () => op.onWatermark(10),
      () => op.onChange(['b', 4, 11n], -1), // late
      () => op.onChange(['c', 17, 1n], 1),
      () => op.onChange(['a', 21, 2n], 1),
      () => op.onWatermark(20),
      () => op.onWatermark(Number.POSITIVE_INFINITY),
    ];
    for (let i = from; i < to; i++) steps[i]!();
  };

  it('mid-stream restore gives the same output as an uninterrupted run', () => {
    const straight = make({ kind: 'hop', slide: 5, size: 10 });
    script(straight.op, 0, 12);
    for (let cut = 0; cut <= 12; cut++) {
      const first = make({ kind: 'hop', slide: 5, size: 10 });
      script(first.op, 0, cut);
      const second = make({ kind: 'hop', slide: 5, size: 10 });
      second.op.restore(JSON.parse(JSON.stringify(first.op.snapshot())));
      script(second.op, cut, 12);
      expect([...first.log, ...second.log]).toEqual(straight.log);
      expect([...first.late, ...second.late]).toEqual(straight.late);
    }
  });

  it('after end of input the persisted watermark is the last window_end closed', () => {
    const { op, take } = make({ kind: 'tumble', size: 10 });
    op.onChange(['a', 5, 1n], 1);
    op.onChange(['a', 25, 2n], 1);
    op.onWatermark(Number.POSITIVE_INFINITY);
    take();
    const snap = JSON.parse(JSON.stringify(op.snapshot())) as { watermark: unknown };
    expect(snap.watermark).toBe(30);
    const next = make({ kind: 'tumble', size: 10 });
    next.op.restore(snap);
    expect(next.op.watermark).toBe(30);
    next.op.onChange(['a', 29, 7n], 1); // window [20,30) already emitted: late
    next.op.onChange(['a', 31, 8n], 1); // new window: fine
    next.op.onWatermark(Number.POSITIVE_INFINITY);
    expect(next.late).toEqual([[['a', 29, 7n], 1]]);
    expect(next.take()).toEqual([[['a', 30, 40, 1n, 8n, 8n], 1], 'wm Infinity']);
  });
});

describe('group keys', () => {
  it('BIGINT keys (safe and beyond 2^53) and NULL come out as they went in, across windows reused after closing', () => {
    const { op, take } = make({ kind: 'tumble', size: 10 });
    const huge = 2n ** 62n + 1n;
    for (let w = 0; w < 6; w++) {
      const t = w * 10 + 1;
      op.onChange([7n, t, 1n], 1);
      op.onChange([huge, t, 2n], 1);
      op.onChange([null, t, 3n], 1);
      op.onChange([7n, t, 4n], 1);
      op.onChange([7n, t, 1n], -1); // an update: retraction then insert hit the same group
      op.onChange([7n, t, 5n], 1);
      if (w === 3) {
        // a restore in the middle keeps the keys' types
        const copy = make({ kind: 'tumble', size: 10 });
        copy.op.restore(JSON.parse(JSON.stringify(op.snapshot())));
        copy.op.onWatermark(Number.POSITIVE_INFINITY);
        expect(copy.take()[0]).toEqual([[7n, 30, 40, 2n, 9n, 5n], 1]);
      }
      op.onWatermark(t + 9);
    }
    const rows = take().filter((x) => typeof x !== 'string');
    expect(rows).toHaveLength(18);
    for (let w = 0; w < 6; w++)
      expect(rows.slice(3 * w, 3 * w + 3)).toEqual([
        [[7n, w * 10, w * 10 + 10, 2n, 9n, 5n], 1],
        [[huge, w * 10, w * 10 + 10, 1n, 2n, 2n], 1],
        [[null, w * 10, w * 10 + 10, 1n, 3n, 3n], 1],
      ]);
  });
});
