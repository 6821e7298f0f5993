/**
 * The raw marketing event as producers send it (one JSON object per Pub/Sub message or JSON Lines line).
 *
 * This TypeBox definition is the single source of the event's JSON Schema (`MarketingEventSchema`, compiled by
 * `validate_event.ts` and written to `schemas/json/` for producers) and of its static type (`MarketingEvent`).
 *
 * Unknown-field policy: every object (top level, `campaign`, `device`, `consent`, `product`) is closed
 * (`additionalProperties: false`). An unknown field is far more often a producer bug (a typo, a renamed field, PII
 * in a new place) than a feature, and a rejected event lands in `dead_letter` where it is visible; a silently
 * ignored field is lost. New fields arrive through a schema version bump (see README.md), consumers first.
 *
 * String policy: every string has a `maxLength` (counted in Unicode code points), so one event cannot blow up a
 * row, and free-text strings refuse control characters and unpaired surrogates (PATTERNS.text). The whole-payload
 * byte limit is checked before parsing, by the source.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CHANNELS, DEVICE_TYPES, EVENT_TYPES, stringEnum } from './enums';
import { PATTERNS } from './patterns';

/** The schema version producers write today; the validator accepts 1..EVENT_SCHEMA_VERSION. */
export const EVENT_SCHEMA_VERSION = 1;

/** String size limits, in code points. Exported so generators and tests use the same numbers. */
export const EVENT_LIMITS = {
  id: 128,
  utm: 256,
  url: 2048,
  shortText: 128,
  name: 256,
  /** RFC 5321 path limit. */
  email: 254,
  phone: 32,
  /** Longest textual IPv6 address (with an embedded IPv4 part). */
  ip: 45,
  note: 2000,
  /** Largest money amount accepted (value, product.price): a sanity bound, not a business rule. */
  maxAmount: 1e12,
} as const;

const text = (maxLength: number, description: string) => Type.String({ maxLength, pattern: PATTERNS.text.pattern, description });
const id = (description: string) =>
  Type.String({ minLength: 1, maxLength: EVENT_LIMITS.id, pattern: PATTERNS.text.pattern, description });
const amount = (description: string) => Type.Number({ minimum: 0, maximum: EVENT_LIMITS.maxAmount, description });

/** Nested campaign form (Segment's `context.campaign` style). Keys map onto the flat fields, see campaign.ts. */
export const CampaignSchema = Type.Object(
  {
    source: Type.Optional(text(EVENT_LIMITS.utm, 'Same as utm_source.')),
    medium: Type.Optional(text(EVENT_LIMITS.utm, 'Same as utm_medium.')),
    name: Type.Optional(text(EVENT_LIMITS.utm, 'Same as utm_campaign.')),
    id: Type.Optional(text(EVENT_LIMITS.utm, 'Same as campaign_id.')),
    channel: Type.Optional(stringEnum(CHANNELS, { description: 'Same as channel.' })),
  },
  { additionalProperties: false, description: 'Campaign as an object; an alternative to the flat utm_* fields.' },
);

export const DeviceSchema = Type.Object(
  {
    type: Type.Optional(stringEnum(DEVICE_TYPES, { description: 'Device class.' })),
    os: Type.Optional(text(EVENT_LIMITS.shortText, 'Operating system, e.g. iOS 17.')),
    browser: Type.Optional(text(EVENT_LIMITS.shortText, 'Browser or app, e.g. Chrome 120.')),
  },
  { additionalProperties: false },
);

/**
 * Consent signals. When the object is present all four are required: a partial answer is ambiguous, and the
 * consent transform must not guess. An absent object means "unknown"; the consent transform applies its policy.
 */
export const ConsentSchema = Type.Object(
  {
    analytics: Type.Boolean({ description: 'Consent to analytics processing.' }),
    ads: Type.Boolean({ description: 'Consent to advertising use (ad personalization, audiences).' }),
    gdpr_applies: Type.Boolean({ description: 'The user is in GDPR scope.' }),
    ccpa_opt_out: Type.Boolean({ description: 'The user opted out of sale/sharing under CCPA/CPRA.' }),
  },
  { additionalProperties: false },
);

export const ProductSchema = Type.Object(
  {
    sku: Type.String({
      minLength: 1,
      maxLength: EVENT_LIMITS.shortText,
      pattern: PATTERNS.text.pattern,
      description: 'Stock keeping unit.',
    }),
    category: Type.Optional(text(EVENT_LIMITS.name, 'Product category, e.g. shoes/running.')),
    price: Type.Optional(amount("Unit price, in the event's `currency` when it has one.")),
  },
  { additionalProperties: false },
);

