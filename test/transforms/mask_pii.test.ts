/**
 * PII masking: the local engine's text scanner (examples and fast-check properties: no raw email, phone, IP or
 * card survives wherever it is embedded; Luhn decides for card numbers), the event masker and user keys, and the
 * maskPii step on the direct runner (buffered per bundle, timestamps and windows kept, failures dead-lettered).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { ManualClock } from '../../sdk/clock';
import { PipelineConstructionError } from '../../sdk/errors';
import { fixedWindows } from '../../sdk/window_fns';
import { windowInto } from '../../sdk/transforms/window_into';
import { StepFailedError } from '../../runners/direct';
import { applyConsent } from '../../transforms/consent';
import {
  LocalInfoTypeMasker,
  type MaskOutcome,
  type PiiMasker,
  luhnValid,
  maskPii,
  maskText,
  maskUrl,
} from '../../transforms/mask_pii';
import { parseAndValidate } from '../../transforms/parse_and_validate';
import { type PipelineEvent } from '../../transforms/records';
import { NOW, TEST_KEY, messageOf, parsedEvent, runOn } from './privacy_fixtures';

const masker = new LocalInfoTypeMasker({ key: TEST_KEY });
const TOKENS = /\[(EMAIL_ADDRESS|PHONE_NUMBER|IP_ADDRESS|CREDIT_CARD_NUMBER|PERSON_NAME)\]/;

// ----------------------------------------------------------------------------------------------------------------
// Arbitraries

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Appends the Luhn check digit. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** Luhn-valid card numbers of the major networks (first digit 2–6), 13–19 digits, grouped or not. */
const cardArb = fc
  .record({
    first: fc.integer({ min: 2, max: 6 }),
    length: fc.integer({ min: 13, max: 19 }),
    seed: digits(18),
    sep: fc.constantFrom('', ' ', '-'),
  })
  .map(({ first, length, seed, sep }) => {
    const number = withCheckDigit(`${first}${seed.slice(0, length - 2)}`);
    return sep === '' ? number : (number.match(/.{1,4}/g) ?? []).join(sep);
  });

