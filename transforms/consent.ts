/**
 * Consent policy: what the pipeline may do with an event, decided from the event's own consent signals.
 *
 * Two uses are restricted, each recorded in `PipelineEvent.restrictions`:
 *   - profiling: linking the event to a user (sessions, user features, profile enrichment);
 *   - advertising: using the event for advertising (audiences, ad personalization, advertising features).
 * Counting the event in anonymous aggregates (campaign metrics) needs neither, so every event still counts.
 *
 * The rules, in order (the first that applies decides):
 *
 * 1. GDPR applies and analytics consent is false → NO PROFILING. GDPR applies when `consent.gdpr_applies` says so,
 *    or, when the event carries no consent at all, when its `country` is one where GDPR (or the UK GDPR) applies
 *    (`gdprCountries`): without consent there is no lawful basis for profiling there. The event loses everything
 *    that identifies the person: user_id and anonymous_id (so its user key is null), the PII fields email, phone,
 *    ip, name, the free-text note, and the query string and fragment of page and referrer (where identifiers and
 *    PII hide). Advertising is off as well: without an identity there is nothing to target.
 * 2. CCPA/CPRA opt-out of sale and sharing (`consent.ccpa_opt_out`), or advertising consent refused
 *    (`consent.ads` false, in any jurisdiction: an explicit no is honoured everywhere) → NO ADVERTISING. The event
 *    loses its PII (email, phone, ip, name, note) and its ad identifiers (click ids such as gclid, fbclid, msclkid
 *    in the query strings of page and referrer, `AD_ID_PARAMS`) and is excluded from advertising features.
 *    Profiling stays allowed (under its pseudonymous user key).
 * 3. No consent object and GDPR not known to apply → `missingConsent`: 'allow' (default) treats the event as
 *    consented; 'deny' restricts it as rule 1 does (nothing linked, nothing for advertising), for deployments
 *    that want opt-in everywhere.
 *
 * Outside GDPR, `consent.analytics: false` is kept in the event (and in `events.consent_analytics`) but does not
 * restrict: analytics of first-party data needs no opt-in there. Consent signals are per event: a user who
 * withdraws consent is handled from that event on; erasing the past is the erase pipeline's job.
 *
 * The step is pure: the same event always gets the same result.
 */
import { type PCollection, type PTransform, map } from '../sdk';
import { PipelineConstructionError } from '../sdk/errors';
import { type MarketingEvent } from '../schemas';
import { type ConsentRestrictions, type PipelineEvent } from './records';

/** Both uses allowed: what an event carries until applyConsent has run. */
export const NO_RESTRICTIONS: ConsentRestrictions = Object.freeze({ profiling: true, advertising: true });
const NO_ADVERTISING: ConsentRestrictions = Object.freeze({ profiling: true, advertising: false });
const NOTHING_LINKED: ConsentRestrictions = Object.freeze({ profiling: false, advertising: false });

/**
 * Where GDPR applies by law (EU member states, and the EEA's Iceland, Liechtenstein, Norway), plus the United
 * Kingdom (UK GDPR): used only for events that carry no consent signals. Switzerland (revFADP) is not in it: its
 * law has no opt-in requirement for analytics.
 */
