import assert from 'node:assert/strict';
import { ClickstreamGenerator, MALFORMED_KINDS, generateWithTruth, resolveOptions } from '../../../io/generator';

describe('generator / options', () => {
  it('documents its defaults', () => {
    const o = resolveOptions();
    assert.deepEqual(
      {
        seed: o.seed,
        events: o.events,
        startTime: new Date(o.startTime).toISOString(),
        rate: o.rate,
        outOfOrderMs: o.outOfOrderMs,
        lateRate: o.lateRate,
        lateByMs: o.lateByMs,
        duplicateRate: o.duplicateRate,
        duplicateNewIdShare: o.duplicateNewIdShare,
        malformedRate: o.malformedRate,
        sessionGapMs: o.sessionGapMs,
        users: o.users,
        trackTruth: o.trackTruth,
      },
      {
        seed: 1,
        events: undefined,
        startTime: '2024-03-01T00:00:00.000Z',
        rate: 10,
        outOfOrderMs: 60_000,
        lateRate: 0.01,
        lateByMs: 1_800_000,
        duplicateRate: 0.02,
        duplicateNewIdShare: 0,
        malformedRate: 0.01,
        sessionGapMs: 1_800_000,
        users: 1_000_000,
        trackTruth: true,
      },
    );
  });

  it('rejects bad options with a clear RangeError', () => {
    const bad: Array<[object, RegExp]> = [
      [{ rate: 0 }, /rate/],
      [{ rate: Number.NaN }, /rate/],
      [{ lateRate: 1 }, /lateRate/],
      [{ duplicateRate: -0.1 }, /duplicateRate/],
      [{ malformedRate: 2 }, /malformedRate/],
      [{ events: 1.5 }, /events/],
      [{ events: -1 }, /events/],
      [{ outOfOrderMs: -5 }, /outOfOrderMs/],
      [{ sessionGapMs: 10 }, /sessionGapMs/],
      [{ users: 0 }, /users/],
      [{ startTime: 'not a date' }, /invalid time/],
      [{ startTime: 0 }, /startTime/],
      [{ malformedWeights: { nope: 1 } }, /unknown malformed kind/],
      [
        {
          malformedWeights: Object.fromEntries(MALFORMED_KINDS.map((k) => [k, 0])),
        },
        /all weights are 0/,
      ],
    ];
    for (const [options, message] of bad)
      assert.throws(() => new ClickstreamGenerator(options), message, JSON.stringify(options));
    assert.throws(() => generateWithTruth({} as { events: number }), /bounded/);
  });
});
