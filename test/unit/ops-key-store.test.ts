// KeyTable (group/primary key -> slot: direct pages, open addressing and a Map for other keys)
// and RowStore (rows packed in typed arrays): random operations against a Map/array reference,
// every value type, the switch from pages to hashing, compaction keeping insertion order; the
// store's checkpoint form (its pages) through a binary checkpoint and through JSON, and KeyedRows
// restoring from it and from the older packed rows.
import { describe, expect, it } from 'vitest';
import type { Value } from '../../engine/core/value.js';
import type { GroupKey } from '../../engine/state/group-key.js';
import { KeyTable } from '../../engine/ops/key-table.js';
import { KeyedRows } from '../../engine/ops/keyed-rows.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../engine/state/checkpoint.js';
import { decodeRows, encodeRows, type RowsJson } from '../../engine/state/row-codec.js';
import { RowPages, RowStore } from '../../engine/state/row-store.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drive `table` and a Map with the same random operations; they must agree throughout. */
function fuzz(table: KeyTable, keyOf: (r: () => number) => GroupKey, ops: number, seed: number): Map<GroupKey, number> {
  const r = rng(seed);
  const ref = new Map<GroupKey, number>();
  let next = 0;
  for (let i = 0; i < ops; i++) {
    const k = keyOf(r);
    const x = r();
    if (x < 0.55) {
      const slot = next++;
      table.set(k, slot);
      ref.set(k, slot);
    } else if (x < 0.8) {
      expect(table.delete(k)).toBe(ref.get(k) ?? -1);
      ref.delete(k);
    } else expect(table.get(k)).toBe(ref.get(k) ?? -1);
    if (i % 997 === 0) expect(table.size).toBe(ref.size);
  }
  for (const [k, v] of ref) expect(table.get(k)).toBe(v);
  expect(table.size).toBe(ref.size);
  return ref;
}

describe('KeyTable', () => {
  const mixed = (r: () => number): GroupKey => {
    const x = r();
    if (x < 0.5) return Math.floor(r() * 3000) - 1000; // small ints, negatives
    if (x < 0.6) return Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1); // safe ints at the edges
    if (x < 0.65) return [0, -0, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 0.5, Number.NaN, Infinity][Math.floor(r() * 8)]!;
    if (x < 0.75) return `s${Math.floor(r() * 300)}`;
    if (x < 0.85) return BigInt(Math.floor(r() * 300)) * 2n ** 60n; // beyond the safe range
    if (x < 0.9) return r() < 0.5;
    if (x < 0.93) return null;
    return Math.floor(r() * 50) + 0.25; // non-integers
  };

  it('hash mode agrees with a Map for every kind of key', () => {
    const ref = fuzz(new KeyTable(), mixed, 40_000, 1);
    expect(ref.size).toBeGreaterThan(500);
  });

  it('direct pages agree with a Map, dense and sparse alike', () => {
    fuzz(new KeyTable({ dense: true }), mixed, 40_000, 2);
    // auto-increment ids with deletes of recent ones
    let id = 1_000_000;
    fuzz(new KeyTable({ dense: true }), (r) => (r() < 0.6 ? id++ : id - 1 - Math.floor(r() * 200)), 60_000, 3);
  });

  it('gives up direct pages for hashing when keys turn out sparse, keeping every entry', () => {
    const t = new KeyTable({ dense: true });
    for (let i = 0; i < 5000; i++) t.set(i, i); // dense: two pages
    for (let i = 0; i < 200; i++) t.set(i * 1_000_003 + 10_000, 5000 + i); // one key per page
    let wrong = 0;
    for (let i = 0; i < 5000; i++) if (t.get(i) !== i) wrong++;
    for (let i = 0; i < 200; i++) if (t.get(i * 1_000_003 + 10_000) !== 5000 + i) wrong++;
    expect(wrong).toBe(0);
    expect(t.size).toBe(5200);
    // deletes that leave pages nearly empty switch too, and the rest stays reachable
    const u = new KeyTable({ dense: true });
    for (let i = 0; i < 100 * 4096; i++) u.set(i, i);
    wrong = 0;
    for (let i = 0; i < 100 * 4096; i++) if (i % 4096 !== 7 && u.delete(i) !== i) wrong++;
    expect(wrong).toBe(0);
    for (let p = 0; p < 100; p++) expect(u.get(p * 4096 + 7)).toBe(p * 4096 + 7);
    expect(u.get(8)).toBe(-1);
    expect(u.size).toBe(100);
  });

  it('remap renumbers slots and clear empties the table for reuse', () => {
    for (const dense of [false, true]) {
      const t = new KeyTable({ dense });
      const keys: GroupKey[] = [5, 'x', 7n * 2n ** 60n, 123_456, -3];
      keys.forEach((k, i) => t.set(k, i));
      t.remap(Int32Array.from([4, 3, 2, 1, 0]));
      keys.forEach((k, i) => expect(t.get(k)).toBe(4 - i));
      t.clear();
      expect(t.size).toBe(0);
      for (const k of keys) expect(t.get(k)).toBe(-1);
      t.set(5, 9);
      expect(t.get(5)).toBe(9);
    }
  });

  it('treats 0 and -0 as one key, like a Map', () => {
    for (const dense of [false, true]) {
      const t = new KeyTable({ dense });
      t.set(-0, 1);
      expect(t.get(0)).toBe(1);
      t.set(0, 2);
      expect(t.size).toBe(1);
      expect(t.delete(-0)).toBe(2);
    }
  });
});

