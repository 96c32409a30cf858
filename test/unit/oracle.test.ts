// Oracle property test (a DBSP identity): random Debezium-like event sequences go through
// ChangelogNormalizer -> WatermarkTracker -> (Filter) -> Window/Session aggregate, and the
// emitted rows, late counts and normalizer counters must equal the naive from-scratch reference
// in test/harness/reference-windows.ts. Some cases checkpoint mid-stream (JSON round trip into
// fresh operators; the output must then equal the uninterrupted run exactly, order included),
// others finish a bounded run (+Infinity) and resume on appended input. TUMBLE and HOP also run
// into a sink that takes int64s as numbers and copies each row (the operator may then reuse one
// array): the same rows, safe bigints possibly as numbers.
import { describe, expect, it } from 'vitest';
import { T } from '../../catalog/types.js';
import type { Row, Value } from '../../engine/core/value.js';
import type { DebeziumOp, DecodedEvent } from '../../engine/formats/decoded-event.js';
import type { AggregateSpec } from '../../engine/ops/accumulators.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';
import { FilterOp } from '../../engine/ops/filter.js';
import type { Operator, OperatorContext, Output } from '../../engine/ops/operator.js';
import { SessionAggregateOp } from '../../engine/ops/session-aggregate.js';
import { WatermarkTracker } from '../../engine/ops/watermark.js';
import { WindowAggregateOp } from '../../engine/ops/window-aggregate.js';
import type { RefQuery } from '../harness/reference-windows.js';
import { ReferencePipeline } from '../harness/reference-windows.js';

