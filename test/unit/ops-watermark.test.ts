// WatermarkTracker: max(event time) over inserts and retractions minus the delay, NULL times
// ignored, never backwards, forwarded only between events (flushWatermark): when it advanced, or
// repeated after an event that carried a change; snapshot/restore.
import { describe, expect, it } from 'vitest';
import type { Row } from '../../engine/core/value.js';
import { WatermarkTracker } from '../../engine/ops/watermark.js';

function make(repeat?: boolean) {
  const log: (string | [Row, number])[] = [];
  const t = new WatermarkTracker(
    'src/watermark',
    { change: (r, w) => log.push([r, w]), watermark: (x) => log.push(`wm ${x}`) },
    { late() {} },
    { timeColumn: 1, delay: 5, ...(repeat === undefined ? {} : { repeat }) },
  );
  return { t, log };
}

describe('WatermarkTracker', () => {
  it('holds the watermark back for splits announced before their first record', () => {
    const { t, log } = make();
    t.addSplits(['orders/0', 'orders/1', 'orders/2']);
    t.useSplit('orders/0');
    t.onChange(['a', 1000], 1);
    t.flushWatermark();
    expect(t.current).toBe(Number.NEGATIVE_INFINITY); // partitions 1 and 2 have not delivered yet
    t.useSplit('orders/1');
    t.onChange(['b', 200], 1);
    t.flushWatermark();
    expect(t.current).toBe(Number.NEGATIVE_INFINITY);
    t.setIdle(['orders/2']); // an empty partition stops counting once it is idle
    t.flushWatermark();
    expect(t.current).toBe(195);
    t.addSplits(['orders/0', 'orders/1', 'orders/2']); // known splits change nothing
    expect(t.current).toBe(195);
    expect(log.filter((x) => typeof x === 'string')).toEqual(['wm 195']);
  });


  it('is -Infinity before any row and max - delay after', () => {
    const { t, log } = make();
    expect(t.current).toBe(Number.NEGATIVE_INFINITY);
    t.flushWatermark();
    expect(log).toEqual([]);
    t.onChange(['a', 100], 1);
    t.onChange(['b', null], 1);
    t.onChange(['c', 90], -1);
    expect(t.current).toBe(95);
    t.flushWatermark();
    expect(log).toEqual([[['a', 100], 1], [['b', null], 1], [['c', 90], -1], 'wm 95']);
  });

  it('counts retractions and never moves backwards', () => {
    const { t, log } = make();
    t.onChange(['a', 50], 1);
    t.flushWatermark();
    t.onChange(['a', 120], -1);
    t.flushWatermark();
    t.onChange(['a', 60], 1);
    t.flushWatermark();
    t.onWatermark(10);
    expect(t.current).toBe(115);
    expect(log.filter((x) => typeof x === 'string')).toEqual(['wm 45', 'wm 115', 'wm 115']);
    t.onWatermark(Number.POSITIVE_INFINITY);
    expect(log.at(-1)).toBe('wm Infinity');
  });

  it('repeats the watermark after an event with a change, and only then', () => {
    const { t, log } = make();
    const wms = () => log.filter((x) => typeof x === 'string');
    t.onChange(['a', null], 1); // a change, but no watermark yet: -Infinity is never sent
    t.flushWatermark();
    expect(wms()).toEqual([]);
    t.onChange(['a', 100], 1);
    t.flushWatermark();
    t.flushWatermark(); // an event without changes: nothing
    expect(wms()).toEqual(['wm 95']);
    t.onChange(['b', 30], -1); // does not advance: repeated once
    t.onChange(['b', 40], 1);
    t.flushWatermark();
    t.flushWatermark();
    expect(wms()).toEqual(['wm 95', 'wm 95']);
    t.onWatermark(50); // external, lower, no change since: nothing
    expect(wms()).toEqual(['wm 95', 'wm 95']);
    t.onWatermark(200); // external advance
    t.onChange(['c', 10], 1);
    t.flushWatermark(); // repeats the external watermark, never the lower data one
    expect(wms()).toEqual(['wm 95', 'wm 95', 'wm 200', 'wm 200']);
  });

  it('snapshot/restore keeps the max; after end of input the finite watermark is persisted', () => {
    const { t } = make();
    t.observe(['x', 1000]);
    t.flushWatermark();
    t.onWatermark(Number.POSITIVE_INFINITY);
    const snap = JSON.parse(JSON.stringify(t.snapshot())) as unknown;
    const b = make();
    b.t.restore(snap);
    expect(b.t.current).toBe(995);
    b.t.flushWatermark();
    expect(b.log).toEqual([]);
    b.t.onChange(['y', 1010], 1);
    b.t.flushWatermark();
    expect(b.log.at(-1)).toBe('wm 1005');
  });
});

