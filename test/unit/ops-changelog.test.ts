// ChangelogNormalizer: Debezium events -> changes, with upsert normalization for PRIMARY KEY
// sources (PK change, missing_before, duplicate c after restart, truncate), the no-PK multiset
// mode (dead-letter without a complete before), append mode, and snapshot/restore.
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../engine/core/value.js';
import type { DecodedEvent, DebeziumOp } from '../../engine/formats/decoded-event.js';
import type { ChangelogConfig } from '../../engine/ops/changelog.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';
import { TapeReader, TapeWriter } from '../../engine/formats/event-tape.js';
import { mulberry32 } from '../../examples/ecommerce/generate.js';

type Out = [Row, number][];

function make(config: ChangelogConfig) {
  const changes: Out = [];
  const n = new ChangelogNormalizer('src/changelog', { change: (r, w) => changes.push([r, w]), watermark() {} }, { late() {} }, config);
  const applyEvent = (ev: DecodedEvent) => {
    changes.length = 0;
    const verdict = n.apply(ev);
    return { verdict, changes: changes.slice() };
  };
  const apply = (op: DebeziumOp, before: Value[] | null, after: Value[] | null, beforeComplete = before !== null) =>
    applyEvent({ kind: 'event', op, before, after, beforeComplete } satisfies DecodedEvent);
  return { n, apply, applyEvent };
}

// columns: id, name, amount
const PK: ChangelogConfig = { columns: 3, primaryKey: [0], changelog: 'retract' };

