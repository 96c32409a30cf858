// KeyedRows: the upsert normalizer's store, primary key -> the last row of that key, in first-insert
// order (a key's row replaced in place keeps its place; a deleted key re-inserted goes last). Keys in
// a KeyTable, rows packed in a RowStore, so millions of keys keep (almost) nothing on the heap.
// Checkpoints hold the store's pages as they are (RowPages); older ones, packed rows column by
// column, still restore. Pure data structure; no I/O.
import type { Row, Value } from '../core/value.js';
import type { GroupKey } from '../state/group-key.js';
import type { PackedRowsColumn, RowsJson } from '../state/row-codec.js';
import { PackedRows, decodeRows } from '../state/row-codec.js';
import { valueFromJson } from '../core/value.js';
import { KeyTable } from './key-table.js';
import { RowPages, RowStore } from '../state/row-store.js';

/** Dead slots are reclaimed once there are more of them than live ones (and at least this many). */
const COMPACT_MIN = 4096;

export class KeyedRows {
  private readonly index = new KeyTable({ dense: true });
  private rows: RowStore;

  constructor(readonly width: number) {
    this.rows = new RowStore(width);
  }

  get size(): number {
    return this.rows.size;
  }

  /** The slot of key `k`'s row, or -1. Valid until the next put/remove/clear. */
  slot(k: GroupKey): number {
    return this.index.get(k);
  }

  /** A fresh row equal to the one in `slot`. */
  read(slot: number): Value[] {
    return this.rows.read(slot);
  }

  /** Replace the row in `slot` (a key's row keeps its place in the order); `nums`: see RowStore.write. */
  write(slot: number, row: Row, nums?: Float64Array | null): void {
    this.rows.write(slot, row, nums);
  }

  /** Store `row` as the row of key `k`, which has none: after every other. */
  add(k: GroupKey, row: Row, nums?: Float64Array | null): void {
    this.index.set(k, this.rows.add(row, nums));
  }

  /** Store `row` as key `k`'s row: in place when `k` has one, else after every other. */
  put(k: GroupKey, row: Row): void {
    const slot = this.index.get(k);
    if (slot >= 0) this.rows.write(slot, row);
    else this.index.set(k, this.rows.add(row));
  }

  /** Forget key `k`, whose row is in `slot`. */
  remove(k: GroupKey, slot: number): void {
    this.index.delete(k);
    const rows = this.rows;
    rows.remove(slot);
    // Reclaim dead slots once they outnumber the live ones (amortized O(1) per remove).
    if (rows.dead > COMPACT_MIN && rows.dead > rows.size) this.index.remap(rows.compact());
  }

  /** Every row, in first-insert order. */
  forEach(fn: (row: Value[]) => void): void {
    const rows = this.rows;
    for (let s = 0; s < rows.end; s++) if (rows.isLive(s)) fn(rows.read(s));
  }

  clear(): void {
    this.index.clear();
    this.rows.clear();
  }

  /** The rows in order, for a checkpoint: the store's pages as they are (no pass over the rows). */
  checkpointRows(): RowPages {
    return this.rows.pages();
  }

  /** Replace the contents by checkpointed rows (in order); `keyOf` gives each row's key. */
  restoreRows(saved: RowsJson | RowPages, keyOf: (row: Row) => GroupKey): void {
    this.clear();
    if (saved instanceof RowPages) {
      // the store as it was (same slots, so the same order); only the key index is rebuilt
      const rows = (this.rows = RowStore.fromPages(saved));
      for (let slot = 0; slot < rows.end; slot++) if (rows.isLive(slot)) this.index.set(keyOf(rows.read(slot)), slot);
      return;
    }
    if (!(saved instanceof PackedRows)) {
      for (const r of decodeRows(saved)) this.put(keyOf(r), r);
      return;
    }
    // Row by row through one scratch row: the store copies what it keeps.
    const { n, cols } = saved;
    const row = new Array<Value>(this.width).fill(null);
    const from = new Int32Array(cols.length);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols.length && c < this.width; c++) row[c] = packedValue(cols[c]!, r, from, c);
      this.put(keyOf(row), row);
    }
  }
}

/** Value r of a packed column (`from[c]` carries a string column's start offset from row to row). */
function packedValue(col: PackedRowsColumn, r: number, from: Int32Array, c: number): Value {
  if (col.t === 'S') {
    const start = from[c]!;
    const end = col.ends[r]!;
    from[c] = end;
    return col.nulls?.[r] === 1 ? null : col.text.slice(start, end);
  }
  if (col.t !== 'J' && col.nulls?.[r] === 1) return null;
  switch (col.t) {
    case 'F':
    case 'L':
      return col.v[r]!;
    case 'I':
      return BigInt(col.v[r]!);
    case 'B':
      return col.v[r] === 1;
    case 'J':
      return valueFromJson(col.v[r] ?? null);
  }
}