describe('WatermarkTracker without repeats (chains with no SESSION aggregate)', () => {
  it('forwards only advances, external ones included, and never a repeat', () => {
    const { t, log } = make(false);
    const wms = () => log.filter((x) => typeof x === 'string');
    t.onChange(['a', 100], 1);
    t.flushWatermark();
    t.onChange(['b', 30], -1);
    t.flushWatermark();
    t.flushWatermark();
    expect(wms()).toEqual(['wm 95']);
    t.onChange(['c', 101], 1);
    t.flushWatermark();
    t.onWatermark(200);
    t.onChange(['d', 10], 1);
    t.flushWatermark();
    t.onWatermark(Number.POSITIVE_INFINITY);
    expect(wms()).toEqual(['wm 95', 'wm 96', 'wm 200', 'wm Infinity']);
  });

  it('lowering turns repeats off unless a SESSION aggregate follows', async () => {
    const { planScript } = await import('../../sql/index.js');
    const { lowerSink } = await import('../../engine/compile/lower.js');
    const source = `CREATE SOURCE s (id BIGINT, k BIGINT, ts TIMESTAMP(3), PRIMARY KEY (id),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH (connector = 'file', path = 'x.jsonl');`;
    const sink = (from: string) => `CREATE SINK o WITH (connector = 'console') AS
      SELECT k, window_start, window_end, COUNT(*) AS n FROM ${from} GROUP BY k, window_start, window_end;`;
    const { WindowAggregateOp } = await import('../../engine/ops/window-aggregate.js');
    const { SessionAggregateOp } = await import('../../engine/ops/session-aggregate.js');
    const repeats = (from: string): number => {
      const { plans } = planScript([{ path: 'a.sql', text: source + sink(from) }], { env: {} });
      // count the watermarks reaching the aggregate: one advance, then events that carry changes
      let wms = 0;
      const protos = [WindowAggregateOp.prototype, SessionAggregateOp.prototype];
      const originals = protos.map((p) => p.onWatermark);
      protos.forEach((p, i) => {
        p.onWatermark = function (this: never, x: number) {
          wms++;
          originals[i]!.call(this, x);
        };
      });
      try {
        const chain = lowerSink(plans.sinks[0]!.plan, { change() {}, watermark() {} }, { late() {} });
        for (let i = 0; i < 3; i++) {
          chain.normalizer.apply({ kind: 'event', op: 'c', before: null, after: [1n, 1n, 5_000_000], beforeComplete: false });
          chain.tracker!.flushWatermark();
        }
      } finally {
        protos.forEach((p, i) => (p.onWatermark = originals[i]!));
      }
      return wms;
    };
    expect(repeats("TUMBLE(s, ts, INTERVAL '1' MINUTE)")).toBe(1);
    expect(repeats("SESSION(s, ts, INTERVAL '1' MINUTE)")).toBe(3);
  });
});

describe('WatermarkTracker over several splits (Kafka partitions)', () => {
  it('is the minimum over active splits; idle splits stop holding it back', () => {
    const { t, log } = make();
    t.useSplit('orders/0');
    t.onChange(['a', 100], 1);
    t.flushWatermark();
    expect(t.current).toBe(95); // a single split so far
    t.useSplit('orders/1');
    t.onChange(['b', 50], 1);
    t.flushWatermark();
    expect(t.current).toBe(45); // min(100, 50) - 5; the forwarded watermark never goes back
    t.useSplit('orders/0');
    t.onChange(['c', 200], 1);
    t.flushWatermark();
    expect(t.current).toBe(45);
    t.setIdle(['orders/1']);
    expect(t.current).toBe(195);
    t.flushWatermark();
    expect(log.filter((x) => typeof x === 'string')).toEqual(['wm 95', 'wm 95', 'wm 95', 'wm 195']);
    t.useSplit('orders/1'); // data again: active again
    expect(t.current).toBe(45);
  });

  it('keeps per-split maxima through snapshot and restore', () => {
    const { t } = make();
    t.useSplit('p/0');
    t.onChange(['a', 100], 1);
    t.useSplit('p/1');
    t.onChange(['b', 60], 1);
    const state = JSON.parse(JSON.stringify(t.snapshot())) as unknown;
    const { t: u } = make();
    u.restore(state);
    expect(u.current).toBe(55);
    u.setIdle(['p/1']);
    expect(u.current).toBe(95);
  });
});
