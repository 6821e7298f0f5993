/**
 * PII masking: the seam between the pipeline and a masking engine (the local engine here, Cloud DLP later).
 *
 * A `PiiMasker` masks whole events in batches and computes the pseudonymous user key. `maskPii(masker)` is the
 * step: its DoFn buffers the elements of a bundle in `process` and masks them in `finishBundle`, emitting each
 * result with its element's timestamp and window, so an asynchronous, batched engine (one DLP request per bundle)
 * fits without changing the step. An element the engine cannot mask goes to the `dead_letter` output; an engine
 * that fails as a whole (network, quota) rejects the batch, which fails the bundle for the runner to retry.
 *
 * The local engine, `LocalInfoTypeMasker`, does what a DLP de-identify template configured with
 * replace-with-infoType does, for the infoTypes that matter here:
 *   - the structured PII fields are replaced whole: email → `[EMAIL_ADDRESS]`, phone → `[PHONE_NUMBER]`,
 *     ip → `[IP_ADDRESS]`, name → `[PERSON_NAME]`;
 *   - free text (`note`, `page`, `referrer`) is scanned by `maskText` for email addresses, phone numbers, IPv4 and
 *     IPv6 addresses and credit card numbers, each replaced by its infoType in brackets. URL query strings and
 *     fragments are also scanned after percent-decoding, so `?email=ann%40example.com` is caught;
 *   - campaign fields (utm_*, campaign_id, campaign.*) are grouping keys, so they are only checked for email
 *     addresses (an email in a utm parameter is a classic leak), not for numbers;
 *   - dead-letter payloads (`maskPayload`, or `LocalInfoTypeMasker.maskPayload`): the PII fields of a JSON payload
 *     by name, user ids by pseudonym, every other string by `maskText`; a payload that is not JSON as text;
 *   - user_id and anonymous_id are replaced by their pseudonyms, `userKey(id)`: HMAC-SHA256 with the pipeline's
 *     key, base64url, 22 characters (132 bits). The event's user key is the pseudonym of user_id, else of
 *     anonymous_id, and null when consent forbids profiling.
 *
 * What the local engine recognises, and its bias: it masks too much rather than too little.
 *   - Email: `local@domain.tld` (also `%40` for `@`). A URL is split into path segments and query parameters
 *     first, so an address does not swallow the path or parameter name before it.
 *   - Credit card: 13–19 digits, optionally grouped by spaces or dashes, first digit 2–6 (Visa, Mastercard, Amex,
 *     Discover, JCB, Diners, UnionPay), passing the Luhn check. A number that fails Luhn and is written like a
 *     card (groups of four, Amex 4-6-5) or is longer than 15 digits is kept: it is neither a card nor a phone.
 *   - Phone: 7–15 digits (E.164's maximum), optionally after `+`, separated by at most two of space, `.`, `-`,
 *     `/`, parentheses (or `%20`). Dates (2024-05-01, 01.05.2024) are not phones; other digit runs of that length
 *     (order numbers) are masked as phones, as DLP does at low likelihood. Digits glued to letters (`sku12345678`,
 *     `SKU-1234567`) are ids, kept. A run of two numbers is split greedily into phones of at most 15 digits.
 *   - IPv4 dotted quads, and IPv6 in every textual form (checked with `net.isIPv6`).
 */
import { createHmac, type KeyObject, createSecretKey } from 'node:crypto';
import { isIPv6 } from 'node:net';
import {
  type Clock,
  type DoFn,
  type FinishBundleContext,
  type Instant,
  type PCollection,
  type PTransform,
  type ProcessContext,
  type Window,
  parDoWithOutputs,
  systemClock,
} from '../sdk';
import { PipelineConstructionError } from '../sdk/errors';
import { type MarketingEvent } from '../schemas';
import { type Failure, type PipelineEvent } from './records';

/** DLP infoType names, used as the replacement text `[NAME]`. */
export const INFO_TYPES = {
  email: 'EMAIL_ADDRESS',
  phone: 'PHONE_NUMBER',
  ip: 'IP_ADDRESS',
  name: 'PERSON_NAME',
  creditCard: 'CREDIT_CARD_NUMBER',
} as const;

