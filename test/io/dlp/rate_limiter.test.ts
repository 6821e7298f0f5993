import { strict as assert } from 'node:assert';
import { RateLimiter, type TimerClock } from '../../../io/dlp/rate_limiter';

/**
 * Virtual time: `sleep` moves the clock to the wake-up time at once. The limiter admits one request at a time, so
 * there is never more than one sleeper and the clock only moves forward.
 */
class VirtualClock implements TimerClock {
  current = 0;
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.current += ms;
  }
}

describe('io/dlp/rate_limiter', () => {
  it('honours 600 requests/minute: 1,500 requests take two minutes of virtual time and no 60 s window holds more than 600 starts', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 600, maxConcurrency: 2_000, clock });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 1_500 }, () => limiter.run(async () => starts.push(clock.now()))));
    assert.equal(starts.length, 1_500);
    assert.deepEqual(
      [starts[0], starts[599], starts[600], starts[1_199], starts[1_200], starts[1_499]],
      [0, 0, 60_000, 60_000, 120_000, 120_000],
    );
    for (let i = 0; i + 600 < starts.length; i++) assert.ok(starts[i + 600] - starts[i] >= 60_000, `window at start ${i}`);
    assert.equal(limiter.stats.started, 1_500);
  });

  it('at 1 request/minute, requests start one minute apart', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 1, clock });
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) await limiter.run(async () => starts.push(clock.now()));
    assert.deepEqual(starts, [0, 60_000, 120_000]);
    assert.equal(limiter.stats.rateWaitMs, 120_000);
  });

  it('requests spread over time are not delayed: 10 requests/min, one every 7 s', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 10, clock });
    for (let i = 0; i < 30; i++) {
      clock.current = i * 7_000;
      await limiter.run(async () => assert.equal(clock.now(), i * 7_000));
    }
    assert.equal(limiter.stats.rateWaitMs, 0);
  });

  it('a timer that wakes early does not let a request through before the window has passed', async () => {
    let current = 0;
    const early: TimerClock = { now: () => current, sleep: async (ms) => void (current += Math.max(1, ms - 5)) };
    const limiter = new RateLimiter({ requestsPerMinute: 2, clock: early });
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) await limiter.run(async () => starts.push(current));
    for (let i = 0; i + 2 < starts.length; i++) assert.ok(starts[i + 2] - starts[i] >= 60_000);
  });

  it('bounds concurrency: never more than 3 in flight, and every request completes', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 3, requestsPerMinute: 10_000 });
    let inFlight = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
          inFlight--;
          return i;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(
      done,
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(limiter.stats.inFlight, 0);
  });

  it('a failing request frees its slot', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    await assert.rejects(
      limiter.run(async () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limiter.run(async () => 'next'), 'next');
  });

  it('refuses a rate or concurrency that is not a positive integer', () => {
    assert.throws(() => new RateLimiter({ requestsPerMinute: 0 }), /requestsPerMinute must be a positive integer, got 0/);
    assert.throws(() => new RateLimiter({ requestsPerMinute: 1.5 }), /requestsPerMinute/);
    assert.throws(() => new RateLimiter({ maxConcurrency: 0 }), /maxConcurrency must be a positive integer, got 0/);
    assert.throws(() => new RateLimiter({ maxConcurrency: Number.NaN }), /maxConcurrency/);
  });
});