/** Phone numbers as people write them: E.164 and national formats (shapes from the generator's countries). */
const phoneArb = fc.oneof(
  fc.record({ cc: fc.integer({ min: 1, max: 999 }), rest: digits(9) }).map(({ cc, rest }) => `+${cc}${rest}`),
  digits(10).map((d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`),
  digits(10).map((d) => `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`),
  digits(10).map((d) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`),
  digits(9).map((d) => `07${d.slice(0, 3)} ${d.slice(3)}`),
  digits(8).map((d) => `06 ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4, 6)} ${d.slice(6)}`),
  digits(10).map((d) => `+49 ${d.slice(0, 3)} ${d.slice(3)}`),
  digits(9).map((d) => `(${d.slice(0, 2)}) 9${d.slice(2, 6)}-${d.slice(6)}`),
  digits(8).map((d) => `090-${d.slice(0, 4)}-${d.slice(4)}`),
);

/** IPv6 addresses with at least one hex digit ("::" alone is the unspecified address, not a client's). */
const ipv6Arb = fc.ipV6().filter((ip) => /[0-9a-f]/i.test(ip));

type Pii = { kind: 'email' | 'phone' | 'ipv4' | 'ipv6' | 'card'; value: string };
const piiArb: fc.Arbitrary<Pii> = fc.oneof(
  fc.emailAddress().map((value) => ({ kind: 'email' as const, value })),
  phoneArb.map((value) => ({ kind: 'phone' as const, value })),
  fc.ipV4().map((value) => ({ kind: 'ipv4' as const, value })),
  ipv6Arb.map((value) => ({ kind: 'ipv6' as const, value })),
  cardArb.map((value) => ({ kind: 'card' as const, value })),
);

/**
 * PII as it can stand unencoded in a URL: without the URL's own delimiters (/ ? # & = + %), which a browser would
 * percent-encode in an address (the encoded placements cover every address).
 */
const urlSafePii = (pii: Pii) => !/[/?#&=+%]/.test(pii.value);

/** Surrounding prose: any characters, including digits, '@', ':' and emoji. */
/** Prose an event field may hold (no control characters). */
const eventProseArb = fc.string({
  maxLength: 40,
  unit: fc.constantFrom('a', 'Z', ' ', '.', ',', '-', ':', '@', '7', '(', 'é', '😀', '\n', '\t'),
});
const proseArb = fc.string({
  maxLength: 40,
  unit: fc.oneof(
    fc.constantFrom('a', 'Z', ' ', '.', ',', '-', ':', '@', '7', '(', 'é', '😀'),
    fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  ),
});

// ----------------------------------------------------------------------------------------------------------------

describe('maskText', () => {
  const examples: [string, string][] = [
    ['Contact me at joao.kowalski@globex.net about bulk pricing.', 'Contact me at [EMAIL_ADDRESS] about bulk pricing.'],
    ['pls email me eschneider@rediffmail.com or text 091325 36676', 'pls email me [EMAIL_ADDRESS] or text [PHONE_NUMBER]'],
    ['ring (732) 866-9743 — it is my mobile.', 'ring [PHONE_NUMBER] — it is my mobile.'],
    ['call +49 30 1234567 or +1 (415) 555-0123', 'call [PHONE_NUMBER] or [PHONE_NUMBER]'],
    ['two phones 0301234567 0301234568', 'two phones [PHONE_NUMBER] [PHONE_NUMBER]'],
    ['card 4111 1111 1111 1111 exp 12/25', 'card [CREDIT_CARD_NUMBER] exp 12/25'],
    ['card 4111111111111111 12/25', 'card [CREDIT_CARD_NUMBER] 12/25'],
    ['amex 3782-822463-10005.', 'amex [CREDIT_CARD_NUMBER].'],
    ['not a card: 4111111111111112', 'not a card: 4111111111111112'],
    ['from 192.168.1.1, via 2001:db8::1. and ::ffff:10.0.0.1', 'from [IP_ADDRESS], via [IP_ADDRESS]. and [IP_ADDRESS]'],
    ['IP: 2001:db8::1: blocked', 'IP: [IP_ADDRESS]: blocked'],
    ['full 2001:0db8:85a3:0000:0000:8a2e:0370:7334!', 'full [IP_ADDRESS]!'],
    ['encoded ann%40example.com and %2B14155550123', 'encoded [EMAIL_ADDRESS] and [PHONE_NUMBER]'],
    ['Delivery 2024-05-01 10:00 or 01.05.2024, order 12345', 'Delivery 2024-05-01 10:00 or 01.05.2024, order 12345'],
    ['sku APP-10652, SKU-1234567, id abc12345678, time 10:30:00', 'sku APP-10652, SKU-1234567, id abc12345678, time 10:30:00'],
    ['MAC 00:1a:2b:3c:4d:5e, version 1.2.3', 'MAC 00:1a:2b:3c:4d:5e, version 1.2.3'],
    ['Gift wrap please 🎁', 'Gift wrap please 🎁'],
  ];
  for (const [input, expected] of examples) {
    it(JSON.stringify(input), () => assert.equal(maskText(input), expected));
  }

  it('property: no raw email, phone, IP or card survives, wherever it is embedded', () => {
    fc.assert(
      fc.property(proseArb, piiArb, proseArb, (before, pii, after) => {
        const masked = maskText(`${before} ${pii.value} ${after}`);
        assert.ok(!masked.includes(pii.value), `${pii.kind} ${pii.value} survived in ${JSON.stringify(masked)}`);
        assert.match(masked, TOKENS);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: each kind is replaced by its own infoType in plain prose', () => {
    const expected = {
      email: 'EMAIL_ADDRESS',
      phone: 'PHONE_NUMBER',
      ipv4: 'IP_ADDRESS',
      ipv6: 'IP_ADDRESS',
      card: 'CREDIT_CARD_NUMBER',
    };
    fc.assert(
      fc.property(piiArb, (pii) => {
        const masked = maskText(`Please note: ${pii.value} thanks`);
        // A 13–15 digit E.164 number that happens to pass Luhn is reported as a card: masked either way.
        const allowed =
          pii.kind === 'phone' ? /^\[(PHONE_NUMBER|CREDIT_CARD_NUMBER)\]$/ : new RegExp(`^\\[${expected[pii.kind]}\\]$`);
        assert.match(masked.slice('Please note: '.length, -' thanks'.length), allowed, `${pii.value} → ${masked}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a 16-digit number is masked exactly when it passes Luhn', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), digits(15), fc.constantFrom('', ' ', '-'), (first, rest, sep) => {
        const number = `${first}${rest}`;
        const written = sep === '' ? number : (number.match(/.{4}/g) ?? []).join(sep);
        const masked = maskText(`card ${written} ok`);
        assert.equal(masked, luhnValid(number) ? 'card [CREDIT_CARD_NUMBER] ok' : `card ${written} ok`);
      }),
      { numRuns: 1000 },
    );
  });

  it('luhnValid', () => {
    for (const valid of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '79927398713']) {
      assert.ok(luhnValid(valid), valid);
    }
    for (const invalid of ['4111111111111112', '1234567812345678', '79927398710']) assert.ok(!luhnValid(invalid), invalid);
  });

  it('is linear on hostile megabyte inputs', function () {
    this.timeout(30_000);
    const mb = 1 << 20;
    const hostile = [
      'a'.repeat(mb),
      '1'.repeat(mb),
      '1 '.repeat(mb / 2),
      '1.'.repeat(mb / 2),
      'a.'.repeat(mb / 2),
      'a@'.repeat(mb / 2),
      `${'a'.repeat(mb)}@example.com`,
      `x@${'a.'.repeat(mb / 2)}`,
      ':'.repeat(mb),
      'a:'.repeat(mb / 2),
      '(1) '.repeat(mb / 4),
      '%40'.repeat(mb / 3),
    ];
    for (const text of hostile) {
      const started = performance.now();
      maskText(text);
      const ms = performance.now() - started;
      assert.ok(ms < 2000, `${JSON.stringify(text.slice(0, 12))}… took ${ms.toFixed(0)} ms`);
    }
  });
});

describe('maskUrl', () => {
  const examples: [string, string][] = [
    ['/checkout?email=ann%40example.com&x=1#top', '/checkout?email=[EMAIL_ADDRESS]&x=1#top'],
    ['/p?phone=%2B1+415+555+0123&q=hello+world', '/p?phone=[PHONE_NUMBER]&q=hello+world'],
    ['/p?ip=2001%3Adb8%3A%3A1', '/p?ip=[IP_ADDRESS]'],
    ['/users/ann@example.com/orders', '/users/[EMAIL_ADDRESS]/orders'],
    ['https://shop.example.com/products/ELE-10011', 'https://shop.example.com/products/ELE-10011'],
    ['https://www.google.com/', 'https://www.google.com/'],
    ['/p?name=John%20Smith%20john%40x.com', '/p?name=John%20Smith%20[EMAIL_ADDRESS]'],
    ['/p?bad=%E0%A4%A&mail=a@b.co', '/p?bad=%E0%A4%A&mail=[EMAIL_ADDRESS]'],
    ['/#/account?email=ann@example.com', '/#/account?email=[EMAIL_ADDRESS]'],
  ];
  for (const [input, expected] of examples) {
    it(input, () => assert.equal(maskUrl(input), expected));
  }

  it('property: PII in the path, or in a query value raw or percent-encoded, does not survive in any form', () => {
    fc.assert(
      fc.property(piiArb, fc.constantFrom('path', 'raw', 'encoded', 'fragment'), (pii, where) => {
        fc.pre(where === 'encoded' || urlSafePii(pii));
        const url =
          where === 'path'
            ? `https://shop.example.com/a/${pii.value}/b`
            : where === 'raw'
              ? `/search?utm_source=x&q=${pii.value}&page=2`
              : where === 'encoded'
                ? `/search?q=${encodeURIComponent(pii.value)}&page=2`
                : `/app#/contact?who=${pii.value}`;
        const masked = maskUrl(url);
        assert.ok(!masked.includes(pii.value), `${pii.value} survived in ${masked}`);
        assert.ok(!masked.includes(encodeURIComponent(pii.value)), `${encodeURIComponent(pii.value)} survived in ${masked}`);
        assert.match(masked, TOKENS);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('LocalInfoTypeMasker', () => {
  it('replaces the PII fields by infoType names, masks free text and pseudonymizes the ids', () => {
    const e = parsedEvent({ user_id: 'u_42', anonymous_id: 'anon-42' });
    const outcome = masker.maskEvent(e);
    assert.ok(outcome.ok);
    const ev = outcome.event;
    assert.equal(ev.email, '[EMAIL_ADDRESS]');
    assert.equal(ev.phone, '[PHONE_NUMBER]');
    assert.equal(ev.ip, '[IP_ADDRESS]');
    assert.equal(ev.name, '[PERSON_NAME]');
    assert.equal(ev.note, 'Call me at [PHONE_NUMBER] or write to [EMAIL_ADDRESS]');
    assert.equal(ev.page, '/contact?ref=footer&gclid=Cj0KCQ_abc&email=[EMAIL_ADDRESS]');
    assert.equal(ev.user_id, masker.userKey('u_42'));
    assert.equal(ev.anonymous_id, masker.userKey('anon-42'));
    assert.equal(outcome.userKey, masker.userKey('u_42'), 'the user key is the pseudonym of user_id');
    assert.equal(ev.event_id, e.event.event_id);
    assert.equal(e.event.email, 'ann.lee@example.com', 'the input event is not modified');
  });

  it('user key = HMAC-SHA256(key, id) as base64url, 22 characters; anonymous_id when there is no user_id', () => {
    const expected = createHmac('sha256', TEST_KEY).update('u_42').digest('base64url').slice(0, 22);
    assert.equal(masker.userKey('u_42'), expected);
    assert.match(expected, /^[A-Za-z0-9_-]{22}$/);
    const anonymous = masker.maskEvent(parsedEvent({ user_id: undefined, anonymous_id: 'anon-7' }));
    assert.ok(anonymous.ok && anonymous.userKey === masker.userKey('anon-7'));
    assert.notEqual(new LocalInfoTypeMasker({ key: `${TEST_KEY}x` }).userKey('u_42'), expected, 'another key, another pseudonym');
    const uncached = new LocalInfoTypeMasker({ key: TEST_KEY, cacheSize: 0 });
    assert.equal(uncached.userKey('u_42'), expected);
    const tiny = new LocalInfoTypeMasker({ key: TEST_KEY, cacheSize: 2 });
    for (const id of ['a', 'b', 'c', 'a', 'd', 'u_42', 'b']) tiny.userKey(id);
    assert.equal(tiny.userKey('u_42'), expected, 'the cache never changes a key');
  });

  it('gives no user key without profiling consent', () => {
    const e = parsedEvent();
    const outcome = masker.maskEvent({ ...e, restrictions: { profiling: false, advertising: false } });
    assert.ok(outcome.ok && outcome.userKey === null);
  });

  it('masks emails in campaign fields, but not numbers (they are grouping keys)', () => {
    const flat = masker.maskEvent(parsedEvent({ utm_campaign: 'promo ann@example.com', campaign_id: 'cmp_4155550123' }));
    assert.ok(flat.ok);
    assert.equal(flat.event.utm_campaign, 'promo [EMAIL_ADDRESS]');
    assert.equal(flat.event.campaign_id, 'cmp_4155550123');
    const nested = masker.maskEvent(
      parsedEvent({ utm_campaign: undefined, campaign: { source: 'google', name: 'promo_ann@example.com' } }),
    );
    assert.ok(nested.ok);
    assert.deepEqual(nested.event.campaign, { source: 'google', name: '[EMAIL_ADDRESS]' }, "'promo_' is part of the address");
  });

  it('property: no raw PII embedded in note, page, referrer or name survives anywhere in the event', () => {
    fc.assert(
      fc.property(piiArb, eventProseArb, fc.constantFrom('note', 'page', 'referrer', 'name'), (pii, prose, field) => {
        fc.pre(field === 'note' || field === 'name' || urlSafePii(pii));
        const value =
          field === 'page'
            ? `/p/${pii.value}?q=${encodeURIComponent(pii.value)}`
            : field === 'referrer'
              ? `https://x.example/?u=${pii.value}`
              : `${prose} ${pii.value} ${prose}`;
        const e = parsedEvent({ [field]: value.slice(0, 2000), email: pii.kind === 'email' ? pii.value : 'a@b.co' });
        const outcome = masker.maskEvent(e);
        assert.ok(outcome.ok);
        const json = JSON.stringify(outcome.event);
        assert.ok(!json.includes(JSON.stringify(pii.value).slice(1, -1)), `${pii.value} survived in ${field}: ${json}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects a short key at construction', () => {
    assert.throws(() => new LocalInfoTypeMasker({ key: 'short' }), PipelineConstructionError);
  });
});

describe('maskPii on the direct runner', () => {
  it('parse → consent → mask: masked events with user keys, unlinked events without, nothing lost', async () => {
    const messages = [
      messageOf({ event_id: 'full', user_id: 'u_1' }),
      messageOf({ event_id: 'gdpr-no', consent: { analytics: false, ads: false, gdpr_applies: true, ccpa_opt_out: false } }),
      messageOf({
        event_id: 'ccpa',
        user_id: 'u_3',
        consent: { analytics: true, ads: true, gdpr_applies: false, ccpa_opt_out: true },
      }),
      messageOf({ event_id: 'anon', user_id: undefined, anonymous_id: 'anon-9' }),
      messageOf({ value: 'NaN' }),
    ];
    const out = await runOn(messages, (input) => {
      const parsed = input.apply(parseAndValidate());
      const masked = parsed.main.apply(applyConsent()).apply(maskPii(masker, { clock: new ManualClock(NOW) }));
      return { main: masked.main, parse_failures: parsed.dead_letter, mask_failures: masked.dead_letter };
    });
    assert.equal(
      out.main.elements.length + out.parse_failures.elements.length + out.mask_failures.elements.length,
      messages.length,
    );
    const byId = new Map(out.main.values().map((e) => [e.event.event_id, e]));
    assert.equal(byId.get('full')?.userKey, masker.userKey('u_1'));
    assert.equal(byId.get('gdpr-no')?.userKey, null);
    assert.equal(byId.get('ccpa')?.userKey, masker.userKey('u_3'));
    assert.equal(byId.get('anon')?.userKey, masker.userKey('anon-9'));
    for (const e of out.main.values()) {
      assert.equal(e.piiMasked, true);
      const json = JSON.stringify(e.event);
      assert.doesNotMatch(json, /ann\.lee|415-555|203\.0\.113|Ann Lee|u_1"|anon-9/, json);
    }
  });

  it('hostile but valid events: long digit runs, encodings, colons, odd keys as values; nothing lost', async () => {
    const hostile = [
      parsedEvent({ note: '9'.repeat(2000) }),
      parsedEvent({ note: '1 '.repeat(1000) }),
      parsedEvent({ note: ':'.repeat(2000) }),
      parsedEvent({ note: 'a@'.repeat(1000) }),
      parsedEvent({ note: '__proto__ constructor prototype toString' }),
      parsedEvent({ note: 'mail ann@example.com\u2028call +44 7700 900123\n\t4111-1111-1111-1111 😀' }),
      parsedEvent({ page: `/p?${'%'.repeat(1000)}`, referrer: `/r?q=${'%41'.repeat(600)}` }),
      parsedEvent({ page: `/p?${'a=b&'.repeat(500)}`, referrer: `/#${'#?&='.repeat(500)}` }),
      parsedEvent({ page: `/${'1.'.repeat(1000)}`, referrer: `/${'ff:'.repeat(680)}` }),
    ];
    const out = await runOn(hostile, (input) => input.apply(maskPii(masker)));
    assert.equal(out.main.elements.length + out.dead_letter.elements.length, hostile.length);
    assert.equal(out.dead_letter.elements.length, 0);
    const six = JSON.stringify(out.main.values()[5].event);
    assert.doesNotMatch(six, /ann@example|7700 900123|4111-1111/);
  });

  it('emits from finishBundle with each element’s own timestamp and window', async () => {
    const events = [parsedEvent(), parsedEvent(), parsedEvent()];
    const timestamps = [1_000, 61_000, 125_000];
    const out = await runOn(
      events,
      (input) => input.apply(windowInto<PipelineEvent>(fixedWindows(60_000), {}, 'Minutes')).apply(maskPii(masker)),
      timestamps,
    );
    const got = out.main.elements.map((el) => [el.value.event.event_id, el.timestamp, el.window.start]);
    assert.deepEqual(
      got.sort((a, b) => (a[1] as number) - (b[1] as number)),
      events.map((e, i) => [e.event.event_id, timestamps[i], Math.floor(timestamps[i] / 60_000) * 60_000]),
    );
  });

  class ScriptedMasker implements PiiMasker {
    readonly description = 'scripted masker';
    batches: number[] = [];
    constructor(private readonly decide: (e: PipelineEvent) => MaskOutcome | 'throw') {}
    userKey(id: string): string {
      return masker.userKey(id);
    }
    maskPayload(text: string): string {
      return masker.maskPayload(text);
    }
    async maskBatch(events: readonly PipelineEvent[]): Promise<MaskOutcome[]> {
      this.batches.push(events.length);
      await new Promise<void>((resolve) => setImmediate(resolve));
      return events.map((e) => {
        const d = this.decide(e);
        if (d === 'throw') throw new Error('DLP unavailable (503)');
        return d;
      });
    }
  }

  it('an asynchronous, batched masker: one call per bundle; a failed element goes to the dead letter', async () => {
    const dlp = new ScriptedMasker((e) =>
      e.event.event_id === 'bad' ? { ok: false, reason: 'DLP: content too large' } : { ok: true, event: e.event, userKey: 'k' },
    );
    const events = [parsedEvent(), parsedEvent({ event_id: 'bad' }), parsedEvent()];
    const out = await runOn(events, (input) => input.apply(maskPii(dlp, { clock: new ManualClock(NOW) })), [5, 6, 7]);
    assert.deepEqual(dlp.batches, [3]);
    assert.equal(out.main.elements.length, 2);
    const [failure] = out.dead_letter.elements;
    assert.equal(failure.timestamp, 6);
    assert.deepEqual(
      { ...failure.value, payload: JSON.parse(failure.value.payload ?? 'null') as unknown },
      {
        id: events[1].messageId,
        reason: 'DLP: content too large',
        step: 'MaskPii',
        payload: events[1].event,
        attributes: events[1].attributes,
        errorTimeMs: NOW,
        eventTimeMs: events[1].eventTimeMs,
      },
    );
  });

  it('a masker that fails as a whole fails the bundle (retried), never dead-letters good events', async () => {
    const down = new ScriptedMasker(() => 'throw');
    await assert.rejects(
      runOn([parsedEvent()], (input) => input.apply(maskPii(down))),
      (e: unknown) => e instanceof StepFailedError && /MaskPii/.test(e.message) && /DLP unavailable/.test(e.message),
    );
  });

  it('a masker that returns the wrong number of results is a programming error', async () => {
    const broken: PiiMasker = { description: 'broken', userKey: (id) => id, maskPayload: (t) => t, maskBatch: () => [] };
    await assert.rejects(
      runOn([parsedEvent()], (input) => input.apply(maskPii(broken))),
      /broken returned 0 results for 1 events/,
    );
  });

  it('the local masker turns an unexpected error on one event into that event’s failure', () => {
    const e = parsedEvent();
    const poisoned = {
      ...e,
      event: {
        ...e.event,
        get note(): string {
          throw new Error('boom');
        },
      },
    } as PipelineEvent;
    const outcomes = masker.maskBatch([poisoned, e]);
    assert.deepEqual(outcomes[0], { ok: false, reason: 'masking failed: boom' });
    assert.ok(outcomes[1].ok);
  });
});