describe('retract mode with a PRIMARY KEY', () => {
  it('c inserts; c for an existing key retracts the stored row first', () => {
    const { apply, n } = make(PK);
    expect(apply('c', null, [1n, 'a', 10n]).changes).toEqual([[[1n, 'a', 10n], 1]]);
    expect(apply('r', null, [1n, 'a', 10n]).changes).toEqual([
      [[1n, 'a', 10n], -1],
      [[1n, 'a', 10n], 1],
    ]);
    expect(n.size).toBe(1);
  });

  it('u retracts the stored row whatever before holds (null, key-only, stale)', () => {
    const { apply, n } = make(PK);
    apply('c', null, [1n, 'a', 10n]);
    expect(apply('u', null, [1n, 'b', 20n]).changes).toEqual([
      [[1n, 'a', 10n], -1],
      [[1n, 'b', 20n], 1],
    ]);
    expect(apply('u', [1n, null, null], [1n, 'c', 30n], false).changes).toEqual([
      [[1n, 'b', 20n], -1],
      [[1n, 'c', 30n], 1],
    ]);
    expect(apply('u', [1n, 'stale', 0n], [1n, 'd', 40n], true).changes).toEqual([
      [[1n, 'c', 30n], -1],
      [[1n, 'd', 40n], 1],
    ]);
    expect(n.counters.missing_before).toBe(0);
  });

  it('u with no stored row uses a complete before, else counts missing_before', () => {
    const { apply, n } = make(PK);
    expect(apply('u', [7n, 'x', 1n], [7n, 'y', 2n], true).changes).toEqual([
      [[7n, 'x', 1n], -1],
      [[7n, 'y', 2n], 1],
    ]);
    expect(apply('u', null, [8n, 'y', 2n]).changes).toEqual([[[8n, 'y', 2n], 1]]);
    expect(apply('u', [9n, null, null], [9n, 'z', 3n], false).changes).toEqual([[[9n, 'z', 3n], 1]]);
    expect(n.counters.missing_before).toBe(2);
    // the inserted rows are stored: the next update retracts them
    expect(apply('u', null, [8n, 'w', 4n]).changes).toEqual([
      [[8n, 'y', 2n], -1],
      [[8n, 'w', 4n], 1],
    ]);
  });

  it('u that changes the primary key retracts the old key and moves the row', () => {
    const { apply, n } = make(PK);
    apply('c', null, [1n, 'a', 10n]);
    apply('c', null, [2n, 'b', 20n]);
    // key 1 becomes key 2: both the stored row of 1 and the row already under 2 are retracted
    expect(apply('u', [1n, null, null], [2n, 'a', 11n], false).changes).toEqual([
      [[1n, 'a', 10n], -1],
      [[2n, 'b', 20n], -1],
      [[2n, 'a', 11n], 1],
    ]);
    expect(n.size).toBe(1);
    expect(apply('d', [1n, null, null], null, false).changes).toEqual([]);
    expect(n.counters.missing_before).toBe(1);
    expect(apply('d', [2n, null, null], null, false).changes).toEqual([[[2n, 'a', 11n], -1]]);
    expect(n.size).toBe(0);
  });

  it('d retracts the stored row (key-only before), else a complete before, else counts', () => {
    const { apply, n } = make(PK);
    apply('c', null, [1n, 'a', 10n]);
    expect(apply('d', [1n, null, null], null, false).changes).toEqual([[[1n, 'a', 10n], -1]]);
    expect(apply('d', [1n, 'a', 10n], null, true).changes).toEqual([[[1n, 'a', 10n], -1]]);
    expect(apply('d', [1n, null, null], null, false).changes).toEqual([]);
    expect(n.counters.missing_before).toBe(1);
    const dl = apply('d', null, null).verdict;
    expect(dl.kind).toBe('dead-letter');
  });

  it('t retracts every stored row and clears the store', () => {
    const { apply, n } = make(PK);
    apply('c', null, [1n, 'a', 10n]);
    apply('c', null, [2n, 'b', 20n]);
    apply('d', [1n, null, null], null, false);
    apply('c', null, [3n, 'c', 30n]);
    expect(apply('t', null, null).changes).toEqual([
      [[2n, 'b', 20n], -1],
      [[3n, 'c', 30n], -1],
    ]);
    expect(n.counters.truncates).toBe(1);
    expect(apply('c', null, [2n, 'b', 21n]).changes).toEqual([[[2n, 'b', 21n], 1]]);
  });

  it('composite keys and NULL-free key detection', () => {
    const { apply } = make({ columns: 3, primaryKey: [0, 1], changelog: 'retract' });
    apply('c', null, [1n, 'x', 1n]);
    apply('c', null, [1n, 'y', 2n]);
    expect(apply('u', null, [1n, 'y', 3n]).changes).toEqual([
      [[1n, 'y', 2n], -1],
      [[1n, 'y', 3n], 1],
    ]);
  });

  it('snapshot/restore of 200,000 keys is compact and exact', () => {
    const { n } = make(PK);
    for (let i = 0; i < 200_000; i++)
      n.apply({ kind: 'event', op: 'c', before: null, after: [BigInt(i), `n${i % 7}`, BigInt(i * 3)], beforeComplete: false });
    const text = JSON.stringify(n.snapshot());
    expect(text.length).toBeLessThan(200_000 * 30);
    const b = make(PK);
    b.n.restore(JSON.parse(text));
    expect(b.n.size).toBe(200_000);
    expect(b.apply('u', null, [123456n, 'new', 0n]).changes).toEqual([
      [[123456n, 'n4', 370368n], -1],
      [[123456n, 'new', 0n], 1],
    ]);
  });
});

