/** Start-up checks of the Pub/Sub source's options, and the event-time rules (no server needed). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PubSubSource, type PubSubSourceOptions, eventTimeOf, parseInstant } from '../../../io/pubsub';

describe('Pub/Sub source options', () => {
  it('topic and subscription together are refused, naming both', () => {
    const both = { topic: 't-one', subscription: 's-one' } as unknown as PubSubSourceOptions;
    assert.throws(() => new PubSubSource(both), /either topic .* or subscription, not both \(topic=t-one, subscription=s-one\)/);
  });

  it('neither topic nor subscription is refused', () => {
    assert.throws(() => new PubSubSource({} as unknown as PubSubSourceOptions), /give a topic or a subscription/);
  });

  it('an empty subscription name is refused', () => {
    assert.throws(() => new PubSubSource({ subscription: '  ' }), /subscription must be a non-empty name/);
  });

  it('flow control limits must be positive whole numbers', () => {
    assert.throws(() => new PubSubSource({ subscription: 'sub', maxOutstandingMessages: 0 }), /maxOutstandingMessages/);
    assert.throws(() => new PubSubSource({ subscription: 'sub', maxOutstandingBytes: 1.5 }), /maxOutstandingBytes/);
    assert.throws(() => new PubSubSource({ subscription: 'sub', maxOutOfOrderMs: -1 }), /maxOutOfOrderMs/);
    assert.throws(() => new PubSubSource({ subscription: 'sub', drainAfterIdleMs: 0 }), /drainAfterIdleMs/);
    assert.throws(
      () => new PubSubSource({ subscription: 'sub', maxAckDeadlineMs: 5000 }),
      /maxAckDeadlineMs must be between 10 s/,
    );
  });

  it('a source with drainAfterIdleMs is bounded, one without is not', () => {
    assert.equal(new PubSubSource({ subscription: 'sub' }).bounded, false);
    assert.equal(new PubSubSource({ subscription: 'sub', drainAfterIdleMs: 1000 }).bounded, true);
  });
});

describe('Pub/Sub event time', () => {
  const publish = 1_700_000_000_000;
  const data = (s: string): Uint8Array => Buffer.from(s);

  it('epoch milliseconds as digits round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => parseInstant(String(ms)) === ms));
  });

  it('RFC 3339 from toISOString round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => parseInstant(new Date(ms).toISOString()) === ms),
    );
  });

  it('garbage, empty, huge numbers and loose date text are not instants', () => {
    for (const v of ['', 'yesterday', '2024-01-02', '99999999999999999999', 'NaN', '1e12', ' 12', undefined, null, {}]) {
      assert.equal(parseInstant(v), undefined, String(v));
    }
  });

  it('attribute first, payload field second, publish time last', () => {
    const rules = { timestampAttribute: 'ts', timestampField: 'event_time' };
    assert.equal(eventTimeOf(rules, { ts: '5' }, data('{"event_time":"1970-01-01T00:00:01Z"}'), publish), 5);
    assert.equal(eventTimeOf(rules, { ts: 'bad' }, data('{"event_time":"1970-01-01T00:00:01Z"}'), publish), 1000);
    assert.equal(eventTimeOf(rules, {}, data('[1,2]'), publish), publish);
    assert.equal(eventTimeOf(rules, {}, data('\xff\xfe not utf8'), publish), publish);
    assert.equal(eventTimeOf({}, { ts: '5' }, data('{}'), publish), publish, 'no rules: publish time');
  });
});
