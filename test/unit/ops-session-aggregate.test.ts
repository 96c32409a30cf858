// SessionAggregate: sessions per key emitted when the watermark reaches last + gap; merge on a
// bridging insert, split when the bridging row is retracted; every lateness rule of the SPEC at
// its boundary; end of input persistence; snapshot/restore mid-stream.
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';
import { SessionAggregateOp } from '../../engine/ops/session-aggregate.js';

const col = (i: number) => (r: Row): Value => r[i] ?? null;
// input rows: [user, t, clicks INT]
const AGGS: AggregateSpec[] = [
  { fn: 'count_star', argType: undefined, resultType: T.bigint },
  { fn: 'sum', arg: col(2), argType: T.int, resultType: T.bigint },
];
const GAP = 10;

function make() {
  const log: (string | [Row, number])[] = [];
  const late: [Row, number][] = [];
  const op = new SessionAggregateOp(
    'v/session-aggregate',
    { change: (r, w) => log.push([r, w]), watermark: (t) => log.push(`wm ${t}`) },
    { late: (r, w) => late.push([r, w]) },
    { gap: GAP, timeColumn: 1, groupKeys: [col(0)], aggregates: AGGS },
  );
  const take = () => log.splice(0, log.length);
  return { op, log, late, take };
}

describe('SessionAggregateOp', () => {
  it('emits [first, last + gap) when the watermark reaches last + gap', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 5, 2], 1);
    op.onChange(['b', 5, 7], 1);
    op.onWatermark(14);
    expect(take()).toEqual(['wm 14']);
    op.onWatermark(15);
    expect(take()).toEqual([
      [['a', 0, 15, 2n, 3n], 1],
      [['b', 5, 15, 1n, 7n], 1],
      'wm 15',
    ]);
  });

  it('orders sessions closing together by end, then by key first-seen order', () => {
    const { op, take } = make();
    op.onChange(['b', 0, 1], 1);
    op.onChange(['a', 0, 1], 1);
    op.onChange(['c', -5, 1], 1);
    op.onWatermark(100);
    expect(take()).toEqual([
      [['c', -5, 5, 1n, 1n], 1],
      [['b', 0, 10, 1n, 1n], 1],
      [['a', 0, 10, 1n, 1n], 1],
      'wm 100',
    ]);
  });

  it('an insert bridging two pending sessions merges them; retracting it splits them again', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 18, 2], 1);
    op.onChange(['a', 9, 4], 1); // overlaps [0,10) and [18,28)
    op.onChange(['a', 9, 4], -1); // split back
    op.onChange(['a', 40, 8], 1);
    op.onWatermark(30);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], [['a', 18, 28, 1n, 2n], 1], 'wm 30']);
    const m = make();
    m.op.onChange(['a', 0, 1], 1);
    m.op.onChange(['a', 18, 2], 1);
    m.op.onChange(['a', 9, 4], 1);
    m.op.onWatermark(30);
    expect(m.take()).toEqual([[['a', 0, 28, 3n, 7n], 1], 'wm 30']);
  });

  it('adjacent sessions (t + gap == next first) do not merge', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 10, 1], 1);
    op.onWatermark(Number.POSITIVE_INFINITY);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], [['a', 10, 20, 1n, 1n], 1], 'wm Infinity']);
  });

  it('late: t before the end of an emitted session of the key', () => {
    const { op, late, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onWatermark(10); // emits [0,10)
    take();
    op.onChange(['a', 9, 1], 1); // 9 < 10: late although 9 + 10 > 10
    op.onChange(['a', 10, 1], 1); // not before the end: new session
    op.onChange(['b', 9, 1], 1); // other key: new session (9 + 10 > 10)
    expect(late).toEqual([[['a', 9, 1], 1]]);
    op.onWatermark(Number.POSITIVE_INFINITY);
    expect(take()).toEqual([[['b', 9, 19, 1n, 1n], 1], [['a', 10, 20, 1n, 1n], 1], 'wm Infinity']);
  });

  it('late: joins no pending session and t + gap <= watermark (boundary included)', () => {
    const { op, late, take } = make();
    op.onChange(['x', 100, 1], 1);
    op.onWatermark(50);
    op.onChange(['a', 40, 1], 1); // 40 + 10 == 50: late
    op.onChange(['a', 41, 1], 1); // 51 > 50: accepted
    expect(late).toEqual([[['a', 40, 1], 1]]);
    op.onWatermark(51);
    expect(take()).toEqual(['wm 50', [['a', 41, 51, 1n, 1n], 1], 'wm 51']);
  });

  it('an insert joining a pending session is accepted even if t + gap <= watermark', () => {
    const { op, late, take } = make();
    op.onChange(['a', 20, 1], 1);
    op.onWatermark(25);
    op.onChange(['a', 12, 5], 1); // [12,22) overlaps pending [20,30)
    expect(late).toEqual([]);
    op.onWatermark(30);
    expect(take()).toEqual(['wm 25', [['a', 12, 30, 2n, 6n], 1], 'wm 30']);
  });

  it('retractions: applied while pending, late after emission or when nothing matches', () => {
    const { op, late, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 3, 2], 1);
    op.onChange(['a', 3, 2], -1); // pending: applied
    op.onChange(['a', 3, 9], -1); // no such pending row: late
    op.onWatermark(10);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], 'wm 10']);
    op.onChange(['a', 0, 1], -1); // its session was emitted: late
    expect(late).toEqual([
      [['a', 3, 9], -1],
      [['a', 0, 1], -1],
    ]);
  });

  it('a session shrunk behind the watermark by a retraction closes at the next watermark call', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 8, 2], 1);
    op.onWatermark(15); // session [0,18) still open
    op.onChange(['a', 8, 2], -1); // now [0,10), already behind 15
    expect(take()).toEqual(['wm 15']);
    op.onWatermark(15); // repeated watermark: closes it, nothing forwarded
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1]]);
  });

  it('weights above one: a retraction larger than the pending weight is late as a whole', () => {
    const { op, late, take } = make();
    op.onChange(['a', 0, 1], 2);
    op.onChange(['a', 0, 1], -3);
    op.onChange(['a', 0, 1], -1);
    expect(late).toEqual([[['a', 0, 1], -3]]);
    op.onWatermark(10);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], 'wm 10']);
  });

  it('a group whose rows were all retracted emits nothing', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['a', 0, 1], -1);
    op.onWatermark(Number.POSITIVE_INFINITY);
    expect(take()).toEqual(['wm Infinity']);
    expect(op.keyCount).toBe(0);
  });

  it('forgets a key once its emitted session can no longer matter', () => {
    const { op } = make();
    op.onChange(['a', 0, 1], 1);
    op.onWatermark(10);
    expect(op.keyCount).toBe(1);
    op.onWatermark(20);
    expect(op.keyCount).toBe(0);
  });

  it('after end of input, restore keeps per-key emitted ends and a finite watermark', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['b', 30, 1], 1);
    op.onWatermark(Number.POSITIVE_INFINITY);
    take();
    const snap = JSON.parse(JSON.stringify(op.snapshot())) as { watermark: unknown };
    expect(snap.watermark).toBe(40);
    const next = make();
    next.op.restore(snap);
    next.op.onChange(['b', 35, 1], 1); // before b's emitted end 40: late
    next.op.onChange(['b', 40, 2], 1); // fine
    next.op.onChange(['a', 25, 1], 1); // a's session ended at 10, but 25 + 10 <= 40: late
    next.op.onChange(['a', 31, 3], 1); // 41 > 40: fine
    next.op.onWatermark(Number.POSITIVE_INFINITY);
    expect(next.late).toEqual([
      [['b', 35, 1], 1],
      [['a', 25, 1], 1],
    ]);
    expect(next.take()).toEqual([[['a', 31, 41, 1n, 3n], 1], [['b', 40, 50, 1n, 2n], 1], 'wm Infinity']);
  });

  it('mid-stream restore gives the same output as an uninterrupted run', () => {
    const steps = (op: SessionAggregateOp): (() => void)[] => [
      () => op.onChange(['a', 0, 1], 1),
      () => op.onChange(['b', 2, 5], 1),
      () => op.onChange(['a', 18, 2], 1),
      () => op.onWatermark(5),
      () => op.onChange(['a', 9, 4], 1),
      () => op.onChange(['b', 2, 5], -1),
      () => op.onChange(['b', 6, 5], 1),
      () => op.onWatermark(20),
      () => op.onChange(['a', 9, 4], -1),
      () => op.onWatermark(29),
      () => op.onChange(['a', 30, 1], 1),
      () => op.onChange(['a', 1, 1], 1),
      () => op.onWatermark(Number.POSITIVE_INFINITY),
    ];
    const straight = make();
    for (const s of steps(straight.op)) s();
    expect(straight.log.filter((x) => typeof x !== 'string').length).toBeGreaterThan(2);
    for (let cut = 0; cut <= 13; cut++) {
      const first = make();
      steps(first.op).slice(0, cut).forEach((s) => s());
      const second = make();
      second.op.restore(JSON.parse(JSON.stringify(first.op.snapshot())));
      steps(second.op).slice(cut).forEach((s) => s());
      expect([...first.log, ...second.log]).toEqual(straight.log);
      expect([...first.late, ...second.late]).toEqual(straight.late);
    }
  });
});
