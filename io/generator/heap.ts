/**
 * A binary min-heap of values ordered by (key, tie), both numbers, kept in parallel arrays.
 *
 * The generator keeps several: active sessions by next due time, messages in flight by arrival time, late
 * messages by event time, cooling users by last event time. Numeric keys in arrays (rather than a comparator
 * closure over objects) keep the sift loops monomorphic — the first version spent ~10 % of generation time in
 * comparator calls. `tie` must make keys unique (a sequence number), so the pop order — hence the output — is
 * fully determined.
 */
export class KeyedMinHeap<T> {
  private readonly keys: number[] = [];
  private readonly ties: number[] = [];
  private readonly values: T[] = [];

  get size(): number {
    return this.values.length;
  }

  /** Key of the minimum, or +∞ when empty. */
  peekKey(): number {
    return this.values.length === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  /** Tie of the minimum (undefined behaviour when empty: check size or peekKey first). */
  peekTie(): number {
    return this.ties[0];
  }

  peek(): T | undefined {
    return this.values[0];
  }

  push(key: number, tie: number, value: T): void {
    const keys = this.keys;
    const ties = this.ties;
    const values = this.values;
    let i = values.length;
    keys.push(key);
    ties.push(tie);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk < key || (pk === key && ties[parent] < tie)) break;
      keys[i] = pk;
      ties[i] = ties[parent];
      values[i] = values[parent];
      i = parent;
    }
    keys[i] = key;
    ties[i] = tie;
    values[i] = value;
  }

  pop(): T | undefined {
    const keys = this.keys;
    const ties = this.ties;
    const values = this.values;
    const n = values.length - 1;
    if (n < 0) return undefined;
    const top = values[0];
    const key = keys[n];
    const tie = ties[n];
    const value = values[n];
    keys.pop();
    ties.pop();
    values.pop();
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (keys[r] < keys[c] || (keys[r] === keys[c] && ties[r] < ties[c]))) c = r;
        const ck = keys[c];
        if (key < ck || (key === ck && tie < ties[c])) break;
        keys[i] = ck;
        ties[i] = ties[c];
        values[i] = values[c];
        i = c;
      }
      keys[i] = key;
      ties[i] = tie;
      values[i] = value;
    }
    return top;
  }
}
