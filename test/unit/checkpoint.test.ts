// Checkpoints: packed row columns (row-codec) stored as raw blobs in the binary container, exact
// round trips of every value kind, the legacy JSON form, old .json / .json.gz checkpoints still
// restoring, unaligned buffers, truncated files, and a normalizer's state through the store.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../catalog/store/fs-store.js';
import type { Value } from '../../engine/core/value.js';
import { ChangelogNormalizer } from '../../engine/ops/changelog.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  encodeCheckpointParts,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointData,
} from '../../engine/state/checkpoint.js';
import { decodeRows, encodeRows, encodeRowsJson, PackedRows, type RowsJson } from '../../engine/state/row-codec.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tmpStore(): FsStore {
  mkdirSync(path.resolve('test/.tmp'), { recursive: true });
  const d = mkdtempSync(path.resolve('test/.tmp', 'ckpt-'));
  made.push(d);
  return new FsStore(d);
}

// Every kind a column can hold, with NULLs, extremes, -0, NaN, huge bigints, lone surrogates and
// mixed-kind columns (which fall back to tagged JSON).
const ROWS: Value[][] = [
  [1n, 'a', 1.5, -(2n ** 63n), true, new Uint8Array([1, 2]), Number.NEGATIVE_INFINITY, null, 'x\ud800y', 2n ** 70n],
  [null, null, null, 2n ** 63n - 1n, false, null, 3, null, '😀', -5n],
  [-(2n ** 53n) + 1n, 'céé 日本', -0, 0n, null, new Uint8Array([]), 'mixed', null, '', null],
  [9007199254740993n, '', Number.NaN, 7n, true, new Uint8Array([255]), 2.5, null, null, 1n],
];

function data(operators: Record<string, unknown>): CheckpointData {
  return { version: 1, sink: 's', planFingerprint: 'fp', positions: { orders: { 'a.jsonl': 42 } }, operators };
}

/** A value as text that tells apart kinds, -0, NaN and bytes (for exact comparisons with readable diffs). */
function repr(v: Value): string {
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'number:-0' : `number:${v}`;
  return `${typeof v}:${String(v)}`;
}

function expectSameRows(actual: Value[][], expected: Value[][]): void {
  expect(actual.map((r) => r.map(repr))).toEqual(expected.map((r) => r.map(repr)));
}

describe('row codec', () => {
  it('packs columns by kind and falls back to JSON for mixed ones', () => {
    const p = encodeRows(ROWS, 10);
    expect(p).toBeInstanceOf(PackedRows);
    expect(p.cols.map((c) => c.t)).toEqual(['L', 'S', 'F', 'L', 'B', 'J', 'J', 'F', 'S', 'J']);
    expectSameRows(decodeRows(p), ROWS);
  });

  it('JSON.stringify gives the legacy column form, which decodes to the same rows', () => {
    const json = JSON.parse(JSON.stringify(encodeRows(ROWS, 10))) as RowsJson;
    expect(json).toEqual(JSON.parse(JSON.stringify(encodeRowsJson(ROWS, 10))));
    const back = decodeRows(json);
    // JSON has no -0: everything else is exact
    expect(back[2]![2]).toBe(0);
    back[2]![2] = -0;
    expectSameRows(back, ROWS);
  });

  it('decodes columns of BIGINTs held as doubles (the key store wrote them before it wrote its pages)', () => {
    const p = new PackedRows(3, [
      { t: 'I', v: Float64Array.from([1, -(2 ** 53) + 1, 0]), nulls: Uint8Array.from([0, 0, 1]) },
      { t: 'F', v: Float64Array.from([0.5, -0, 7]) },
      { t: 'S', text: 'abcd', ends: Int32Array.from([1, 1, 4]), nulls: Uint8Array.from([0, 1, 0]) },
    ]);
    const expected: Value[][] = [
      [1n, 0.5, 'a'],
      [-(2n ** 53n) + 1n, -0, null],
      [null, 7, 'bcd'],
    ];
    expectSameRows(decodeRows(p), expected);
    expectSameRows(decodeRows(decodeCheckpoint(encodeCheckpoint(data({ p })), 'mem').operators['p'] as RowsJson), expected);
  });

  it('pads short rows with NULL and handles zero rows', () => {
    expect(decodeRows(encodeRows([[1]], 3))).toEqual([[1, null, null]]);
    expect(decodeRows(encodeRows([], 2))).toEqual([]);
  });
});

