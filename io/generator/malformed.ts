/**
 * Corruption: turning a logical event into a broken message, the way real collectors receive them.
 *
 * Each kind maps to the rule(s) of rules.ts it breaks (MALFORMED_RULES), so a test can assert not only "it is
 * broken" but "it is broken the way it claims". Kinds that make payloads huge are rare by default because they
 * cost memory and time out of proportion (each huge payload is > 1 MiB).
 *
 * JS strings cannot hold invalid UTF-8, so "binary garbage" is modelled with what a bad decoder leaves behind:
 * control characters, U+FFFD replacement characters, lone surrogates, a gzip header read as Latin-1.
 */
import type { MarketingEvent } from './event';
import { type Prng, Weighted } from './prng';
import { MAX_DEPTH, MAX_PAYLOAD_BYTES, MAX_STRING_LENGTH, type RuleId } from './rules';
import { formatRfc3339 } from './time';

export const MALFORMED_KINDS = [
  'not_json',
  'empty',
  'truncated_json',
  'not_object',
  'wrong_types',
  'missing_required',
  'unknown_event_type',
  'invalid_timestamp',
  'timestamp_out_of_range',
  'non_finite_value',
  'huge_payload',
  'huge_string',
  'deeply_nested',
  'control_characters',
  'binary_garbage',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** The rules each kind breaks; a malformed message of that kind violates at least one of them. */
export const MALFORMED_RULES: Readonly<Record<MalformedKind, readonly RuleId[]>> = {
  not_json: ['json'],
  empty: ['json'],
  truncated_json: ['json'],
  not_object: ['object'],
  wrong_types: ['type'],
  missing_required: ['required'],
  unknown_event_type: ['enum'],
  invalid_timestamp: ['timestamp_format'],
  timestamp_out_of_range: ['timestamp_range'],
  non_finite_value: ['json', 'finite', 'type'],
  huge_payload: ['payload_size'],
  huge_string: ['string_length'],
  deeply_nested: ['depth'],
  control_characters: ['json', 'characters'],
  binary_garbage: ['json'],
};

export const DEFAULT_MALFORMED_WEIGHTS: Readonly<Record<MalformedKind, number>> = {
  not_json: 1,
  empty: 0.5,
  truncated_json: 1.5,
  not_object: 0.7,
  wrong_types: 1.5,
  missing_required: 1.5,
  unknown_event_type: 1,
  invalid_timestamp: 1,
  timestamp_out_of_range: 1,
  non_finite_value: 0.8,
  huge_payload: 0.03,
  huge_string: 0.2,
  deeply_nested: 0.3,
  control_characters: 1,
  binary_garbage: 0.5,
};

export interface Corruption {
  readonly kind: MalformedKind;
  readonly data: string;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** RFC 3339 years are four digits: 0000–9999. */
function inRfc3339Range(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  return year >= 0 && year <= 9999;
}

/** A deep, mutable copy: events share device/consent objects with other events of the same user. */
function copy(event: MarketingEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
}

function withoutLastBrace(json: string): string {
  return json.slice(0, -1);
}

type CorruptFn = (prng: Prng, event: MarketingEvent, payload: string, time: number) => string;

const CORRUPTORS: Readonly<Record<MalformedKind, CorruptFn>> = {
  not_json(prng, event, payload) {
    switch (prng.int(6)) {
      case 0:
        return '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
      case 1:
        return `${event.event_id},${event.event_type},${event.event_time},${event.user_id ?? event.anonymous_id ?? ''}`;
      case 2:
        return `event_id=${event.event_id}&event_type=${event.event_type}&event_time=${encodeURIComponent(event.event_time)}`;
      case 3:
        return payload.replace(/"/g, "'"); // Python-style repr
      case 4:
        return `${withoutLastBrace(payload)},}`; // trailing comma
      default:
        return `${payload}\n${payload}`; // two records in one message (NDJSON batch)
    }
  },

  empty(prng) {
    return prng.pick(['', ' ', '\n', '\r\n', '\t ']);
  },

  truncated_json(prng, _event, payload) {
    // Any proper prefix of an object text is invalid JSON: the closing brace is the last character.
    return payload.slice(0, 1 + prng.int(payload.length - 1));
  },

  not_object(prng, _event, payload) {
    switch (prng.int(5)) {
      case 0:
        return `[${payload}]`; // a batch array instead of one event
      case 1:
        return JSON.stringify(payload); // double-encoded: a JSON string holding the JSON
      case 2:
        return 'null';
      case 3:
        return String(prng.int(100000));
      default:
        return 'true';
    }
  },

  wrong_types(prng, event, _payload, time) {
    const ev = copy(event);
    const options: Array<() => void> = [
      () => (ev.event_time = time), // epoch millis instead of RFC 3339
      () => (ev.schema_version = '1'),
      () => (ev.event_id = prng.chance(0.5) ? null : prng.int(1_000_000)),
      () => ((ev.consent as Record<string, unknown>).analytics = prng.pick(['yes', 1, 'true', null])),
      () => (ev.device = (event.device.type as string) + '/' + event.device.os),
      () => (ev.country = prng.pick([826, 276, 840])),
      () => {
        if ('user_id' in ev) ev.user_id = prng.int(10_000_000);
        else ev.anonymous_id = { id: event.anonymous_id };
      },
    ];
    if (event.event_type === 'purchase') options.push(() => (ev.value = String(event.value)));
    if (event.product !== undefined) {
      options.push(
        () => ((ev.product as Record<string, unknown>).price = `${event.product?.price ?? 0} ${event.currency ?? ''}`.trim()),
      );
    }
    prng.pick(options)();
    return JSON.stringify(ev);
  },

  missing_required(prng, event) {
    const ev = copy(event);
    // Only fields whose absence makes the event invalid (consent, device… are optional: absent means unknown).
    const fields: string[][] = [['event_id'], ['event_type'], ['event_time'], ['schema_version'], ['user_id', 'anonymous_id']];
    if (event.event_type === 'purchase') fields.push(['value'], ['currency']);
    if (event.event_type === 'add_to_cart' || event.event_type === 'remove_from_cart') fields.push(['product']);
    for (const f of prng.pick(fields)) delete ev[f];
    return JSON.stringify(ev);
  },

  unknown_event_type(prng, event) {
    const ev = copy(event);
    ev.event_type = prng.pick([
      'pageview',
      'PAGE_VIEW',
      'Purchase',
      'checkout_started',
      'view_item',
      '',
      'page_view ',
      'add-to-cart',
      'identify',
    ]);
    return JSON.stringify(ev);
  },

  invalid_timestamp(prng, event, _payload, time) {
    const ev = copy(event);
    const iso = event.event_time; // YYYY-MM-DDTHH:MM:SS.mmmZ
    const date = iso.slice(0, 10);
    const clock = iso.slice(11, 19);
    ev.event_time = prng.pick([
      `${iso.slice(0, 4)}-02-30T${clock}.000Z`, // no such day (Date.parse would roll it into March)
      `${iso.slice(0, 4)}-13-01T${clock}Z`,
      `${date}T25:${iso.slice(14, 19)}Z`,
      `${date}T${clock}`, // no offset: local time of who knows where
      `${date} ${clock}`,
      `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)} ${clock}`,
      `${date}T${clock}.000+0100`, // offset without colon (ISO basic, not RFC 3339)
      String(time), // epoch millis as a string
      'yesterday',
      '',
    ]);
    return JSON.stringify(ev);
  },

  timestamp_out_of_range(prng, event, _payload, time) {
    const ev = copy(event);
    const candidates: number[] = [];
    // Far past: 2–30 years back (clock reset, epoch defaults); far future: 2–50 years ahead (ms vs µs mix-ups).
    const past = time - (2 + prng.float() * 28) * YEAR_MS;
    const future = time + (2 + prng.float() * 48) * YEAR_MS;
    if (inRfc3339Range(past)) candidates.push(past);
    if (inRfc3339Range(future)) candidates.push(future);
    if (time > 2 * YEAR_MS) candidates.push(0); // 1970-01-01T00:00:00.000Z, the classic default
    // startTime is validated to lie in 1972–9000, so at least one candidate exists.
    ev.event_time = formatRfc3339(Math.floor(prng.pick(candidates)));
    return JSON.stringify(ev);
  },

  non_finite_value(prng, event) {
    const ev = copy(event);
    ev.value = '\u0000VALUE\u0000';
    if (!('currency' in ev)) ev.currency = 'USD';
    const literal = prng.pick(['NaN', 'Infinity', '-Infinity', '1e999', '-1e400', '"NaN"', '"Infinity"']);
    return JSON.stringify(ev).replace('"\\u0000VALUE\\u0000"', literal);
  },

  huge_payload(prng, event) {
    const ev = copy(event);
    delete ev.note;
    // A pasted image or a runaway log: base64-looking text, > 1 MiB. repeat() builds a rope, so this is cheap
    // until someone reads it.
    const chunk = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg';
    const length = MAX_PAYLOAD_BYTES + 1 + prng.int(MAX_PAYLOAD_BYTES / 2);
    const blob = chunk.repeat(Math.ceil(length / chunk.length));
    return `${withoutLastBrace(JSON.stringify(ev))},"note":"${blob}"}`;
  },

  huge_string(prng, event) {
    const ev = copy(event);
    const length = MAX_STRING_LENGTH + 1 + prng.int(4 * MAX_STRING_LENGTH);
    const field = prng.pick(['page', 'referrer', 'name', 'utm_campaign']);
    const head = field === 'page' ? '/search?q=' : field === 'referrer' ? 'https://spam.example/?' : '';
    ev[field] = head + 'ab'.repeat(Math.ceil(length / 2));
    return JSON.stringify(ev);
  },

  deeply_nested(prng, event) {
    const ev = copy(event);
    const depth = MAX_DEPTH + 1 + prng.int(prng.chance(0.2) ? 10_000 : 200);
    // Built as text: JSON.stringify of a 10k-deep object would itself overflow the stack.
    const nested = '{"k":'.repeat(depth) + '1' + '}'.repeat(depth);
    return `${withoutLastBrace(JSON.stringify(ev))},"properties":${nested}}`;
  },

  control_characters(prng, event, payload) {
    const ev = copy(event);
    const key = 'user_id' in ev ? 'user_id' : 'anonymous_id';
    switch (prng.int(5)) {
      case 0: // escaped NUL inside an id: parses, but no id should contain it
        ev[key] = `${String(ev[key])}\u0000`;
        return JSON.stringify(ev);
      case 1: // a lone high surrogate: half an emoji cut by a byte-limited truncation upstream
        ev.name = `${event.name ?? 'Zoë'} \ud83d`;
        return JSON.stringify(ev);
      case 2: // a lone low surrogate left raw in the text (JSON.parse accepts it, the rule does not)
        return payload.replace('"ip":"', '"ip":"\udc00');
      case 3: // raw control character inside a string literal: not JSON
        return payload.replace('"event_type":"', `"event_type":"${prng.pick(['\u0000', '\u0007', '\u001b', '\u0008'])}`);
      default: // DEL / C1 control from a mis-decoded Windows-1252 page
        ev.page = `${event.page ?? '/'}\u0085\u007f`;
        return JSON.stringify(ev);
    }
  },

  binary_garbage(prng) {
    // Leading byte that no JSON text can start with, then random UTF-16 code units (including lone surrogates).
    const head = prng.pick(['\u001f\u008b\u0008\u0000', '\u0000', '\ufffd\ufffd', '\udfff']);
    const length = 16 + prng.int(1024);
    let body = '';
    for (let i = 0; i < length; i++) body += String.fromCharCode(prng.int(0x10000));
    return head + body;
  },
};

export class Corruptor {
  private readonly kinds: Weighted<MalformedKind>;

  constructor(weights: Readonly<Record<MalformedKind, number>>) {
    const entries = MALFORMED_KINDS.filter((k) => weights[k] > 0).map((k) => [k, weights[k]] as const);
    if (entries.length === 0) throw new RangeError('malformedWeights: at least one kind needs a positive weight');
    this.kinds = new Weighted(entries);
  }

  corrupt(prng: Prng, event: MarketingEvent, payload: string, time: number): Corruption {
    const kind = this.kinds.sample(prng);
    return { kind, data: CORRUPTORS[kind](prng, event, payload, time) };
  }
}