const EMAIL_TOKEN = `[${INFO_TYPES.email}]`;
const PHONE_TOKEN = `[${INFO_TYPES.phone}]`;
const IP_TOKEN = `[${INFO_TYPES.ip}]`;
const NAME_TOKEN = `[${INFO_TYPES.name}]`;
const CARD_TOKEN = `[${INFO_TYPES.creditCard}]`;

/** The result of masking one event. */
export type MaskOutcome =
  | {
      readonly ok: true;
      /** The masked event: PII replaced, user_id / anonymous_id pseudonymized. */
      readonly event: MarketingEvent;
      /** Pseudonymous user key; null when the event's restrictions forbid profiling or it has no user id left. */
      readonly userKey: string | null;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * A PII masking engine. Implementations: `LocalInfoTypeMasker` (in process, synchronous); a Cloud DLP masker
 * (batched requests, asynchronous) later.
 */
export interface PiiMasker {
  /** For messages and logs, e.g. "local infoType masker". */
  readonly description: string;
  /**
   * Masks a batch of events: one outcome per event, in the same order. An event that cannot be masked is an
   * `{ ok: false }` outcome (it goes to the dead letter); throwing or rejecting means the engine itself failed
   * and fails the bundle (to be retried), so a transient outage never sends good events to the dead letter.
   */
  maskBatch(events: readonly PipelineEvent[]): readonly MaskOutcome[] | Promise<readonly MaskOutcome[]>;
  /** The pseudonym of a user id or anonymous id: the same id always gives the same key, for one masker key. */
  userKey(id: string): string;
  /**
   * A message payload masked for the dead letter (synchronous: dead letters are few, and a remote engine can use
   * the local `maskPayload(text, this.userKey)`): PII fields by name, user ids pseudonymized, free text scanned.
   */
  maskPayload(text: string): string;
}

// ---------------------------------------------------------------------------------------------------------------
// Free text

/** Characters of an email local part (RFC 5322 atext, dots, and RFC 6531 letters). */
const LOCAL = "[\\p{L}\\p{N}._%+\\-!#$&'*/=?^`{|}~]";
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,61}[\\p{L}\\p{N}])?';
/** A lookbehind keeps each run of local-part characters to one attempt, so a long run costs O(n), not O(n²). */
const EMAIL = `(?<!${LOCAL})${LOCAL}+(?:@|%40)(?:${LABEL}\\.)+\\p{L}{2,63}(?![\\p{L}\\p{N}\\-])`;
const IPV6 =
  '(?<![\\p{L}\\p{N}_:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\\p{L}\\p{N}_]|\\.\\d)';
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `(?<![\\p{N}.])(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\d)`;
/** Dates are digit runs with separators too; they are not phone numbers. */
const DATE = '(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{4})(?!\\d)';
/** Between two digits: nothing, 1–2 separator characters, or an encoded space. */
const SEP = '(?:[ .\\-/()\\u00a0]{1,2}|%20)?';
/** 7+ digits (a card or phones, decided by `maskDigits`), not a date, not part of an id (`sku12345678`, `A-1234567`). */
const DIGITS = `(?<![\\p{L}\\p{N}_])(?<![\\p{L}\\p{N}]-)(?!${DATE})(?:\\+|%2[Bb]|\\()?\\d(?:${SEP}\\d){6,63}\\)?(?![\\p{L}\\p{N}_])`;

/** One pass over the text; at a position the first alternative that matches wins (email before numbers). */
const PII_PATTERN = new RegExp(`(${EMAIL})|(${IPV6})|(${IPV4})|(${DIGITS})`, 'gu');
const EMAIL_ONLY = new RegExp(EMAIL, 'gu');
/**
 * Cheap pre-check, a necessary condition for a match: '@' or '%40' (email), two colons with at most hex between
 * (IPv6), or four digits with at most three other characters between them (IPv4, phones and cards).
 */
const MAYBE_PII = /@|%40|:[0-9A-Fa-f]{0,4}:|\d\D{0,3}\d\D{0,3}\d\D{0,3}\d/;

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const isCard = (digits: string) =>
  digits.length >= 13 && digits.length <= 19 && digits.charCodeAt(0) >= 50 && digits.charCodeAt(0) <= 54 && luhnValid(digits);

