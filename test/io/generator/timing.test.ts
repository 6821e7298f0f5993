import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClickstreamGenerator, DEFAULT_START_TIME, generateWithTruth } from '../../../io/generator';
import { withStreamTime } from './helpers';

describe('generator / event time and arrival order', () => {
  it('on-time messages are never more than outOfOrderMs behind the stream; late ones always more than lateByMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.integer({ min: 0, max: 20 * 60_000 }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, outOfOrderMs, lateByMs, rate, lateRate) => {
          const { messages } = generateWithTruth({
            events: 3_000,
            seed,
            outOfOrderMs,
            lateByMs,
            rate,
            lateRate,
            duplicateRate: 0.05,
          });
          let lastArrival = Number.NEGATIVE_INFINITY;
          for (const { message: m, streamBefore, streamAfter } of withStreamTime(messages)) {
            assert.ok(m.arrivalTime >= lastArrival, 'arrival times never go back');
            lastArrival = m.arrivalTime;
            if (m.kind === 'valid') {
              assert.ok(
                streamAfter - m.eventTime! <= outOfOrderMs,
                `valid ${streamAfter - m.eventTime!} ms behind > ${outOfOrderMs}`,
              );
              assert.ok(m.arrivalTime - m.eventTime! <= outOfOrderMs);
              assert.ok(m.arrivalTime >= m.eventTime!);
            } else if (m.kind === 'late') {
              assert.ok(streamBefore - m.eventTime! > lateByMs, `late only ${streamBefore - m.eventTime!} ms behind`);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the first event is at startTime and event times advance at `rate` (Poisson, within tolerance)', () => {
    for (const rate of [1, 10, 250, 5_000]) {
      const events = 20_000;
      // outOfOrderMs 0: the emitted events are then exactly the first ones in event time (no gaps at the end).
      const { messages, truth } = generateWithTruth({
        events,
        rate,
        seed: rate,
        outOfOrderMs: 0,
        lateRate: 0,
        duplicateRate: 0,
        malformedRate: 0,
      });
      const times = [...truth.events.values()].map((e) => e.eventTime).sort((a, b) => a - b);
      assert.equal(times[0], DEFAULT_START_TIME);
      const spanS = (times[times.length - 1] - times[0]) / 1000;
      const measured = (times.length - 1) / spanS;
      assert.ok(Math.abs(measured / rate - 1) < 0.05, `rate ${rate}: measured ${measured.toFixed(2)}/s`);
      assert.equal(messages.length, events);
    }
  });

  it('startTime accepts a number, a Date or an RFC 3339 string', () => {
    const t = Date.UTC(2025, 5, 1, 12);
    for (const startTime of [t, new Date(t), '2025-06-01T12:00:00.000Z']) {
      const first = new ClickstreamGenerator({ startTime, outOfOrderMs: 0, malformedRate: 0, lateRate: 0 }).take(1)[0];
      assert.equal(first.eventTime, t);
    }
  });

  it('late, duplicate and malformed shares honour their rates', () => {
    const lateByMs = 5 * 60_000;
    const rate = 20;
    const { messages, truth } = generateWithTruth({
      events: 200_000,
      rate,
      seed: 99,
      lateByMs,
      lateRate: 0.05,
      duplicateRate: 0.04,
      malformedRate: 0.03,
    });
    const c = truth.counts;
    // Late messages of the last ~2×lateByMs cannot have arrived yet: compare on events well before the end.
    const end = messages.reduce((max, m) => Math.max(max, m.eventTime ?? 0), 0);
    const cutoff = end - 3 * lateByMs;
    let early = 0;
    let earlyLate = 0;
    for (const e of truth.events.values()) {
      if (e.eventTime >= cutoff) continue;
      early++;
      if (e.late) earlyLate++;
    }
    const near = (x: number, target: number, tol: number, what: string) =>
      assert.ok(Math.abs(x - target) <= tol, `${what}: ${x.toFixed(4)} vs ${target}`);
    near(earlyLate / early, 0.05, 0.005, 'late share');
    near(c.duplicates / (c.valid + c.late), 0.04, 0.004, 'duplicate share');
    near(c.malformed / (c.valid + c.late + c.malformed), 0.03, 0.003, 'malformed share');
  });

  it('duplicates arrive after the message they repeat, within minutes', () => {
    const { messages } = generateWithTruth({ events: 30_000, duplicateRate: 0.1, duplicateNewIdShare: 0.3, seed: 8 });
    const firstArrival = new Map<string, number>();
    for (const m of messages) {
      if (m.kind === 'malformed') continue;
      const id = m.data.slice(13, 49);
      if (m.kind === 'duplicate') {
        const first = firstArrival.get(id);
        assert.ok(first !== undefined);
        assert.ok(m.arrivalTime > first && m.arrivalTime - first < 30 * 60_000);
      } else firstArrival.set(id, m.arrivalTime);
    }
  });

  it('outOfOrderMs = 0 and no late data: event times never decrease in arrival order', () => {
    const { messages } = generateWithTruth({ events: 20_000, outOfOrderMs: 0, lateRate: 0, seed: 2 });
    let last = Number.NEGATIVE_INFINITY;
    for (const m of messages) {
      if (m.kind !== 'valid') continue;
      assert.ok(m.eventTime! >= last);
      last = m.eventTime!;
    }
  });

  it('a population too small for the rate slows event time down instead of breaking the session gap', () => {
    const gap = 30 * 60_000;
    const { truth } = generateWithTruth({ events: 2_000, users: 2, rate: 100, seed: 1, lateRate: 0, malformedRate: 0 });
    for (const sessions of truth.sessions.values()) {
      for (let i = 1; i < sessions.length; i++) assert.ok(sessions[i].start - sessions[i - 1].lastEventTime >= gap);
    }
    assert.ok(truth.sessions.size <= 2);
  });
});