describe('the keyed store', () => {
  it('keeps rows by value (the caller may reuse its arrays) and every value type exactly', () => {
    const { apply } = make({ columns: 5, primaryKey: [0], changelog: 'retract' });
    const row: Value[] = [2n ** 64n, -0, 'x', new Uint8Array([9]), true];
    apply('c', null, row);
    row[2] = 'changed after apply';
    expect(apply('u', null, [2n ** 64n, 1, 'y', null, false]).changes[0]).toEqual([[2n ** 64n, -0, 'x', new Uint8Array([9]), true], -1]);
  });

  it('matches a Map of rows through random upserts, deletes, key moves and truncates (order included)', () => {
    let seed = 17;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const { apply, n } = make({ columns: 3, primaryKey: [0], changelog: 'retract' });
    const ref = new Map<bigint, Value[]>(); // the semantics of a Map keyed by the primary key
    const refChanges: [Row, number][] = [];
    let id = 0;
    const key = (): bigint => BigInt(rnd(4) === 0 ? rnd(id + 1) : Math.max(0, id - rnd(3000)));
    for (let i = 0; i < 60_000; i++) {
      // alternating phases of growth and of mostly deletes (which compact the store)
      const x = Math.floor(i / 10_000) % 2 === 0 ? rnd(100) : 70 + rnd(29);
      refChanges.length = 0;
      let got: [Row, number][];
      if (x < 45) {
        const k = rnd(3) === 0 ? key() : BigInt(id++);
        const row = [k, `v${i}`, BigInt(i)];
        const old = ref.get(k);
        if (old) refChanges.push([old, -1]);
        refChanges.push([row, 1]);
        ref.set(k, row);
        got = apply('c', null, row).changes;
      } else if (x < 65) {
        const k = key();
        const row = [k, `u${i}`, BigInt(-i)];
        const old = ref.get(k);
        if (old) refChanges.push([old, -1]);
        refChanges.push([row, 1]);
        ref.set(k, row);
        got = apply('u', null, row).changes;
      } else if (x < 70) {
        // primary key change from k to k2
        const k = key();
        const k2 = rnd(2) === 0 ? BigInt(id++) : key();
        const row = [k2, `m${i}`, 0n];
        const old = ref.get(k);
        if (old) refChanges.push([old, -1]);
        if (k !== k2) {
          ref.delete(k);
          const other = ref.get(k2);
          if (other) refChanges.push([other, -1]);
        }
        refChanges.push([row, 1]);
        ref.set(k2, row);
        got = apply('u', [k, null, null], row, false).changes;
      } else if (x < 99 || i % 20_000 !== 0) {
        const k = key();
        const old = ref.get(k);
        if (old) refChanges.push([old, -1]);
        ref.delete(k);
        got = apply('d', [k, null, null], null, false).changes;
      } else {
        for (const row of ref.values()) refChanges.push([row, -1]);
        ref.clear();
        got = apply('t', null, null).changes;
      }
      expect(got).toEqual(refChanges);
      if (i % 15_000 === 14_999) {
        // mid-stream checkpoint: the restored store continues in the same order
        const b = make({ columns: 3, primaryKey: [0], changelog: 'retract' });
        b.n.restore(JSON.parse(JSON.stringify(n.snapshot())));
        expect(b.apply('t', null, null).changes).toEqual([...ref.values()].map((r) => [r, -1]));
      }
    }
    expect(n.size).toBe(ref.size);
    expect(apply('t', null, null).changes).toEqual([...ref.values()].map((r) => [r, -1]));
  });
});

describe('keyed checkpoints', () => {
  it('numeric rows round-trip as packed columns, directly and through JSON', () => {
    const cfg: ChangelogConfig = { columns: 4, primaryKey: [0], changelog: 'retract' };
    const { n, apply } = make(cfg);
    for (let i = 0; i < 5000; i++) apply('c', null, [BigInt(i), BigInt(i % 7), i % 5 === 0 ? null : BigInt(i * 100), 1.7e15 + i]);
    for (let i = 0; i < 5000; i += 3) apply('d', [BigInt(i), null, null, null], null, false);
    const direct = make(cfg);
    direct.n.restore(n.snapshot());
    const viaJson = make(cfg);
    viaJson.n.restore(JSON.parse(JSON.stringify(n.snapshot())));
    const rest = (m: ReturnType<typeof make>) => m.apply('t', null, null).changes;
    const want = rest(make(cfg)); // nothing stored
    expect(want).toEqual([]);
    const a = rest(direct);
    expect(a).toHaveLength(n.size);
    expect(a[0]).toEqual([[1n, 1n, 100n, 1.7e15 + 1], -1]);
    expect(a[3]).toEqual([[5n, 5n, null, 1.7e15 + 5], -1]);
    expect(rest(viaJson)).toEqual(a);
  });
});

