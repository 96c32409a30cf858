// RowStore: rows of one layout kept packed in typed arrays under dense slot numbers, so holding a
// million rows costs the garbage collector (almost) nothing: numbers and safe-integer bigints are
// stored as doubles with a type tag; other values (strings, bytes, booleans, huge bigints) in plain
// per-column arrays. read() rebuilds an equal row. Slots are handed out in insertion order and
// compact() keeps that order. Its checkpoint form is RowPages: the typed-array pages as they are
// (written as blobs without a pass over the rows) plus the other values, column by column.
// Pure data structure; no I/O.
import type { Row, Value } from '../core/value.js';
import { activeBlobSink, float64Blob, type BlobReader } from './blobs.js';
import { decodeRows, encodeRows, encodeRowsJson, PACKED_ROWS_KEY, PackedRows } from './row-codec.js';

const T_NULL = 0;
const T_NUMBER = 1;
const T_BIGINT = 2;
const T_OTHER = 3;

/** Slots per page: storage grows a page at a time and is never copied. */
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

export class RowStore {
  /** Per page, row-major: value c of slot s sits at (s & PAGE_MASK) * width + c. */
  private tags: Uint8Array[] = [];
  private nums: Float64Array[] = [];
  /** Per column, by slot: values that are neither numbers nor safe bigints (null until one shows up). */
  private objs: (Value[] | null)[];
  private alive = new Uint8Array(PAGE);
  private top = 0;
  private live = 0;

  constructor(readonly width: number) {
    this.objs = new Array<Value[] | null>(width).fill(null);
  }

  /** Rows held. */
  get size(): number {
    return this.live;
  }

  /** One past the highest slot handed out (slots below it may be dead). */
  get end(): number {
    return this.top;
  }

  /** Slots removed and not yet reclaimed by compact(). */
  get dead(): number {
    return this.top - this.live;
  }

  isLive(slot: number): boolean {
    return this.alive[slot] === 1;
  }

  /** Store `row` in a new slot after every other; returns the slot. */
  add(row: Row, known?: Float64Array | null): number {
    const slot = this.top;
    if ((slot & PAGE_MASK) === 0 && slot >>> PAGE_BITS === this.nums.length) this.addPage();
    this.top++;
    this.alive[slot] = 1;
    this.live++;
    this.write(slot, row, known);
    return slot;
  }

  /**
   * Overwrite the row of a live slot (it keeps its place in the order). `known[c]`, when given and
   * not NaN, is row[c] (a bigint) as a number already (DecodedEvent.afterNums): no conversion.
   */
  write(slot: number, row: Row, known?: Float64Array | null): void {
    const w = this.width;
    const tags = this.tags[slot >>> PAGE_BITS]!;
    const nums = this.nums[slot >>> PAGE_BITS]!;
    const at = (slot & PAGE_MASK) * w;
    for (let c = 0; c < w; c++) {
      const v = row[c] ?? null;
      const i = at + c;
      if (tags[i] === T_OTHER) this.objs[c]![slot] = null;
      if (v === null) {
        tags[i] = T_NULL;
      } else if (typeof v === 'number') {
        tags[i] = T_NUMBER;
        nums[i] = v;
      } else if (typeof v === 'bigint') {
        const k = known != null ? known[c]! : Number.NaN;
        const n = k === k ? k : Number(v);
        if (Number.isSafeInteger(n)) {
          tags[i] = T_BIGINT;
          nums[i] = n;
        } else this.other(slot, c, v);
      } else this.other(slot, c, v);
    }
  }

  private other(slot: number, c: number, v: Value): void {
    this.tags[slot >>> PAGE_BITS]![(slot & PAGE_MASK) * this.width + c] = T_OTHER;
    let col = this.objs[c]!;
    if (col === null) {
      this.objs[c] = col = [];
      for (let i = this.nums.length * PAGE; i > 0; i--) col.push(null);
    }
    col[slot] = v;
  }

  /** A fresh row equal to the one stored in `slot`. */
  read(slot: number): Value[] {
    const w = this.width;
    const tags = this.tags[slot >>> PAGE_BITS]!;
    const nums = this.nums[slot >>> PAGE_BITS]!;
    const at = (slot & PAGE_MASK) * w;
    const row = new Array<Value>(w);
    for (let c = 0; c < w; c++) {
      const i = at + c;
      switch (tags[i]) {
        case T_NUMBER:
          row[c] = nums[i]!;
          break;
        case T_BIGINT:
          row[c] = BigInt(nums[i]!);
          break;
        case T_OTHER:
          row[c] = this.objs[c]![slot] ?? null;
          break;
        default:
          row[c] = null;
      }
    }
    return row;
  }

