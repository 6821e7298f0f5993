/**
 * Closed vocabularies shared by the raw event and the tables.
 *
 * NOTE: each list is the single definition of its values. The event schema, the table columns and the TS types
 * (`EventType`, `Channel`, ...) all derive from these tuples, so adding a value here is the whole change (and it is
 * backwards compatible: old events never carried the new value). Removing or renaming a value is not: events and
 * rows already written with it would stop validating.
 */
import { Type, type TUnsafe } from '@sinclair/typebox';

export const EVENT_TYPES = [
  'page_view',
  'click',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'signup',
  'email_open',
  'email_click',
  'ad_impression',
  'form_submit',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Event types that count as a conversion in sessions and campaign metrics. */
export const CONVERSION_EVENT_TYPES = ['purchase', 'signup'] as const satisfies readonly EventType[];

/** Event types counted as clicks in campaign metrics. */
export const CLICK_EVENT_TYPES = ['click', 'email_click'] as const satisfies readonly EventType[];

export const CHANNELS = ['organic', 'paid_search', 'paid_social', 'email', 'display', 'referral', 'direct', 'affiliate'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Beam's pane timing, as written to the `pane_timing` columns. */
export const PANE_TIMINGS = ['EARLY', 'ON_TIME', 'LATE'] as const;
export type PaneTiming = (typeof PANE_TIMINGS)[number];

export const AUDIT_ACTIONS = ['erase', 'consent_change', 'reidentify'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How `dead_letter.payload` / `late_events.payload` hold the original message. */
export const PAYLOAD_ENCODINGS = [
  /** PII replaced by the masker (DLP or the local engine); the rest of the text is verbatim. */
  'masked',
  /** The whole payload encrypted with AES-SIV (deterministic, RFC 5297), base64; reversible with the key. */
  'aes_siv_base64',
  /**
   * Envelope-encrypted (io/dlp/envelope.ts): AES-256-GCM under a per-batch data key wrapped by the dead-letter
   * master key; `tdmenv1:<key name>:<wrapped data key>:<iv>:<ciphertext>`. Readable with the key source only.
   */
  'aes_gcm_envelope',
  /** Not kept (for example larger than the row limit); `payload` is null. */
  'omitted',
] as const;
export type PayloadEncoding = (typeof PAYLOAD_ENCODINGS)[number];

/** Campaign key used in `campaign_metrics` for events that carry no campaign (GA4's convention). */
export const CAMPAIGN_NOT_SET = '(not set)';

/**
 * A string schema restricted to `values`, typed as their union.
 *
 * NOTE: `enum` on a string (rather than TypeBox's union of literals) keeps the JSON Schema short and gives ajv one
 * error per bad value instead of one per alternative.
 */
export function stringEnum<const V extends readonly [string, ...string[]]>(
  values: V,
  options: { description?: string } = {},
): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ ...options, type: 'string', enum: [...values] });
}
