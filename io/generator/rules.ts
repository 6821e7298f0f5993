/**
 * The validity rules for a message payload — the generator's contract.
 *
 * Every 'valid', 'late' and 'duplicate' message satisfies all of these rules; every 'malformed' message breaks at
 * least one (MALFORMED_RULES in malformed.ts says which one per kind). The pipeline's validator (schemas/) is the
 * authority for production; this file is a small reference implementation so generator tests — and anyone who
 * wants to cross-check the real validator against the generator — can state what "broken" means:
 *
 *   json             the payload parses with JSON.parse (NaN, Infinity, truncation, raw control chars do not)
 *   payload_size     UTF-8 size ≤ MAX_PAYLOAD_BYTES (1 MiB)
 *   depth            nesting of objects/arrays ≤ MAX_DEPTH
 *   object           the top level is a JSON object
 *   required         event_id, event_type, event_time, schema_version, and user_id or anonymous_id are present;
 *                    purchases have value + currency; cart changes (add/remove) a product; a consent object, when
 *                    present, has all four flags (absent consent means "unknown", which is valid)
 *   type             each known field has its type (strings, booleans in consent, numbers for value/price…)
 *   enum             event_type, channel, device.type are known values; schema_version is 1
 *   format           country is ISO alpha-2 (upper case), currency ISO 4217 (3 upper-case letters)
 *   timestamp_format event_time is RFC 3339 with a real calendar date and time and an explicit offset
 *   timestamp_range  event_time within [reference − MAX_EVENT_AGE_MS, reference + MAX_EVENT_FUTURE_MS]
 *                    (checked only when a reference time is given, e.g. the message's arrival time)
 *   finite           numbers are finite (JSON.parse turns 1e999 into Infinity)
 *   string_length    no string longer than MAX_STRING_LENGTH characters
 *   characters       no string contains C0/C1 control characters (other than tab, LF, CR) or lone surrogates
 * Unknown extra fields are not checked here (the schema in schemas/ closes the event: it rejects them; generated
 * valid events have none). test/io/generator/schema_agreement.test.ts checks that schemas/ agrees with these
 * rules on generated messages.
 */
import { CHANNELS, DEVICE_TYPES, EVENT_TYPES, type EventType, SCHEMA_VERSION } from './event';

export const RULE_IDS = [
  'json',
  'payload_size',
  'depth',
  'object',
  'required',
  'type',
  'enum',
  'format',
  'timestamp_format',
  'timestamp_range',
  'finite',
  'string_length',
  'characters',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface Violation {
  readonly rule: RuleId;
  /** Dotted path of the offending field ('' for the whole payload). */
  readonly path: string;
  readonly message: string;
}

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_STRING_LENGTH = 64 * 1024;
export const MAX_DEPTH = 32;
export const MAX_EVENT_AGE_MS = 30 * 24 * 3600 * 1000;
export const MAX_EVENT_FUTURE_MS = 24 * 3600 * 1000;

export interface RuleOptions {
  /** Reference "now" for the timestamp_range rule; omitted → that rule is not checked. */
  referenceTime?: number;
}

const STRING_FIELDS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'campaign_id',
  'region',
  'page',
  'referrer',
  'email',
  'phone',
  'ip',
  'name',
  'note',
] as const;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;
// C0 except \t \n \r, DEL, C1; and surrogates not part of a pair (the u flag makes paired ones one code point).
// eslint-disable-next-line no-control-regex -- matching control characters is the point of this rule
const BAD_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udfff]/u;

/** Parses an RFC 3339 timestamp strictly (calendar-valid, explicit offset); NaN when it is not one. */
export function parseRfc3339(text: string): number {
  const m = RFC3339.exec(text);
  if (m === null) return Number.NaN;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return Number.NaN;
  }
  const offsetMin = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return Number.NaN;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years 0–99 literal (Date.UTC would map to 19xx)
  utc.setUTCHours(hour, minute, second, fraction);
  return utc.getTime() - offsetMin * 60_000;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Depth of nested objects/arrays, computed iteratively (a malicious payload could blow a recursive walk). */
