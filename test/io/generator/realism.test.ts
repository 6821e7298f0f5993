import assert from 'node:assert/strict';
import { generateWithTruth, type MarketingEvent } from '../../../io/generator';
import { COUNTRIES } from '../../../io/generator/catalog';

const EU_LIKE = new Set(COUNTRIES.filter((c) => c.gdpr).map((c) => c.code));
const CURRENCY = new Map(COUNTRIES.map((c) => [c.code, c.currency]));

describe('generator / a realistic clickstream', () => {
  const { messages, truth } = generateWithTruth({ events: 150_000, seed: 12, rate: 5, users: 20_000 });
  const events: MarketingEvent[] = messages
    .filter((m) => m.kind === 'valid' || m.kind === 'late')
    .map((m) => JSON.parse(m.data) as MarketingEvent);
  const key = (e: MarketingEvent) => e.user_id ?? e.anonymous_id!;
  const share = <T>(xs: readonly T[], pred: (x: T) => boolean): number => xs.filter(pred).length / xs.length;

  it('a user looks the same on every event: country, region, device, consent, ip, login state', () => {
    const seen = new Map<string, string>();
    for (const e of events) {
      const profile = JSON.stringify([e.country, e.region, e.device, e.consent, e.ip, e.user_id !== undefined]);
      const before = seen.get(key(e));
      if (before !== undefined) assert.equal(profile, before, key(e));
      else seen.set(key(e), profile);
    }
  });

  it('consent depends on the privacy regime', () => {
    const eu = events.filter((e) => EU_LIKE.has(e.country));
    const california = events.filter((e) => e.region === 'US-CA');
    const other = events.filter((e) => !EU_LIKE.has(e.country) && e.region !== 'US-CA');
    assert.ok(eu.length > 5_000 && california.length > 1_000);
    assert.ok(eu.every((e) => e.consent.gdpr_applies && !e.consent.ccpa_opt_out));
    assert.ok(share(eu, (e) => !e.consent.analytics) > 0.15);
    assert.ok(share(eu, (e) => !e.consent.ads) > 0.25);
    assert.ok(california.every((e) => !e.consent.gdpr_applies));
    const optOut = share(california, (e) => e.consent.ccpa_opt_out);
    assert.ok(optOut > 0.1 && optOut < 0.3, `CCPA opt-out ${optOut}`);
    assert.ok(california.filter((e) => e.consent.ccpa_opt_out).every((e) => !e.consent.ads));
    assert.ok(other.every((e) => !e.consent.gdpr_applies && !e.consent.ccpa_opt_out));
  });

  it('traffic mixes logged-in and anonymous users, every channel, devices and both IP versions', () => {
    const users = new Map<string, MarketingEvent>();
    for (const e of events) users.set(key(e), e);
    const anon = share([...users.values()], (e) => e.anonymous_id !== undefined);
    assert.ok(anon > 0.28 && anon < 0.42, `anonymous share ${anon}`);
    assert.equal(new Set(events.map((e) => e.channel)).size, 8);
    assert.equal(new Set(events.map((e) => e.device.type)).size, 3);
    assert.ok(events.some((e) => e.ip.includes(':')) && events.some((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e.ip)));
    assert.ok(events.every((e) => e.device.type !== 'mobile' || ['iOS', 'Android'].includes(e.device.os)));
    // Email traffic needs a known address.
    assert.ok(events.filter((e) => e.channel === 'email').every((e) => e.user_id !== undefined));
    // Tagged channels carry UTM fields and a campaign id; untagged ones do not.
    for (const e of events) {
      const tagged = !['organic', 'referral', 'direct'].includes(e.channel);
      assert.equal(e.campaign_id !== undefined, tagged);
      assert.equal(e.utm_source !== undefined && e.utm_medium !== undefined && e.utm_campaign !== undefined, tagged);
    }
  });

  it('purchases are priced in the country’s currency and sum their cart', () => {
    const purchases = events.filter((e) => e.event_type === 'purchase');
    assert.ok(purchases.length > 300, `${purchases.length} purchases`);
    for (const p of purchases) {
      assert.equal(p.currency, CURRENCY.get(p.country));
      assert.ok(p.value! >= p.product!.price - 1e-9);
      assert.equal(Math.round(p.value! * 100) / 100, p.value);
    }
    assert.ok(new Set(purchases.map((p) => p.currency)).size >= 5);
  });

  it('funnels: page_view → click → add_to_cart → purchase, with drop-off', () => {
    const count = (t: string) => events.filter((e) => e.event_type === t).length;
    const [views, clicks, carts, purchases] = ['page_view', 'click', 'add_to_cart', 'purchase'].map(count);
    assert.ok(views > clicks && clicks > carts && carts > purchases && purchases > 0, `${views} ${clicks} ${carts} ${purchases}`);
    // Every purchase follows an add_to_cart of the same user in the same session (events near the end of the
    // run may still be in flight, so only purchases well before the end are checked).
    const byId = truth.events;
    const sessionOf = new Map<string, readonly string[]>();
    for (const list of truth.sessions.values()) for (const s of list) for (const id of s.eventIds) sessionOf.set(id, s.eventIds);
    let end = 0;
    for (const e of byId.values()) end = Math.max(end, e.eventTime);
    let checked = 0;
    for (const e of byId.values()) {
      if (e.eventType !== 'purchase' || e.eventTime > end - 3_600_000) continue;
      const session = sessionOf.get(e.eventId)!;
      const before = session.slice(0, session.indexOf(e.eventId)).map((id) => byId.get(id)!.eventType);
      // Malformed messages can remove the add_to_cart; they are 1 % of events.
      if (before.includes('add_to_cart')) checked++;
    }
    const all = [...byId.values()].filter((e) => e.eventType === 'purchase' && e.eventTime <= end - 3_600_000).length;
    assert.ok(checked / all > 0.97, `${checked}/${all}`);
  });

  it('PII shows up where masking must find it: email/phone/name fields, both phone formats, PII inside notes', () => {
    const phones = events.map((e) => e.phone).filter((p): p is string => p !== undefined);
    assert.ok(
      phones.some((p) => /^\+\d{8,15}$/.test(p)),
      'E.164',
    );
    assert.ok(
      phones.some((p) => /^[(0-9][0-9 ()-]+$/.test(p) && !p.startsWith('+')),
      'national',
    );
    const notes = events.map((e) => e.note).filter((n): n is string => n !== undefined);
    assert.ok(
      notes.some((n) => /\S+@\S+\.\w+/.test(n)),
      'email inside a note',
    );
    assert.ok(
      notes.some((n) => /\d{3}[\d ()-]{4,}\d/.test(n)),
      'phone inside a note',
    );
    assert.ok(
      notes.some((n) => !/@|\d{4}/.test(n)),
      'notes without PII too',
    );
    assert.ok(
      events.some((e) => e.name !== undefined && /[\u0080-\uffff]/.test(e.name)),
      'non-ASCII names',
    );
    assert.ok(
      events.filter((e) => e.event_type === 'signup' || e.event_type === 'form_submit').every((e) => e.email !== undefined),
    );
  });
});
