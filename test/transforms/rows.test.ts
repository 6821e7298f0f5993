/**
 * Row builders: every row validates against its table's schema (schemas' validateRow), events from the whole
 * element-wise chain included; unmasked events are refused; text is made well-formed for the warehouse.
 */
import { replaceWithInfoTypes } from '../../io/dlp/inspector';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type KV, kv } from '../../sdk/kv';
import { type LateElement } from '../../sdk/graph';
import { TABLES, type TableDef, validateRow } from '../../schemas';
import { applyConsent, applyRestrictions, restrictionsFor } from '../../transforms/consent';
import { maskPii } from '../../transforms/mask_pii';
import { type TablePiiMasker } from '../../io/dlp/table_masker';
import { parseAndValidate } from '../../transforms/parse_and_validate';
import { type Failure, type PipelineEvent } from '../../transforms/records';
import { UNLINKED_USER_KEY, rfc3339, toDeadLetterRow, toEventRow, toLateEventRow, wellFormed } from '../../transforms/rows';
import { NOW, PUBLISH, message, messageOf, parsedEvent, runOn, testMasker } from './privacy_fixtures';

let masker: TablePiiMasker;
before(async () => {
  masker = await testMasker();
});
const masked = async (e: PipelineEvent): Promise<PipelineEvent> => {
  const [outcome] = await masker.maskBatch([e]);
  assert.ok(outcome.ok);
  return { ...e, event: outcome.event, userKey: outcome.userKey, piiMasked: true };
};
/** An event whose consent forbids profiling, as applyConsent leaves it (no user ids). */
function unlinked(): PipelineEvent {
  const e = parsedEvent({ consent: { analytics: false, ads: false, gdpr_applies: true, ccpa_opt_out: false } });
  const restrictions = restrictionsFor(e.event);
  return { ...e, event: applyRestrictions(e.event, restrictions), restrictions };
}
const maskedText = (text: string) => masker.protectPayload(text);

function assertValid(name: keyof typeof TABLES, row: unknown): void {
  const table: TableDef = TABLES[name];
  const checked = validateRow(table, row);
  assert.ok(checked.ok, `${name} row invalid: ${JSON.stringify(checked.ok ? [] : checked.errors)}\n${JSON.stringify(row)}`);
}