function nestingDepth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return max;
}

/** Every string in the value with its path, iteratively. */
function forEachString(root: unknown, fn: (s: string, path: string) => void): void {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') fn(v, path);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) stack.push([child, path === '' ? k : `${path}.${k}`]);
    }
  }
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** All rule violations of one payload; empty when the payload is a valid event. */
export function eventViolations(data: string, options: RuleOptions = {}): Violation[] {
  const out: Violation[] = [];
  const add = (rule: RuleId, path: string, message: string): void => {
    out.push({ rule, path, message });
  };

  // Cheap upper bound first: at most 3 UTF-8 bytes per UTF-16 unit.
  if (data.length * 3 > MAX_PAYLOAD_BYTES && utf8Length(data) > MAX_PAYLOAD_BYTES) {
    add('payload_size', '', `payload is ${utf8Length(data)} bytes > ${MAX_PAYLOAD_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (e) {
    add('json', '', `not JSON: ${(e as Error).message.slice(0, 80)}`);
    return out;
  }
  const depth = nestingDepth(parsed);
  if (depth > MAX_DEPTH) add('depth', '', `nesting depth ${depth} > ${MAX_DEPTH}`);
  forEachString(parsed, (s, path) => {
    if (s.length > MAX_STRING_LENGTH) add('string_length', path, `string of ${s.length} chars > ${MAX_STRING_LENGTH}`);
    if (BAD_CHARS.test(s)) add('characters', path, 'control character or lone surrogate');
  });
  if (!isObject(parsed)) {
    add('object', '', `top level is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
    return out;
  }
  checkFields(parsed, options, add);
  return out;
}

type Add = (rule: RuleId, path: string, message: string) => void;

function checkNonEmptyString(v: unknown, path: string, add: Add): void {
  if (typeof v !== 'string') add('type', path, `expected string, got ${typeName(v)}`);
  else if (v.length === 0) add('required', path, 'empty string');
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function checkFields(ev: Record<string, unknown>, options: RuleOptions, add: Add): void {
  for (const field of ['event_id', 'event_type', 'event_time', 'schema_version'] as const) {
    if (!(field in ev)) add('required', field, 'missing');
  }
  if (!('user_id' in ev) && !('anonymous_id' in ev)) add('required', 'user_id', 'neither user_id nor anonymous_id');

  if ('event_id' in ev) checkNonEmptyString(ev.event_id, 'event_id', add);
  if ('user_id' in ev) checkNonEmptyString(ev.user_id, 'user_id', add);
  if ('anonymous_id' in ev) checkNonEmptyString(ev.anonymous_id, 'anonymous_id', add);

  let eventType: EventType | null = null;
  if ('event_type' in ev) {
    const v = ev.event_type;
    if (typeof v !== 'string') add('type', 'event_type', `expected string, got ${typeName(v)}`);
    else if (!(EVENT_TYPES as readonly string[]).includes(v))
      add('enum', 'event_type', `unknown event_type ${JSON.stringify(v)}`);
    else eventType = v as EventType;
  }

  if ('event_time' in ev) {
    const v = ev.event_time;
    if (typeof v !== 'string') add('type', 'event_time', `expected RFC 3339 string, got ${typeName(v)}`);
    else {
      const t = parseRfc3339(v);
      if (Number.isNaN(t)) add('timestamp_format', 'event_time', `not RFC 3339: ${JSON.stringify(v.slice(0, 40))}`);
      else if (options.referenceTime !== undefined) {
        const ref = options.referenceTime;
        if (t < ref - MAX_EVENT_AGE_MS || t > ref + MAX_EVENT_FUTURE_MS) {
          add('timestamp_range', 'event_time', `${v} too far from reference ${new Date(ref).toISOString()}`);
        }
      }
    }
  }

  if ('schema_version' in ev) {
    const v = ev.schema_version;
    if (typeof v !== 'number') add('type', 'schema_version', `expected number, got ${typeName(v)}`);
    else if (v !== SCHEMA_VERSION) add('enum', 'schema_version', `unsupported schema_version ${v}`);
  }

  if ('consent' in ev) {
    const c = ev.consent;
    if (!isObject(c)) add('type', 'consent', `expected object, got ${typeName(c)}`);
    else {
      for (const flag of ['analytics', 'ads', 'gdpr_applies', 'ccpa_opt_out'] as const) {
        if (!(flag in c)) add('required', `consent.${flag}`, 'missing');
        else if (typeof c[flag] !== 'boolean') add('type', `consent.${flag}`, `expected boolean, got ${typeName(c[flag])}`);
      }
    }
  }

  if ('channel' in ev) {
    const v = ev.channel;
    if (typeof v !== 'string') add('type', 'channel', `expected string, got ${typeName(v)}`);
    else if (!(CHANNELS as readonly string[]).includes(v)) add('enum', 'channel', `unknown channel ${JSON.stringify(v)}`);
  }

  if ('device' in ev) {
    const d = ev.device;
    if (!isObject(d)) add('type', 'device', `expected object, got ${typeName(d)}`);
    else {
      if (typeof d.type !== 'string') add('type', 'device.type', `expected string, got ${typeName(d.type)}`);
      else if (!(DEVICE_TYPES as readonly string[]).includes(d.type)) add('enum', 'device.type', `unknown ${d.type}`);
      for (const k of ['os', 'browser'] as const) {
        if (k in d && typeof d[k] !== 'string') add('type', `device.${k}`, `expected string, got ${typeName(d[k])}`);
      }
    }
  }

  if ('country' in ev) {
    const v = ev.country;
    if (typeof v !== 'string') add('type', 'country', `expected string, got ${typeName(v)}`);
    else if (!/^[A-Z]{2}$/.test(v)) add('format', 'country', `not ISO 3166-1 alpha-2: ${JSON.stringify(v)}`);
  }

  for (const field of STRING_FIELDS) {
    if (field in ev && typeof ev[field] !== 'string') add('type', field, `expected string, got ${typeName(ev[field])}`);
  }

  if ('value' in ev) {
    const v = ev.value;
    if (typeof v !== 'number') add('type', 'value', `expected number, got ${typeName(v)}`);
    else if (!Number.isFinite(v)) add('finite', 'value', `not finite: ${v}`);
  }
  if ('currency' in ev) {
    const v = ev.currency;
    if (typeof v !== 'string') add('type', 'currency', `expected string, got ${typeName(v)}`);
    else if (!/^[A-Z]{3}$/.test(v)) add('format', 'currency', `not ISO 4217: ${JSON.stringify(v)}`);
  }
  if (eventType === 'purchase' && !('value' in ev)) add('required', 'value', 'purchase without value');
  // A money amount without its currency is meaningless.
  if ('value' in ev && !('currency' in ev)) add('required', 'currency', 'value without currency');

  if ('product' in ev) {
    const p = ev.product;
    if (!isObject(p)) add('type', 'product', `expected object, got ${typeName(p)}`);
    else {
      for (const k of ['sku', 'category'] as const) {
        if (!(k in p)) add('required', `product.${k}`, 'missing');
        else if (typeof p[k] !== 'string') add('type', `product.${k}`, `expected string, got ${typeName(p[k])}`);
      }
      if (!('price' in p)) add('required', 'product.price', 'missing');
      else if (typeof p.price !== 'number') add('type', 'product.price', `expected number, got ${typeName(p.price)}`);
      else if (!Number.isFinite(p.price)) add('finite', 'product.price', `not finite: ${p.price}`);
    }
  } else if (eventType === 'add_to_cart' || eventType === 'remove_from_cart') {
    add('required', 'product', `${eventType} without product`);
  }
}
