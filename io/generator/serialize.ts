/**
 * Fast JSON serialisation of a generated MarketingEvent, byte-identical to JSON.stringify(event) for the key
 * order of the event objects built in activity.ts.
 *
 * JSON.stringify was ~60 % of the generator's time (≈ 1.2 µs per event here). Everything about the user
 * (identity, device, geo, consent, ip) and the traffic source (UTM fields, channel) is constant for a session, so
 * the payload puts those keys together and the session serialises them once; an event is then a handful of
 * concatenations. (JSON key order carries no meaning; this one reads as: what, when, who, from where, details.)
 */
import type { Campaign } from './campaigns';
import type { Channel, Consent, Device, MarketingEvent, Product } from './event';

/** Characters JSON.stringify would escape: quote, backslash, C0 controls, and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- JSON escapes exactly these control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; the fast path skips JSON.stringify for the (usual) strings that need no escaping. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * A concatenation result is a rope (V8 ConsString). Payloads stay in flight for a while and are read later;
 * flattening a rope with many pieces — especially pieces that are ropes themselves — was ~20 % of generation
 * time. Flattening long-lived parts once (charCodeAt forces it in V8) keeps later concatenations shallow.
 */
export function flatten(s: string): string {
  s.charCodeAt(0);
  return s;
}

export interface SessionFragmentInput {
  readonly loggedIn: boolean;
  /** user_id or anonymous_id. */
  readonly key: string;
  readonly device: Device;
  readonly countryCode: string;
  readonly region: string;
  readonly consent: Consent;
  readonly ip: string;
}

/**
 * `,"user_id":…,"device":{…},"country":…,"region":…,"consent":{…},"ip":…` then, for tagged traffic,
 * `,"utm_source":…,"utm_medium":…,"utm_campaign":…,"campaign_id":…`, then `,"channel":…`.
 */
export function sessionFragment(u: SessionFragmentInput, campaign: Campaign | null, channel: Channel): string {
  // Every value here is escape-free by construction (ids, catalog strings, enums; a test checks the catalogs), so
  // no jsonString: this runs once per session, ~3 events, and the regex tests were a third of its cost.
  const d = u.device;
  const c = u.consent;
  let s =
    `,"${u.loggedIn ? 'user_id' : 'anonymous_id'}":"${u.key}"` +
    `,"device":{"type":"${d.type}","os":"${d.os}","browser":"${d.browser}"}` +
    `,"country":"${u.countryCode}","region":"${u.region}"` +
    `,"consent":{"analytics":${c.analytics},"ads":${c.ads},"gdpr_applies":${c.gdpr_applies},"ccpa_opt_out":${c.ccpa_opt_out}}` +
    `,"ip":"${u.ip}"`;
  if (campaign !== null) {
    s +=
      `,"utm_source":"${campaign.utmSource}","utm_medium":"${campaign.utmMedium}"` +
      `,"utm_campaign":"${campaign.utmCampaign}","campaign_id":"${campaign.campaignId}"`;
  }
  return flatten(`${s},"channel":"${channel}"`);
}

function productJson(p: Product): string {
  return `,"product":{"sku":"${p.sku}","category":"${p.category}","price":${JSON.stringify(p.price)}}`;
}

/**
 * Serialises an event whose session part (identity, device, geo, consent, ip, UTM, channel) is given as the
 * precomputed fragment of its session; the rest comes from `e`.
 *
 * Only `note` goes through jsonString: every other per-event string is escape-free by construction (hex ids,
 * enum values, RFC 3339 digits, catalog paths and URLs, slug-based emails, digit phones, catalog names — a test
 * checks the catalogs), and skipping ~10 regex tests per event is a measurable share of generation time.
 */
export function serializeWith(e: MarketingEvent, session: string): string {
  let s = `{"event_id":"${e.event_id}","event_type":"${e.event_type}","event_time":"${e.event_time}"${session}`;
  if (e.page !== undefined) s += `,"page":"${e.page}"`;
  if (e.referrer !== undefined) s += `,"referrer":"${e.referrer}"`;
  // JSON.stringify(number) is the same as String(number) for finite numbers, and null for the others.
  if (e.value !== undefined) s += `,"value":${JSON.stringify(e.value)}`;
  if (e.currency !== undefined) s += `,"currency":"${e.currency}"`;
  if (e.email !== undefined) s += `,"email":"${e.email}"`;
  if (e.phone !== undefined) s += `,"phone":"${e.phone}"`;
  if (e.name !== undefined) s += `,"name":"${e.name}"`;
  if (e.note !== undefined) s += `,"note":${jsonString(e.note)}`;
  if (e.product !== undefined) s += productJson(e.product);
  return flatten(`${s},"schema_version":${e.schema_version}}`);
}