interface DigitGroup {
  /** Offsets in the match text. */
  readonly start: number;
  readonly end: number;
  readonly digits: string;
}

function digitGroups(text: string): DigitGroup[] {
  const groups: DigitGroup[] = [];
  const re = /\d+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    groups.push({ start: m.index, end: m.index + m[0].length, digits: m[0] });
  }
  return groups;
}

/** 13–19 digits in groups of four (the last may be shorter), or Amex's 4-6-5. */
function cardShaped(groups: readonly DigitGroup[], total: number): boolean {
  if (total < 13 || total > 19 || groups.length < 2) return false;
  const lengths = groups.map((g) => g.digits.length);
  if (lengths.join('-') === '4-6-5') return true;
  return lengths.every((n, i) => (i < lengths.length - 1 ? n === 4 : n >= 1 && n <= 4));
}

/**
 * Masks a digit run: a card number when the whole run is one; else, if it is longer than one number, card numbers
 * inside it (any run of whole groups with 13–19 digits that passes Luhn), and what is left split greedily into
 * phone numbers of at most 15 digits. So "030 1234567 030 7654321" becomes two phones instead of one over-long
 * non-phone, and a card followed by its expiry date is still found.
 */
function maskDigits(text: string): string {
  const groups = digitGroups(text);
  let all = '';
  for (const g of groups) all += g.digits;
  if (isCard(all)) return CARD_TOKEN;

  const cards: { start: number; end: number }[] = [];
  for (let i = 0; i < groups.length; ) {
    let last = -1;
    let digits = '';
    for (let j = i; j < groups.length && digits.length + groups[j].digits.length <= 19; j++) {
      digits += groups[j].digits;
      if (isCard(digits)) last = j;
    }
    if (last >= 0) {
      cards.push({ start: groups[i].start, end: groups[last].end });
      i = last + 1;
    } else {
      i++;
    }
  }
  if (cards.length === 0) {
    if (cardShaped(groups, all.length)) return text; // written like a card, fails Luhn: a number, not a phone
    if (all.length <= 15) return all.length >= 7 ? PHONE_TOKEN : text;
  }

  const out: string[] = [];
  let at = 0; // text before `at` is in `out`
  const phonesIn = (from: number, to: number) => {
    let runStart = -1;
    let runEnd = -1;
    let runDigits = 0;
    const flush = () => {
      if (runStart < 0) return;
      // A single group longer than 15 digits (a Luhn-invalid card, an id) is no phone: kept.
      if (runDigits >= 7 && runDigits <= 15) {
        out.push(text.slice(at, runStart), PHONE_TOKEN);
        at = runEnd;
      }
      runStart = -1;
      runDigits = 0;
    };
    for (const g of groups) {
      if (g.start < from || g.end > to) continue;
      if (runStart >= 0 && runDigits + g.digits.length > 15) flush();
      if (runStart < 0) runStart = g.start;
      runEnd = g.end;
      runDigits += g.digits.length;
    }
    flush();
  };
  let cursor = 0;
  for (const card of cards) {
    phonesIn(cursor, card.start);
    out.push(text.slice(at, card.start), CARD_TOKEN);
    at = cursor = card.end;
  }
  phonesIn(cursor, text.length);
  out.push(text.slice(at));
  return out.join('');
}

function replaceMatch(match: string, email: string | undefined, ipv6: string | undefined, ipv4: string | undefined): string {
  if (email !== undefined) return EMAIL_TOKEN;
  if (ipv4 !== undefined) return IP_TOKEN;
  if (ipv6 !== undefined) {
    if (!/[0-9A-Fa-f]/.test(ipv6)) return match;
    if (isIPv6(ipv6)) return IP_TOKEN;
    // "… 2001:db8::1: …": a colon after the address belongs to the prose.
    if (ipv6.endsWith(':') && isIPv6(ipv6.slice(0, -1))) return `${IP_TOKEN}:`;
    return match;
  }
  return maskDigits(match);
}

/**
 * Replaces email addresses, phone numbers, IP addresses and credit card numbers in free text by their infoType
 * in brackets (`[EMAIL_ADDRESS]`, …). Pure and linear in the text; used for event free text and by the
 * dead-letter writer, whose payloads must not hold raw PII either.
 */
