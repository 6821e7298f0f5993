/**
 * ParseEvents: raw messages → valid events, or failures with a readable reason. Nothing is dropped: every input
 * message leaves as exactly one event (main) or one failure (dead_letter).
 *
 * Checks, in order:
 *   1. size: a payload over `maxPayloadBytes` is not parsed at all (parsing a 100 MB line would stall the bundle
 *      and its memory); its dead-letter payload keeps the first `oversizePayloadKeepBytes` bytes;
 *   2. parsing and validation by the schema's own `parseEvent` (UTF-8, JSON, the event schema);
 *   3. plausibility of event_time against the message's publish time (`maxEventAgeMs`, `maxEventFutureMs`).
 *
 * The output keeps the input's timestamp (the pipeline re-stamps to event time with withTimestamps); userKey is
 * null and restrictions are NO_RESTRICTIONS until applyConsent and maskPii run.
 */
import { createHash } from 'node:crypto';
import {
  type Clock,
  type DoFn,
  type PCollection,
  type PTransform,
  type ProcessContext,
  days,
  parDoWithOutputs,
  systemClock,
} from '../sdk';
import { PipelineConstructionError } from '../sdk/errors';
import { PATTERNS, type ValidationIssue, formatIssues, parseEvent } from '../schemas';
import { NO_RESTRICTIONS } from './consent';
import { type Failure, type PipelineEvent, type RawMessage } from './records';

export interface ParseAndValidateOptions {
  /**
   * Oldest accepted event_time, as a distance before the message's publish time. Default 30 days: older events
   * are almost always a producer's clock or replay bug, and no windowed aggregate could take them any more.
   */
  readonly maxEventAgeMs?: number;
  /**
   * Newest accepted event_time, as a distance after the message's publish time. Default 1 day (client clocks are
   * wrong by hours, not days). NOTE: this bound protects the whole pipeline: the watermark follows the largest
   * event times seen, so one event stamped in 2070 (a µs/ms mix-up) would push it decades ahead and make every
   * other event late.
   */
  readonly maxEventFutureMs?: number;
  /** Largest payload parsed, in bytes of UTF-8. Default 1 MiB (a marketing event is ~1 KB; Pub/Sub allows 10 MB). */
  readonly maxPayloadBytes?: number;
  /**
   * How much of an oversized payload the dead letter keeps, in bytes: enough to recognise the message, not so
   * much that dead-letter rows become a storage problem. Default 64 KiB. (Payloads within `maxPayloadBytes`
   * that fail validation are kept whole.)
   */
  readonly oversizePayloadKeepBytes?: number;
  /** Processing time of failures (Failure.errorTimeMs). Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * The connector the step needs: validation reasons quote field names and, for unparseable input, parts of the
 * text, which may hold PII (an email address as a JSON key); the pipeline passes its PII engine's text masker.
 */
export interface ParseAndValidateConnectors {
  readonly maskText: (text: string) => string;
}

export const PARSE_DEFAULTS = {
  maxEventAgeMs: days(30),
  maxEventFutureMs: days(1),
  maxPayloadBytes: 1024 * 1024,
  oversizePayloadKeepBytes: 64 * 1024,
} as const;

/** Longest reason kept: issue paths quote the payload's keys, which can be as long as the payload. */
export const MAX_REASON_CHARS = 2000;

export interface ParseOutputs {
  readonly main: PCollection<PipelineEvent>;
  readonly dead_letter: PCollection<Failure>;
}

type DeadLetter = { dead_letter: Failure };

const lossyUtf8 = new TextDecoder('utf-8', { fatal: false });
/** What a TIMESTAMP column holds: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z. */
const MIN_TIMESTAMP_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z');
const RFC3339 = new RegExp(PATTERNS.rfc3339.pattern);

/** The payload as text for the dead letter: invalid UTF-8 becomes U+FFFD (the reason says it was invalid). */
function payloadText(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : lossyUtf8.decode(data);
}

function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

/** The first `max` bytes of the payload, cut at a character boundary. */
export function truncateUtf8(data: string | Uint8Array, max: number): string {
  const bytes = typeof data === 'string' ? Buffer.from(data.slice(0, max), 'utf8') : data;
  if (bytes.byteLength <= max) return payloadText(bytes);
  let end = max;
  // Back off continuation bytes (10xxxxxx) so that no character is cut in half.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return lossyUtf8.decode(bytes.subarray(0, end));
}

/** The dead-letter id of a message: its id, or the SHA-256 hex of its payload when the source gave none. */
export function failureIdOf(message: RawMessage): string {
  if (message.id !== '') return message.id;
  return createHash('sha256').update(message.data).digest('hex');
}

function capped(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

/**
 * The validation issues as a reason that quotes nothing of the payload unmasked. Issue messages come from the
 * schema, except at the root, where the JSON parser's message quotes the input; paths are the payload's own keys.
 */
function issuesReason(issues: readonly ValidationIssue[], maskText: (text: string) => string): string {
  return capped(
    formatIssues(
      issues.map((i) => ({
        path: i.path.replace(/[^/]+/g, (segment) => maskText(segment)),
        message: i.path === '' ? maskText(i.message) : i.message,
      })),
    ),
  );
}

/** event_time of an invalid event when it is readable, for the dead letter's event_time column. */
function readableEventTime(text: string): number | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const t = (value as { event_time?: unknown }).event_time;
  if (typeof t !== 'string' || !RFC3339.test(t)) return null;
  const ms = Date.parse(t);
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : null;
}

function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new PipelineConstructionError(`parseAndValidate: ${name} must be a finite number ≥ 0, got ${value}`);
  }
}

