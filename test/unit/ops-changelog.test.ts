// ChangelogNormalizer: Debezium events -> changes, with upsert normalization for PRIMARY KEY
// sources (PK change, missing_before, duplicate c after restart, truncate), the no-PK multiset
// mode (dead-letter without a complete before), append mode, and snapshot/restore.
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../engine/core/value.js';
import type { DecodedEvent, DebeziumOp } from '../../engine/formats/decoded-event.js';
import type { ChangelogConfig } from '../../engine/ops/changelog.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';

type Out = [Row, number][];

function make(config: ChangelogConfig) {
  const changes: Out = [];
  const n = new ChangelogNormalizer('src/changelog', { change: (r, w) => changes.push([r, w]), watermark() {} }, { late() {} }, config);
  /** Apply one event and return the changes it produced. */
  const apply = (op: DebeziumOp, before: Value[] | null, after: Value[] | null, beforeComplete = before !== null) => {
    changes.length = 0;
    const verdict = n.apply({ kind: 'event', op, before, after, beforeComplete } satisfies DecodedEvent);
    return { verdict, changes: changes.slice() };
  };
  return { n, apply };
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
