import { strict as assert } from 'node:assert';
import {
  EVENT_LIMITS,
  EVENT_SCHEMA_VERSION,
  campaignOf,
  formatIssues,
  parseEvent,
  validateEvent,
  type EventValidation,
  type ValidationIssue,
} from '../../schemas';
import { fullEvent, minimalEvent } from './arbitraries';

function errorsOf(result: EventValidation): ValidationIssue[] {
  assert.equal(result.ok, false, 'expected the event to be rejected');
  return result.ok ? [] : result.errors;
}

/** Asserts rejection with (at least) an issue at `path` whose message matches `message`. */
function assertRejected(input: unknown, path: string, message: RegExp): void {
  const errors = errorsOf(validateEvent(input));
  assert.ok(
    errors.some((e) => e.path === path && message.test(e.message)),
    `expected an issue at "${path}" matching ${message}, got: ${formatIssues(errors)}`,
  );
}

const withField = (field: string, value: unknown) => ({ ...minimalEvent(), [field]: value });

describe('validateEvent', () => {
  describe('accepts', () => {
    it('a full event, and returns it typed with its event time in ms', () => {
      const result = validateEvent(fullEvent());
      assert.ok(result.ok, result.ok ? '' : formatIssues(result.errors));
      assert.equal(result.event.event_id, 'evt-2');
      assert.equal(result.eventTimeMs, Date.UTC(2024, 4, 1, 12, 3, 7, 123));
    });

    it('a minimal event (ids, type, time, version)', () => {
      const result = validateEvent(minimalEvent());
      assert.ok(result.ok, result.ok ? '' : formatIssues(result.errors));
      assert.equal(result.eventTimeMs, Date.UTC(2024, 4, 1, 12));
    });

    it('user_id alone, anonymous_id alone, or both', () => {
      const { anonymous_id: _, ...withoutAnonymous } = minimalEvent();
      assert.ok(validateEvent({ ...withoutAnonymous, user_id: 'u' }).ok);
      assert.ok(validateEvent(minimalEvent()).ok);
      assert.ok(validateEvent({ ...minimalEvent(), user_id: 'u' }).ok);
    });

    it('a note of exactly the limit', () => {
      assert.ok(validateEvent(withField('note', 'n'.repeat(EVENT_LIMITS.note))).ok);
    });

    it('lower-case t and z, offsets and nanoseconds in event_time', () => {
      for (const time of ['2024-05-01t12:00:00z', '2024-05-01T12:00:00-07:30', '2024-05-01T12:00:00.123456789+14:00']) {
        assert.ok(validateEvent(withField('event_time', time)).ok, time);
      }
    });

    it('nested and flat campaign fields that agree, normalized by campaignOf', () => {
      const result = validateEvent({ ...minimalEvent(), campaign: { name: 'spring', source: 'google' }, utm_campaign: 'spring' });
      assert.ok(result.ok);
      assert.deepEqual(campaignOf(result.event), {
        utm_source: 'google',
        utm_medium: null,
        utm_campaign: 'spring',
        campaign_id: null,
        channel: null,
      });
    });
  });

  describe('rejects', () => {
    it('input that is not an object', () => {
      for (const input of [null, 42, 'event', [minimalEvent()], true, undefined]) {
        const errors = errorsOf(validateEvent(input));
        assert.equal(errors.length, 1);
        assert.equal(errors[0].path, '');
        assert.match(errors[0].message, /must be object, got /);
      }
    });

    it('a missing event_id', () => {
      const { event_id: _, ...event } = minimalEvent();
      assertRejected(event, '/event_id', /is required/);
    });

    it('an empty event_id', () => {
      assertRejected(withField('event_id', ''), '/event_id', /fewer than 1/);
    });

    it('wrong types, naming the type found', () => {
      assertRejected(withField('event_id', 7), '/event_id', /must be string, got number/);
      assertRejected(withField('schema_version', '1'), '/schema_version', /must be integer, got string/);
      assertRejected(withField('schema_version', 1.5), '/schema_version', /must be integer, got a non-integer number/);
      assertRejected(withField('value', '12.50'), '/value', /must be number, got string/);
      assertRejected(
        withField('consent', { analytics: 'yes', ads: true, gdpr_applies: true, ccpa_opt_out: false }),
        '/consent/analytics',
        /must be boolean/,
      );
      assertRejected(withField('device', 'mobile'), '/device', /must be object, got string/);
    });

    it('an unknown event_type, listing the allowed ones', () => {
      assertRejected(withField('event_type', 'pageview'), '/event_type', /must be one of: page_view, click/);
    });

    it('an unknown channel and device type', () => {
      assertRejected(withField('channel', 'sms'), '/channel', /must be one of/);
      assertRejected(withField('device', { type: 'phone' }), '/device/type', /must be one of: desktop, mobile, tablet/);
    });

    it('a bad event_time', () => {
      for (const time of [
        'yesterday',
        '2024-05-01',
        '2024-05-01T12:00:00',
        '2024-05-01 12:00:00Z',
        '2024-05-01T12:00:00+0200',
        '1714564800',
      ]) {
        assertRejected(withField('event_time', time), '/event_time', /must be an RFC 3339 date-time/);
      }
      assertRejected(withField('event_time', '2024-02-30T12:00:00Z'), '/event_time', /must be a valid date-time/);
      assertRejected(withField('event_time', '2024-05-01T25:00:00Z'), '/event_time', /must be a valid date-time/);
      assertRejected(withField('event_time', 1714564800000), '/event_time', /must be string, got number/);
    });

    it('an event_time no timestamp type can hold (leap second, year 0)', () => {
      assertRejected(withField('event_time', '2016-12-31T23:59:60Z'), '/event_time', /not a representable instant/);
      assertRejected(withField('event_time', '0000-06-01T00:00:00Z'), '/event_time', /outside 0001-01-01/);
    });

    it('a value without currency', () => {
      assertRejected(withField('value', 10), '/currency', /is required when value is present/);
    });

    it('a purchase without value, and a cart change without product, saying why', () => {
      assertRejected(withField('event_type', 'purchase'), '/value', /is required \(a purchase carries its value/);
      assertRejected(withField('event_type', 'add_to_cart'), '/product', /is required \(a cart change names its product\)/);
      assertRejected(withField('event_type', 'remove_from_cart'), '/product', /is required/);
      assert.ok(validateEvent({ ...minimalEvent(), event_type: 'add_to_cart', product: { sku: 'A', price: 3 } }).ok);
    });

    it('control characters and unpaired surrogates in strings', () => {
      const textIssue = /must be text without control characters/;
      assertRejected(withField('user_id', 'u-1\u0000'), '/user_id', textIssue);
      assertRejected(withField('name', 'Zo\u00eb \ud83d'), '/name', textIssue);
      assertRejected(withField('ip', '\udc0010.0.0.1'), '/ip', textIssue);
      assertRejected(withField('page', '/home\u0085\u007f'), '/page', textIssue);
      assertRejected(withField('device', { os: 'iOS\u001b[31m' }), '/device/os', textIssue);
      assert.ok(validateEvent(withField('note', 'Tabs\tand\r\nlines, accents \u00e9, emoji \ud83d\ude00')).ok);
    });

    it('an event_time outside the bounds the caller gives', () => {
      const at = Date.UTC(2024, 4, 1, 12);
      const event = minimalEvent();
      assert.ok(validateEvent(event, { notBeforeMs: at, notAfterMs: at }).ok, 'bounds are inclusive');
      const late = validateEvent(event, { notAfterMs: at - 1 });
      assert.ok(!late.ok && /is later than accepted \(2024-05-01T11:59:59.999Z\)/.test(late.errors[0].message));
      const early = parseEvent(JSON.stringify(event), { notBeforeMs: at + 1 });
      assert.ok(!early.ok && early.errors[0].path === '/event_time' && /is earlier than accepted/.test(early.errors[0].message));
    });

    it('a negative value and malformed currency and country codes', () => {
      assertRejected({ ...withField('value', -1), currency: 'EUR' }, '/value', /must be >= 0/);
      assertRejected({ ...withField('value', 1), currency: 'eur' }, '/currency', /must be an ISO 4217 currency code/);
      assertRejected(withField('country', 'Germany'), '/country', /must be an ISO 3166-1 alpha-2 country code/);
    });

    it('a huge note, and an over-long string anywhere', () => {
      assertRejected(withField('note', 'n'.repeat(EVENT_LIMITS.note + 1)), '/note', /more than 2000 characters/);
      assertRejected(withField('note', 'n'.repeat(5_000_000)), '/note', /more than 2000 characters/);
      assertRejected(withField('page', '/'.repeat(EVENT_LIMITS.url + 1)), '/page', /more than/);
    });

    it('an unknown top-level field, and unknown nested fields', () => {
      assertRejected(withField('userId', 'u-1'), '/userId', /not an allowed field/);
      assertRejected(withField('device', { type: 'mobile', model: 'X' }), '/device/model', /not an allowed field/);
      assertRejected(JSON.parse('{"__proto__": {"polluted": true}}'), '/__proto__', /not an allowed field/);
    });

    it('an event with neither user_id nor anonymous_id, in one readable issue', () => {
      const { anonymous_id: _, ...event } = minimalEvent();
      const errors = errorsOf(validateEvent(event));
      assert.deepEqual(errors, [{ path: '', message: 'must have at least one of: user_id, anonymous_id' }]);
    });

    it('a consent object missing a signal', () => {
      assertRejected(
        withField('consent', { analytics: true, ads: true, gdpr_applies: false }),
        '/consent/ccpa_opt_out',
        /is required/,
      );
    });

    it('schema versions this consumer does not know', () => {
      assertRejected(withField('schema_version', EVENT_SCHEMA_VERSION + 1), '/schema_version', /must be <=/);
      assertRejected(withField('schema_version', 0), '/schema_version', /must be >= 1/);
      const { schema_version: _, ...event } = minimalEvent();
      assertRejected(event, '/schema_version', /is required/);
    });

    it('nested and flat campaign fields that disagree', () => {
      assertRejected(
        { ...minimalEvent(), campaign: { name: 'a' }, utm_campaign: 'b' },
        '/campaign/name',
        /conflicts with utm_campaign/,
      );
    });

    it('reports every problem at once, capped', () => {
      const errors = errorsOf(validateEvent({ event_type: 'nope', event_time: 5, value: -1 }));
      const paths = errors.map((e) => e.path);
      for (const path of ['', '/event_id', '/event_type', '/event_time', '/value', '/currency', '/schema_version']) {
        assert.ok(paths.includes(path), `missing ${path} in ${formatIssues(errors)}`);
      }
      const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`extra_${i}`, i]));
      const capped = errorsOf(validateEvent({ ...minimalEvent(), ...many }));
      assert.equal(capped.length, 20);
      assert.match(capped[capped.length - 1].message, /and \d+ more errors/);
    });
  });
});

describe('parseEvent', () => {
  it('parses and validates a JSON text and UTF-8 bytes', () => {
    assert.ok(parseEvent(JSON.stringify(fullEvent())).ok);
    assert.ok(parseEvent(Buffer.from(JSON.stringify(fullEvent()), 'utf8')).ok);
  });

  it('rejects text that is not JSON, and bytes that are not UTF-8, as issues', () => {
    assert.match(errorsOf(parseEvent('{not json'))[0].message, /is not valid JSON/);
    assert.match(errorsOf(parseEvent(''))[0].message, /is not valid JSON/);
    assert.deepEqual(errorsOf(parseEvent(new Uint8Array([0x7b, 0xff, 0x7d]))), [{ path: '', message: 'is not valid UTF-8' }]);
  });
});

describe('formatIssues', () => {
  it('joins path: message pairs, naming the root', () => {
    assert.equal(
      formatIssues([
        { path: '', message: 'must have at least one of: user_id, anonymous_id' },
        { path: '/event_time', message: 'is required' },
      ]),
      '(root): must have at least one of: user_id, anonymous_id; /event_time: is required',
    );
  });
});