describe('keyed checkpoints of every value type', () => {
  it('round-trip directly, through JSON and through the binary checkpoint, in order', async () => {
    const { encodeCheckpoint, decodeCheckpoint } = await import('../../engine/state/checkpoint.js');
    const cfg: ChangelogConfig = { columns: 6, primaryKey: [0], changelog: 'retract' };
    const { n, apply } = make(cfg);
    const rowOf = (i: number): Value[] => [
      BigInt(i),
      i % 4 === 0 ? null : `s${i}\u00e9`,
      i % 3 === 0 ? null : i % 2 === 0,
      i % 5 === 0 ? Number.POSITIVE_INFINITY : i % 7 === 0 ? Number.NaN : i / 4, // (-0 does not survive the JSON form)
      i % 6 === 0 ? null : 2n ** 60n + BigInt(i), // beyond the safe range
      i % 9 === 0 ? new Uint8Array([i & 255]) : null, // bytes: no packed form of their own
    ];
    for (let i = 0; i < 3000; i++) apply('c', null, rowOf(i));
    for (let i = 0; i < 3000; i += 4) apply('d', [BigInt(i), null, null, null, null, null], null, false);
    const want = [...Array(3000).keys()].filter((i) => i % 4 !== 0).map((i) => [rowOf(i), -1]);
    const bytes = encodeCheckpoint({ version: 1, sink: 's', planFingerprint: '', positions: {}, operators: { n: n.snapshot() } });
    for (const state of [n.snapshot(), JSON.parse(JSON.stringify(n.snapshot())), decodeCheckpoint(bytes, 'test').operators['n']]) {
      const b = make(cfg);
      b.n.restore(state);
      expect(b.apply('t', null, null).changes).toEqual(want);
    }
    // without the bytes column every column packs on its own
    const c5: ChangelogConfig = { columns: 5, primaryKey: [0], changelog: 'retract' };
    const m = make(c5);
    for (let i = 0; i < 100; i++) m.apply('c', null, rowOf(i).slice(0, 5));
    const copy = make(c5);
    copy.n.restore(decodeCheckpoint(encodeCheckpoint({ version: 1, sink: 's', planFingerprint: '', positions: {}, operators: { n: m.n.snapshot() } }), 't').operators['n']);
    expect(copy.apply('t', null, null).changes).toEqual([...Array(100).keys()].map((i) => [rowOf(i).slice(0, 5), -1]));
  });
});

describe('retract mode without a PRIMARY KEY', () => {
  const NOPK: ChangelogConfig = { columns: 3, primaryKey: [], changelog: 'retract', metadataColumns: [2] };

  it('u/d need a complete before, else the event is dead-lettered', () => {
    const { apply } = make(NOPK);
    apply('c', null, [1n, 'a', 'c']);
    const r = apply('u', null, [1n, 'b', 'u']);
    expect(r.changes).toEqual([]);
    expect(r.verdict).toEqual({
      kind: 'dead-letter',
      reason: 'missing-image',
      message: expect.stringContaining('PRIMARY KEY') as unknown,
    });
    expect((r.verdict as { message: string }).message).toContain('REPLICA IDENTITY FULL');
    expect(apply('d', [1n, null, 'd'], null, false).verdict.kind).toBe('dead-letter');
  });

  it('retracts the live row matching before on the non-metadata columns', () => {
    const { apply } = make(NOPK);
    apply('c', null, [1n, 'a', 'c']);
    // before carries this event's metadata ('u'); the live row inserted with 'c' is retracted
    expect(apply('u', [1n, 'a', 'u'], [1n, 'b', 'u'], true).changes).toEqual([
      [[1n, 'a', 'c'], -1],
      [[1n, 'b', 'u'], 1],
    ]);
    // no live row matches: the complete before itself is retracted
    expect(apply('d', [5n, 'q', 'd'], null, true).changes).toEqual([[[5n, 'q', 'd'], -1]]);
  });

  it('t retracts every live row with its multiplicity; state survives snapshot/restore', () => {
    const { n } = make(NOPK);
    const ev = (op: DebeziumOp, after: Value[]): DecodedEvent => ({ kind: 'event', op, before: null, after, beforeComplete: false });
    n.apply(ev('c', [1n, 'a', 'c']));
    n.apply(ev('c', [1n, 'a', 'c']));
    n.apply(ev('c', [2n, 'b', 'c']));
    const b = make(NOPK);
    b.n.restore(JSON.parse(JSON.stringify(n.snapshot())));
    expect(b.apply('t', null, null).changes).toEqual([
      [[1n, 'a', 'c'], -1],
      [[1n, 'a', 'c'], -1],
      [[2n, 'b', 'c'], -1],
    ]);
    expect(b.n.size).toBe(0);
  });
});

