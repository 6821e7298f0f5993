import { type Instant } from './time';

/**
 * Processing time, injected. The runner, processing-time triggers and idle-source handling read
 * time only through a Clock, so tests drive time explicitly and run deterministically.
 */
export interface Clock {
  now(): Instant;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; never backwards. */
export class ManualClock implements Clock {
  private current: Instant;

  constructor(start: Instant = 0) {
    this.current = start;
  }

  now(): Instant {
    return this.current;
  }

  advanceBy(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock cannot move backwards (advanceBy ${ms})`);
    this.current += ms;
  }

  advanceTo(t: Instant): void {
    if (t < this.current) throw new RangeError(`a clock cannot move backwards (from ${this.current} to ${t})`);
    this.current = t;
  }
}
