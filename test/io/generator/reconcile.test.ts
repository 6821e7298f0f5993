import assert from 'node:assert/strict';
import { generateWithTruth, type GeneratorOptions } from '../../../io/generator';
import { countKinds, parse } from './helpers';

const MIXES: Array<GeneratorOptions & { events: number; label: string }> = [
  { label: 'defaults', events: 30_000 },
  { label: 'clean', events: 10_000, lateRate: 0, duplicateRate: 0, malformedRate: 0 },
  { label: 'dirty', events: 20_000, rate: 20, lateByMs: 120_000, lateRate: 0.1, duplicateRate: 0.2, malformedRate: 0.1 },
  { label: 'publisher retries', events: 10_000, duplicateRate: 0.3, duplicateNewIdShare: 0.5 },
  { label: 'all malformed', events: 3_000, malformedRate: 1 },
  { label: 'mostly late', events: 5_000, rate: 100, lateRate: 0.9, lateByMs: 1_000 },
  { label: 'in order', events: 10_000, outOfOrderMs: 0, seed: 'x' },
  { label: 'tiny population', events: 5_000, users: 3, rate: 50 },
];

describe('generator / counts reconcile with the truth', () => {
  for (const mix of MIXES) {
    it(`${mix.label}: messages = valid + late + duplicates + malformed, and the truth lists each one`, () => {
      const { label: _label, ...options } = mix;
      const { messages, truth } = generateWithTruth(options);
      const kinds = countKinds(messages);
      const c = truth.counts;
      assert.equal(messages.length, mix.events);
      assert.equal(c.messages, mix.events);
      assert.equal(c.messages, c.valid + c.late + c.duplicates + c.malformed);
      assert.deepEqual(
        { valid: c.valid, late: c.late, duplicate: c.duplicates, malformed: c.malformed },
        { valid: kinds.valid, late: kinds.late, duplicate: kinds.duplicate, malformed: kinds.malformed },
      );
      assert.equal(truth.events.size, c.valid + c.late);
      assert.equal(truth.late.size, c.late);
      assert.equal(truth.duplicates.length, c.duplicates);
      assert.equal(truth.malformed.length, c.malformed);
      assert.equal(
        Object.values(truth.malformedByKind).reduce((a, b) => a + b, 0),
        c.malformed,
      );
      let inSessions = 0;
      for (const list of truth.sessions.values()) for (const s of list) inSessions += s.eventCount;
      assert.equal(inSessions, truth.events.size);

      // Message by message: the truth says what each one is.
      const malformedIds = new Set(truth.malformed.map((m) => m.messageId));
      const firstDelivery = new Map<string, string>();
      messages.forEach((m, i) => {
        assert.equal(m.arrivalIndex, i);
        if (m.kind === 'malformed') {
          assert.ok(malformedIds.has(m.id));
          return;
        }
        const eventId = parse(m).event_id as string;
        const t = truth.events.get(eventId);
        assert.ok(t, `event ${eventId} missing from truth`);
        assert.equal(t.eventTime, m.eventTime);
        if (m.kind === 'duplicate') {
          const first = firstDelivery.get(eventId);
          assert.ok(first !== undefined, 'a duplicate arrives after its first delivery');
          assert.equal(m.data, first, 'a duplicate carries the same payload');
          assert.ok(truth.duplicatedEventIds.has(eventId));
        } else {
          assert.equal(firstDelivery.has(eventId), false, 'one first delivery per event');
          firstDelivery.set(eventId, m.data);
          assert.equal(t.messageId, m.id);
          assert.equal(t.late, m.kind === 'late');
          assert.equal(t.arrivalIndex, i);
        }
      });
    });
  }

  it('message ids: unique per first delivery; a redelivery repeats its id, a publisher retry gets a new one', () => {
    const { messages, truth } = generateWithTruth({ events: 20_000, duplicateRate: 0.2, duplicateNewIdShare: 0.5 });
    const firstIds = messages.filter((m) => m.kind !== 'duplicate').map((m) => m.id);
    assert.equal(new Set(firstIds).size, firstIds.length);
    const byId = new Map(messages.filter((m) => m.kind !== 'duplicate').map((m) => [m.id, m]));
    let same = 0;
    let fresh = 0;
    for (const d of truth.duplicates) {
      const original = byId.get(d.originalMessageId);
      assert.ok(original);
      if (d.sameMessageId) {
        same++;
        assert.equal(d.messageId, d.originalMessageId);
      } else {
        fresh++;
        assert.notEqual(d.messageId, d.originalMessageId);
        assert.equal(byId.has(d.messageId), false);
      }
    }
    assert.ok(same > 100 && fresh > 100, `same ${same}, fresh ${fresh}`);
    for (const m of messages) assert.match(m.id, /^\d{16}$/);
  });

  it('by default every duplicate is a redelivery with the same message id', () => {
    const { truth } = generateWithTruth({ events: 20_000, duplicateRate: 0.1 });
    assert.ok(truth.duplicates.length > 0);
    assert.ok(truth.duplicates.every((d) => d.sameMessageId && d.messageId === d.originalMessageId));
  });

  it('event ids are unique across a long run', () => {
    const { truth } = generateWithTruth({ events: 100_000, duplicateRate: 0, malformedRate: 0, lateRate: 0 });
    assert.equal(truth.events.size, 100_000);
  });
});
