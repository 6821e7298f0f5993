/** `events`: one row per distinct event_id, after validation, consent handling and PII masking. */
import { col, nullable } from '../column';
import { CHANNELS, DEVICE_TYPES, EVENT_TYPES } from '../enums';
import { defineTable, type RowOf } from '../table';

export const EventsTable = defineTable({
  name: 'events',
  description:
    'Validated, de-duplicated marketing events with PII masked; one row per event_id (a redelivery overwrites ' +
    'the same row). Flattened from the raw event; campaign fields are normalized from the flat or nested form.',
  version: 1,
  columns: {
    event_id: col.string('Producer-assigned event id; primary and idempotency key.'),
    event_type: col.enumOf(EVENT_TYPES, 'What happened.'),
    event_time: col.timestamp('When it happened (event time, UTC); partitioning column.'),
    ingest_time: col.timestamp(
      'When the pipeline received the message (Pub/Sub publish time, or read time for files and the generator).',
    ),
    user_key: col.string(
      'Pseudonymous user key: keyed hash of user_id, else of anonymous_id. Joins events, sessions, ' +
        'user_features and audit_log.subject without exposing raw ids.',
    ),
    user_id: nullable(col.string('Known user id, masked/pseudonymized; null when the event had none.')),
    anonymous_id: nullable(col.string('Device/cookie id, masked/pseudonymized; null when the event had none.')),
    session_id: nullable(
      col.string('Session (sessions.session_id) the event belongs to; null until sessionization assigns one.'),
    ),
    utm_source: nullable(col.string('utm_source (flat field or campaign.source).')),
    utm_medium: nullable(col.string('utm_medium (flat field or campaign.medium).')),
    utm_campaign: nullable(col.string('utm_campaign: campaign name (flat field or campaign.name).')),
    campaign_id: nullable(col.string('Ad platform campaign id (flat field or campaign.id).')),
    channel: nullable(col.enumOf(CHANNELS, 'Marketing channel.')),
    device_type: nullable(col.enumOf(DEVICE_TYPES, 'Device class (device.type).')),
    device_os: nullable(col.string('Operating system (device.os).')),
    device_browser: nullable(col.string('Browser or app (device.browser).')),
    country: nullable(col.string('ISO 3166-1 alpha-2 country code.')),
    region: nullable(col.string('Region or ISO 3166-2 subdivision.')),
    page: nullable(col.string('Page URL or path; query-string PII masked.')),
    referrer: nullable(col.string('Referrer URL; query-string PII masked.')),
    value: nullable(col.float64('Monetary value of the event in `currency`.', { minimum: 0 })),
    currency: nullable(col.string('ISO 4217 code of value and product_price.')),
    product_sku: nullable(col.string('product.sku.')),
    product_category: nullable(col.string('product.category.')),
    product_price: nullable(col.float64('product.price, in `currency`.', { minimum: 0 })),
    consent_analytics: nullable(col.bool('consent.analytics; null when the event carried no consent.')),
    consent_ads: nullable(col.bool('consent.ads; null when the event carried no consent.')),
    consent_gdpr_applies: nullable(col.bool('consent.gdpr_applies; null when the event carried no consent.')),
    consent_ccpa_opt_out: nullable(col.bool('consent.ccpa_opt_out; null when the event carried no consent.')),
    email: nullable(col.string('PII, masked: email address (masked value, never the raw one).')),
    phone: nullable(col.string('PII, masked: phone number.')),
    ip: nullable(col.string('PII, masked: client IP address.')),
    name: nullable(col.string("PII, masked: person's name.")),
    note: nullable(col.string('PII risk, masked: free text with any PII found in it replaced.')),
    schema_version: col.int64('schema_version of the raw event.', { minimum: 1 }),
  },
  key: ['event_id'],
  partitionBy: 'event_time',
  clustering: ['event_type', 'utm_campaign', 'country'],
});

export type EventRow = RowOf<typeof EventsTable>;
