import assert from 'node:assert/strict';
import { generateMessages, pace } from '../../../io/generator';

describe('generator / pace (wall-clock rate)', () => {
  it('yields at the requested rate', async () => {
    const rate = 200;
    const n = 60;
    const start = performance.now();
    const arrivals: number[] = [];
    for await (const _ of pace(generateMessages({ events: n }), { ratePerSecond: rate }))
      arrivals.push(performance.now() - start);
    assert.equal(arrivals.length, n);
    const elapsed = arrivals[arrivals.length - 1];
    const expected = ((n - 1) / rate) * 1000; // 295 ms
    assert.ok(elapsed >= expected * 0.9, `too fast: ${elapsed} ms`);
    assert.ok(elapsed < expected * 2 + 100, `too slow: ${elapsed} ms`);
    // Paced, not bursty: the first half arrives in roughly the first half of the time.
    assert.ok(arrivals[n / 2] >= expected * 0.4);
  });

  it('paces an unbounded source until aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    let n = 0;
    for await (const _ of pace(generateMessages(), { ratePerSecond: 100, signal: controller.signal })) n++;
    // ~15 messages in 150 ms; generous bounds for a loaded machine.
    assert.ok(n >= 5 && n <= 30, `${n} messages`);
  });

  it('uses the injected clock and rejects bad rates', async () => {
    let fake = 0;
    const out: number[] = [];
    // A clock that is always "late" never sleeps: everything is yielded at once, in order.
    for await (const x of pace([1, 2, 3], { ratePerSecond: 1, now: () => (fake += 10_000) })) out.push(x);
    assert.deepEqual(out, [1, 2, 3]);
    await assert.rejects(async () => {
      for await (const _ of pace([1], { ratePerSecond: 0 })) {
        // never
      }
    }, RangeError);
  });
});
