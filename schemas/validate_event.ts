/**
 * The runtime validator of the raw marketing event.
 *
 * JSON Schema (event.ts, compiled by ajv) checks everything it can say, including the relations it can express
 * (user_id or anonymous_id; value requires currency; a product price requires currency). This module adds only
 * what JSON Schema cannot:
 *   - event_time must denote an instant BigQuery can store (RFC 3339 allows a leap second, 23:59:60, which no
 *     timestamp type represents, and offsets can push year 9999 or year 1 out of range);
 *   - the nested `campaign` object and the flat utm_* fields must agree when both are given.
 *
 * Events of any schema_version from 1 to EVENT_SCHEMA_VERSION are accepted: fields are only ever added, as
 * optional, so an older event is a valid current event (see README.md).
 */
import { campaignConflicts } from './campaign';
import { compileChecker } from './checker';
import { MarketingEventSchema, type MarketingEvent } from './event';
import type { ValidationIssue } from './issues';

export type EventValidation =
  | {
      ok: true;
      event: MarketingEvent;
      /** event_time in epoch milliseconds (sub-millisecond digits truncated), parsed once here for the pipeline. */
      eventTimeMs: number;
    }
  | { ok: false; errors: ValidationIssue[] };

/** BigQuery TIMESTAMP range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z. */
const MIN_TIME_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A plausibility window for event_time, from the caller's clock and policy (for example arrival time − 30 days to
 * arrival time + 1 day). Optional, because it needs a clock, which a schema does not have.
 *
 * NOTE: the upper bound is the one that matters: an event from 2070 (a µs/ms mix-up) would drag a source's
 * watermark decades ahead and make every later event late. Old events are harmless here: windowing routes them
 * to `late_events`.
 */
export interface EventTimeBounds {
  /** Earliest accepted event_time, epoch ms (inclusive). */
  notBeforeMs?: number;
  /** Latest accepted event_time, epoch ms (inclusive). */
  notAfterMs?: number;
}

const checkSchema = compileChecker(MarketingEventSchema);

/** Validates a parsed JSON value as a marketing event. Never throws on bad input. */
export function validateEvent(input: unknown, bounds: EventTimeBounds = {}): EventValidation {
  const checked = checkSchema(input);
  if (!checked.ok) return { ok: false, errors: checked.errors };
  // The schema's anyOf guarantees the user id half of MarketingEvent.
  const event = checked.value as MarketingEvent;

  const errors: ValidationIssue[] = [];
  const eventTimeMs = Date.parse(event.event_time);
  if (Number.isNaN(eventTimeMs)) {
    errors.push({ path: '/event_time', message: 'is not a representable instant (a leap second?)' });
  } else if (eventTimeMs < MIN_TIME_MS || eventTimeMs > MAX_TIME_MS) {
    errors.push({ path: '/event_time', message: 'is outside 0001-01-01 .. 9999-12-31 UTC' });
  } else if (bounds.notBeforeMs !== undefined && eventTimeMs < bounds.notBeforeMs) {
    errors.push({ path: '/event_time', message: `is earlier than accepted (${new Date(bounds.notBeforeMs).toISOString()})` });
  } else if (bounds.notAfterMs !== undefined && eventTimeMs > bounds.notAfterMs) {
    errors.push({ path: '/event_time', message: `is later than accepted (${new Date(bounds.notAfterMs).toISOString()})` });
  }
  for (const conflict of campaignConflicts(event)) {
    errors.push({
      path: `/campaign/${conflict.nested}`,
      message: `conflicts with ${conflict.flat}: give the value once, or the same value in both`,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event, eventTimeMs };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one message (a JSON text, or its UTF-8 bytes as Pub/Sub delivers them) and validates it. Bad bytes and
 * bad JSON are validation errors like any other, so every failure reaches the dead letter the same way.
 */
export function parseEvent(message: string | Uint8Array, bounds: EventTimeBounds = {}): EventValidation {
  let text: string;
  try {
    text = typeof message === 'string' ? message : utf8.decode(message);
  } catch {
    return { ok: false, errors: [{ path: '', message: 'is not valid UTF-8' }] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  return validateEvent(parsed, bounds);
}
