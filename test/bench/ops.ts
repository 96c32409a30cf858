// Micro-benchmark of the per-event operator path: ChangelogNormalizer -> WatermarkTracker ->
// TUMBLE WindowAggregate (COUNT(*), SUM(DECIMAL), AVG(DECIMAL), MAX(DECIMAL)) over 2,000,000
// synthetic changes on 50,000 primary keys, plus checkpointing a 1,000,000-key normalizer.
// Build with `npx tsc -p tsconfig.json`, run `node dist/test/bench/ops.js`. Prints numbers only;
// CPU time is reported next to wall time because the build machine is shared.
import { T } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { DecodedEvent } from '../../engine/formats/decoded-event.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';
import type { OperatorContext, Output } from '../../engine/ops/operator.js';
import { WatermarkTracker } from '../../engine/ops/watermark.js';
import { WindowAggregateOp } from '../../engine/ops/window-aggregate.js';

const KEYS = 50_000;
const CHANGES = 2_000_000;
const SECOND = 1_000_000;

// source columns: [id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), created_at TIMESTAMP]
// The first KEYS events insert every key, the rest update a random key with `before: null`
// (PostgreSQL's default REPLICA IDENTITY), so each update is a retraction plus an insert.
// Events are generated on the fly (as a decoder would allocate them), never held in one array.
function* events(): Generator<DecodedEvent> {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const base = 1_700_000_000 * SECOND;
  let changes = 0;
  for (let i = 0; changes < CHANGES; i++) {
    const id = i < KEYS ? i : rand(KEYS);
    const ts = base + i * 1000 + rand(2000) * 1000; // ~1000 events per second of event time, 2 s jitter
    const after: Value[] = [BigInt(id), BigInt(id), BigInt(100 + rand(100_000)), ts];
    yield { kind: 'event', op: i < KEYS ? 'c' : 'u', before: null, after, beforeComplete: false };
    changes += i < KEYS ? 1 : 2;
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU time of generating the events alone (subtracted to isolate the operators). */
function generationOnly(): number {
  const c0 = cpuMs();
  let n = 0;
  for (const ev of events()) n += ev.after!.length;
  if (n === 0) throw new Error('no events');
  return cpuMs() - c0;
}

function runPipeline(): void {
  let rows = 0;
  let late = 0;
  let evCount = 0;
  const ctx: OperatorContext = { late: () => void late++ };
  const sink: Output = { change: () => void rows++, watermark() {} };
  const col = (i: number) => (r: Row): Value => r[i] ?? null;
  const dec = T.decimal(10, 2);
  const aggregates: AggregateSpec[] = [
    { fn: 'count_star', argType: undefined, resultType: T.bigint },
    { fn: 'sum', arg: col(2), argType: dec, resultType: T.decimal(38, 2) },
    { fn: 'avg', arg: col(2), argType: dec, resultType: T.double },
    { fn: 'max', arg: col(2), argType: dec, resultType: dec },
  ];
  const agg = new WindowAggregateOp('bench/agg', sink, ctx, {
    window: { kind: 'tumble', size: 60 * SECOND },
    timeColumn: 3,
    groupKeys: [col(1)],
    aggregates,
  });
  const tracker = new WatermarkTracker('bench/wm', { change: (r, w) => agg.onChange(r, w), watermark: (t) => agg.onWatermark(t) }, ctx, {
    timeColumn: 3,
    delay: 5 * SECOND,
  });
  const norm = new ChangelogNormalizer('bench/cl', { change: (r, w) => tracker.onChange(r, w), watermark: (t) => tracker.onWatermark(t) }, ctx, {
    columns: 4,
    primaryKey: [0],
    changelog: 'retract',
  });
  const gen = generationOnly();
  const t0 = performance.now();
  const c0 = cpuMs();
  for (const ev of events()) {
    norm.apply(ev);
    tracker.flushWatermark();
    evCount++;
  }
  norm.onWatermark(Number.POSITIVE_INFINITY);
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const ops = (cpu - gen) / 1000;
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(
    `normalizer+watermark+tumble(count,sum,avg,max): ${fmt(evCount)} events = ${fmt(CHANGES)} changes on ${fmt(KEYS)} keys; ` +
      `wall ${(wall / 1000).toFixed(2)} s, cpu ${(cpu / 1000).toFixed(2)} s incl. ${(gen / 1000).toFixed(2)} s generating events; ` +
      `operators alone: ${fmt(evCount / ops)} events/s = ${fmt(CHANGES / ops)} changes/s ` +
      `(${fmt(rows)} window rows, ${fmt(late)} late changes)`,
  );
}

function checkpointMillionKeys(): void {
  const ctx: OperatorContext = { late() {} };
  const config = { columns: 6, primaryKey: [0], changelog: 'retract' as const };
  const norm = new ChangelogNormalizer('bench/cl', { change() {}, watermark() {} }, ctx, config);
  for (let i = 0; i < 1_000_000; i++)
    norm.apply({
      kind: 'event',
      op: 'r',
      before: null,
      after: [BigInt(i), BigInt(i % 977), BigInt(i * 7), `status-${i % 5}`, 1_700_000_000_000_000 + i, i % 3 === 0 ? null : 'r'],
      beforeComplete: false,
    });
  const t0 = performance.now();
  const text = JSON.stringify(norm.snapshot());
  const t1 = performance.now();
  const copy = new ChangelogNormalizer('bench/cl2', { change() {}, watermark() {} }, ctx, config);
  copy.restore(JSON.parse(text));
  const t2 = performance.now();
  console.log(
    `changelog checkpoint of ${copy.size.toLocaleString('en-US')} keys: ${(text.length / 1e6).toFixed(1)} MB JSON,` +
      ` snapshot+stringify ${(t1 - t0).toFixed(0)} ms, parse+restore ${(t2 - t1).toFixed(0)} ms`,
  );
}

runPipeline(); // warm-up run, then the measured ones
runPipeline();
runPipeline();
checkpointMillionKeys();