describe('binary checkpoint container', () => {
  it('round-trips packed rows exactly, next to plain JSON state', () => {
    const operators = { a: { mode: 'keyed', rows: encodeRows(ROWS, 10) }, b: { watermark: 5, groups: [[['x'], 1, [2, 3]]] } };
    const bytes = encodeCheckpoint(data(operators));
    const back = decodeCheckpoint(bytes, 'mem');
    expect(back.positions).toEqual({ orders: { 'a.jsonl': 42 } });
    expect(back.operators['b']).toEqual(operators.b);
    const rows = (back.operators['a'] as { rows: RowsJson }).rows;
    expect(rows).toBeInstanceOf(PackedRows);
    expectSameRows(decodeRows(rows), ROWS);
  });

  it('reads blobs from a buffer at any byte offset (copies what is unaligned)', () => {
    const bytes = encodeCheckpoint(data({ a: encodeRows(ROWS, 10) }));
    for (const shift of [1, 3, 8]) {
      const moved = new Uint8Array(bytes.length + shift);
      moved.set(bytes, shift);
      const back = decodeCheckpoint(moved.subarray(shift), 'mem');
      expectSameRows(decodeRows(back.operators['a'] as RowsJson), ROWS);
    }
  });

  it('rejects a truncated container', () => {
    const bytes = encodeCheckpoint(data({ a: encodeRows(ROWS, 10) }));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 20), 'cut')).toThrow(/truncated/);
  });

  it('writes .ckpt files and still reads old .json and .json.gz checkpoints', async () => {
    const store = tmpStore();
    const key = await writeCheckpoint(store, 'ns/t', data({ a: encodeRows(ROWS, 10) }));
    expect(key).toMatch(/^ns\/t\/streamforge\/checkpoint-[0-9a-f-]{36}\.ckpt$/);
    expectSameRows(decodeRows((await readCheckpoint(store, key)).operators['a'] as RowsJson), ROWS);
    // written part by part (the blobs as they are), byte for byte the container in one buffer
    expect(Buffer.from((await store.get(key))!)).toEqual(Buffer.from(encodeCheckpoint(data({ a: encodeRows(ROWS, 10) }))));
    expect(Buffer.concat(encodeCheckpointParts(data({ a: encodeRows(ROWS, 10) }))).byteLength % 8).toBe(0);

    // What the previous release wrote: the whole checkpoint as JSON with legacy row columns.
    const legacy = JSON.stringify(data({ a: encodeRowsJson(ROWS, 10) }));
    await store.put('ns/t/streamforge/checkpoint-old.json', Buffer.from(legacy));
    await store.put('ns/t/streamforge/checkpoint-old.json.gz', gzipSync(legacy));
    for (const k of ['ns/t/streamforge/checkpoint-old.json', 'ns/t/streamforge/checkpoint-old.json.gz']) {
      const old = decodeRows((await readCheckpoint(store, k)).operators['a'] as RowsJson);
      old[2]![2] = -0;
      expectSameRows(old, ROWS);
    }
    await expect(readCheckpoint(store, 'ns/t/streamforge/missing.ckpt')).rejects.toThrow(/missing/);
  });

  it("restores a normalizer's 200,000 keys through the store, whose pages are written as they are", async () => {
    const mk = () =>
      new ChangelogNormalizer('src', { change() {}, watermark() {} }, { late() {} }, { columns: 4, primaryKey: [0], changelog: 'retract' });
    const n = mk();
    for (let i = 0; i < 200_000; i++)
      n.apply({ kind: 'event', op: 'c', before: null, after: [BigInt(i), `s${i % 7}`, BigInt(i * 3), 1.7e15 + i], beforeComplete: false });
    const snap = n.snapshot();
    const store = tmpStore();
    const key = await writeCheckpoint(store, 'ns/t', data({ n: snap }));
    const bytes = (await store.get(key))!;
    // 9 bytes per cell (a tag and a double: whole pages of 4,096 slots), the strings packed apart
    const pages = Math.ceil(200_000 / 4096);
    expect(bytes.length).toBeGreaterThan(pages * 4096 * 4 * 9);
    expect(bytes.length).toBeLessThan(pages * 4096 * 4 * 9 + 200_000 * (4 + 2 + 1) + 200_000 / 8 + 4096);
    const again = mk();
    again.restore((await readCheckpoint(store, key)).operators['n']);
    expect(again.size).toBe(200_000);
    const changes: [Value[], number][] = [];
    const probe = new ChangelogNormalizer('src', { change: (r, w) => changes.push([[...r], w]), watermark() {} }, { late() {} }, {
      columns: 4,
      primaryKey: [0],
      changelog: 'retract',
    });
    probe.restore((await readCheckpoint(store, key)).operators['n']);
    probe.apply({ kind: 'event', op: 'd', before: [123456n, null, null, null], after: null, beforeComplete: false });
    expect(changes).toEqual([[[123456n, 's4', 370368n, 1.7e15 + 123456], -1]]);
  });
});
