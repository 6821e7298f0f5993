/**
 * fast-check arbitraries for valid marketing events, and sample rows, built from the schema's own vocabularies and
 * limits so the tests move with the schema.
 */
import fc from 'fast-check';
import {
  CHANNELS,
  DEVICE_TYPES,
  EVENT_LIMITS,
  EVENT_SCHEMA_VERSION,
  EVENT_TYPES,
  CAMPAIGN_FIELD_MAP,
  type Campaign,
  type Columns,
  type TableDef,
} from '../../schemas';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `ms` written as RFC 3339 in the zone `offsetMinutes` east of UTC, with `fractionDigits` (0..9) digits. */
export function rfc3339(ms: number, offsetMinutes: number, fractionDigits: number, upper = true): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction =
    fractionDigits === 0 ? '' : `.${pad(local.getUTCMilliseconds(), 3).padEnd(fractionDigits, '0').slice(0, fractionDigits)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 && upper ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const text = `${date}T${time}${fraction}${zone}`;
  return upper ? text : text.toLowerCase();
}

export const eventTimeArb = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
    offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
    digits: fc.integer({ min: 0, max: 9 }),
    upper: fc.boolean(),
  })
  .map(({ ms, offset, digits, upper }) => rfc3339(ms, offset, digits, upper));

/** Characters a valid string may hold: printable ASCII mostly, plus tab, newline, accents, CJK and astral emoji. */
const safeChar = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r', 'é', 'ß', 'ø', '中', '😀', '\u00a0', '\u2028') },
);
/** ajv counts code points and each unit here is one code point, so `maxLength` means the same to both. */
const text = (maxLength: number, minLength = 0) => fc.string({ unit: safeChar, minLength, maxLength });
const id = text(EVENT_LIMITS.id, 1);
const upper = (length: number) =>
  fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), { minLength: length, maxLength: length }).map((a) => a.join(''));
const amount = fc.double({ min: 0, max: EVENT_LIMITS.maxAmount, noNaN: true, noDefaultInfinity: true });

const campaignArb: fc.Arbitrary<Campaign> = fc.record(
  {
    source: text(EVENT_LIMITS.utm),
    medium: text(EVENT_LIMITS.utm),
    name: text(EVENT_LIMITS.utm),
    id: text(EVENT_LIMITS.utm),
    channel: fc.constantFrom(...CHANNELS),
  },
  { requiredKeys: [] },
);

const userIds = fc.oneof(
  fc.record({ user_id: id }),
  fc.record({ anonymous_id: id }),
  fc.record({ user_id: id, anonymous_id: id }),
);

const optionalFields = fc.record(
  {
    campaign: campaignArb,
    utm_source: text(EVENT_LIMITS.utm),
    utm_medium: text(EVENT_LIMITS.utm),
    utm_campaign: text(EVENT_LIMITS.utm),
    campaign_id: text(EVENT_LIMITS.utm),
    channel: fc.constantFrom(...CHANNELS),
    device: fc.record(
      { type: fc.constantFrom(...DEVICE_TYPES), os: text(EVENT_LIMITS.shortText), browser: text(EVENT_LIMITS.shortText) },
      { requiredKeys: [] },
    ),
    country: upper(2),
    region: text(EVENT_LIMITS.shortText),
    page: text(EVENT_LIMITS.url),
    referrer: text(EVENT_LIMITS.url),
    value: amount,
    currency: upper(3),
    product: fc.record(
      { sku: text(EVENT_LIMITS.shortText, 1), category: text(EVENT_LIMITS.name), price: amount },
      { requiredKeys: ['sku'] },
    ),
    consent: fc.record({ analytics: fc.boolean(), ads: fc.boolean(), gdpr_applies: fc.boolean(), ccpa_opt_out: fc.boolean() }),
    email: text(EVENT_LIMITS.email),
    phone: text(EVENT_LIMITS.phone),
    ip: text(EVENT_LIMITS.ip),
    name: text(EVENT_LIMITS.name),
    note: text(EVENT_LIMITS.note),
  },
  { requiredKeys: [] },
);

/** Any valid event: required fields, any subset of optional ones, relations satisfied. */
export const validEventArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    required: fc.record({
      event_id: id,
      event_type: fc.constantFrom(...EVENT_TYPES),
      event_time: eventTimeArb,
      schema_version: fc.integer({ min: 1, max: EVENT_SCHEMA_VERSION }),
    }),
    ids: userIds,
    optional: optionalFields,
    fallback: fc.record({ value: amount, currency: upper(3), product: fc.record({ sku: text(EVENT_LIMITS.shortText, 1) }) }),
  })
  .map(({ required, ids, optional, fallback }) => {
    const event: Record<string, unknown> = { ...required, ...ids, ...optional };
    // Relations: a purchase has a value, a value has a currency, a cart change has a product, and nested and flat
    // campaign fields agree.
    if (required.event_type === 'purchase' && event.value === undefined) event.value = fallback.value;
    if (event.value !== undefined && event.currency === undefined) event.currency = fallback.currency;
    if ((required.event_type === 'add_to_cart' || required.event_type === 'remove_from_cart') && event.product === undefined) {
      event.product = fallback.product;
    }
    for (const [nested, flat] of Object.entries(CAMPAIGN_FIELD_MAP)) {
      const nestedValue = optional.campaign?.[nested as keyof Campaign];
      if (nestedValue !== undefined && event[flat] !== undefined) event[flat] = nestedValue;
    }
    return event;
  });

/** String fields of the event (JSON Pointers), for tests that break one of them. */
export const TEXT_FIELDS = [
  '/event_id',
  '/user_id',
  '/anonymous_id',
  '/utm_source',
  '/utm_campaign',
  '/region',
  '/page',
  '/referrer',
  '/email',
  '/phone',
  '/ip',
  '/name',
  '/note',
  '/device/os',
  '/campaign/name',
  '/product/sku',
  '/product/category',
] as const;

/** The smallest valid event. */
export const minimalEvent = (): Record<string, unknown> => ({
  event_id: 'evt-1',
  anonymous_id: 'anon-1',
  event_type: 'page_view',
  event_time: '2024-05-01T12:00:00Z',
  schema_version: 1,
});

/** An event with every field set. */
export const fullEvent = (): Record<string, unknown> => ({
  event_id: 'evt-2',
  user_id: 'user-42',
  anonymous_id: 'anon-42',
  event_type: 'purchase',
  event_time: '2024-05-01T14:03:07.123456+02:00',
  campaign: { source: 'google', medium: 'cpc', name: 'spring_sale', id: 'cmp-9', channel: 'paid_search' },
  utm_source: 'google',
  utm_medium: 'cpc',
  utm_campaign: 'spring_sale',
  campaign_id: 'cmp-9',
  channel: 'paid_search',
  device: { type: 'mobile', os: 'iOS 17.4', browser: 'Safari 17' },
  country: 'DE',
  region: 'DE-BE',
  page: 'https://shop.example.com/checkout?step=3',
  referrer: 'https://www.google.com/',
  value: 129.9,
  currency: 'EUR',
  product: { sku: 'SKU-123', category: 'shoes/running', price: 64.95 },
  consent: { analytics: true, ads: false, gdpr_applies: true, ccpa_opt_out: false },
  email: 'jane.doe@example.com',
  phone: '+49 30 1234567',
  ip: '2001:db8::1',
  name: 'Jane Doe',
  note: 'Please deliver after 6pm.',
  schema_version: 1,
});

/**
 * A row for `table` that its row schema accepts, one value per column type (NULLABLE columns null when
 * `nulls`), written the way pipeline code writes rows.
 */
export function sampleRow<C extends Columns>(table: TableDef<C>, nulls: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(table.columns)) {
    if (nulls && column.mode === 'NULLABLE') {
      row[name] = null;
      continue;
    }
    const allowed = (column.value as { enum?: readonly string[] }).enum;
    switch (column.type) {
      case 'STRING':
        row[name] = allowed?.[0] ?? `${name}-1`;
        break;
      case 'INT64':
        row[name] = 3;
        break;
      case 'FLOAT64':
        row[name] = 12.5;
        break;
      case 'BOOL':
        row[name] = true;
        break;
      case 'TIMESTAMP':
        row[name] = '2024-05-01T14:00:00.123456+02:00';
        break;
      case 'DATE':
        row[name] = '2024-05-01';
        break;
      case 'JSON':
        row[name] = { source: 'test', n: [1, 2], nested: { ok: true } };
        break;
    }
  }
  return row;
}
