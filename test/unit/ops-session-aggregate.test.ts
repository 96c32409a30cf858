// SessionAggregate: sessions per key emitted when the watermark reaches last + gap; merge on a
// bridging insert, split when the bridging row is retracted; every lateness rule of the SPEC at
// its boundary (emitted ends remembered per key for good); sessions made closable by a change are
// emitted after its event (tracker -> session chain); end of input persistence; snapshot/restore.
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';
import { SessionAggregateOp } from '../../engine/ops/session-aggregate.js';
import { WatermarkTracker } from '../../engine/ops/watermark.js';

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
    expect([op.pendingKeys, op.emittedKeys]).toEqual([0, 0]);
  });

  it('an emitted end is remembered for good: long after, an insert before it is late though it joins a pending session', () => {
    const { op, late, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onWatermark(20); // emits [0,10); watermark already past 10 + gap
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], 'wm 20']);
    expect([op.pendingKeys, op.emittedKeys]).toEqual([0, 1]); // only the end is remembered
    op.onWatermark(1000);
    take();
    expect(op.emittedKeys).toBe(1);
    const again = make();
    again.op.restore(JSON.parse(JSON.stringify(op.snapshot())));
    for (const m of [{ op, late, take }, again]) {
      // 995, 987, ..., 19: each joins the pending session, which grows back towards 10
      for (let t = 995; t >= 19; t -= 8) m.op.onChange(['a', t, 1], 1);
      m.op.onChange(['a', 12, 1], 1); // joins, 12 >= 10: accepted
      m.op.onChange(['a', 8, 1], 1); // joins [12, ...) but 8 < 10: late
      expect(m.late).toEqual([[['a', 8, 1], 1]]);
      m.op.onWatermark(Number.POSITIVE_INFINITY);
      expect(m.take()).toEqual([[['a', 12, 1005, 124n, 124n], 1], 'wm Infinity']);
    }
  });

  it('SPEC example: a late insert joining a pending session of a forgotten-looking key is rejected', () => {
    const { op, late, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onWatermark(20); // [0,10) emitted; 10 + gap <= 20
    op.onChange(['a', 15, 4], 1); // pending [15, 25)
    op.onChange(['a', 8, 8], 1); // [8, 18) overlaps [15, 25) but 8 < 10: late
    expect(late).toEqual([[['a', 8, 8], 1]]);
    op.onWatermark(30);
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], 'wm 20', [['a', 15, 25, 1n, 4n], 1], 'wm 30']);
  });

  it('the snapshot remembers emitted ends compactly: one map key and one number per key', () => {
    const { op } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['b', 3, 1], 1);
    op.onChange(['c', 50, 1], 1);
    op.onWatermark(45);
    const snap = JSON.parse(JSON.stringify(op.snapshot())) as Record<string, unknown>;
    expect(snap).toEqual({
      watermark: 45,
      nextSeq: 3,
      keys: [[['c'], 2, [50], [1, true, 1]]],
      emittedKeys: ['a', 'b'],
      emittedEnds: [10, 13],
    });
  });

  it('after end of input, restore keeps per-key emitted ends and the data watermark', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onChange(['b', 30, 1], 1);
    op.onWatermark(35); // emits a [0,10); b [30,40) pending
    op.onWatermark(Number.POSITIVE_INFINITY); // emits b [30,40)
    expect(take()).toEqual([[['a', 0, 10, 1n, 1n], 1], 'wm 35', [['b', 30, 40, 1n, 1n], 1], 'wm Infinity']);
    const snap = JSON.parse(JSON.stringify(op.snapshot())) as { watermark: unknown };
    expect(snap.watermark).toBe(35); // the last finite watermark, not b's end 40
    const next = make();
    next.op.restore(snap);
    expect(next.op.watermark).toBe(35);
    next.op.onChange(['b', 39, 1], 1); // before b's emitted end 40: late
    next.op.onChange(['b', 40, 2], 1); // fine
    next.op.onChange(['a', 25, 1], 1); // after a's end 10, but 25 + 10 <= 35: late
    next.op.onChange(['a', 26, 3], 1); // 36 > 35, joins nothing: accepted
    next.op.onChange(['c', 30, 5], 1); // a key never seen: 40 > 35, accepted
    next.op.onWatermark(Number.POSITIVE_INFINITY);
    expect(next.late).toEqual([
      [['b', 39, 1], 1],
      [['a', 25, 1], 1],
    ]);
    expect(next.take()).toEqual([
      [['a', 26, 36, 1n, 3n], 1],
      [['c', 30, 40, 1n, 5n], 1],
      [['b', 40, 50, 1n, 2n], 1],
      'wm Infinity',
    ]);
  });

  it('a repeated watermark with nothing closable emits and forwards nothing', () => {
    const { op, take } = make();
    op.onChange(['a', 0, 1], 1);
    op.onWatermark(5);
    op.onWatermark(5);
    op.onWatermark(3); // never backwards
    expect(take()).toEqual(['wm 5']);
    expect(op.watermark).toBe(5);
  });

  it('in a tracker -> session chain, a session shrunk behind the watermark is emitted after that event', () => {
    const log: (string | [Row, number])[] = [];
    const late: [Row, number][] = [];
    const op = new SessionAggregateOp(
      'v/session-aggregate',
      { change: (r, w) => log.push([r, w]), watermark: (t) => log.push(`wm ${t}`) },
      { late: (r, w) => late.push([r, w]) },
      { gap: GAP, timeColumn: 1, groupKeys: [col(0)], aggregates: AGGS },
    );
    const tracker = new WatermarkTracker('v/watermark', { change: (r, w) => op.onChange(r, w), watermark: (t) => op.onWatermark(t) }, { late() {} }, { timeColumn: 1, delay: 0 });
    const event = (...changes: [Row, number][]): (string | [Row, number])[] => {
      for (const [r, w] of changes) tracker.onChange(r, w);
      tracker.flushWatermark();
      return log.splice(0, log.length);
    };
    expect(event([['x', 40, 16], 1])).toEqual(['wm 40']);
    expect(event([['x', 48, 32], 1])).toEqual(['wm 48']);
    expect(event([['y', 50, 64], 1])).toEqual(['wm 50']);
    // retracting 48 leaves x {40}: [40, 50), already behind the watermark 50 -> emitted now
    expect(event([['x', 48, 32], -1])).toEqual([[['x', 40, 50, 1n, 16n], 1]]);
    // an update (retraction + insert) inside the emitted session: both late, nothing emitted
    expect(event([['x', 40, 16], -1], [['x', 45, 128], 1])).toEqual([]);
    expect(late).toEqual([
      [['x', 40, 16], -1],
      [['x', 45, 128], 1],
    ]);
    expect(event()).toEqual([]); // an event without changes: no watermark call at all
    tracker.onWatermark(Number.POSITIVE_INFINITY);
    expect(log).toEqual([[['y', 50, 60, 1n, 64n], 1], 'wm Infinity']);
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