describe('append mode', () => {
  it('every event is one appended row; d appends before; t is counted and skipped', () => {
    const { apply, n } = make({ columns: 3, primaryKey: [0], changelog: 'append' });
    expect(apply('c', null, [1n, 'a', 10n]).changes).toEqual([[[1n, 'a', 10n], 1]]);
    expect(apply('c', null, [1n, 'a', 10n]).changes).toEqual([[[1n, 'a', 10n], 1]]);
    expect(apply('u', [1n, 'a', 10n], [1n, 'b', 11n]).changes).toEqual([[[1n, 'b', 11n], 1]]);
    expect(apply('d', [1n, null, null], null, false).changes).toEqual([[[1n, null, null], 1]]);
    expect(apply('t', null, null).changes).toEqual([]);
    expect(n.counters).toEqual({ missing_before: 0, truncates: 1 });
    expect(apply('d', null, null).verdict.kind).toBe('dead-letter');
  });
});

describe('events read from a decode tape (with beforeNums / afterNums)', () => {
  it('give the same changes, counters and state as the same events without them', () => {
    const rnd = mulberry32(7);
    // keys in and beyond the safe-integer range, and a primary key change now and then
    const keys = [0n, 1n, 2n, 3n, -5n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 62n, 123_456_789_012n];
    const pick = (): bigint => keys[Math.floor(rnd() * keys.length)]!;
    const row = (): Value[] => [
      pick(),
      rnd() < 0.2 ? null : `n${Math.floor(rnd() * 5)}`,
      rnd() < 0.3 ? 2n ** 60n + BigInt(Math.floor(rnd() * 9)) : BigInt(Math.floor(rnd() * 1000)),
    ];
    const ops: DebeziumOp[] = ['c', 'r', 'u', 'u', 'd'];
    const events: DecodedEvent[] = [];
    for (let i = 0; i < 3000; i++) {
      const op = ops[Math.floor(rnd() * ops.length)]!;
      const before = op === 'c' || op === 'r' || rnd() < 0.3 ? null : row();
      const after = op === 'd' ? null : row();
      if (op === 'd' && before === null) continue;
      events.push({ kind: 'event', op, before, after, beforeComplete: before !== null && rnd() < 0.8 });
    }
    const tape = new TapeWriter(64);
    for (const e of events) tape.write(e);
    const bytes = tape.take();
    const reader = new TapeReader(bytes);
    // as the runtime reads it: one event object, refilled for every event
    const reusing = new TapeReader(bytes, true);
    const plain = make(PK);
    const taped = make(PK);
    const reused = make(PK);
    let last: DecodedEvent | undefined;
    for (const e of events) {
      const fromTape = reader.next() as DecodedEvent;
      expect(fromTape.afterNums !== undefined).toBe(true);
      const want = plain.applyEvent(e);
      expect(taped.applyEvent(fromTape)).toEqual(want);
      const again = reusing.next() as DecodedEvent;
      expect(again === last || last === undefined).toBe(true);
      last = again;
      expect({ ...again, beforeNums: null, afterNums: null }).toEqual({ ...fromTape, beforeNums: null, afterNums: null });
      expect(reused.applyEvent(again)).toEqual(want);
    }
    for (const n of [taped.n, reused.n]) {
      expect(n.size).toBe(plain.n.size);
      expect(n.counters).toEqual(plain.n.counters);
      expect(JSON.stringify(n.snapshot())).toBe(JSON.stringify(plain.n.snapshot()));
    }
    expect(taped.n.counters.missing_before).toBeGreaterThan(0);
  });
});