describe('RowStore', () => {
  const values: Value[] = [
    null,
    0,
    -0,
    1.5,
    Number.NaN,
    -Infinity,
    2 ** 60,
    0n,
    -42n,
    2n ** 53n - 1n,
    2n ** 53n,
    -(2n ** 70n),
    'text',
    '',
    true,
    false,
    new Uint8Array([1, 2, 3]),
  ];

  it('reads back rows equal to those stored, value by value (types and -0 included)', () => {
    const s = new RowStore(values.length);
    const slot = s.add(values);
    const back = s.read(slot);
    expect(back).toEqual(values);
    back.forEach((v, i) => expect(Object.is(v, values[i]) || v instanceof Uint8Array).toBe(true));
    expect(typeof back[7]).toBe('bigint');
    // short rows read as NULL beyond their end; write replaces every column
    s.write(slot, ['only']);
    expect(s.read(slot)).toEqual(['only', ...new Array(values.length - 1).fill(null)]);
  });

  it('agrees with an array of rows through adds, writes, removes and compaction, keeping order', () => {
    const r = rng(9);
    const width = 4;
    const s = new RowStore(width);
    const ref = new Map<number, Value[]>(); // slot -> row, in slot order
    let live: number[] = []; // the live slots, in any order
    const pick = (): Value => values[Math.floor(r() * values.length)]!;
    for (let i = 0; i < 30_000; i++) {
      const x = r();
      if (x < 0.5 || live.length === 0) {
        const row = [pick(), pick(), pick(), pick()];
        const slot = s.add(row);
        ref.set(slot, row);
        live.push(slot);
      } else if (x < 0.7) {
        const slot = live[Math.floor(r() * live.length)]!;
        const row = [pick(), pick(), pick(), pick()];
        s.write(slot, row);
        ref.set(slot, row);
      } else if (x < 0.995) {
        const at = Math.floor(r() * live.length);
        const slot = live[at]!;
        live[at] = live[live.length - 1]!;
        live.pop();
        s.remove(slot);
        ref.delete(slot);
      } else {
        const remap = s.compact();
        const moved = new Map<number, Value[]>();
        let expectSlot = 0;
        let misplaced = 0;
        for (const [slot, row] of ref) {
          if (remap[slot] !== expectSlot++) misplaced++; // order kept
          moved.set(remap[slot]!, row);
        }
        expect(misplaced).toBe(0);
        ref.clear();
        for (const [k, v] of moved) ref.set(k, v);
        live = [...ref.keys()];
        expect(s.dead).toBe(0);
      }
    }
    expect(s.size).toBe(ref.size);
    for (const [slot, row] of ref) {
      expect(s.isLive(slot)).toBe(true);
      expect(s.read(slot)).toEqual(row);
    }
    let held = 0;
    for (let slot = 0; slot < s.end; slot++) if (s.isLive(slot)) held++;
    expect(held).toBe(ref.size);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.read(s.add(['a', 1n, null, 2]))).toEqual(['a', 1n, null, 2]);
  });

  /** Every live slot and its row. */
  const liveRows = (s: RowStore): [number, Value[]][] => {
    const out: [number, Value[]][] = [];
    for (let slot = 0; slot < s.end; slot++) if (s.isLive(slot)) out.push([slot, s.read(slot)]);
    return out;
  };
  /** `p` written into a binary checkpoint and read back. */
  const throughCheckpoint = (p: RowPages): RowPages => {
    const data = { version: 1 as const, sink: 's', planFingerprint: 'f', positions: {}, operators: { k: { rows: p } } };
    return (decodeCheckpoint(encodeCheckpoint(data), 'mem').operators['k'] as { rows: RowPages }).rows;
  };

  it('pages() round-trips through a binary checkpoint: the same rows in the same slots, non-numbers included', () => {
    const s = new RowStore(5);
    const values: Value[][] = [];
    for (let i = 0; i < 9_000; i++)
      values.push([
        BigInt(i) * (i % 2 === 0 ? 1n : -1n),
        i % 11 === 0 ? null : i % 13 === 0 ? -0 : i / 8,
        i % 3 === 0 ? `s${i}é` : i % 3 === 1 ? null : i % 2 === 0,
        i % 500 === 0 ? 2n ** 60n + BigInt(i) : i % 7 === 0 ? new Uint8Array([i & 255, 1]) : BigInt(i),
        null,
      ]);
    const slots = values.map((v) => s.add(v));
    for (let i = 0; i < slots.length; i += 4) s.remove(slots[i]!);
    s.write(slots[1]!, [1n, 'now a string', null, 3.5, true]);
    const before = liveRows(s);
    const pages = s.pages();
    expect(pages.tags.length).toBe(Math.ceil(s.end / 4096));
    const saved = throughCheckpoint(pages);
    const back = RowStore.fromPages(saved);
    const twin = RowStore.fromPages(saved); // restoring the same checkpoint twice gives two stores
    expect(back.size).toBe(s.size);
    expect(back.end).toBe(s.end);
    expect(liveRows(back)).toEqual(before);
    expect(Object.is(liveRows(back).find(([, r]) => Object.is(r[1], -0))?.[1][1], -0)).toBe(true);
    // and it keeps working: slots handed out after the restored ones, compaction keeps the order
    const added = back.add(['x', 1, 2n, null, false]);
    expect(added).toBe(s.end);
    back.remove(liveRows(back)[0]![0]);
    back.compact();
    expect(liveRows(back).map(([, r]) => r)).toEqual([...before.slice(1).map(([, r]) => r), ['x', 1, 2n, null, false]]);
    expect(liveRows(twin)).toEqual(before);
  });

  it('pages() of an empty or cleared store, and JSON outside a checkpoint gives the legacy column form of the live rows', () => {
    const s = new RowStore(2);
    expect(RowStore.fromPages(throughCheckpoint(s.pages())).size).toBe(0);
    for (let i = 0; i < 5_000; i++) s.add([BigInt(i), i % 2 === 0 ? 'a' : null]);
    s.remove(3);
    const live = liveRows(s).map(([, r]) => r);
    expect(decodeRows(JSON.parse(JSON.stringify(s.pages())) as RowsJson)).toEqual(live);
    expect(s.pages().rows()).toEqual(live);
    s.clear();
    expect(s.pages().tags.length).toBe(0);
    expect(RowStore.fromPages(throughCheckpoint(s.pages())).end).toBe(0);
  });

  it('fromPages refuses pages that do not fit their slot counts', () => {
    const s = new RowStore(2);
    for (let i = 0; i < 5_000; i++) s.add([BigInt(i), null]);
    const p = s.pages();
    expect(() => RowStore.fromPages(new RowPages(2, p.top, p.live, p.alive, p.tags.slice(1), p.nums, p.others))).toThrow(/corrupt: 1 pages for 5000 slots/);
    expect(() => RowStore.fromPages(new RowPages(2, p.top, p.live - 1, p.alive, p.tags, p.nums, p.others))).toThrow(/corrupt: 5000 live slots, expected 4999/);
  });

  it('KeyedRows restores its keys and order from its pages and from the older packed rows', () => {
    const k = new KeyedRows(3);
    for (let i = 0; i < 6_000; i++) k.put(BigInt(i % 4_500), [BigInt(i % 4_500), i, i % 5 === 0 ? `v${i}` : null]);
    for (let i = 0; i < 4_500; i += 7) k.remove(BigInt(i), k.slot(BigInt(i)));
    const rows: Value[][] = [];
    k.forEach((r) => rows.push(r));
    const keyOf = (r: readonly Value[]): GroupKey => r[0] as bigint;
    for (const saved of [throughCheckpoint(k.checkpointRows()), encodeRows(rows, 3)]) {
      const back = new KeyedRows(3);
      back.restoreRows(saved, keyOf);
      const got: Value[][] = [];
      back.forEach((r) => got.push(r));
      expect(got).toEqual(rows);
      for (const r of rows) expect(back.read(back.slot(r[0] as bigint))).toEqual(r);
      expect(back.slot(0n)).toBe(-1);
      back.put(0n, [0n, -1, 'back']); // a deleted key re-inserted goes last
      const after: Value[][] = [];
      back.forEach((r) => after.push(r));
      expect(after.at(-1)).toEqual([0n, -1, 'back']);
    }
  });
});
