import assert from 'node:assert/strict';
import { boundedOutOfOrderness, WatermarkEstimator } from '../../sdk';

const policy = boundedOutOfOrderness(5_000, { idleTimeoutMs: 30_000 });

describe('WatermarkEstimator', () => {
  it('bounded out-of-orderness: max seen minus the delay, never backwards', () => {
    const e = new WatermarkEstimator(policy);
    e.observe(100_000, 0);
    assert.equal(e.estimate(1), 95_000);
    e.observe(50_000, 2);
    assert.equal(e.estimate(3), 95_000);
  });

  it('idle exactly at the timeout: moves on with processing time since the last arrival', () => {
    const e = new WatermarkEstimator(policy);
    e.observe(100_000, 1_000);
    assert.equal(e.estimate(30_999), 95_000, 'one ms before the timeout: not idle');
    assert.equal(e.estimate(31_000), 100_000 + 30_000 - 5_000);
  });

  it('quiet time before.markReceptive (backpressure) is not idleness; quiet time after it is', () => {
    const e = new WatermarkEstimator(policy);
    e.observe(100_000, 1_000);
    e.markReceptive(60_000); // held back by flow control from 1 s to 60 s
    assert.equal(e.estimate(60_000), 95_000);
    assert.equal(e.estimate(89_999), 95_000);
    assert.equal(e.estimate(90_000), 100_000 + 30_000 - 5_000);
  });

  it('markReceptive never moves the last activity back', () => {
    const e = new WatermarkEstimator(policy);
    e.observe(100_000, 40_000);
    e.markReceptive(10_000);
    assert.equal(e.estimate(69_999), 95_000);
  });
});
