/**
 * applyConsent: the policy matrix (every combination of the four consent signals, and a missing consent object in
 * and outside GDPR countries, with either default) → restrictions and which fields survive.
 */
import { replaceWithInfoTypes } from '../../io/dlp/inspector';
import assert from 'node:assert/strict';
import { PipelineConstructionError } from '../../sdk/errors';
import { type MarketingEvent } from '../../schemas';
import {
  type ConsentOptions,
  NO_RESTRICTIONS,
  applyConsent,
  applyRestrictions,
  removeAdIds,
  restrictionsFor,
  stripQuery,
} from '../../transforms/consent';
import { parseAndValidate } from '../../transforms/parse_and_validate';
import { type PipelineEvent } from '../../transforms/records';
import { messageOf, parsedEvent, runOn } from './privacy_fixtures';

type Outcome = 'allowed' | 'no_advertising' | 'unlinked';

const IDS = ['user_id', 'anonymous_id'] as const;
const PII = ['email', 'phone', 'ip', 'name', 'note'] as const;
const KEPT_ALWAYS = [
  'event_id',
  'event_type',
  'event_time',
  'utm_campaign',
  'campaign_id',
  'device',
  'country',
  'value',
  'currency',
  'schema_version',
] as const;

const PAGE = '/contact?ref=footer&gclid=Cj0KCQ_abc&email=ann.lee%40example.com';
const REFERRER = 'https://www.google.com/search?q=shoes&fbclid=IwAR_xyz';

/** What each outcome leaves of the fixture event (privacy_fixtures.eventObject). */
const EXPECTED: Record<
  Outcome,
  {
    restrictions: { profiling: boolean; advertising: boolean };
    present: readonly string[];
    absent: readonly string[];
    page: string;
    referrer: string;
  }
> = {
  allowed: {
    restrictions: { profiling: true, advertising: true },
    present: [...IDS, ...PII],
    absent: [],
    page: PAGE,
    referrer: REFERRER,
  },
  no_advertising: {
    restrictions: { profiling: true, advertising: false },
    present: [...IDS],
    absent: [...PII],
    page: '/contact?ref=footer&email=ann.lee%40example.com',
    referrer: 'https://www.google.com/search?q=shoes',
  },
  unlinked: {
    restrictions: { profiling: false, advertising: false },
    present: [],
    absent: [...IDS, ...PII],
    page: '/contact',
    referrer: 'https://www.google.com/search',
  },
};

/** [gdpr_applies, analytics, ads, ccpa_opt_out] → outcome: all 16 combinations, written out. */
const MATRIX: [boolean, boolean, boolean, boolean, Outcome][] = [
  // Outside GDPR: analytics does not restrict; ads refused or CCPA opt-out → no advertising.
  [false, true, true, false, 'allowed'],
  [false, false, true, false, 'allowed'],
  [false, true, false, false, 'no_advertising'],
  [false, false, false, false, 'no_advertising'],
  [false, true, true, true, 'no_advertising'],
  [false, false, true, true, 'no_advertising'],
  [false, true, false, true, 'no_advertising'],
  [false, false, false, true, 'no_advertising'],
  // GDPR: no analytics consent → nothing linked, whatever else is said.
  [true, true, true, false, 'allowed'],
  [true, true, false, false, 'no_advertising'],
  [true, true, true, true, 'no_advertising'],
  [true, true, false, true, 'no_advertising'],
  [true, false, true, false, 'unlinked'],
  [true, false, false, false, 'unlinked'],
  [true, false, true, true, 'unlinked'],
  [true, false, false, true, 'unlinked'],
];

/** Missing consent object: [country, missingConsent option] → outcome. */
const MISSING: [string | undefined, ConsentOptions['missingConsent'], Outcome][] = [
  ['US', undefined, 'allowed'],
  ['US', 'allow', 'allowed'],
  ['US', 'deny', 'unlinked'],
  [undefined, undefined, 'allowed'],
  [undefined, 'deny', 'unlinked'],
  ['DE', undefined, 'unlinked'],
  ['DE', 'allow', 'unlinked'],
  ['GB', 'allow', 'unlinked'],
  ['NO', 'allow', 'unlinked'],
  ['CH', 'allow', 'allowed'],
];

function check(e: PipelineEvent, outcome: Outcome, label: string): void {
  const expected = EXPECTED[outcome];
  const fields = e.event as unknown as Record<string, unknown>;
  assert.deepEqual({ ...e.restrictions }, expected.restrictions, `${label}: restrictions`);
  for (const f of expected.present) assert.ok(f in fields, `${label}: ${f} kept`);
  for (const f of expected.absent) assert.ok(!(f in fields), `${label}: ${f} removed`);
  for (const f of KEPT_ALWAYS) if (f !== 'country') assert.ok(f in fields, `${label}: ${f} kept`);
  assert.equal(fields.page, expected.page, `${label}: page`);
  assert.equal(fields.referrer, expected.referrer, `${label}: referrer`);
}