export function maskText(text: string): string {
  if (!MAYBE_PII.test(text)) return text;
  return text.replace(PII_PATTERN, replaceMatch);
}

/** Only email addresses: for fields that are grouping keys, where a long number is an id, not a phone. */
function maskEmails(text: string): string {
  return text.includes('@') || text.includes('%40') ? text.replace(EMAIL_ONLY, EMAIL_TOKEN) : text;
}

function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined; // a malformed escape: the raw scan is all there is
  }
}

/** Brackets stay readable in a URL; everything else is encoded as a query component. */
const encodeComponent = (text: string) => encodeURIComponent(text).replace(/%5B/g, '[').replace(/%5D/g, ']');

/** A query key or value: scanned as it is, and once more percent-decoded (what a browser would show). */
function maskUrlComponent(raw: string): string {
  const direct = maskText(raw);
  if (!raw.includes('%') && !raw.includes('+')) return direct;
  const decoded = decodeComponent(raw);
  if (decoded === undefined || decoded === raw) return direct;
  const maskedDecoded = maskText(decoded);
  return maskedDecoded === decoded ? direct : encodeComponent(maskedDecoded);
}

function maskQueryPart(part: string): string {
  const eq = part.indexOf('=');
  if (eq < 0) return maskUrlComponent(part);
  return `${maskUrlComponent(part.slice(0, eq))}=${maskUrlComponent(part.slice(eq + 1))}`;
}

