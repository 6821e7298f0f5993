/**
 * PII masking in the pipeline: the pipeline's masker (config/deidentify.json on the local DLP-compatible engine,
 * io/dlp/table_masker.ts) on events — fields replaced, masked or pseudonymized as configured, free text scanned,
 * user keys — and the maskPii step on the direct runner (buffered per bundle, timestamps and windows kept,
 * failures dead-lettered, a failing engine failing the bundle). The detectors' own tests are in
 * test/io/dlp/detectors.test.ts.
 */
import { replaceWithInfoTypes } from '../../io/dlp/inspector';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { type TablePiiMasker, TablePiiMasker as Masker } from '../../io/dlp/table_masker';
import { type DlpTable, type TableDeidentifier } from '../../io/dlp/table';
import { ManualClock } from '../../sdk/clock';
import { fixedWindows } from '../../sdk/window_fns';
import { windowInto } from '../../sdk/transforms/window_into';
import { StepFailedError } from '../../runners/direct';
import { applyConsent } from '../../transforms/consent';
import { type MaskOutcome, type PiiMasker, maskPii } from '../../transforms/mask_pii';
import { parseAndValidate } from '../../transforms/parse_and_validate';
import { type PipelineEvent } from '../../transforms/records';
import { NOW, messageOf, parsedEvent, runOn, testMasker } from './privacy_fixtures';

let masker: TablePiiMasker;
before(async () => {
  masker = await testMasker();
});

async function maskOne(e: PipelineEvent): Promise<MaskOutcome> {
  const [outcome] = await masker.maskBatch([e]);
  return outcome;
}

const SURROGATE = /^TIDEMARK_USER\(\d+\):[A-Za-z0-9+/]+=*$/;

