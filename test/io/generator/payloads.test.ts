import assert from 'node:assert/strict';
import {
  CHANNELS,
  DEVICE_TYPES,
  EVENT_TYPES,
  eventViolations,
  generateWithTruth,
  MALFORMED_KINDS,
  MALFORMED_RULES,
  type MalformedKind,
  MAX_PAYLOAD_BYTES,
  parseRfc3339,
} from '../../../io/generator';
import * as catalog from '../../../io/generator/catalog';
import { parse } from './helpers';

/** The payload key order of generated events (what serialize.ts writes). */
const KEY_ORDER = [
  'event_id',
  'event_type',
  'event_time',
  'user_id',
  'anonymous_id',
  'device',
  'country',
  'region',
  'consent',
  'ip',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'campaign_id',
  'channel',
  'page',
  'referrer',
  'value',
  'currency',
  'email',
  'phone',
  'name',
  'note',
  'product',
  'schema_version',
];

describe('generator / payloads', () => {
  const { messages } = generateWithTruth({
    events: 40_000,
    seed: 21,
    rate: 50,
    lateByMs: 120_000,
    lateRate: 0.03,
    duplicateRate: 0.05,
    malformedRate: 0.05,
  });

  it('every valid, late and duplicate payload is a well-formed event (no rule violated)', () => {
    for (const m of messages) {
      if (m.kind === 'malformed') continue;
      const violations = eventViolations(m.data, { referenceTime: m.arrivalTime });
      assert.deepEqual(violations, [], `${m.kind} ${m.id}: ${m.data.slice(0, 200)}`);
    }
  });

  it('required fields have the right types and values (checked directly, not through rules.ts)', () => {
    for (const m of messages) {
      if (m.kind === 'malformed') continue;
      const e = parse(m);
      assert.match(e.event_id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok((EVENT_TYPES as readonly unknown[]).includes(e.event_type));
      assert.match(e.event_time as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(Date.parse(e.event_time as string), m.eventTime);
      assert.equal(typeof e.user_id === 'string', e.anonymous_id === undefined, 'exactly one of user_id/anonymous_id');
      assert.ok((CHANNELS as readonly unknown[]).includes(e.channel));
      const device = e.device as Record<string, unknown>;
      assert.ok((DEVICE_TYPES as readonly unknown[]).includes(device.type));
      assert.match(e.country as string, /^[A-Z]{2}$/);
      assert.ok((e.region as string).startsWith(`${e.country as string}-`));
      const consent = e.consent as Record<string, unknown>;
      for (const k of ['analytics', 'ads', 'gdpr_applies', 'ccpa_opt_out']) assert.equal(typeof consent[k], 'boolean');
      assert.equal(e.schema_version, 1);
      assert.equal(typeof e.ip, 'string');
      if (e.event_type === 'purchase') {
        assert.ok(typeof e.value === 'number' && e.value > 0 && Number.isFinite(e.value));
        assert.match(e.currency as string, /^[A-Z]{3}$/);
      }
      if (['add_to_cart', 'remove_from_cart', 'purchase'].includes(e.event_type as string)) {
        const p = e.product as Record<string, unknown>;
        assert.equal(typeof p.sku, 'string');
        assert.equal(typeof p.category, 'string');
        assert.ok(typeof p.price === 'number' && p.price > 0);
      }
      assert.equal(m.attributes.event_type, e.event_type);
    }
  });

  it('payloads are canonical JSON in a fixed key order (the fast serialiser matches JSON.stringify)', () => {
    for (const m of messages) {
      if (m.kind === 'malformed') continue;
      const e = parse(m);
      assert.equal(JSON.stringify(e), m.data);
      const keys = Object.keys(e);
      const expected = KEY_ORDER.filter((k) => k in e);
      assert.deepEqual(keys, expected);
    }
  });

  it('catalog strings need no JSON escaping (the serialiser relies on it)', () => {
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
    };
    walk(catalog);
    assert.ok(strings.length > 300);
    for (const s of strings) assert.equal(JSON.stringify(s), `"${s}"`, s);
  });

  it('every malformed payload is broken the way its kind says (violates one of MALFORMED_RULES[kind])', () => {
    let n = 0;
    for (const m of messages) {
      if (m.kind !== 'malformed') continue;
      n++;
      assert.ok(m.malformedKind !== undefined);
      const rules = MALFORMED_RULES[m.malformedKind];
      const violated = eventViolations(m.data, { referenceTime: m.arrivalTime }).map((v) => v.rule);
      assert.ok(
        violated.some((r) => rules.includes(r)),
        `${m.malformedKind} should violate ${rules.join('|')}, got [${violated.join(', ')}]: ${m.data.slice(0, 160)}`,
      );
      assert.equal(m.eventTime, undefined);
      assert.equal(m.attributes.event_type, undefined);
    }
    assert.ok(n > 1000);
  });

  it('each malformed kind, forced alone, is broken as promised', () => {
    for (const kind of MALFORMED_KINDS) {
      const weights = Object.fromEntries(MALFORMED_KINDS.map((k) => [k, k === kind ? 1 : 0])) as Record<MalformedKind, number>;
      const n = kind.startsWith('huge') ? 6 : 150;
      const run = generateWithTruth({ events: n, seed: kind, malformedRate: 1, malformedWeights: weights });
      assert.deepEqual(run.truth.malformedByKind, { [kind]: n });
      for (const m of run.messages) {
        const rules = MALFORMED_RULES[kind];
        const violated = eventViolations(m.data, { referenceTime: m.arrivalTime }).map((v) => v.rule);
        assert.ok(
          violated.some((r) => rules.includes(r)),
          `${kind}: [${violated.join(', ')}] ${m.data.slice(0, 120)}`,
        );
        if (kind === 'huge_payload') assert.ok(Buffer.byteLength(m.data) > MAX_PAYLOAD_BYTES);
        if (rules.length === 1 && rules[0] === 'json') assert.throws(() => JSON.parse(m.data));
      }
    }
  });

  it('the breakage list includes the ugly cases: NaN/Infinity, lone surrogates, control characters, deep nesting', () => {
    const run = generateWithTruth({ events: 60_000, seed: 4, malformedRate: 0.2 });
    const data = run.messages.filter((m) => m.kind === 'malformed').map((m) => m.data);
    assert.ok(data.some((d) => /"value":NaN/.test(d)));
    assert.ok(data.some((d) => /"value":-?Infinity/.test(d)));
    assert.ok(data.some((d) => /"value":-?1e\d{3}/.test(d)));
    assert.ok(data.some((d) => /[\ud800-\udfff]/u.test(d) || /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i.test(d)));
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    assert.ok(data.some((d) => /[\u0000-\u0008]/.test(d)));
    assert.ok(data.some((d) => d.includes('{"k":{"k":{"k":')));
    assert.ok(data.some((d) => d === '' || d.trim() === ''));
    assert.ok(Object.keys(run.truth.malformedByKind).length >= MALFORMED_KINDS.length - 1);
  });
});

describe('generator / rules.ts reference validator', () => {
  it('parseRfc3339 is strict about calendars and offsets', () => {
    assert.equal(parseRfc3339('2024-03-01T00:00:00.000Z'), Date.UTC(2024, 2, 1));
    assert.equal(parseRfc3339('2024-03-01T01:00:00+01:00'), Date.UTC(2024, 2, 1));
    assert.equal(parseRfc3339('2024-02-29T12:00:00Z'), Date.UTC(2024, 1, 29, 12));
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-03-01T24:00:00Z',
      '2024-03-01T00:00:00',
      '2024-03-01 00:00:00Z',
      '2024-03-01T00:00:00.000+0100',
      'yesterday',
      '',
    ]) {
      assert.ok(Number.isNaN(parseRfc3339(bad)), bad);
    }
  });

  it('flags what it should on hand-written payloads', () => {
    const base = {
      event_id: 'e1',
      event_type: 'page_view',
      event_time: '2024-03-01T00:00:00.000Z',
      user_id: 'u1',
      consent: { analytics: true, ads: false, gdpr_applies: true, ccpa_opt_out: false },
      schema_version: 1,
    };
    const rules = (o: unknown, ref?: number) =>
      eventViolations(typeof o === 'string' ? o : JSON.stringify(o), { referenceTime: ref }).map((v) => v.rule);
    assert.deepEqual(rules(base), []);
    assert.deepEqual(rules('{"a":'), ['json']);
    assert.deepEqual(rules('[1]'), ['object']);
    assert.deepEqual(rules({ ...base, event_type: 'pageview' }), ['enum']);
    assert.deepEqual(rules({ ...base, user_id: undefined }), ['required']);
    assert.deepEqual(rules({ ...base, event_time: 1 }), ['type']);
    assert.deepEqual(
      rules({ ...base, event_type: 'purchase', value: 1, currency: 'eur', product: { sku: 's', category: 'c', price: 1 } }),
      ['format'],
    );
    assert.deepEqual(rules({ ...base, event_type: 'purchase', product: { sku: 's', category: 'c', price: 1 } }), ['required']);
    assert.deepEqual(rules({ ...base, event_type: 'add_to_cart' }), ['required']);
    assert.deepEqual(rules({ ...base, value: 3 }), ['required'], 'value without currency');
    assert.deepEqual(rules({ ...base, consent: undefined }), [], 'absent consent means unknown');
    assert.deepEqual(rules({ ...base, consent: { analytics: true } }), ['required', 'required', 'required']);
    assert.deepEqual(rules({ ...base, user_id: 'a\u0000' }), ['characters']);
    assert.deepEqual(rules({ ...base, name: 'x\ud800' }), ['characters']);
    assert.deepEqual(rules({ ...base, name: 'emoji 🎁 ok' }), []);
    assert.deepEqual(rules(base, Date.UTC(2030, 0, 1)), ['timestamp_range']);
    assert.deepEqual(rules('{"value":1e999}').includes('finite'), true);
  });
});