  /**
   * The store as it is, for a checkpoint: its pages up to the last slot handed out (not copied:
   * serialize them before the store changes) and, per column, its values that are not numbers.
   */
  pages(): RowPages {
    const w = this.width;
    const count = Math.ceil(this.top / PAGE);
    const others = this.objs.map((col, c) => {
      if (col === null) return null;
      const rows: Value[][] = [];
      for (let slot = 0; slot < this.top; slot++)
        if (this.alive[slot] === 1 && this.tags[slot >>> PAGE_BITS]![(slot & PAGE_MASK) * w + c] === T_OTHER) rows.push([col[slot] ?? null]);
      return encodeRows(rows, 1);
    });
    return new RowPages(w, this.top, this.live, this.alive.subarray(0, this.top), this.tags.slice(0, count), this.nums.slice(0, count), others);
  }

  /** A store holding what pages() returned (copies of its pages: `p` may be restored again). */
  static fromPages(p: RowPages): RowStore {
    const w = p.width;
    const count = Math.ceil(p.top / PAGE);
    const bad = (what: string): Error => new Error(`checkpointed row pages are corrupt: ${what}`);
    if (p.tags.length !== count || p.nums.length !== count) throw bad(`${p.tags.length} pages for ${p.top} slots`);
    if (p.alive.length !== p.top || p.others.length !== w) throw bad('slot or column count');
    for (let i = 0; i < count; i++) if (p.tags[i]!.length !== PAGE * w || p.nums[i]!.length !== PAGE * w) throw bad(`page ${i} size`);
    const s = new RowStore(w);
    s.tags = p.tags.map((t) => t.slice());
    s.nums = p.nums.map((n) => n.slice());
    s.alive = new Uint8Array(Math.max(PAGE, count * PAGE));
    s.alive.set(p.alive);
    s.top = p.top;
    let live = 0;
    for (let slot = 0; slot < p.top; slot++) live += p.alive[slot]!;
    if (live !== p.live) throw bad(`${live} live slots, expected ${p.live}`);
    s.live = live;
    s.objs = p.others.map((packed, c) => {
      if (packed === null) return null;
      const values = decodeRows(packed);
      const col = new Array<Value>(count * PAGE).fill(null);
      let k = 0;
      for (let slot = 0; slot < p.top; slot++)
        if (p.alive[slot] === 1 && p.tags[slot >>> PAGE_BITS]![(slot & PAGE_MASK) * w + c] === T_OTHER) col[slot] = values[k++]?.[0] ?? null;
      if (k !== values.length) throw bad(`column ${c} holds ${values.length} other values, its pages ${k}`);
      return col;
    });
    return s;
  }

  /** Drop the row of a live slot (its slot stays unused until compact()). */
  remove(slot: number): void {
    this.alive[slot] = 0;
    this.live--;
    this.release(slot);
  }

  /** Forget the non-numeric values of `slot` (they must not stay reachable). */
  private release(slot: number): void {
    const tags = this.tags[slot >>> PAGE_BITS]!;
    const at = (slot & PAGE_MASK) * this.width;
    for (let c = 0; c < this.width; c++)
      if (tags[at + c] === T_OTHER) {
        this.objs[c]![slot] = null;
        tags[at + c] = T_NULL;
      }
  }

