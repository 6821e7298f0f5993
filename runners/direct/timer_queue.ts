/**
 * Timers as a binary min-heap of (time, entry) pairs kept in two parallel arrays, so that setting a
 * timer allocates nothing but array growth.
 *
 * Entries are never removed when they become stale (a window merged away, a deadline moved); the
 * owner checks an entry when it is popped. That keeps setting a timer O(log n) with no bookkeeping
 * on the hot path.
 */
export class TimerQueue<E> {
  private readonly times: number[] = [];
  private readonly entries: E[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest time; +Infinity when empty. */
  peekTime(): number {
    return this.times.length ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  add(time: number, entry: E): void {
    const times = this.times;
    const entries = this.entries;
    let i = times.length;
    times.push(time);
    entries.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      entries[i] = entries[parent];
      i = parent;
    }
    times[i] = time;
    entries[i] = entry;
  }

  /** Removes and returns the entry with the earliest time (call only when size > 0). */
  pop(): E {
    const times = this.times;
    const entries = this.entries;
    const top = entries[0];
    const lastTime = times.pop() as number;
    const lastEntry = entries.pop() as E;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && times[r] < times[l] ? r : l;
        if (times[c] >= lastTime) break;
        times[i] = times[c];
        entries[i] = entries[c];
        i = c;
      }
      times[i] = lastTime;
      entries[i] = lastEntry;
    }
    return top;
  }

  clear(): void {
    this.times.length = 0;
    this.entries.length = 0;
  }
}
