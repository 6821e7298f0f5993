/**
 * The user population: who can start a session now.
 *
 * A user is active (in a session), cooling down (their last event is ≤ gap ago — starting now would continue the
 * previous session in Beam's eyes, and users are meant to have bursts separated by more than the gap), or ready.
 * Cooling users wait in a heap by last event time and move to the ready pool when their gap has passed; picking
 * a returning user is a uniform draw from the pool, O(1). Users are compact records (see users.ts), so the
 * population cap can be large.
 */
import { KeyedMinHeap } from './heap';
import type { Prng } from './prng';
import type { User } from './users';

export class Population {
  private count = 0;
  /** Users between sessions by (last event time, index). */
  private readonly cooling = new KeyedMinHeap<User>();
  private readonly ready: User[] = [];

  constructor(
    private readonly maxUsers: number,
    private readonly gapMs: number,
    private readonly newUserShare: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /**
   * A user who may start a session at event time t: a new one (with probability newUserShare, or when nobody is
   * ready) while below the cap, else a ready returning user; null when nobody can.
   */
  pick(t: number, prng: Prng): User | null {
    const cooling = this.cooling;
    // Ready when t − last > gap, i.e. last < t − gap.
    while (cooling.peekKey() < t - this.gapMs) this.ready.push(cooling.pop()!);
    const canGrow = this.count < this.maxUsers;
    if (canGrow && (this.ready.length === 0 || prng.chance(this.newUserShare))) return this.create();
    if (this.ready.length === 0) return null;
    return this.takeReady(prng.int(this.ready.length));
  }

  /** The cooling user who becomes ready first (for when nobody else can start a session). */
  takeEarliestCooling(): User | undefined {
    return this.cooling.pop();
  }

  /** A user's session has ended: they cool down before their next one. */
  release(user: User): void {
    this.cooling.push(user.lastEventTime, user.index, user);
  }

  private create(): User {
    // Not kept in a list: every user is referenced by exactly one of an active session, `cooling` or `ready`.
    return { index: this.count++, lastEventTime: Number.NEGATIVE_INFINITY, sessionCount: 0 };
  }

  /** Swap-remove: order in the pool does not matter, draws are uniform. */
  private takeReady(i: number): User {
    const ready = this.ready;
    const user = ready[i];
    const last = ready.pop()!;
    if (i < ready.length) ready[i] = last;
    return user;
  }
}