  /**
   * Move the live rows down over the dead slots, keeping their order. Returns old slot -> new
   * slot (-1 for dead slots) so the caller can renumber its references.
   */
  compact(): Int32Array {
    const w = this.width;
    const remap = new Int32Array(this.top);
    let to = 0;
    for (let s = 0; s < this.top; s++) {
      if (this.alive[s] !== 1) {
        remap[s] = -1;
        continue;
      }
      remap[s] = to;
      if (to !== s) {
        const ft = this.tags[s >>> PAGE_BITS]!;
        const fn = this.nums[s >>> PAGE_BITS]!;
        const tt = this.tags[to >>> PAGE_BITS]!;
        const tn = this.nums[to >>> PAGE_BITS]!;
        const fa = (s & PAGE_MASK) * w;
        const ta = (to & PAGE_MASK) * w;
        for (let c = 0; c < w; c++) {
          tt[ta + c] = ft[fa + c]!;
          tn[ta + c] = fn[fa + c]!;
          const col = this.objs[c]!;
          if (col !== null) col[to] = col[s] ?? null;
        }
        this.alive[to] = 1;
      }
      to++;
    }
    for (let s = to; s < this.top; s++) {
      this.alive[s] = 0;
      this.tags[s >>> PAGE_BITS]!.fill(T_NULL, (s & PAGE_MASK) * w, (s & PAGE_MASK) * w + w);
    }
    for (const col of this.objs) if (col !== null) col.fill(null, to, this.top);
    this.top = to;
    return remap;
  }

  /** Drop every row (pages are kept for reuse). */
  clear(): void {
    this.alive.fill(0, 0, this.top);
    for (const t of this.tags) t.fill(T_NULL);
    this.objs.fill(null);
    this.top = 0;
    this.live = 0;
  }

  private addPage(): void {
    this.tags.push(new Uint8Array(PAGE * this.width));
    this.nums.push(new Float64Array(PAGE * this.width));
    const slots = this.nums.length * PAGE;
    if (slots > this.alive.length) {
      const alive = new Uint8Array(Math.max(slots, this.alive.length * 2));
      alive.set(this.alive);
      this.alive = alive;
    }
    for (const col of this.objs) if (col !== null) for (let i = PAGE; i > 0; i--) col.push(null);
  }
}

/** The key under which a checkpoint header references a RowStore's pages. */
export const ROW_PAGES_KEY = '\u0000rowPages';

interface BlobPages {
  readonly page: number;
  readonly width: number;
  readonly top: number;
  readonly live: number;
  readonly alive: number;
  readonly tags: number[];
  readonly nums: number[];
  /** Per column: a packed-rows reference (one column) or null. */
  readonly others: (Record<string, unknown> | null)[];
}

/**
 * A RowStore's checkpoint form (RowStore.pages / fromPages): `tags` and `nums` are its pages, each
 * PAGE * width long (row-major, as the store keeps them), `alive` its live flags for slots
 * [0, top), `others[c]` the values of column c that are not numbers, in slot order (null: none).
 * In a binary checkpoint every typed array is a blob; JSON.stringify outside one gives the rows in
 * the legacy JSON column form, which restores the same rows.
 */
export class RowPages {
  constructor(
    readonly width: number,
    readonly top: number,
    readonly live: number,
    readonly alive: Uint8Array,
    readonly tags: readonly Uint8Array[],
    readonly nums: readonly Float64Array[],
    readonly others: readonly (PackedRows | null)[],
  ) {}

  /** The live rows, in slot order. */
  rows(): Value[][] {
    const store = RowStore.fromPages(this);
    const rows: Value[][] = [];
    for (let slot = 0; slot < store.end; slot++) if (store.isLive(slot)) rows.push(store.read(slot));
    return rows;
  }

  toJSON(): unknown {
    const sink = activeBlobSink();
    if (sink === undefined) return encodeRowsJson(this.rows(), this.width);
    const entry: BlobPages = {
      page: PAGE,
      width: this.width,
      top: this.top,
      live: this.live,
      alive: sink.add(this.alive),
      tags: this.tags.map((t) => sink.add(t)),
      nums: this.nums.map((n) => sink.add(n)),
      others: this.others.map((o) => (o === null ? null : (o.toJSON() as Record<string, unknown>))),
    };
    return { [ROW_PAGES_KEY]: entry };
  }

  /** Rebuild from a checkpoint header entry (the blobs are viewed where aligned, not copied: fromPages copies). */
  static fromBlobs(entry: unknown, blob: BlobReader): RowPages {
    const e = entry as BlobPages;
    if (e.page !== PAGE) throw new Error(`checkpointed row pages hold ${e.page} slots per page; this version uses ${PAGE}`);
    const others = e.others.map((o) => (o === null ? null : PackedRows.fromBlobs(o[PACKED_ROWS_KEY], blob)));
    return new RowPages(e.width, e.top, e.live, blob(e.alive, 1), e.tags.map((i) => blob(i, 1)), e.nums.map((i) => float64Blob(blob, i)), others);
  }
}
