/**
 * Client-side flow control for Cloud DLP: a requests-per-minute limit and a bound on requests in flight.
 *
 * DLP's quota is counted per minute (600 requests/min per region on the global endpoint by default), so the
 * limiter enforces exactly that: no more than `requestsPerMinute` request starts in any 60-second window (a sliding
 * log of the last starts). A burst up to the quota goes out at once, as DLP accepts it; the next request waits
 * until the oldest start leaves the window. Every attempt counts, retries included, because DLP counts them too.
 *
 * Time is injected (`TimerClock`), so tests drive minutes of traffic without waiting for them.
 */

/** Reads time and waits: the two things rate limiting needs from a clock. */
export interface TimerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimiterOptions {
  /** Request starts allowed in any 60-second window. Default 600 (DLP's default quota). */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once. Default 4. */
  readonly maxConcurrency?: number;
  readonly clock?: TimerClock;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 600;
export const DEFAULT_MAX_CONCURRENCY = 4;
const WINDOW_MS = 60_000;

export class RateLimiter {
  readonly requestsPerMinute: number;
  readonly maxConcurrency: number;
  private readonly clock: TimerClock;
  /** Start times of the last `requestsPerMinute` requests, oldest first (a ring buffer). */
  private readonly starts: number[] = [];
  private startsHead = 0;
  private inFlight = 0;
  /** Callers waiting for a concurrency slot, first come first served. */
  private readonly slotWaiters: (() => void)[] = [];
  /** Serializes the admission decision, so that waiting callers start in arrival order. */
  private admission: Promise<void> = Promise.resolve();
  private started = 0;
  private waitedMs = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.requestsPerMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    this.maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.clock = options.clock ?? systemTimerClock;
    if (!(Number.isInteger(this.requestsPerMinute) && this.requestsPerMinute >= 1)) {
      throw new RangeError(`requestsPerMinute must be a positive integer, got ${options.requestsPerMinute}`);
    }
    if (!(Number.isInteger(this.maxConcurrency) && this.maxConcurrency >= 1)) {
      throw new RangeError(`maxConcurrency must be a positive integer, got ${options.maxConcurrency}`);
    }
  }

  /** Requests started so far and the total time callers spent waiting for the rate limit. */
  get stats(): { readonly started: number; readonly rateWaitMs: number; readonly inFlight: number } {
    return { started: this.started, rateWaitMs: this.waitedMs, inFlight: this.inFlight };
  }

  /** Runs `request` once a concurrency slot is free and the rate allows another start. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    await this.acquireSlot();
    try {
      await this.admit();
      return await request();
    } finally {
      this.releaseSlot();
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.inFlight < this.maxConcurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    // The slot is handed over by releaseSlot, which keeps inFlight counted for the waiter.
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  private admit(): Promise<void> {
    const turn = this.admission.then(() => this.waitForRate());
    this.admission = turn;
    return turn;
  }

  private async waitForRate(): Promise<void> {
    if (this.starts.length === this.requestsPerMinute) {
      const oldest = this.starts[this.startsHead];
      // A loop, not one sleep: a timer may wake a millisecond early, and the window must really have passed.
      for (let wait = oldest + WINDOW_MS - this.clock.now(); wait > 0; wait = oldest + WINDOW_MS - this.clock.now()) {
        this.waitedMs += wait;
        await this.clock.sleep(wait);
      }
    }
    const now = this.clock.now();
    if (this.starts.length < this.requestsPerMinute) this.starts.push(now);
    else {
      this.starts[this.startsHead] = now;
      this.startsHead = (this.startsHead + 1) % this.requestsPerMinute;
    }
    this.started++;
  }
}
