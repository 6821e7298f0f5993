/**
 * Timers bucketed by time: a binary min-heap of distinct times, and the entries due at each time.
 * Many windows share an end (fixed windows of every key end together), so the heap stays small.
 *
 * Entries are never removed when they become stale (a window merged away, a deadline moved); the
 * owner checks an entry when it is popped. That keeps setting a timer O(1) amortized on the hot path.
 */
export class TimerQueue<E> {
  private readonly heap: number[] = [];
  private readonly buckets = new Map<number, E[]>();

  get size(): number {
    return this.buckets.size;
  }

  add(time: number, entry: E): void {
    const bucket = this.buckets.get(time);
    if (bucket) {
      bucket.push(entry);
      return;
    }
    this.buckets.set(time, [entry]);
    this.push(time);
  }

  /** The earliest time with entries; +Infinity when empty. */
  peekTime(): number {
    return this.heap.length ? this.heap[0] : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the entries of the earliest time if `isDue(time)`; undefined otherwise. */
  popDue(isDue: (time: number) => boolean): { time: number; entries: E[] } | undefined {
    if (this.heap.length === 0 || !isDue(this.heap[0])) return undefined;
    const time = this.pop();
    const entries = this.buckets.get(time) ?? [];
    this.buckets.delete(time);
    return { time, entries };
  }

  clear(): void {
    this.heap.length = 0;
    this.buckets.clear();
  }

  private push(t: number): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent] <= t) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = t;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r] < h[l] ? r : l;
        if (h[c] >= last) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
