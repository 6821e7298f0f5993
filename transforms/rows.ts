/**
 * Warehouse rows from pipeline records: `events`, `dead_letter` and `late_events` (schemas/tables/). Pure
 * functions; the sinks validate and write them.
 *
 * Every row is built from masked data only: toEventRow and toLateEventRow refuse an event maskPii has not seen
 * (a wiring mistake must fail loudly rather than write raw PII), and toDeadLetterRow hands the payload to the
 * caller's protection (masking or encryption). Text is made well-formed (an unpaired surrogate becomes U+FFFD),
 * because a string that cannot be encoded as UTF-8 makes BigQuery refuse the whole insert batch.
 */
import { type KV, type LateElement } from '../sdk';
import { type DeadLetterRow, type EventRow, type LateEventRow, type PayloadEncoding, campaignOf } from '../schemas';
import { type Failure, type PipelineEvent } from './records';

/**
 * `events.user_key` of an event without profiling consent. The column is REQUIRED, and such an event must not be
 * linkable to anyone: one constant, easy to filter (`WHERE user_key != '(unlinked)'`), links nothing.
 */
export const UNLINKED_USER_KEY = '(unlinked)';

/** TIMESTAMP columns hold 0001-01-01 .. 9999-12-31 UTC; an instant outside (±∞ watermarks) is clamped. */
const MIN_TIMESTAMP_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** An instant as an RFC 3339 string in UTC with milliseconds, e.g. 2024-05-01T12:00:00.000Z. */
export function rfc3339(ms: number): string {
  if (Number.isNaN(ms)) throw new RangeError('cannot write NaN as a timestamp');
  const t = Math.min(MAX_TIMESTAMP_MS, Math.max(MIN_TIMESTAMP_MS, ms));
  // Rows of a stream carry nearby times: reuse the formatted second and only append the milliseconds
  // (toISOString costs more than everything else in a row).
  const second = Math.floor(t / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, -4);
  }
  const millis = t - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every unpaired surrogate replaced by U+FFFD, so that it encodes as UTF-8. */
export function wellFormed(text: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

function requireMasked(e: PipelineEvent, what: string): void {
  if (e.piiMasked !== true) {
    throw new Error(`${what}: event ${e.event.event_id} has not been through maskPii; refusing to write unmasked PII`);
  }
}

/** One `events` row: the event flattened, campaign normalized by campaignOf, times as RFC 3339. */
export function toEventRow(e: PipelineEvent): EventRow {
  requireMasked(e, 'toEventRow');
  const ev = e.event;
  const campaign = campaignOf(ev);
  return {
    event_id: ev.event_id,
    event_type: ev.event_type,
    event_time: rfc3339(e.eventTimeMs),
    ingest_time: rfc3339(e.ingestTimeMs),
    user_key: e.userKey ?? UNLINKED_USER_KEY,
    user_id: ev.user_id ?? null,
    anonymous_id: ev.anonymous_id ?? null,
    session_id: null,
    utm_source: campaign.utm_source,
    utm_medium: campaign.utm_medium,
    utm_campaign: campaign.utm_campaign,
    campaign_id: campaign.campaign_id,
    channel: campaign.channel,
    device_type: ev.device?.type ?? null,
    device_os: ev.device?.os ?? null,
    device_browser: ev.device?.browser ?? null,
    country: ev.country ?? null,
    region: ev.region ?? null,
    page: ev.page ?? null,
    referrer: ev.referrer ?? null,
    value: ev.value ?? null,
    currency: ev.currency ?? null,
    product_sku: ev.product?.sku ?? null,
    product_category: ev.product?.category ?? null,
    product_price: ev.product?.price ?? null,
    consent_analytics: ev.consent?.analytics ?? null,
    consent_ads: ev.consent?.ads ?? null,
    consent_gdpr_applies: ev.consent?.gdpr_applies ?? null,
    consent_ccpa_opt_out: ev.consent?.ccpa_opt_out ?? null,
    email: ev.email ?? null,
    phone: ev.phone ?? null,
    ip: ev.ip ?? null,
    name: ev.name ?? null,
    note: ev.note ?? null,
    schema_version: ev.schema_version,
  };
}

/** How the dead-letter writer protects a payload: masked text, or sealed (AES-256-GCM envelope), or omitted. */
export type PayloadProtection = (text: string) => { readonly payload: string | null; readonly encoding: PayloadEncoding };

function wellFormedAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>; // "__proto__" stays a key
  for (const [k, v] of Object.entries(attributes)) out[wellFormed(k)] = wellFormed(v);
  return out;
}

/** One `dead_letter` row. `protectPayload` decides how the original payload is kept (never raw). */
export function toDeadLetterRow(f: Failure, protectPayload: PayloadProtection): DeadLetterRow {
  const protectedPayload =
    f.payload === null ? { payload: null, encoding: 'omitted' as const } : protectPayload(wellFormed(f.payload));
  return {
    id: wellFormed(f.id),
    reason: wellFormed(f.reason),
    step: f.step,
    payload: protectedPayload.payload === null ? null : wellFormed(protectedPayload.payload),
    payload_encoding: protectedPayload.payload === null ? 'omitted' : protectedPayload.encoding,
    attributes: f.attributes === null ? null : wellFormedAttributes(f.attributes),
    error_time: rfc3339(f.errorTimeMs),
    event_time: f.eventTimeMs === null ? null : rfc3339(f.eventTimeMs),
  };
}

export interface LateEventRowOptions {
  /** Processing time the element reached the grouping (the late output has no clock of its own). */
  readonly arrivalTimeMs: number;
  /** The grouping's allowed lateness, for the reason text. */
  readonly allowedLatenessMs?: number;
}

const isKV = (v: PipelineEvent | KV<unknown, PipelineEvent>): v is KV<unknown, PipelineEvent> => !('event' in v) && 'value' in v;

function describeDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * One `late_events` row from a grouping's late output, whose elements are events or KV pairs of them (as
 * `lateElementsOf` gives them for keyed groupings). The payload is the masked event as JSON.
 */
export function toLateEventRow(
  late: LateElement<PipelineEvent> | LateElement<KV<unknown, PipelineEvent>>,
  options: LateEventRowOptions,
): LateEventRow {
  const e = isKV(late.value) ? late.value.value : late.value;
  requireMasked(e, 'toLateEventRow');
  const why =
    late.reason === 'expired'
      ? `window expired (watermark past its end${options.allowedLatenessMs === undefined ? ' plus the allowed lateness' : ` + allowed lateness ${describeDuration(options.allowedLatenessMs)}`})`
      : 'window closed (its trigger had finished)';
  return {
    event_id: e.event.event_id,
    user_key: e.userKey,
    event_time: rfc3339(e.eventTimeMs),
    arrival_time: rfc3339(options.arrivalTimeMs),
    watermark: rfc3339(late.watermark),
    window_end: rfc3339(late.windowEnd),
    reason: `${late.step}: ${why}`,
    payload: wellFormed(JSON.stringify(e.event)),
  };
}