/**
 * Relations between fields that JSON Schema can state; `validate_event.ts` adds the few it cannot (event_time must
 * be a real instant, flat and nested campaign fields must agree). A `then` carries a description: it is the reason
 * given with the "is required" issue.
 */
const relations = {
  // An event must identify its user: user_id, anonymous_id or both.
  anyOf: [{ required: ['user_id'] }, { required: ['anonymous_id'] }],
  // A money amount without its currency is meaningless.
  dependentRequired: { value: ['currency'] },
  allOf: [
    {
      if: { required: ['event_type'], properties: { event_type: { const: 'purchase' } } },
      then: { required: ['value'], description: 'a purchase carries its value, for revenue' },
    },
    {
      if: { required: ['event_type'], properties: { event_type: { enum: ['add_to_cart', 'remove_from_cart'] } } },
      then: { required: ['product'], description: 'a cart change names its product' },
    },
  ],
};

export const MarketingEventSchema = Type.Object(
  {
    event_id: id('Producer-assigned unique id; the de-duplication and idempotency key.'),
    user_id: Type.Optional(id('Known user id (logged in). PII-adjacent: pseudonymized downstream.')),
    anonymous_id: Type.Optional(id('Device/cookie id for users not logged in.')),
    event_type: stringEnum(EVENT_TYPES, { description: 'What happened.' }),
    event_time: Type.String({
      maxLength: 40,
      pattern: PATTERNS.rfc3339.pattern,
      format: 'date-time',
      description: 'When it happened, RFC 3339 with an offset, e.g. 2024-05-01T12:00:00.123Z.',
    }),

    campaign: Type.Optional(CampaignSchema),
    utm_source: Type.Optional(text(EVENT_LIMITS.utm, 'utm_source, e.g. google.')),
    utm_medium: Type.Optional(text(EVENT_LIMITS.utm, 'utm_medium, e.g. cpc.')),
    utm_campaign: Type.Optional(text(EVENT_LIMITS.utm, 'utm_campaign: the campaign name.')),
    campaign_id: Type.Optional(text(EVENT_LIMITS.utm, 'Ad platform campaign id.')),
    channel: Type.Optional(stringEnum(CHANNELS, { description: 'Marketing channel.' })),

    device: Type.Optional(DeviceSchema),
    country: Type.Optional(
      Type.String({ pattern: PATTERNS.country.pattern, description: 'ISO 3166-1 alpha-2 country code, e.g. DE.' }),
    ),
    region: Type.Optional(text(EVENT_LIMITS.shortText, 'Region or ISO 3166-2 subdivision, e.g. DE-BE.')),
    page: Type.Optional(text(EVENT_LIMITS.url, 'Page URL or path.')),
    referrer: Type.Optional(text(EVENT_LIMITS.url, 'Referrer URL.')),

    value: Type.Optional(amount('Monetary value of the event (order total for a purchase).')),
    currency: Type.Optional(
      Type.String({ pattern: PATTERNS.currency.pattern, description: 'ISO 4217 currency code, e.g. EUR.' }),
    ),
    product: Type.Optional(ProductSchema),

    consent: Type.Optional(ConsentSchema),

    // PII. Free-form on purpose: the masker finds PII by content, so a malformed email must not cost the event.
    email: Type.Optional(text(EVENT_LIMITS.email, 'PII: email address.')),
    phone: Type.Optional(text(EVENT_LIMITS.phone, 'PII: phone number.')),
    ip: Type.Optional(text(EVENT_LIMITS.ip, 'PII: client IP address.')),
    name: Type.Optional(text(EVENT_LIMITS.name, "PII: person's name.")),
    note: Type.Optional(text(EVENT_LIMITS.note, 'PII risk: free text (form message, support note).')),

    schema_version: Type.Integer({
      minimum: 1,
      maximum: EVENT_SCHEMA_VERSION,
      description: 'Version of this schema the producer wrote; newer than the consumer is rejected.',
    }),
  },
  {
    additionalProperties: false,
    title: 'MarketingEvent',
    description: 'A raw marketing event as produced by trackers and backends.',
    ...relations,
  },
);

type EventFields = Static<typeof MarketingEventSchema>;

/**
 * A valid marketing event. The intersection states in the type what the schema's `anyOf` checks: at least one of
 * user_id and anonymous_id is present.
 */
export type MarketingEvent = EventFields & ({ user_id: string } | { anonymous_id: string });
export type Campaign = Static<typeof CampaignSchema>;
export type Device = Static<typeof DeviceSchema>;
export type Consent = Static<typeof ConsentSchema>;
export type Product = Static<typeof ProductSchema>;