describe('rows', () => {
  describe('toEventRow', () => {
    it('flattens a masked event; campaign via campaignOf; times as RFC 3339', async () => {
      const e = await masked(
        parsedEvent({
          event_id: 'e-row',
          utm_source: undefined,
          utm_campaign: undefined,
          campaign: { source: 'newsletter', name: 'spring', id: 'cmp_0001' },
          product: { sku: 'SKU-1', category: 'shoes', price: 12.5 },
        }),
      );
      const row = toEventRow(e);
      assertValid('events', row);
      assert.equal(row.event_id, 'e-row');
      assert.equal(row.event_time, '2026-03-02T09:55:00.000Z');
      assert.equal(row.ingest_time, rfc3339(PUBLISH));
      assert.equal(row.user_key, e.userKey);
      assert.equal(row.user_id, e.event.user_id, 'the pseudonym, not the raw id');
      assert.notEqual(row.user_id, e.event.user_id?.startsWith('u_') ? e.event.user_id : undefined);
      assert.deepEqual(
        [row.utm_source, row.utm_medium, row.utm_campaign, row.campaign_id, row.channel],
        ['newsletter', 'cpc', 'spring', 'cmp_0001', 'paid_search'],
      );
      assert.deepEqual([row.device_type, row.device_os, row.device_browser], ['mobile', 'iOS 17', 'Safari']);
      assert.deepEqual([row.product_sku, row.product_category, row.product_price], ['SKU-1', 'shoes', 12.5]);
      assert.deepEqual(
        [row.consent_analytics, row.consent_ads, row.consent_gdpr_applies, row.consent_ccpa_opt_out],
        [true, true, false, false],
      );
      assert.deepEqual(
        [row.email, row.phone, row.ip, row.name],
        ['[EMAIL_ADDRESS]', '+# ###-###-####', '[IP_ADDRESS]', '[PERSON_NAME]'],
      );
      assert.equal(row.session_id, null);
    });

    it('a minimal event: absent fields are nulls', async () => {
      const e = await masked(
        parsedEvent(
          Object.fromEntries(
            [
              'user_id',
              'utm_source',
              'utm_medium',
              'utm_campaign',
              'campaign_id',
              'channel',
              'device',
              'country',
              'region',
              'page',
              'referrer',
              'value',
              'currency',
              'consent',
              'email',
              'phone',
              'ip',
              'name',
              'note',
            ].map((k) => [k, undefined]),
          ),
        ),
      );
      const row = toEventRow(e);
      assertValid('events', row);
      assert.equal(row.consent_analytics, null);
      assert.equal(row.user_id, null);
      assert.equal(row.channel, null);
    });

    it('an event without profiling consent gets the unlinked user key', async () => {
      const e = await masked(unlinked());
      const row = toEventRow(e);
      assertValid('events', row);
      assert.equal(row.user_key, UNLINKED_USER_KEY);
      assert.equal(row.user_id, null);
      assert.equal(row.anonymous_id, null);
    });

    it('refuses an event that has not been through maskPii', () => {
      assert.throws(() => toEventRow(parsedEvent()), /has not been through maskPii/);
    });

    it('every event of the chain parse → consent → mask makes a valid row', async () => {
      const consents = [
        { analytics: true, ads: true, gdpr_applies: false, ccpa_opt_out: false },
        { analytics: false, ads: false, gdpr_applies: true, ccpa_opt_out: false },
        { analytics: true, ads: false, gdpr_applies: false, ccpa_opt_out: true },
        undefined,
      ];
      const messages = consents.flatMap((consent) => [
        messageOf({ consent }),
        messageOf({ consent, event_time: '2026-03-02T10:59:59.123456789+01:00' }),
        messageOf({ consent, user_id: undefined, event_type: 'purchase', value: 0, currency: 'EUR' }),
      ]);
      const out = await runOn(messages, (input) => {
        const events = input
          .apply(parseAndValidate({ maskText: replaceWithInfoTypes }))
          .main.apply(applyConsent())
          .apply(maskPii(masker));
        return { main: events.main };
      });
      assert.equal(out.main.elements.length, messages.length);
      for (const e of out.main.values()) assertValid('events', toEventRow(e));
    });
  });

  describe('toDeadLetterRow', () => {
    const failure = (over: Partial<Failure> = {}): Failure => ({
      id: 'm-1',
      reason: '/value: must be number, got string',
      step: 'ParseEvents',
      payload: '{"value":"NaN"}',
      attributes: { source: 'test' },
      errorTimeMs: NOW,
      eventTimeMs: null,
      ...over,
    });

    it('a failure from every step and kind of input makes a valid row, payload protected', async () => {
      const bad = [
        message('not json, mail ann@example.com'),
        message(new Uint8Array([0xff, 0xfe])),
        message('x'.repeat(2 * 1024 * 1024)),
        message(JSON.stringify({ note: 'a\ud800b' })),
        message(''),
        messageOf({ value: 'NaN' }),
        messageOf({ event_time: '2099-01-01T00:00:00Z' }),
      ];
      const out = await runOn(bad, (input) => ({
        dead: input.apply(parseAndValidate({ maskText: replaceWithInfoTypes })).dead_letter,
      }));
      assert.equal(out.dead.elements.length, bad.length);
      for (const f of out.dead.values()) {
        const row = toDeadLetterRow(f, maskedText);
        assertValid('dead_letter', row);
        assert.equal(row.payload_encoding, 'aes_gcm_envelope');
        assert.doesNotMatch(row.payload ?? '', /ann@example\.com|ann\.lee|Ann Lee|415-555-0123|203\.0\.113\.7/);
        assert.equal(row.step, 'ParseEvents');
      }
      const future = out.dead.values().find((f) => f.reason.includes('later than accepted'));
      assert.equal(toDeadLetterRow(future as Failure, maskedText).event_time, '2099-01-01T00:00:00.000Z');
    });

    it('no payload → omitted; a protection that omits → omitted', () => {
      const a = toDeadLetterRow(failure({ payload: null }), maskedText);
      assertValid('dead_letter', a);
      assert.deepEqual([a.payload, a.payload_encoding], [null, 'omitted']);
      const b = toDeadLetterRow(failure(), () => ({ payload: null, encoding: 'aes_siv_base64' }));
      assert.deepEqual([b.payload, b.payload_encoding], [null, 'omitted']);
      const c = toDeadLetterRow(failure(), (t) => ({ payload: Buffer.from(t).toString('base64'), encoding: 'aes_siv_base64' }));
      assert.equal(c.payload_encoding, 'aes_siv_base64');
      assertValid('dead_letter', c);
    });

    it('makes text well-formed: lone surrogates in reason, payload and attributes become U+FFFD', () => {
      const row = toDeadLetterRow(
        failure({ reason: 'bad \ud800', payload: 'x\udc00y', attributes: { ['k\ud800']: 'v\udfff' } }),
        (t) => ({ payload: t, encoding: 'masked' }),
      );
      assertValid('dead_letter', row);
      assert.equal(row.reason, 'bad \uFFFD');
      assert.equal(row.payload, 'x\uFFFDy');
      assert.equal(JSON.stringify(row.attributes), JSON.stringify({ 'k\uFFFD': 'v\uFFFD' }));
      const proto = toDeadLetterRow(
        failure({ attributes: JSON.parse('{"__proto__":"x"}') as Record<string, string> }),
        maskedText,
      );
      assert.equal(JSON.stringify(proto.attributes), '{"__proto__":"x"}');
      assert.equal(Buffer.from(row.payload ?? '', 'utf8').toString('utf8'), row.payload);
    });
  });

  describe('toLateEventRow', () => {
    const late = <T>(value: T, over: Partial<LateElement<T>> = {}): LateElement<T> => ({
      value,
      timestamp: PUBLISH - 3_600_000,
      windowStart: PUBLISH - 3_600_000,
      windowEnd: PUBLISH - 3_540_000,
      watermark: PUBLISH,
      reason: 'expired',
      step: 'DedupeEvents/GroupByEventId',
      ...over,
    });

    it('from a keyed late element (as groupings emit them), with the masked event as payload', async () => {
      const e = await masked(parsedEvent({ event_id: 'late-1' }));
      const row = toLateEventRow(late<KV<string, PipelineEvent>>(kv('late-1', e)), {
        arrivalTimeMs: NOW,
        allowedLatenessMs: 600_000,
      });
      assertValid('late_events', row);
      assert.equal(row.event_id, 'late-1');
      assert.equal(row.user_key, e.userKey);
      assert.equal(row.event_time, rfc3339(e.eventTimeMs));
      assert.equal(row.arrival_time, rfc3339(NOW));
      assert.equal(row.watermark, rfc3339(PUBLISH));
      assert.equal(row.window_end, rfc3339(PUBLISH - 3_540_000));
      assert.equal(row.reason, 'DedupeEvents/GroupByEventId: window expired (watermark past its end + allowed lateness 10min)');
      assert.deepEqual(JSON.parse(row.payload ?? ''), e.event);
    });

    it('from an unkeyed element, a closed window, an unlinked event and an infinite watermark', async () => {
      const e = await masked(unlinked());
      const row = toLateEventRow(late(e, { reason: 'closed_window', watermark: Number.POSITIVE_INFINITY }), {
        arrivalTimeMs: NOW,
      });
      assertValid('late_events', row);
      assert.equal(row.user_key, null);
      assert.equal(row.reason, 'DedupeEvents/GroupByEventId: window closed (its trigger had finished)');
      assert.equal(row.watermark, '9999-12-31T23:59:59.999Z');
    });

    it('refuses an unmasked event', () => {
      assert.throws(() => toLateEventRow(late(parsedEvent()), { arrivalTimeMs: NOW }), /has not been through maskPii/);
    });
  });

  it('wellFormed keeps valid pairs and replaces lone halves', () => {
    assert.equal(wellFormed('a😀b'), 'a😀b');
    assert.equal(wellFormed('\ud83d'), '\uFFFD');
    assert.equal(wellFormed('\ude00x\ud83d\ude00'), '\uFFFDx😀');
  });
});

describe('rfc3339', () => {
  it('formats exactly as Date.toISOString for any instant in the TIMESTAMP range (cached seconds included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -62135596800000, max: 253402300799999 }), { minLength: 1, maxLength: 20 }),
        (times) => {
          // Neighbouring times exercise the per-second cache; the array order mixes hits and misses.
          for (const ms of times.flatMap((t) => [t, t + 1, t - 1].filter((x) => x >= -62135596800000 && x <= 253402300799999))) {
            assert.equal(rfc3339(ms), new Date(ms).toISOString());
          }
        },
      ),
      { numRuns: 2000 },
    );
    for (const ms of [0, -1, -999, -1000, -1001, 999, 1000, 1709251200123]) assert.equal(rfc3339(ms), new Date(ms).toISOString());
  });
});