const piiArb = fc.oneof(
  fc.emailAddress().filter((v) => !/[/?#&=+%]/.test(v)),
  fc.ipV4(),
  fc.ipV6().filter((ip) => /[0-9a-f]/i.test(ip)),
  fc.stringMatching(/^\+[1-9]\d{9,12}$/),
);
const proseArb = fc.string({
  maxLength: 40,
  unit: fc.constantFrom('a', 'Z', ' ', '.', ',', '-', ':', '@', '7', '(', 'é', '😀', '\n'),
});

describe('the pipeline masker (local engine, config/deidentify.json)', () => {
  it('replaces, masks and pseudonymizes the PII fields and scans free text, as configured', async () => {
    const e = parsedEvent({ user_id: 'u_42', anonymous_id: 'anon-42' });
    const outcome = await maskOne(e);
    assert.ok(outcome.ok);
    const ev = outcome.event;
    assert.equal(ev.email, '[EMAIL_ADDRESS]');
    assert.equal(ev.phone, '+# ###-###-####', 'characterMask with # skipping +-() and spaces');
    assert.equal(ev.ip, '[IP_ADDRESS]');
    assert.equal(ev.name, '[PERSON_NAME]');
    assert.equal(ev.note, 'Call me at [PHONE_NUMBER] or write to [EMAIL_ADDRESS]');
    assert.equal(ev.page, '/contact?ref=footer&gclid=Cj0KCQ_abc&email=[EMAIL_ADDRESS]');
    assert.match(ev.user_id ?? '', SURROGATE);
    assert.match(ev.anonymous_id ?? '', SURROGATE);
    assert.notEqual(ev.user_id, ev.anonymous_id);
    assert.equal(outcome.userKey, masker.userKey('u_42'), 'the user key is the cryptoHash of user_id');
    assert.equal(ev.event_id, e.event.event_id);
    assert.equal(e.event.email, 'ann.lee@example.com', 'the input event is not modified');
  });

  it('user key = base64 HMAC-SHA256 (DLP cryptoHash), 44 characters; anonymous_id when there is no user_id', async () => {
    assert.match(masker.userKey('u_42'), /^[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(masker.userKey('u_42'), masker.userKey('u_43'));
    assert.notEqual(masker.userKey('u_42'), createHmac('sha256', 'other key').update('u_42').digest('base64'));
    const anonymous = await maskOne(parsedEvent({ user_id: undefined, anonymous_id: 'anon-7' }));
    assert.ok(anonymous.ok && anonymous.userKey === masker.userKey('anon-7'));
    const again = await maskOne(parsedEvent({ user_id: 'u_42' }));
    assert.ok(again.ok && again.userKey === masker.userKey('u_42'), 'the same id, the same key, batch after batch');
  });

  it('gives no user key without profiling consent', async () => {
    const e = parsedEvent();
    const outcome = await maskOne({ ...e, restrictions: { profiling: false, advertising: false } });
    assert.ok(outcome.ok && outcome.userKey === null);
  });

  it('masks emails in campaign fields, but not numbers (they are grouping keys)', async () => {
    const flat = await maskOne(parsedEvent({ utm_campaign: 'promo ann@example.com', campaign_id: 'cmp_4155550123' }));
    assert.ok(flat.ok);
    assert.equal(flat.event.utm_campaign, 'promo [EMAIL_ADDRESS]');
    assert.equal(flat.event.campaign_id, 'cmp_4155550123');
    const nested = await maskOne(
      parsedEvent({ utm_campaign: undefined, campaign: { source: 'google', name: 'promo_ann@example.com' } }),
    );
    assert.ok(nested.ok);
    assert.deepEqual(nested.event.campaign, { source: 'google', name: '[EMAIL_ADDRESS]' }, "'promo_' is part of the address");
  });

  it('leaves absent fields absent', async () => {
    const outcome = await maskOne(parsedEvent({ email: undefined, note: undefined, phone: undefined }));
    assert.ok(outcome.ok);
    assert.equal(outcome.event.email, undefined);
    assert.equal(outcome.event.note, undefined);
  });

  it('property: no raw PII embedded in note, page, referrer or name survives anywhere in the event', async () => {
    await fc.assert(
      fc.asyncProperty(piiArb, proseArb, fc.constantFrom('note', 'page', 'referrer', 'name'), async (pii, prose, field) => {
        const value =
          field === 'page'
            ? `/p/${pii}?q=${encodeURIComponent(pii)}`
            : field === 'referrer'
              ? `https://x.example/?u=${pii}`
              : `${prose} ${pii} ${prose}`;
        const outcome = await maskOne(parsedEvent({ [field]: value.slice(0, 2000) }));
        assert.ok(outcome.ok);
        const json = JSON.stringify(outcome.event);
        assert.ok(!json.includes(JSON.stringify(pii).slice(1, -1)), `${pii} survived in ${field}: ${json}`);
      }),
      { numRuns: 500 },
    );
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
      const parsed = input.apply(parseAndValidate({ maskText: replaceWithInfoTypes }));
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
    protectPayload(text: string) {
      return masker.protectPayload(text);
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
    const broken: PiiMasker = {
      description: 'broken',
      userKey: (id) => id,
      protectPayload: (t) => ({ payload: t, encoding: 'masked' }),
      maskBatch: () => [],
    };
    await assert.rejects(
      runOn([parsedEvent()], (input) => input.apply(maskPii(broken))),
      /broken returned 0 results for 1 events/,
    );
  });

  it('a table the engine refuses is halved until only the bad event fails; the others are masked', async () => {
    const tables: number[] = [];
    const refusesBad: TableDeidentifier = {
      name: 'picky',
      deidentify: (table: DlpTable) => {
        tables.push(table.rows.length);
        const emailCol = table.headers.findIndex((h) => h.name === 'email');
        const bad = table.rows.some((r) => r.values[emailCol].stringValue === 'bad@example.com');
        return Promise.resolve(
          bad
            ? { ok: false as const, reason: 'INVALID_ARGUMENT: refused' }
            : {
                ok: true as const,
                table: {
                  headers: table.headers,
                  rows: table.rows.map((r) => ({ values: r.values.map(() => ({ stringValue: 'x' })) })),
                },
              },
        );
      },
      close: () => Promise.resolve(),
    };
    const picky = new Masker({
      deidentifier: refusesBad,
      columns: ['user_id', 'anonymous_id', 'email'],
      userKey: (id) => masker.userKey(id),
      protectPayload: (t) => masker.protectPayload(t),
    });
    const events = [parsedEvent(), parsedEvent(), parsedEvent({ email: 'bad@example.com' }), parsedEvent()];
    const outcomes = await picky.maskBatch(events);
    assert.deepEqual(
      outcomes.map((o) => o.ok),
      [true, true, false, true],
    );
    assert.deepEqual(outcomes[2], { ok: false, reason: 'INVALID_ARGUMENT: refused' });
    assert.deepEqual(tables, [4, 2, 2, 1, 1]);
  });

  it('an engine that returns an id unchanged fails the event instead of writing the id in clear', async () => {
    const identity: TableDeidentifier = {
      name: 'identity',
      deidentify: (table) => Promise.resolve({ ok: true, table }),
      close: () => Promise.resolve(),
    };
    const careless = new Masker({
      deidentifier: identity,
      columns: ['user_id'],
      userKey: (id) => id,
      protectPayload: (t) => masker.protectPayload(t),
    });
    const [outcome] = await careless.maskBatch([parsedEvent()]);
    assert.ok(!outcome.ok && /user_key came back unchanged/.test(outcome.reason));
  });

  it('dead-letter payloads are envelope-encrypted, never raw', () => {
    const text = JSON.stringify({ email: 'ann.lee@example.com', note: 'call +1 415 555 0123' });
    const sealed = masker.protectPayload(text);
    assert.equal(sealed.encoding, 'aes_gcm_envelope');
    assert.match(sealed.payload ?? '', /^tdmenv1:tidemark-dead-letter-key:/);
    assert.ok(!(sealed.payload ?? '').includes('ann.lee'));
  });
});
