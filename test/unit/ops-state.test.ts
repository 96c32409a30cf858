// State helpers behind the operators: column-major row codec, value multiset (small and
// indexed), numeric min-heap, and group keys.
import { describe, expect, it } from 'vitest';
import type { Value } from '../../engine/core/value.js';
import { keyOf, keyOfColumns, singleKey } from '../../engine/state/group-key.js';
import { MinHeap } from '../../engine/state/min-heap.js';
import { decodeRows, encodeRows } from '../../engine/state/row-codec.js';
import { ValueMultiset } from '../../engine/state/value-multiset.js';

describe('row codec', () => {
  it('round-trips every value kind through JSON, column by column', () => {
    const rows: Value[][] = [
      [1n, 'a', 1.5, 9007199254740993n, true, new Uint8Array([1, 2]), Number.NEGATIVE_INFINITY, null],
      [null, null, null, -5n, false, null, 3, null],
      [-(2n ** 53n) + 1n, 'c', -0.25, 0n, null, new Uint8Array([]), 'mixed', null],
    ];
    const json = JSON.parse(JSON.stringify(encodeRows(rows, 8))) as ReturnType<typeof encodeRows>;
    expect(json.cols.map((c) => c.t)).toEqual(['I', 's', 'n', 'i', 'j', 'j', 'j', 'n']);
    expect(decodeRows(json)).toEqual(rows);
  });

  it('pads short rows with NULL and handles zero rows', () => {
    expect(decodeRows(encodeRows([[1]], 3))).toEqual([[1, null, null]]);
    expect(decodeRows(encodeRows([], 2))).toEqual([]);
  });
});

describe('ValueMultiset', () => {
  it('counts, removes at zero and keeps working past the index threshold', () => {
    const m = new ValueMultiset();
    for (let i = 0; i < 20; i++) m.add(BigInt(i % 12), 1);
    expect(m.size).toBe(12);
    expect(m.add(3n, -2)).toBe(2);
    expect(m.has(3n)).toBe(false);
    expect(m.size).toBe(11);
    expect(m.add(new Uint8Array([7]), 1)).toBe(0);
    expect(m.add(new Uint8Array([7]), 1)).toBe(1);
    const copy = ValueMultiset.fromJson(JSON.parse(JSON.stringify(m.toJson())));
    const entries = (x: ValueMultiset) => Array.from({ length: x.size }, (_, i) => [x.valueAt(i), x.countAt(i)] as const);
    expect(entries(copy)).toEqual(entries(m));
    expect(copy.add(11n, -1)).toBe(1);
    expect(copy.has(11n)).toBe(false);
  });

  it('keeps negative counts (a retraction before its insert)', () => {
    const m = new ValueMultiset();
    expect(m.add('x', -1)).toBe(0);
    expect(m.countAt(0)).toBe(-1);
    expect(m.add('x', 1)).toBe(-1);
    expect(m.size).toBe(0);
  });
});

describe('MinHeap', () => {
  it('pops in priority order', () => {
    const h = new MinHeap<string>();
    const prios = [5, 3, 9, 1, 7, 3, 0, 8];
    prios.forEach((p, i) => h.push(p, `${p}:${i}`));
    const out: number[] = [];
    while (h.size > 0) {
      const top = h.peekPriority();
      const item = h.pop()!;
      expect(Number(item.split(':')[0])).toBe(top);
      out.push(top);
    }
    expect(out).toEqual([...prios].sort((a, b) => a - b));
    expect(h.pop()).toBe(undefined);
    expect(h.peekPriority()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('group keys', () => {
  it('single safe bigints become numbers; big ones, bytes and tuples stay distinct', () => {
    expect(singleKey(42n)).toBe(42);
    expect(singleKey(2n ** 60n)).toBe(2n ** 60n);
    // the edges of the safe range
    expect(singleKey(2n ** 53n - 1n)).toBe(2 ** 53 - 1);
    expect(singleKey(-(2n ** 53n - 1n))).toBe(-(2 ** 53 - 1));
    expect(singleKey(2n ** 53n)).toBe(2n ** 53n);
    expect(singleKey(2n ** 53n + 1n)).toBe(2n ** 53n + 1n);
    expect(singleKey(-(2n ** 53n))).toBe(-(2n ** 53n));
    expect(singleKey(new Uint8Array([1]))).toBe(singleKey(new Uint8Array([1])));
    expect(keyOf([])).toBe('');
    expect(keyOf(['a', null])).not.toBe(keyOf([null, 'a']));
    expect(keyOfColumns([1n, 'x', 2], [0])).toBe(1);
    expect(keyOfColumns([1n, 'x', 2], [1, 2])).toBe(keyOf(['x', 2]));
  });
});