export const GDPR_COUNTRIES: ReadonlySet<string> = new Set([
  ...['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU'],
  ...['MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'GB'],
]);

/**
 * Query parameters that identify a person or device to an ad platform (click ids): removed without advertising
 * consent. Compared case-insensitively.
 */
export const AD_ID_PARAMS: ReadonlySet<string> = new Set([
  'gclid', // Google Ads
  'gbraid', // Google Ads (iOS, app to web)
  'wbraid', // Google Ads (iOS, web to app)
  'gclsrc',
  'dclid', // Display & Video 360 / Campaign Manager
  '_gl', // Google linker (carries the client id across domains)
  'fbclid', // Meta
  'msclkid', // Microsoft Advertising
  'ttclid', // TikTok
  'twclid', // X
  'li_fat_id', // LinkedIn
  'epik', // Pinterest
  'sccid', // Snapchat
  'yclid', // Yandex
  'mc_eid', // Mailchimp subscriber id
  '_hsenc', // HubSpot
  'irclickid', // impact.com (affiliates)
]);

export interface ConsentOptions {
  /**
   * What an event without a consent object gets when GDPR is not known to apply to it: 'allow' treats it as
   * consented; 'deny' restricts it as if profiling and advertising had been refused. Default 'allow'.
   */
  readonly missingConsent?: 'allow' | 'deny';
  /**
   * ISO 3166-1 alpha-2 codes of the countries where an event without consent is presumed in GDPR scope (and so
   * gets no profiling, whatever `missingConsent` says). Default `GDPR_COUNTRIES`.
   */
  readonly gdprCountries?: ReadonlySet<string>;
}

/** The restrictions the policy gives an event (`applyRestrictions` then removes what they forbid). */
export function restrictionsFor(event: MarketingEvent, options: ConsentOptions = {}): ConsentRestrictions {
  const consent = event.consent;
  if (consent === undefined) {
    const gdpr = event.country !== undefined && (options.gdprCountries ?? GDPR_COUNTRIES).has(event.country);
    return gdpr || options.missingConsent === 'deny' ? NOTHING_LINKED : NO_RESTRICTIONS;
  }
  if (consent.gdpr_applies && !consent.analytics) return NOTHING_LINKED;
  if (consent.ccpa_opt_out || !consent.ads) return NO_ADVERTISING;
  return NO_RESTRICTIONS;
}

/** The URL without its query string and fragment. */
export function stripQuery(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : url.slice(0, q);
}

function isAdIdParam(part: string): boolean {
  const eq = part.indexOf('=');
  let key = eq < 0 ? part : part.slice(0, eq);
  if (key.includes('%')) {
    try {
      key = decodeURIComponent(key);
    } catch {
      // A malformed escape cannot spell a parameter name we know.
    }
  }
  return AD_ID_PARAMS.has(key.toLowerCase());
}

/** The URL without the ad identifier parameters of its query string (the fragment is kept). */
export function removeAdIds(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&');
  const kept = parts.filter((part) => !isAdIdParam(part));
  if (kept.length === parts.length) return url;
  const fragment = hash < 0 ? '' : url.slice(hash);
  return (kept.length > 0 ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q)) + fragment;
}

/** The event as a restriction allows it; the same object when nothing has to go. */
export function applyRestrictions(event: MarketingEvent, restrictions: ConsentRestrictions): MarketingEvent {
  if (restrictions.profiling && restrictions.advertising) return event;
  // Rest destructuring drops the PII fields in one copy; the names are only there to be left out.
  const { email: _email, phone: _phone, ip: _ip, name: _name, note: _note, ...kept } = event;
  if (!restrictions.profiling) {
    const { user_id: _userId, anonymous_id: _anonymousId, ...unlinked } = kept;
    if (unlinked.page !== undefined) unlinked.page = stripQuery(unlinked.page);
    if (unlinked.referrer !== undefined) unlinked.referrer = stripQuery(unlinked.referrer);
    // NOTE: the type says an event has user_id or anonymous_id; an unlinked event has neither (see records.ts).
    return unlinked as MarketingEvent;
  }
  const out: MarketingEvent = kept;
  if (out.page !== undefined) out.page = removeAdIds(out.page);
  if (out.referrer !== undefined) out.referrer = removeAdIds(out.referrer);
  return out;
}

/**
 * Applies the consent policy (top of this file) to every event: sets `restrictions` and removes what the event
 * may not keep. PCollection<PipelineEvent> → PCollection<PipelineEvent>; nothing is dropped.
 */
export function applyConsent(
  options: ConsentOptions = {},
  name = 'ApplyConsent',
): PTransform<PCollection<PipelineEvent>, PCollection<PipelineEvent>> {
  if (options.missingConsent !== undefined && options.missingConsent !== 'allow' && options.missingConsent !== 'deny') {
    throw new PipelineConstructionError(`missingConsent must be 'allow' or 'deny', got '${String(options.missingConsent)}'`);
  }
  const resolved: ConsentOptions = {
    missingConsent: options.missingConsent ?? 'allow',
    gdprCountries: options.gdprCountries ?? GDPR_COUNTRIES,
  };
  return map((e: PipelineEvent): PipelineEvent => {
    const restrictions = restrictionsFor(e.event, resolved);
    if (restrictions === NO_RESTRICTIONS && e.restrictions === NO_RESTRICTIONS) return e;
    return { ...e, event: applyRestrictions(e.event, restrictions), restrictions };
  }, name);
}