// ------------------------------------------------------------------ seeded randomness
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<X>(xs: readonly X[]): X {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

// ------------------------------------------------------------------ schema and query
// [0 id BIGINT PK, 1 cust VARCHAR, 2 amount DECIMAL(10,2), 3 qty INT, 4 score DOUBLE, 5 ts TIMESTAMP, 6 op METADATA]
const WIDTH = 7;
const TS = 5;
const col = (i: number) => (r: Row): Value => r[i] ?? null;
const gt = (i: number, x: number) => (r: Row): Value => {
  const v = r[i] ?? null;
  return v === null ? null : typeof v === 'bigint' ? v > BigInt(x) : (v as number) > x;
};
const notNull = (i: number) => (r: Row): Value => (r[i] ?? null) !== null;
const dec = T.decimal(10, 2);

const AGGS: AggregateSpec[] = [
  { fn: 'count_star', argType: undefined, resultType: T.bigint },
  { fn: 'count_star', filter: gt(3, 2), argType: undefined, resultType: T.bigint },
  { fn: 'count', arg: col(4), argType: T.double, resultType: T.bigint },
  { fn: 'count_distinct', arg: col(3), argType: T.int, resultType: T.bigint },
  { fn: 'count_distinct', arg: col(1), filter: gt(2, 0), argType: T.varchar, resultType: T.bigint },
  { fn: 'sum', arg: col(2), argType: dec, resultType: T.decimal(38, 2) },
  { fn: 'sum', arg: col(3), argType: T.int, resultType: T.bigint },
  { fn: 'sum', arg: col(4), argType: T.double, resultType: T.double },
  { fn: 'sum', arg: col(0), filter: notNull(4), argType: T.bigint, resultType: T.bigint },
  { fn: 'avg', arg: col(2), argType: dec, resultType: T.double },
  { fn: 'avg', arg: col(3), filter: gt(4, 0), argType: T.int, resultType: T.double },
  { fn: 'avg', arg: col(4), argType: T.double, resultType: T.double },
  { fn: 'min', arg: col(2), argType: dec, resultType: dec },
  { fn: 'max', arg: col(2), argType: dec, resultType: dec },
  { fn: 'min', arg: col(1), argType: T.varchar, resultType: T.varchar },
  { fn: 'max', arg: col(4), argType: T.double, resultType: T.double },
  { fn: 'max', arg: col(5), filter: notNull(3), argType: T.timestamp(3), resultType: T.timestamp(3) },
  { fn: 'stddev_pop', arg: col(3), argType: T.int, resultType: T.double },
  { fn: 'stddev_samp', arg: col(2), argType: dec, resultType: T.double },
  { fn: 'var_pop', arg: col(4), argType: T.double, resultType: T.double },
  { fn: 'var_samp', arg: col(3), filter: gt(2, 0), argType: T.int, resultType: T.double },
  { fn: 'stddev_samp', arg: col(4), argType: T.double, resultType: T.double },
  { fn: 'var_pop', arg: col(0), argType: T.bigint, resultType: T.double },
];

/**
 * The same aggregates with inputKeys as lowering gives them (equal argument and FILTER, equal key),
 * so SUM/AVG/STDDEV of one column share state and COUNT(*) reads the row count.
 */
const ARG_COLUMN = [-1, -1, 4, 3, 1, 2, 3, 4, 0, 2, 3, 4, 2, 2, 1, 4, 5, 3, 2, 4, 3, 4, 0];
const FILTER_KEY = new Map<number, string>([
  [1, 'qty>2'],
  [4, 'amount>0'],
  [8, 'score not null'],
  [10, 'score>0'],
  [16, 'qty not null'],
  [20, 'amount>0'],
]);
const AGGS_KEYED: AggregateSpec[] = AGGS.map((a, i) => ({
  ...a,
  inputKey: `${a.fn === 'count_star' ? '*' : `c${ARG_COLUMN[i]}`}|${FILTER_KEY.get(i) ?? ''}`,
}));

function randomQuery(r: Rng): RefQuery {
  const changelog = r.chance(0.15) ? 'append' : 'retract';
  const primaryKey = changelog === 'retract' && r.chance(0.2) ? [] : [0];
  const kind = r.pick(['tumble', 'hop', 'session'] as const);
  const window =
    kind === 'tumble'
      ? { kind, size: r.int(4, 15) }
      : kind === 'hop'
        ? (() => {
            const slide = r.int(2, 6);
            return { kind, slide, size: r.chance(0.7) ? slide * r.int(1, 4) : r.int(slide, slide * 3) };
          })()
        : { kind, gap: r.int(2, 10) };
  const groupKeys = r.pick([[col(1)], [], [col(1), col(3)]]);
  return {
    source: { columns: WIDTH, primaryKey, changelog, metadataColumns: [6] },
    timeColumn: TS,
    delay: r.int(0, 5),
    filter: r.chance(0.3) ? (row: Row): Value => ((row[3] ?? null) === null ? null : (row[3] as number) >= 1) : undefined,
    window,
    groupKeys,
    aggregates: AGGS,
  };
}

// ------------------------------------------------------------------ Debezium-like events
function randomEvents(r: Rng, n: number, noKey: boolean): DecodedEvent[] {
  const truth = new Map<bigint, Value[]>(); // what the database holds (without the op column)
  let clock = r.int(-20, 20);
  let nextId = 1n;
  const time = (): Value => {
    if (r.chance(0.03)) return null;
    if (r.chance(0.08)) return clock - r.int(15, 60); // very late
    return clock + r.int(-5, 2);
  };
  const mk = (id: bigint): Value[] => [
    id,
    r.pick(['a', 'b', 'c']),
    r.chance(0.1) ? null : BigInt(r.int(-300, 3000)),
    r.chance(0.1) ? null : r.int(0, 5),
    r.chance(0.1) ? null : r.int(-40, 40) / 4,
    time(),
  ];
  const withOp = (row: Value[] | null, op: DebeziumOp): Value[] | null => (row === null ? null : [...row, op]);
  const keyOnly = (id: bigint): Value[] => [id, null, null, null, null, null];
  const ids = (): bigint[] => [...truth.keys()];
  const events: DecodedEvent[] = [];
  const push = (op: DebeziumOp, before: Value[] | null, after: Value[] | null, complete: boolean): void => {
    events.push({ kind: 'event', op, before: withOp(before, op), after: withOp(after, op), beforeComplete: complete && before !== null });
  };
  for (let i = 0; i < n; i++) {
    clock += r.int(0, 3);
    const existing = ids();
    const x = r.int(0, 99);
    if (x < 30 || existing.length === 0) {
      const id = r.chance(0.15) && nextId > 1n ? BigInt(r.int(1, Number(nextId) - 1)) : nextId++; // PK reuse
      const row = mk(id);
      truth.set(id, row);
      push('c', null, row, false);
    } else if (x < 35) {
      const id = r.pick(existing);
      push('r', null, truth.get(id)!, false);
    } else if (x < 65) {
      const id = r.pick(existing);
      const old = truth.get(id)!;
      const row = mk(id);
      truth.set(id, row);
      const v = r.int(0, 3);
      if (noKey) {
        if (r.chance(0.85)) push('u', old, row, true);
        else push('u', null, row, false);
      } else if (v === 0) push('u', null, row, false);
      else if (v === 1) push('u', keyOnly(id), row, false);
      else if (v === 2) push('u', old, row, true);
      else push('u', mk(id), row, true); // stale complete before: must be ignored
    } else if (x < 69) {
      // primary key change
      const id = r.pick(existing);
      const old = truth.get(id)!;
      const nid = r.chance(0.5) ? nextId++ : r.pick(existing);
      const row = mk(nid);
      truth.delete(id);
      truth.set(nid, row);
      push('u', r.chance(0.5) ? keyOnly(id) : old, row, false);
    } else if (x < 84) {
      const id = r.pick(existing);
      const old = truth.get(id)!;
      truth.delete(id);
      if (noKey ? r.chance(0.85) : r.chance(0.5)) push('d', old, null, true);
      else push('d', keyOnly(id), null, false);
    } else if (x < 90) {
      // an event for a key this pipeline never saw (complete or partial before)
      const id = nextId++;
      const before = mk(id);
      const complete = r.chance(0.6);
      if (r.chance(0.5)) {
        const row = mk(id);
        truth.set(id, row);
        push('u', complete ? before : null, row, complete);
      } else push('d', complete ? before : keyOnly(id), null, complete);
    } else if (x < 91) {
      truth.clear();
      push('t', null, null, false);
    } else if (x < 93) {
      // a c/r replayed after a restart: same row again
      const id = r.pick(existing);
      push('c', null, truth.get(id)!, false);
    } else {
      const id = r.pick(existing);
      const row = mk(id);
      truth.set(id, row);
      push('u', null, row, false);
    }
  }
  return events;
}

// ------------------------------------------------------------------ the operator pipeline
interface Chain {
  readonly ops: Operator[];
  readonly normalizer: ChangelogNormalizer;
  readonly tracker: WatermarkTracker;
}

function buildChain(q: RefQuery, sink: Output, ctx: OperatorContext): Chain {
  const to = (op: Operator): Output => ({ change: (r, w) => op.onChange(r, w), watermark: (t) => op.onWatermark(t) });
  const win = q.window;
  const agg: Operator =
    win.kind === 'session'
      ? new SessionAggregateOp('q/agg', sink, ctx, { gap: win.gap, timeColumn: TS, groupKeys: q.groupKeys, aggregates: q.aggregates })
      : new WindowAggregateOp('q/agg', sink, ctx, { window: win, timeColumn: TS, groupKeys: q.groupKeys, aggregates: q.aggregates });
  const ops: Operator[] = [agg];
  let head = to(agg);
  if (q.filter !== undefined) {
    const f = new FilterOp('q/filter', head, ctx, { predicate: q.filter });
    ops.push(f);
    head = to(f);
  }
  const tracker = new WatermarkTracker('q/watermark', head, ctx, { timeColumn: TS, delay: q.delay });
  ops.push(tracker);
  const normalizer = new ChangelogNormalizer('q/changelog', to(tracker), ctx, q.source);
  return { ops, normalizer, tracker };
}

interface Plan {
  readonly checkpointAt: number | undefined; // snapshot + restore into fresh operators after this event
  readonly endAt: number | undefined; // bounded run ends after this event, then appended input resumes
}

/**
 * `packing`: the sink takes safe BIGINT/DECIMAL values as numbers and copies each row it gets, so
 * the operator may refill one array (as the Iceberg sink does).
 */
function runOperators(q: RefQuery, events: readonly DecodedEvent[], plan: Plan, packing = false) {
  const output: Row[] = [];
  const stats = { late: 0, dead: 0, missing: 0, truncates: 0 };
  const sink: Output = {
    change: (r, w) => (expect(w).toBe(1), output.push(packing ? [...r] : r)),
    watermark() {},
    int64AsNumber: packing,
    copiesRows: packing,
  };
  const ctx: OperatorContext = { late: () => void stats.late++ };
  let chain = buildChain(q, sink, ctx);
  const handOver = (): void => {
    const snaps = JSON.parse(JSON.stringify([chain.normalizer.snapshot(), ...chain.ops.map((o) => o.snapshot())])) as unknown[];
    stats.missing += chain.normalizer.counters.missing_before;
    stats.truncates += chain.normalizer.counters.truncates;
    chain = buildChain(q, sink, ctx);
    chain.normalizer.restore(snaps[0]);
    chain.ops.forEach((o, i) => o.restore(snaps[i + 1]));
  };
  events.forEach((ev, i) => {
    if (chain.normalizer.apply(ev).kind !== 'ok') stats.dead++;
    chain.tracker.flushWatermark();
    if (plan.endAt === i) {
      chain.normalizer.onWatermark(Number.POSITIVE_INFINITY);
      handOver();
    } else if (plan.checkpointAt === i) handOver();
  });
  chain.normalizer.onWatermark(Number.POSITIVE_INFINITY);
  stats.missing += chain.normalizer.counters.missing_before;
  stats.truncates += chain.normalizer.counters.truncates;
  return { output, stats };
}

function runReference(q: RefQuery, events: readonly DecodedEvent[], plan: Plan) {
  const ref = new ReferencePipeline(q);
  events.forEach((ev, i) => {
    ref.event(ev);
    if (plan.endAt === i) {
      ref.end();
      ref.restartAfterEnd();
    }
  });
  ref.end();
  return { output: ref.output, stats: { late: ref.late, dead: ref.deadLetters, missing: ref.missingBefore, truncates: ref.truncates } };
}

// ------------------------------------------------------------------ multiset comparison
function close(a: Value, b: Value, tolerant: boolean): boolean {
  if (a === b) return true;
  if (tolerant && typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  return false;
}

function show(v: Value): string {
  return typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
}

/** Returns a description of the first difference between two multisets of rows, or ''. */
function diffMultisets(actual: Row[], expected: Row[], doubleCols: Set<number>): string {
  const left = actual.slice();
  for (const e of expected) {
    const i = left.findIndex((a) => a.length === e.length && a.every((v, c) => close(v, e[c]!, doubleCols.has(c))));
    if (i < 0) return `missing expected row [${e.map(show).join(', ')}]\nactual rows:\n${actual.map((a) => a.map(show).join(', ')).join('\n')}`;
    left.splice(i, 1);
  }
  if (left.length > 0) return `unexpected row [${left[0]!.map(show).join(', ')}]`;
  return '';
}

describe('oracle: incremental window operators equal a from-scratch recomputation', () => {
  const CASES = 400;
  it(`${CASES} random cases over TUMBLE, HOP and SESSION`, () => {
    let emitted = 0;
    let late = 0;
    let asNumbers = 0;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= CASES; seed++) {
      const r = new Rng(seed * 7919);
      // odd seeds: aggregates with inputKeys (shared state), even seeds: every aggregate on its own
      const q = seed % 2 === 1 ? { ...randomQuery(r), aggregates: AGGS_KEYED } : randomQuery(r);
      const n = r.int(5, 70);
      const events = randomEvents(r, n, q.source.primaryKey.length === 0 && q.source.changelog === 'retract');
      const mode = r.int(0, 9);
      const plan: Plan = {
        checkpointAt: mode < 4 ? r.int(0, n - 1) : undefined,
        endAt: mode >= 7 ? r.int(0, n - 1) : undefined,
      };
      const got = runOperators(q, events, plan);
      const want = runReference(q, events, plan);
      const doubleCols = new Set<number>();
      q.aggregates.forEach((a, i) => a.resultType.kind === 'double' && doubleCols.add(q.groupKeys.length + 2 + i));
      const diff = diffMultisets(got.output, want.output, doubleCols);
      const where = `seed ${seed} (${q.window.kind}, ${q.source.changelog}, pk=${q.source.primaryKey.length}, plan=${JSON.stringify(plan)})`;
      expect(diff, where).toBe('');
      expect(got.stats, where).toEqual(want.stats);
      if (plan.checkpointAt !== undefined) {
        // a checkpoint restored into fresh operators changes nothing, not even the order
        const straight = runOperators(q, events, { checkpointAt: undefined, endAt: plan.endAt });
        expect(got.output, where).toEqual(straight.output);
        expect(got.stats, where).toEqual(straight.stats);
      }
      if (q.window.kind !== 'session') {
        // into a sink taking int64s as numbers and copying rows: the same rows, a safe bigint
        // possibly as its number
        const loose = runOperators(q, events, plan, true);
        expect(loose.stats, where).toEqual(got.stats);
        expect(loose.output.length, where).toBe(got.output.length);
        loose.output.forEach((row, i) =>
          row.forEach((v, c) => {
            const strict = got.output[i]![c]!;
            if (typeof v === 'number' && typeof strict === 'bigint') {
              expect(Number.isSafeInteger(v) && BigInt(v) === strict, `${where} row ${i} col ${c}`).toBe(true);
              asNumbers++;
            } else expect(Object.is(v, strict) || v === strict, `${where} row ${i} col ${c}: ${show(v)} vs ${show(strict)}`).toBe(true);
          }),
        );
      }
      emitted += got.output.length;
      late += got.stats.late;
      kinds.add(q.window.kind);
    }
    expect(asNumbers).toBeGreaterThan(CASES);
    // the generator must actually exercise output and lateness
    expect(emitted).toBeGreaterThan(CASES * 2);
    expect(late).toBeGreaterThan(CASES / 4);
    expect(kinds.size).toBe(3);
  });
});
