/**
 * States that are at rest (nothing pending: they could leave memory), oldest first, and how many there are.
 *
 * An entry is never removed when its state wakes up (gets new data) or comes to rest again: each registration gets a
 * new sequence number, stored on the state, and an entry whose number no longer matches is stale and skipped. The
 * count is exact; stale entries are dropped when they reach the head, and the whole queue is swept when they
 * outnumber the live ones, so it stays within a constant factor of the resting states.
 */
export interface Restable {
  /** Sequence number of the state's current registration; 0 when it is not registered (not at rest). */
  restSeq: number;
}

export class RestingQueue<S extends Restable> {
  private seqs: number[] = [];
  private states: (S | undefined)[] = [];
  private head = 0;
  private lastSeq = 0;
  private resting = 0;

  /** States registered as at rest now. */
  get size(): number {
    return this.resting;
  }

  /** `s` came to rest (it must not be registered already). */
  add(s: S): void {
    s.restSeq = ++this.lastSeq;
    this.seqs.push(s.restSeq);
    this.states.push(s);
    this.resting++;
    if (this.seqs.length - this.head > 2 * this.resting + 1024) this.sweep();
  }

  /** `s` is no longer at rest (new data) or no longer exists; no-op when it was not registered. */
  remove(s: S): void {
    if (s.restSeq === 0) return;
    s.restSeq = 0;
    this.resting--;
  }

  /** Unregisters and returns the state that has rested longest; undefined when none rests. */
  takeOldest(): S | undefined {
    while (this.head < this.seqs.length) {
      const i = this.head++;
      const s = this.states[i] as S;
      this.states[i] = undefined;
      if (s.restSeq === this.seqs[i]) {
        this.compactHead();
        this.remove(s);
        return s;
      }
    }
    this.clear();
    return undefined;
  }

  /** Forgets every registration. */
  clear(): void {
    for (let i = this.head; i < this.seqs.length; i++) {
      const s = this.states[i] as S;
      if (s.restSeq === this.seqs[i]) s.restSeq = 0;
    }
    this.seqs = [];
    this.states = [];
    this.head = 0;
    this.resting = 0;
  }

  private compactHead(): void {
    if (this.head > 1024 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.states = this.states.slice(this.head);
      this.head = 0;
    }
  }

  /** Keeps only entries that are still current. */
  private sweep(): void {
    const seqs: number[] = [];
    const states: S[] = [];
    for (let i = this.head; i < this.seqs.length; i++) {
      const s = this.states[i] as S;
      if (s.restSeq === this.seqs[i]) {
        seqs.push(this.seqs[i]);
        states.push(s);
      }
    }
    this.seqs = seqs;
    this.states = states;
    this.head = 0;
  }
}
