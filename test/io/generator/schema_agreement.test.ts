/**
 * The generator's notion of valid/malformed against the project's real validator (schemas/).
 *
 * io/generator does not depend on schemas/ (it must be able to test it); this test ties the two together: every
 * message the generator calls valid must pass schemas' parseEvent, and every malformed one must fail it, with the
 * plausibility window the pipeline is expected to use (arrival − 30 days … arrival + 1 day).
 */
import assert from 'node:assert/strict';
import { generateWithTruth, MALFORMED_KINDS, MAX_EVENT_AGE_MS, MAX_EVENT_FUTURE_MS } from '../../../io/generator';
import { parseEvent } from '../../../schemas';

describe('generator / agreement with schemas/ (parseEvent)', () => {
  it('valid, late and duplicate messages pass; every malformed kind fails', () => {
    const weights = Object.fromEntries(MALFORMED_KINDS.map((k) => [k, k.startsWith('huge') ? 0.1 : 1]));
    const { messages, truth } = generateWithTruth({
      events: 40_000,
      seed: 'schemas',
      rate: 50,
      lateByMs: 60_000,
      lateRate: 0.05,
      duplicateRate: 0.05,
      malformedRate: 0.25,
      malformedWeights: weights,
    });
    assert.equal(Object.keys(truth.malformedByKind).length, MALFORMED_KINDS.length);
    for (const m of messages) {
      const result = parseEvent(m.data, {
        notBeforeMs: m.arrivalTime - MAX_EVENT_AGE_MS,
        notAfterMs: m.arrivalTime + MAX_EVENT_FUTURE_MS,
      });
      if (m.kind === 'malformed') {
        assert.equal(result.ok, false, `schemas accepts a ${m.malformedKind} message: ${m.data.slice(0, 200)}`);
      } else {
        assert.ok(
          result.ok,
          `schemas rejects a ${m.kind} message: ${JSON.stringify(result.ok ? [] : result.errors)} ${m.data.slice(0, 200)}`,
        );
        assert.equal(result.eventTimeMs, m.eventTime);
      }
    }
  });
});
