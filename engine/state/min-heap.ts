// A binary min-heap of items ordered by a numeric priority (lazy deletion is the caller's job:
// stale entries are recognised and skipped when popped). Pure data structure; no I/O.

export class MinHeap<T> {
  private readonly prio: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.prio.length;
  }

  /** Smallest priority, +Infinity when empty. */
  peekPriority(): number {
    return this.prio.length === 0 ? Number.POSITIVE_INFINITY : this.prio[0]!;
  }

  push(priority: number, item: T): void {
    const prio = this.prio;
    const items = this.items;
    let i = prio.length;
    prio.push(priority);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (prio[parent]! <= priority) break;
      prio[i] = prio[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    prio[i] = priority;
    items[i] = item;
  }

  /** Remove and return the item with the smallest priority (undefined when empty). */
  pop(): T | undefined {
    const prio = this.prio;
    const items = this.items;
    const n = prio.length;
    if (n === 0) return undefined;
    const top = items[0]!;
    const lastP = prio.pop()!;
    const lastI = items.pop()!;
    const m = n - 1;
    if (m > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        const c = r < m && prio[r]! < prio[l]! ? r : l;
        if (prio[c]! >= lastP) break;
        prio[i] = prio[c]!;
        items[i] = items[c]!;
        i = c;
      }
      prio[i] = lastP;
      items[i] = lastI;
    }
    return top;
  }

  clear(): void {
    this.prio.length = 0;
    this.items.length = 0;
  }
}
