// KeyTable: maps group and primary keys (GroupKey) to dense slot numbers chosen by the caller.
// Safe-integer number keys (every BIGINT/INT key in practice: singleKey turns safe bigints into
// numbers) live in typed arrays, so a million keys cost the garbage collector nothing: in direct
// pages while they are dense (auto-increment ids), else in an open-addressing hash table. Any
// other key goes to a Map beside them. Pure data structure; no I/O.
import type { GroupKey } from '../state/group-key.js';

const EMPTY = 0;
const TWO32 = 4294967296;

/** Keys per direct page (a page holds slot + 1 per key, 0 when absent, and its count last). */
const PAGE = 4096;
/** Direct pages are given up for hashing once they hold fewer keys than this share of their cells. */
const MIN_DENSITY = 1 / 16;
const MIN_PAGES = 64;

/** Home cell of safe integer k (equal numbers, 0 and -0 included, get the same cell). */
function home(k: number, mask: number): number {
  let h = Math.imul((k >>> 0) ^ Math.imul((k / TWO32) | 0, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) & mask;
}

const isIntKey = (k: GroupKey): k is number => typeof k === 'number' && Number.isSafeInteger(k);

/**
 * Numbers: with `dense`, direct pages of PAGE consecutive keys (a lookup of a recent
 * auto-increment id touches one hot page instead of a random cache line of a huge table), until
 * the pages get sparse; then, and without `dense`, linear probing with backward-shift deletion
 * (no tombstones), at most 3/4 full, where cell i is cells[2i] = key, cells[2i + 1] = slot + 1
 * (0 marks an empty cell), so a probe touches one cache line. Slots are non-negative int32s.
 */
export class KeyTable {
  private cells: Float64Array;
  private cap: number;
  private mask: number;
  /** Number keys held (pages or cells). */
  private used = 0;
  private other: Map<GroupKey, number> | null = null;
  /** Direct pages by page number (floor(k / PAGE)); null in hash mode. */
  private pages: Map<number, Int32Array> | null;
  private lastNo = Number.NaN;
  private lastPage: Int32Array | undefined;

  constructor(opts: { readonly dense?: boolean; readonly capacity?: number } = {}) {
    let cap = 16;
    while (cap * 3 < (opts.capacity ?? 0) * 4) cap *= 2;
    this.cells = new Float64Array(2 * cap);
    this.cap = cap;
    this.mask = cap - 1;
    this.pages = opts.dense === true ? new Map() : null;
  }

  get size(): number {
    return this.used + (this.other === null ? 0 : this.other.size);
  }

  /** The slot of `k`, or -1. */
  get(k: GroupKey): number {
    if (isIntKey(k)) {
      if (this.pages !== null) {
        const no = Math.floor(k / PAGE);
        const page = no === this.lastNo ? this.lastPage : this.pageAt(no);
        return page === undefined ? -1 : page[k - no * PAGE]! - 1;
      }
      const cells = this.cells;
      const mask = this.mask;
      for (let i = home(k, mask); ; i = (i + 1) & mask) {
        const v = cells[2 * i + 1]!;
        if (v === EMPTY) return -1;
        if (cells[2 * i] === k) return v - 1;
      }
    }
    if (this.other === null) return -1;
    const s = this.other.get(k);
    return s === undefined ? -1 : s;
  }

  /** Map `k` to `slot` (replacing its slot if present). */
  set(k: GroupKey, slot: number): void {
    if (isIntKey(k)) {
      if (this.pages !== null) {
        const no = Math.floor(k / PAGE);
        let page = no === this.lastNo ? this.lastPage : this.pageAt(no);
        if (page === undefined) {
          if (this.pages.size >= MIN_PAGES && (this.pages.size + 1) * PAGE * MIN_DENSITY > this.used + 1) {
            this.toHash();
            this.hashSet(k, slot);
            return;
          }
          page = new Int32Array(PAGE + 1);
          this.pages.set(no, page);
          this.lastNo = no;
          this.lastPage = page;
        }
        const off = k - no * PAGE;
        if (page[off] === EMPTY) {
          page[PAGE]!++;
          this.used++;
        }
        page[off] = slot + 1;
        return;
      }
      this.hashSet(k, slot);
      return;
    }
    if (this.other === null) this.other = new Map();
    this.other.set(k, slot);
  }

  /** Remove `k`; returns its slot, or -1 when absent. */
  delete(k: GroupKey): number {
    if (isIntKey(k)) {
      if (this.pages !== null) {
        const no = Math.floor(k / PAGE);
        const page = no === this.lastNo ? this.lastPage : this.pageAt(no);
        if (page === undefined) return -1;
        const off = k - no * PAGE;
        const slot = page[off]! - 1;
        if (slot < 0) return -1;
        page[off] = EMPTY;
        this.used--;
        if (--page[PAGE]! === 0) {
          this.pages.delete(no);
          this.lastNo = Number.NaN;
          this.lastPage = undefined;
        } else if (this.pages.size >= MIN_PAGES && this.pages.size * PAGE * MIN_DENSITY > this.used) this.toHash();
        return slot;
      }
      return this.hashDelete(k);
    }
    if (this.other === null) return -1;
    const s = this.other.get(k);
    if (s === undefined) return -1;
    this.other.delete(k);
    return s;
  }

  /** Renumber every slot s to remap[s] (after the caller compacted its slots). */
  remap(remap: Int32Array): void {
    if (this.pages !== null) {
      for (const page of this.pages.values())
        for (let i = 0; i < PAGE; i++) {
          const v = page[i]!;
          if (v !== EMPTY) page[i] = remap[v - 1]! + 1;
        }
    } else {
      const cells = this.cells;
      for (let i = 1; i < cells.length; i += 2) {
        const v = cells[i]!;
        if (v !== EMPTY) cells[i] = remap[v - 1]! + 1;
      }
    }
    if (this.other !== null) for (const [k, s] of this.other) this.other.set(k, remap[s]!);
  }

  /** Empty the table, keeping its hash capacity (for reuse). */
  clear(): void {
    if (this.pages !== null) {
      this.pages.clear();
      this.lastNo = Number.NaN;
      this.lastPage = undefined;
    } else if (this.used > 0) this.cells.fill(EMPTY);
    this.used = 0;
    this.other = null;
  }

  private pageAt(no: number): Int32Array | undefined {
    const page = this.pages!.get(no);
    if (page !== undefined) {
      this.lastNo = no;
      this.lastPage = page;
    }
    return page;
  }

  /** Leave direct pages for the hash table (for good: the keys turned out sparse). */
  private toHash(): void {
    const pages = this.pages!;
    this.pages = null;
    this.lastNo = Number.NaN;
    this.lastPage = undefined;
    let cap = 16;
    while (cap * 3 < (this.used + 1) * 4 * 2) cap *= 2;
    this.cells = new Float64Array(2 * cap);
    this.cap = cap;
    this.mask = cap - 1;
    this.used = 0;
    for (const [no, page] of pages)
      for (let i = 0; i < PAGE; i++) {
        const v = page[i]!;
        if (v !== EMPTY) this.hashSet(no * PAGE + i, v - 1);
      }
  }

  private hashSet(k: number, slot: number): void {
    if ((this.used + 1) * 4 > this.cap * 3) this.grow();
    const cells = this.cells;
    const mask = this.mask;
    for (let i = home(k, mask); ; i = (i + 1) & mask) {
      const v = cells[2 * i + 1]!;
      if (v === EMPTY) {
        cells[2 * i] = k;
        cells[2 * i + 1] = slot + 1;
        this.used++;
        return;
      }
      if (cells[2 * i] === k) {
        cells[2 * i + 1] = slot + 1;
        return;
      }
    }
  }

  private hashDelete(k: number): number {
    const cells = this.cells;
    const mask = this.mask;
    let i = home(k, mask);
    for (; ; i = (i + 1) & mask) {
      const v = cells[2 * i + 1]!;
      if (v === EMPTY) return -1;
      if (cells[2 * i] === k) break;
    }
    const slot = cells[2 * i + 1]! - 1;
    this.used--;
    // Backward shift: pull later entries of the probe run into the hole when their home allows.
    let j = i;
    for (;;) {
      cells[2 * i + 1] = EMPTY;
      for (;;) {
        j = (j + 1) & mask;
        if (cells[2 * j + 1] === EMPTY) return slot;
        const h = home(cells[2 * j]!, mask);
        const stays = i <= j ? i < h && h <= j : i < h || h <= j;
        if (!stays) break;
      }
      cells[2 * i] = cells[2 * j]!;
      cells[2 * i + 1] = cells[2 * j + 1]!;
      i = j;
    }
  }

  private grow(): void {
    const old = this.cells;
    const cap = this.cap * 2;
    const cells = new Float64Array(2 * cap);
    const mask = cap - 1;
    for (let j = 1; j < old.length; j += 2) {
      const v = old[j]!;
      if (v === EMPTY) continue;
      const k = old[j - 1]!;
      let i = home(k, mask);
      while (cells[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
      cells[2 * i] = k;
      cells[2 * i + 1] = v;
    }
    this.cells = cells;
    this.cap = cap;
    this.mask = mask;
  }
}