/** Masks a URL or path: the path as text, the query string and fragment parameter by parameter. */
export function maskUrl(url: string): string {
  const q = url.search(/[?#]/);
  const path = q < 0 ? url : url.slice(0, q);
  // Segment by segment: '/' may be part of an email address, but in a path it separates.
  const maskedPath = MAYBE_PII.test(path) ? path.replace(/[^/]+/g, maskText) : path;
  return q < 0 ? maskedPath : maskedPath + url.slice(q).replace(/[^?#&]+/g, maskQueryPart);
}

// ---------------------------------------------------------------------------------------------------------------
// Payloads (dead letters)

/** Top-level event fields replaced whole, by infoType. */
const FIELD_TOKENS: ReadonlyMap<string, string> = new Map([
  ['email', EMAIL_TOKEN],
  ['phone', PHONE_TOKEN],
  ['ip', IP_TOKEN],
  ['name', NAME_TOKEN],
]);
const ID_FIELDS: ReadonlySet<string> = new Set(['user_id', 'anonymous_id']);
const URL_FIELDS: ReadonlySet<string> = new Set(['page', 'referrer']);
/** `"field": "value"` pairs of the PII fields, for payloads that are not (complete) JSON. */
const PII_PAIR = /"(email|phone|ip|name|user_id|anonymous_id)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/** An id field of the wrong shape (an object, an array) still holds ids: every string in it is pseudonymized. */
function pseudonymizeStrings(value: unknown, pseudonym: (id: string) => string): unknown {
  if (typeof value === 'string') return pseudonym(value);
  if (Array.isArray(value)) return value.map((v) => pseudonymizeStrings(v, pseudonym));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[maskText(k)] = pseudonymizeStrings(v, pseudonym);
    return out;
  }
  return value;
}

/** Every string in a parsed JSON value (keys too) masked as free text. */
function maskStrings(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(maskStrings);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" stays a key
  for (const [k, v] of Object.entries(value)) out[maskText(k)] = maskStrings(v);
  return out;
}

/**
 * Masks a message payload for the dead letter: the event's PII fields by name (the free-text scan cannot know that
 * "Ann Lee" is a name), user ids by `pseudonym`, and every other string as free text. A payload that is not a JSON
 * object (truncated, not JSON, too deeply nested) is masked as text, with its `"email": "…"`-style pairs replaced.
 */
export function maskPayload(text: string, pseudonym: (id: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // "__proto__" stays a key
      for (const [k, v] of Object.entries(parsed)) {
        const token = FIELD_TOKENS.get(k);
        if (token !== undefined && v !== null) out[k] = token;
        else if (ID_FIELDS.has(k)) out[k] = pseudonymizeStrings(v, pseudonym);
        else if (URL_FIELDS.has(k) && typeof v === 'string') out[k] = maskUrl(v);
        else out[maskText(k)] = maskStrings(v);
      }
      return JSON.stringify(out);
    }
  } catch {
    // Not JSON, or nested beyond the stack: masked as text below.
  }
  return maskText(text).replace(PII_PAIR, (_m, field: string, colon: string, value: string) => {
    const replacement = FIELD_TOKENS.get(field) ?? pseudonym(value);
    return `"${field}"${colon}"${replacement}"`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The local engine

export interface LocalInfoTypeMaskerOptions {
  /**
   * Secret key of the user-key HMAC, at least 16 bytes. It comes from the pipeline (Secret Manager in the cloud, a
   * development constant locally); with a different key, the same user gets a different key, so keep it stable.
   */
  readonly key: string | Uint8Array;
  /** Pseudonyms are cached per id (users send many events); at most this many are kept. Default 100 000. */
  readonly cacheSize?: number;
}

const MIN_KEY_BYTES = 16;

/** The in-process masking engine: DLP's replace-with-infoType for the fields and infoTypes listed above. */
export class LocalInfoTypeMasker implements PiiMasker {
  readonly description = 'local infoType masker';
  private readonly key: KeyObject;
  private readonly cacheSize: number;
  private recent = new Map<string, string>();
  private older = new Map<string, string>();

  constructor(options: LocalInfoTypeMaskerOptions) {
    const key = typeof options.key === 'string' ? Buffer.from(options.key, 'utf8') : options.key;
    if (key.length < MIN_KEY_BYTES) {
      throw new PipelineConstructionError(`the user-key HMAC key must have at least ${MIN_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.key = createSecretKey(key);
    this.cacheSize = options.cacheSize ?? 100_000;
    if (!(this.cacheSize >= 0)) throw new PipelineConstructionError(`cacheSize must be ≥ 0, got ${options.cacheSize}`);
  }

  userKey(id: string): string {
    let key = this.recent.get(id);
    if (key !== undefined) return key;
    key = this.older.get(id);
    if (key === undefined) key = createHmac('sha256', this.key).update(id, 'utf8').digest('base64url').slice(0, 22);
    if (this.cacheSize > 0) {
      // Two generations approximate an LRU at the cost of a Map: ids in use move to `recent`, the rest age out.
      if (this.recent.size >= this.cacheSize / 2) {
        this.older = this.recent;
        this.recent = new Map();
      }
      this.recent.set(id, key);
    }
    return key;
  }

  /** A payload masked for the dead letter (see `maskPayload`), ids pseudonymized with this masker's key. */
  maskPayload(text: string): string {
    return maskPayload(text, (id) => this.userKey(id));
  }

  /** Masks one event; an unexpected error is that event's failure, never the batch's. */
  maskEvent(e: PipelineEvent): MaskOutcome {
    try {
      return this.mask(e);
    } catch (error) {
      return { ok: false, reason: `masking failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  maskBatch(events: readonly PipelineEvent[]): MaskOutcome[] {
    const out = new Array<MaskOutcome>(events.length);
    for (let i = 0; i < events.length; i++) out[i] = this.maskEvent(events[i]);
    return out;
  }

  private mask(e: PipelineEvent): MaskOutcome {
    const src = e.event;
    const ev: MarketingEvent = { ...src };
    if (src.user_id !== undefined) ev.user_id = this.userKey(src.user_id);
    if (src.anonymous_id !== undefined) ev.anonymous_id = this.userKey(src.anonymous_id);
    if (src.email !== undefined) ev.email = EMAIL_TOKEN;
    if (src.phone !== undefined) ev.phone = PHONE_TOKEN;
    if (src.ip !== undefined) ev.ip = IP_TOKEN;
    if (src.name !== undefined) ev.name = NAME_TOKEN;
    if (src.note !== undefined) ev.note = maskText(src.note);
    if (src.page !== undefined) ev.page = maskUrl(src.page);
    if (src.referrer !== undefined) ev.referrer = maskUrl(src.referrer);
    if (src.utm_source !== undefined) ev.utm_source = maskEmails(src.utm_source);
    if (src.utm_medium !== undefined) ev.utm_medium = maskEmails(src.utm_medium);
    if (src.utm_campaign !== undefined) ev.utm_campaign = maskEmails(src.utm_campaign);
    if (src.campaign_id !== undefined) ev.campaign_id = maskEmails(src.campaign_id);
    const c = src.campaign;
    if (c !== undefined && [c.source, c.medium, c.name, c.id].some((v) => v !== undefined && maskEmails(v) !== v)) {
      ev.campaign = {
        ...c,
        ...(c.source !== undefined && { source: maskEmails(c.source) }),
        ...(c.medium !== undefined && { medium: maskEmails(c.medium) }),
        ...(c.name !== undefined && { name: maskEmails(c.name) }),
        ...(c.id !== undefined && { id: maskEmails(c.id) }),
      };
    }
    const id = ev.user_id ?? ev.anonymous_id;
    const userKey = e.restrictions.profiling && id !== undefined ? id : null;
    return { ok: true, event: ev, userKey };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The step

export interface MaskPiiOptions {
  /** Processing time of failures (Failure.errorTimeMs). Default: the system clock. */
  readonly clock?: Clock;
}

export interface MaskPiiOutputs {
  /** Masked events, with userKey set and piiMasked true; same timestamps and windows as their input. */
  readonly main: PCollection<PipelineEvent>;
  /** Events the engine could not mask. */
  readonly dead_letter: PCollection<Failure>;
}

type DeadLetter = { dead_letter: Failure };

/**
 * Buffers a bundle and masks it in finishBundle. The buffer is three parallel arrays (no wrapper per element),
 * emptied at every bundle end: nothing is held across bundles, so a bundle's commit covers everything it read.
 */
class MaskPiiFn implements DoFn<PipelineEvent, PipelineEvent, DeadLetter> {
  private events: PipelineEvent[] = [];
  private timestamps: Instant[] = [];
  private windows: Window[] = [];

  constructor(
    private readonly masker: PiiMasker,
    private readonly step: string,
    private readonly clock: Clock,
  ) {}

  process(e: PipelineEvent, ctx: ProcessContext<PipelineEvent, DeadLetter>): void {
    this.events.push(e);
    this.timestamps.push(ctx.timestamp);
    this.windows.push(ctx.window);
  }

  async finishBundle(ctx: FinishBundleContext<PipelineEvent, DeadLetter>): Promise<void> {
    if (this.events.length === 0) return;
    const { events, timestamps, windows } = this;
    this.events = [];
    this.timestamps = [];
    this.windows = [];
    const pending = this.masker.maskBatch(events);
    const outcomes = pending instanceof Promise ? await pending : pending;
    if (outcomes.length !== events.length) {
      throw new Error(`${this.masker.description} returned ${outcomes.length} results for ${events.length} events`);
    }
    let errorTimeMs: number | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const outcome = outcomes[i];
      if (outcome.ok) {
        ctx.output({ ...e, event: outcome.event, userKey: outcome.userKey, piiMasked: true }, timestamps[i], windows[i]);
      } else {
        errorTimeMs ??= this.clock.now();
        const failure: Failure = {
          id: e.messageId,
          reason: outcome.reason,
          step: this.step,
          payload: JSON.stringify(e.event),
          attributes: e.attributes,
          errorTimeMs,
          eventTimeMs: e.eventTimeMs,
        };
        ctx.outputTo('dead_letter', failure, timestamps[i], windows[i]);
      }
    }
  }
}

/**
 * Masks PII in every event with `masker` and sets the pseudonymous user key (null without profiling consent):
 * PCollection<PipelineEvent> → { main, dead_letter }. Run it after applyConsent, before anything is written.
 */
export function maskPii(
  masker: PiiMasker,
  options: MaskPiiOptions = {},
  name = 'MaskPii',
): PTransform<PCollection<PipelineEvent>, MaskPiiOutputs> {
  return parDoWithOutputs<PipelineEvent, PipelineEvent, DeadLetter>(
    new MaskPiiFn(masker, name, options.clock ?? systemClock),
    ['dead_letter'],
    {},
    name,
  );
}