class ParseEventsFn implements DoFn<RawMessage, PipelineEvent, DeadLetter> {
  private readonly maxEventAgeMs: number;
  private readonly maxEventFutureMs: number;
  private readonly maxPayloadBytes: number;
  private readonly keepBytes: number;
  private readonly clock: Clock;
  private readonly maskText: (text: string) => string;

  constructor(
    options: ParseAndValidateOptions & ParseAndValidateConnectors,
    private readonly step: string,
  ) {
    this.maskText = options.maskText;
    this.maxEventAgeMs = options.maxEventAgeMs ?? PARSE_DEFAULTS.maxEventAgeMs;
    this.maxEventFutureMs = options.maxEventFutureMs ?? PARSE_DEFAULTS.maxEventFutureMs;
    this.maxPayloadBytes = options.maxPayloadBytes ?? PARSE_DEFAULTS.maxPayloadBytes;
    this.keepBytes = options.oversizePayloadKeepBytes ?? PARSE_DEFAULTS.oversizePayloadKeepBytes;
    this.clock = options.clock ?? systemClock;
    checkNonNegative('maxEventAgeMs', this.maxEventAgeMs);
    checkNonNegative('maxEventFutureMs', this.maxEventFutureMs);
    checkNonNegative('maxPayloadBytes', this.maxPayloadBytes);
    checkNonNegative('oversizePayloadKeepBytes', this.keepBytes);
  }

  process(message: RawMessage, ctx: ProcessContext<PipelineEvent, DeadLetter>): void {
    const { data, publishTimeMs } = message;
    // A UTF-16 unit is at least one UTF-8 byte and at most three: most payloads need no byte count.
    const small = typeof data === 'string' ? data.length * 3 <= this.maxPayloadBytes : data.byteLength <= this.maxPayloadBytes;
    if (!small) {
      const size = byteLength(data);
      if (size > this.maxPayloadBytes) {
        const kept = Math.min(size, this.keepBytes);
        this.fail(
          ctx,
          message,
          `(root): payload is ${size} bytes, over the limit of ${this.maxPayloadBytes}; not parsed (first ${kept} bytes kept)`,
          truncateUtf8(data, this.keepBytes),
          null,
        );
        return;
      }
    }
    if (!Number.isFinite(publishTimeMs)) {
      this.fail(
        ctx,
        message,
        `(message): publish time ${publishTimeMs} is not a valid instant (a source bug)`,
        payloadText(data),
        null,
      );
      return;
    }
    let result: ReturnType<typeof parseEvent>;
    try {
      result = parseEvent(data, {
        notBeforeMs: publishTimeMs - this.maxEventAgeMs,
        notAfterMs: publishTimeMs + this.maxEventFutureMs,
      });
    } catch (error) {
      // parseEvent promises not to throw; should hostile input still find a way (stack depth), it is that input's failure.
      const text = payloadText(data);
      const why = error instanceof Error ? error.message : String(error);
      this.fail(ctx, message, issuesReason([{ path: '', message: `cannot be parsed: ${why}` }], this.maskText), text, null);
      return;
    }
    if (!result.ok) {
      const text = payloadText(data);
      this.fail(ctx, message, issuesReason(result.errors, this.maskText), text, readableEventTime(text));
      return;
    }
    ctx.output({
      messageId: failureIdOf(message),
      event: result.event,
      eventTimeMs: result.eventTimeMs,
      ingestTimeMs: publishTimeMs,
      attributes: message.attributes,
      userKey: null,
      restrictions: NO_RESTRICTIONS,
    });
  }

  private fail(
    ctx: ProcessContext<PipelineEvent, DeadLetter>,
    message: RawMessage,
    reason: string,
    payload: string,
    eventTimeMs: number | null,
  ): void {
    ctx.outputTo('dead_letter', {
      id: failureIdOf(message),
      reason,
      step: this.step,
      payload,
      attributes: message.attributes,
      errorTimeMs: this.clock.now(),
      eventTimeMs,
    });
  }
}

/**
 * Parses and validates raw messages: PCollection<RawMessage> → { main: PipelineEvent, dead_letter: Failure }.
 * Data errors never throw; every message comes out exactly once.
 */
export function parseAndValidate(
  options: ParseAndValidateOptions & ParseAndValidateConnectors,
  name = 'ParseEvents',
): PTransform<PCollection<RawMessage>, ParseOutputs> {
  return parDoWithOutputs<RawMessage, PipelineEvent, DeadLetter>(new ParseEventsFn(options, name), ['dead_letter'], {}, name);
}
