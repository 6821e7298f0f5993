/**
 * Event time of a Pub/Sub message: a configured attribute, else a configured field of a JSON payload, else the
 * publish time. Readings that are not a plausible instant fall through to the next rule (the payload's own
 * validation reports a bad event_time; the source's job is only a timestamp and a watermark).
 */
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../sdk';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DIGITS = /^-?\d{1,16}$/;

/** Milliseconds since the epoch from RFC 3339 text or epoch-millisecond digits; undefined when neither. */
export function parseInstant(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    if (DIGITS.test(value)) ms = Number(value);
    else if (RFC3339.test(value)) ms = Date.parse(value);
  }
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP ? Math.floor(ms) : undefined;
}

export interface EventTimeRules {
  readonly timestampAttribute?: string;
  readonly timestampField?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Where the event time of one message comes from. */
export function eventTimeOf(
  rules: EventTimeRules,
  attributes: Readonly<Record<string, string>>,
  data: Uint8Array,
  publishTimeMs: number,
): number {
  if (rules.timestampAttribute !== undefined) {
    const t = parseInstant(attributes[rules.timestampAttribute]);
    if (t !== undefined) return t;
  }
  if (rules.timestampField !== undefined) {
    try {
      const parsed: unknown = JSON.parse(utf8.decode(data));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const t = parseInstant((parsed as Record<string, unknown>)[rules.timestampField]);
        if (t !== undefined) return t;
      }
    } catch {
      // Not JSON: publish time; ParseEvents turns the message into a dead letter.
    }
  }
  return publishTimeMs;
}
