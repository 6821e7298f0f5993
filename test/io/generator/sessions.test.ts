import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeSessions, generateWithTruth, type GroundTruth } from '../../../io/generator';

const MIN = 60_000;

/** Checks Beam's session rule on a truth: per user, sessions partition the events by gaps ≥ gap. */
function assertSessionsRespectGap(truth: GroundTruth): void {
  const gap = truth.gapMs;
  const seen = new Set<string>();
  for (const [user, sessions] of truth.sessions) {
    let previousEnd = Number.NEGATIVE_INFINITY;
    let previousLast = Number.NEGATIVE_INFINITY;
    for (const s of sessions) {
      const times = s.eventIds.map((id) => {
        const e = truth.events.get(id);
        assert.ok(e, `session event ${id} not in truth`);
        assert.equal(e.userKey, user);
        assert.ok(!seen.has(id), 'an event is in exactly one session');
        seen.add(id);
        return e.eventTime;
      });
      assert.equal(times.length, s.eventCount);
      assert.ok(s.eventCount > 0);
      for (let i = 1; i < times.length; i++) {
        assert.ok(times[i] >= times[i - 1], 'events in event-time order');
        assert.ok(times[i] - times[i - 1] < gap, `gap of ${times[i] - times[i - 1]} ms inside a session`);
      }
      assert.equal(s.start, times[0]);
      assert.equal(s.lastEventTime, times[times.length - 1]);
      assert.equal(s.end, s.lastEventTime + gap, 'window is [first, last + gap)');
      // Half-open windows: the next session starts at or after this one's end.
      assert.ok(s.start >= previousEnd, 'sessions of a user do not overlap');
      assert.ok(s.start - previousLast >= gap);
      previousEnd = s.end;
      previousLast = s.lastEventTime;
    }
  }
  assert.equal(seen.size, truth.events.size, 'every event is in a session');
}

describe('generator / sessions in the ground truth', () => {
  it('computeSessions follows Beam: within gap merges, exactly gap splits, a bridging event merges', () => {
    const ev = (eventId: string, eventTime: number, userKey = 'u') => ({ eventId, eventTime, userKey });
    const gap = 30 * MIN;
    let s = computeSessions([ev('a', 0), ev('b', gap - 1)], gap).get('u')!;
    assert.equal(s.length, 1);
    assert.deepEqual({ start: s[0].start, end: s[0].end, n: s[0].eventCount }, { start: 0, end: 2 * gap - 1, n: 2 });

    s = computeSessions([ev('a', 0), ev('b', gap)], gap).get('u')!;
    assert.equal(s.length, 2, 'two events exactly gap apart are in different sessions');
    assert.deepEqual(
      s.map((x) => [x.start, x.end]),
      [
        [0, gap],
        [gap, 2 * gap],
      ],
    );

    // A late event in the middle bridges two sessions into one (input order does not matter).
    s = computeSessions([ev('a', 0), ev('c', 50 * MIN), ev('b', 25 * MIN)], gap).get('u')!;
    assert.equal(s.length, 1);
    assert.deepEqual(s[0].eventIds, ['a', 'b', 'c']);

    const byUser = computeSessions([ev('a', 0, 'x'), ev('b', 1, 'y')], gap);
    assert.equal(byUser.size, 2, 'sessions are per key');
  });

  it('property: truth sessions respect the gap rule for any seed, gap and delivery mix', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
        fc.integer({ min: 2_000, max: 60 * MIN }),
        fc.double({ min: 0.05, max: 300, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (seed, sessionGapMs, rate, users, lateRate, malformedRate) => {
          const { truth } = generateWithTruth({
            events: 2_000,
            seed,
            sessionGapMs,
            rate,
            users,
            lateRate,
            malformedRate,
            lateByMs: 2 * MIN,
            duplicateRate: 0.05,
          });
          assert.equal(truth.gapMs, sessionGapMs);
          assertSessionsRespectGap(truth);
          // The model's own sessions never merge in Beam's eyes: a user's planned sessions are > gap apart and a
          // planned session has one traffic source, so every truth session has exactly one channel and campaign.
          for (const list of truth.sessions.values()) {
            for (const session of list) {
              const sources = new Set(
                session.eventIds.map((id) => {
                  const e = truth.events.get(id)!;
                  return `${e.channel}/${e.campaignId}`;
                }),
              );
              assert.equal(sources.size, 1, `a truth session mixes ${[...sources].join(', ')}`);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('users have bursts: several events per session, several sessions per returning user, > gap apart', () => {
    // 2 days at 2 events/s with a modest population: plenty of returning users.
    const { truth } = generateWithTruth({ events: 300_000, rate: 2, users: 5_000, malformedRate: 0, lateRate: 0, seed: 17 });
    assertSessionsRespectGap(truth);
    const sessions = [...truth.sessions.values()];
    const multi = sessions.filter((list) => list.length >= 2).length;
    assert.ok(multi / sessions.length > 0.5, `only ${multi} of ${sessions.length} users came back`);
    const perSession = truth.events.size / truth.sessionCount;
    assert.ok(perSession > 2 && perSession < 8, `events per session ${perSession}`);
    // Within sessions, events are seconds to minutes apart.
    const gaps: number[] = [];
    for (const list of sessions) {
      for (const s of list) {
        const times = s.eventIds.map((id) => truth.events.get(id)!.eventTime);
        for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
      }
    }
    gaps.sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1];
    assert.ok(median >= 1_000 && median <= 3 * MIN, `median in-session gap ${median} ms`);
    assert.ok(gaps[gaps.length - 1] < 30 * MIN);
  });

  it('first touch is the campaign of the user’s earliest campaign-tagged event', () => {
    const { truth } = generateWithTruth({ events: 20_000, seed: 3 });
    assert.ok(truth.firstTouch.size > 100);
    const earliest = new Map<string, { t: number; c: string }>();
    for (const e of truth.events.values()) {
      if (e.campaignId === null) continue;
      const cur = earliest.get(e.userKey);
      if (cur === undefined || e.eventTime < cur.t) earliest.set(e.userKey, { t: e.eventTime, c: e.campaignId });
    }
    assert.equal(truth.firstTouch.size, earliest.size);
    for (const [user, { c }] of earliest) assert.equal(truth.firstTouch.get(user), c);
  });
});
