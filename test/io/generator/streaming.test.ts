import assert from 'node:assert/strict';
import { ClickstreamGenerator, generateMessages, generateWithTruth } from '../../../io/generator';

describe('generator / streaming and unbounded mode', () => {
  it('unbounded generateMessages keeps yielding (take N, then more)', () => {
    const it = generateMessages({ seed: 1 });
    let n = 0;
    for (const m of it) {
      assert.equal(m.arrivalIndex, n);
      if (++n === 50_000) break;
    }
    assert.equal(n, 50_000);
    const g = new ClickstreamGenerator({ seed: 1, trackTruth: false });
    assert.equal(g.take(10_000).length, 10_000);
    assert.equal(g.take(10_000).length, 10_000);
    assert.equal(g.done, false);
    assert.equal(g.counts.messages, 20_000);
  });

  it('a bounded run ends after exactly `events` messages, and events: 0 yields nothing', () => {
    const g = new ClickstreamGenerator({ events: 1_234 });
    assert.equal([...g].length, 1_234);
    assert.equal(g.done, true);
    assert.deepEqual(g.next(), { done: true, value: undefined });
    assert.equal([...generateMessages({ events: 0 })].length, 0);
  });

  it('the streaming truth accumulates as messages are consumed and always reconciles', () => {
    const g = new ClickstreamGenerator({
      seed: 6,
      duplicateRate: 0.05,
      malformedRate: 0.05,
      lateRate: 0.05,
      lateByMs: 60_000,
      rate: 50,
    });
    let previous = 0;
    for (let round = 0; round < 5; round++) {
      g.take(4_000);
      const t = g.truth();
      const c = t.counts;
      assert.equal(c.messages, (round + 1) * 4_000);
      assert.equal(c.messages, c.valid + c.late + c.duplicates + c.malformed);
      assert.equal(t.events.size, c.valid + c.late);
      assert.ok(t.events.size > previous);
      previous = t.events.size;
    }
    // A snapshot does not change when the generator moves on.
    const snap = g.truth();
    const size = snap.events.size;
    g.take(1_000);
    assert.equal(snap.events.size, size);
  });

  it('the streaming truth equals the bounded truth for the same messages', () => {
    const opts = { seed: 'same', events: 8_000, lateByMs: 30_000, lateRate: 0.05 };
    const bounded = generateWithTruth(opts).truth;
    const g = new ClickstreamGenerator(opts);
    for (const _ of g) {
      // consume
    }
    const streamed = g.truth();
    assert.deepEqual(streamed.counts, bounded.counts);
    assert.deepEqual([...streamed.sessions], [...bounded.sessions]);
  });

  it('without truth tracking, truth() refuses and memory stays bounded by the in-flight window', () => {
    const g = new ClickstreamGenerator({ trackTruth: false, rate: 100, seed: 2 });
    assert.throws(() => g.truth(), /not tracked/);
    let maxPending = 0;
    for (let i = 0; i < 20; i++) {
      g.take(10_000);
      maxPending = Math.max(maxPending, g.pendingMessages);
    }
    // In flight ≈ on-time ones for ~1 s (100) + late ones held for lateBy…2×lateBy (1 % × 100/s × ≤ 3600 s).
    assert.ok(maxPending < 10_000, `pending ${maxPending}`);
    assert.ok(g.populationSize <= 1_000_000);
  });

  it('the user population respects its cap', () => {
    const g = new ClickstreamGenerator({ users: 500, rate: 5, trackTruth: false });
    g.take(20_000);
    assert.equal(g.populationSize, 500);
  });
});