const consentOf = ([gdpr, analytics, ads, ccpa]: [boolean, boolean, boolean, boolean, Outcome]) => ({
  gdpr_applies: gdpr,
  analytics,
  ads,
  ccpa_opt_out: ccpa,
});
const describeRow = (row: [boolean, boolean, boolean, boolean, Outcome]) => JSON.stringify(consentOf(row));

describe('applyConsent', () => {
  describe('policy matrix (pure functions)', () => {
    for (const row of MATRIX) {
      it(`${describeRow(row)} → ${row[4]}`, () => {
        const e = parsedEvent({ consent: consentOf(row) });
        const restrictions = restrictionsFor(e.event);
        check({ ...e, event: applyRestrictions(e.event, restrictions), restrictions }, row[4], describeRow(row));
      });
    }
    for (const [country, missingConsent, outcome] of MISSING) {
      it(`no consent, country ${country ?? '(none)'}, missingConsent ${missingConsent ?? '(default)'} → ${outcome}`, () => {
        const e = parsedEvent({ consent: undefined, country });
        const restrictions = restrictionsFor(e.event, { missingConsent });
        check({ ...e, event: applyRestrictions(e.event, restrictions), restrictions }, outcome, `${country}/${missingConsent}`);
      });
    }
  });

  describe('on the direct runner', () => {
    it('parse → consent: the whole matrix, nothing dropped, each event as the table says', async () => {
      const rows = MATRIX.map((row, i) => ({ row, id: `m${i}` }));
      const messages = rows.map(({ row, id }) => messageOf({ event_id: id, consent: consentOf(row) }, id));
      const missing = MISSING.filter(([, option]) => option !== 'deny').map(([country], i) =>
        messageOf({ event_id: `x${i}`, consent: undefined, country }, `x${i}`),
      );
      const out = await runOn([...messages, ...missing], (input) => {
        const parsed = input.apply(parseAndValidate({ maskText: replaceWithInfoTypes }));
        return { main: parsed.main.apply(applyConsent()), dead_letter: parsed.dead_letter };
      });
      assert.equal(out.dead_letter.elements.length, 0);
      assert.equal(out.main.elements.length, messages.length + missing.length);
      const byId = new Map(out.main.values().map((e) => [e.event.event_id, e]));
      for (const { row, id } of rows) check(byId.get(id) as PipelineEvent, row[4], describeRow(row));
      MISSING.filter(([, option]) => option !== 'deny').forEach(([country, , outcome], i) =>
        check(byId.get(`x${i}`) as PipelineEvent, outcome, `missing/${country}`),
      );
    });

    it('missingConsent: deny restricts events without consent outside GDPR too', async () => {
      const out = await runOn([parsedEvent({ consent: undefined, country: 'US' })], (input) => ({
        main: input.apply(applyConsent({ missingConsent: 'deny' })),
      }));
      check(out.main.values()[0], 'unlinked', 'deny');
    });

    it('leaves an allowed event as it is (same object), and keeps timestamps', async () => {
      const e = parsedEvent();
      const out = await runOn([e], (input) => ({ main: input.apply(applyConsent()) }), [12345]);
      assert.equal(out.main.values()[0], e);
      assert.equal(out.main.elements[0].timestamp, 12345);
    });

    it('is named ApplyConsent and rejects a bad default', () => {
      assert.equal(applyConsent().name, 'ApplyConsent');
      assert.throws(() => applyConsent({ missingConsent: 'maybe' as 'allow' }), PipelineConstructionError);
    });
  });

  describe('URL helpers', () => {
    it('stripQuery drops query string and fragment', () => {
      assert.equal(stripQuery('/a/b?x=1#y'), '/a/b');
      assert.equal(stripQuery('/a#y?x'), '/a');
      assert.equal(stripQuery('https://x.org/'), 'https://x.org/');
    });

    it('removeAdIds drops click ids (any case, percent-encoded names) and keeps the rest', () => {
      assert.equal(removeAdIds('/p?utm_source=g&GCLID=1&x=2'), '/p?utm_source=g&x=2');
      assert.equal(removeAdIds('/p?gclid=1&fbclid=2'), '/p');
      assert.equal(removeAdIds('/p?%67clid=1&a=b#frag'), '/p?a=b#frag');
      assert.equal(removeAdIds('/p?msclkid=1#x?gclid=2'), '/p#x?gclid=2');
      assert.equal(removeAdIds('/p?bad=%E0%A4%A&_gl=1*abc'), '/p?bad=%E0%A4%A');
      assert.equal(removeAdIds('/p?%zz=1'), '/p?%zz=1');
      assert.equal(removeAdIds('/no-query'), '/no-query');
    });

    it('an unrestricted event is returned unchanged; restricted events are copies', () => {
      const e = parsedEvent().event;
      assert.equal(applyRestrictions(e, NO_RESTRICTIONS), e);
      const copy = applyRestrictions(e, { profiling: true, advertising: false });
      assert.notEqual(copy, e);
      assert.equal((e as MarketingEvent).email, 'ann.lee@example.com', 'the input is not modified');
    });
  });
});
