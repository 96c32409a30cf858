// RowStore: rows of one layout kept column-packed in typed arrays under dense slot numbers, so
// holding a million rows costs the garbage collector (almost) nothing: numbers and safe-integer
// bigints are stored as doubles with a type tag; other values (strings, bytes, booleans, huge
// bigints) in plain per-column arrays. read() rebuilds an equal row. Slots are handed out in
// insertion order and compact() keeps that order. Pure data structure; no I/O.
import type { Row, Value } from '../core/value.js';

/** One column of the live rows (see packColumns). */
export type PackedColumn =
  | { readonly kind: 'number' | 'bigint'; readonly v: Float64Array; readonly nulls: Uint8Array | undefined }
  | { readonly kind: 'boolean'; readonly v: Uint8Array; readonly nulls: Uint8Array | undefined }
  | { readonly kind: 'string'; readonly text: string; readonly ends: Int32Array; readonly nulls: Uint8Array | undefined };

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
  private readonly tags: Uint8Array[] = [];
  private readonly nums: Float64Array[] = [];
  /** Per column, by slot: values that are neither numbers nor safe bigints (null until one shows up). */
  private readonly objs: (Value[] | null)[];
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
   * Every column of the live rows, in slot order, with NULL flags (nulls[i] = 1), each one when it
   * holds only NULLs and one kind of value: numbers or safe-integer bigints (as doubles), strings
   * (joined, with end offsets in UTF-16 units) or booleans (0/1); null for a column holding
   * anything else. For checkpoints that materialize no row.
   */
  packColumns(): (PackedColumn | null)[] {
    const w = this.width;
    const n = this.live;
    const out: (PackedColumn | null | undefined)[] = this.numericColumns();
    const rest: number[] = [];
    for (let c = 0; c < w; c++) if (out[c] === undefined) rest.push(c);
    if (rest.length === 0) return out as PackedColumn[];
    // the other columns, value by value
    const cols = rest.map((c) => new ColumnPacker(n, this.objs[c] ?? null));
    let r = 0;
    for (let slot = 0; slot < this.top; slot++) {
      if (this.alive[slot] !== 1) continue;
      const tags = this.tags[slot >>> PAGE_BITS]!;
      const nums = this.nums[slot >>> PAGE_BITS]!;
      const at = (slot & PAGE_MASK) * w;
      for (let k = 0; k < rest.length; k++) cols[k]!.push(r, slot, tags[at + rest[k]!]!, nums[at + rest[k]!]!);
      r++;
    }
    for (let k = 0; k < rest.length; k++) out[rest[k]!] = cols[k]!.done();
    return out as (PackedColumn | null)[];
  }

  /**
   * Every column packed as packColumns() does when it holds only NULLs and numbers, or only NULLs
   * and safe-integer bigints (the usual case), else undefined: one tight pass over the pages (row
   * by row, as they are laid out: a pass per column would read the store once per column).
   */
  private numericColumns(): (PackedColumn | undefined)[] {
    const w = this.width;
    const n = this.live;
    const alive = this.alive;
    const vs: Float64Array[] = [];
    for (let c = 0; c < w; c++) vs.push(new Float64Array(n));
    const nulls: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(w).fill(undefined);
    /** Per column: 0 no value yet, T_NUMBER or T_BIGINT, -1 anything else seen (not packed here). */
    const kind = new Int32Array(w);
    let r = 0;
    for (let p = 0; p < this.nums.length && r < n; p++) {
      const tags = this.tags[p]!;
      const nums = this.nums[p]!;
      const base = p << PAGE_BITS;
      const end = Math.min(PAGE, this.top - base);
      for (let j = 0; j < end; j++) {
        if (alive[base + j] !== 1) continue;
        const at = j * w;
        for (let c = 0; c < w; c++) {
          const t = tags[at + c]!;
          if (t === T_NULL) {
            let z = nulls[c];
            if (z === undefined) nulls[c] = z = new Uint8Array(n);
            z[r] = 1;
            continue;
          }
          const k = kind[c]!;
          if (k !== t) {
            if (k !== 0 || t === T_OTHER) {
              kind[c] = -1;
              continue;
            }
            kind[c] = t;
          }
          vs[c]![r] = nums[at + c]!;
        }
        r++;
      }
    }
    const out: (PackedColumn | undefined)[] = [];
    for (let c = 0; c < w; c++)
      out.push(kind[c] === -1 ? undefined : { kind: kind[c] === T_BIGINT ? 'bigint' : 'number', v: vs[c]!, nulls: nulls[c] });
    return out;
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

/** Builds one packed column, row by row (see RowStore.packColumns). */
class ColumnPacker {
  private nulls: Uint8Array | undefined;
  private tag = 0;
  private kind: 'number' | 'bigint' | 'string' | 'boolean' | 'mixed' | undefined;
  private readonly v: Float64Array;
  private readonly strs: string[] = [];

  constructor(
    private readonly n: number,
    private readonly objs: Value[] | null,
  ) {
    this.v = new Float64Array(n);
  }

  push(r: number, slot: number, tag: number, num: number): void {
    if (this.kind === 'mixed') return;
    if (tag === T_NULL) {
      (this.nulls ??= new Uint8Array(this.n))[r] = 1;
      if (this.kind === 'string') this.strs.push('');
      return;
    }
    if (this.tag !== 0 && tag !== this.tag) {
      this.kind = 'mixed';
      return;
    }
    this.tag = tag;
    if (tag !== T_OTHER) {
      this.kind = tag === T_BIGINT ? 'bigint' : 'number';
      this.v[r] = num;
      return;
    }
    const x = this.objs![slot]!;
    const k = typeof x === 'string' ? 'string' : typeof x === 'boolean' ? 'boolean' : 'mixed';
    if (k === 'mixed' || (this.kind !== undefined && this.kind !== k)) {
      this.kind = 'mixed';
      return;
    }
    if (this.kind === undefined && k === 'string') for (let j = 0; j < r; j++) this.strs.push('');
    this.kind = k;
    if (k === 'string') this.strs.push(x as string);
    else this.v[r] = x === true ? 1 : 0;
  }

  done(): PackedColumn | null {
    const nulls = this.nulls;
    switch (this.kind) {
      case 'mixed':
        return null;
      case 'string': {
        const ends = new Int32Array(this.n);
        let at = 0;
        for (let j = 0; j < this.n; j++) ends[j] = at += this.strs[j]!.length;
        return { kind: 'string', text: this.strs.join(''), ends, nulls };
      }
      case 'boolean':
        return { kind: 'boolean', v: Uint8Array.from(this.v), nulls };
      case 'bigint':
        return { kind: 'bigint', v: this.v, nulls };
      case 'number':
      case undefined:
        return { kind: 'number', v: this.v, nulls };
    }
  }
}
