/**
 * The marketing event as the generator emits it (the JSON payload of a valid message).
 *
 * Field names follow /work/shared/DESIGN.md and the list the schema engineer formalises in schemas/; this file is
 * the generator's own copy so that io/generator has no dependency on the SDK or on schemas/ (it must be usable to
 * test them). Optional fields are omitted rather than null, as a browser/mobile tracker would send them.
 */

export const SCHEMA_VERSION = 1;

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

export const CHANNELS = ['organic', 'paid_search', 'paid_social', 'email', 'display', 'referral', 'direct', 'affiliate'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface Device {
  type: DeviceType;
  os: string;
  browser: string;
}

export interface Consent {
  analytics: boolean;
  ads: boolean;
  gdpr_applies: boolean;
  ccpa_opt_out: boolean;
}

export interface Product {
  sku: string;
  category: string;
  /** Unit price in the event's currency. */
  price: number;
}

/**
 * Key order is the payload's (see serialize.ts): what, when, who, from where, then event details. JSON key order
 * carries no meaning; a fixed one makes payloads byte-reproducible.
 */
export interface MarketingEvent {
  event_id: string;
  event_type: EventType;
  /** RFC 3339, UTC, millisecond precision: 2024-03-01T12:34:56.789Z. */
  event_time: string;
  /** Exactly one of user_id / anonymous_id is set on generated events. */
  user_id?: string;
  anonymous_id?: string;
  device: Device;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2 subdivision code, e.g. US-CA. */
  region: string;
  consent: Consent;
  ip: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  campaign_id?: string;
  channel: Channel;
  page?: string;
  referrer?: string;
  /** Purchases only: order total in `currency`. */
  value?: number;
  /** ISO 4217. */
  currency?: string;
  email?: string;
  phone?: string;
  name?: string;
  /** Free text; sometimes contains an email address or a phone number inside a sentence. */
  note?: string;
  product?: Product;
  schema_version: typeof SCHEMA_VERSION;
}

/** Key by which sessions and users are tracked: user_id when logged in, anonymous_id otherwise. */
export function userKeyOf(event: Pick<MarketingEvent, 'user_id' | 'anonymous_id'>): string {
  return event.user_id ?? event.anonymous_id ?? '';
}
