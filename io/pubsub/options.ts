/**
 * Options of the Pub/Sub source. Reading a topic and reading a subscription are exclusive in the type (as in
 * Beam's PubsubIO), and `checkPubSubSourceOptions` says so at start-up for callers the type cannot reach (the CLI,
 * JavaScript, configuration files).
 */
import { type PubSub } from '@google-cloud/pubsub';
import { type Duration } from '../../sdk';

export interface PubSubReadSettings {
  /** Project of short topic/subscription names. Default: the client's (GOOGLE_CLOUD_PROJECT). */
  readonly projectId?: string;
  /** A client to read with (shared connections, tests). Default: a new one, closed with the reader. */
  readonly client?: PubSub;
  /**
   * Attribute that holds the event time: RFC 3339, or milliseconds since the epoch as digits (Beam's
   * timestampAttribute). A message without it, or with an unreadable one, falls back to the next rule.
   */
  readonly timestampAttribute?: string;
  /**
   * Top-level field of a JSON payload that holds the event time (RFC 3339 or epoch milliseconds). Costs a
   * JSON.parse per message; unparseable payloads fall back to publish time (and stay for the pipeline to judge).
   */
  readonly timestampField?: string;
  /**
   * Attribute with a publisher-assigned unique id (Beam's idAttribute): messages repeating an id seen in the
   * last `dedupeCapacity` messages are acknowledged and not emitted, and the id becomes the RawMessage id, so a
   * publisher's retry is recognised as the same message downstream too. Without it, Pub/Sub message ids are used.
   */
  readonly idAttribute?: string;
  /** How many recent ids de-duplication remembers. Default 100,000. */
  readonly dedupeCapacity?: number;
  /**
   * Flow control: most messages held and not yet acknowledged (buffered, or read and awaiting commit()).
   * Default 5,000. Keep it above the runner's bundle size, or bundles will be small.
   */
  readonly maxOutstandingMessages?: number;
  /** Flow control: most payload bytes held and not yet acknowledged. Default 100 MiB. */
  readonly maxOutstandingBytes?: number;
  /** StreamingPull streams. Default 1: the server applies flow control per stream, so one stream keeps it exact. */
  readonly maxStreams?: number;
  /** How long leases of unacknowledged messages are extended, at most. Default 60 minutes. */
  readonly maxLeaseExtensionMs?: Duration;
  /**
   * Longest ack deadline the client asks for when it extends a lease (it adapts between 10 s and this to how long
   * messages take to be acknowledged). After a crash, held messages are redelivered once their deadline passes, so
   * this bounds the redelivery delay. Default 10 minutes (the client's default); at least 10 s.
   */
  readonly maxAckDeadlineMs?: Duration;
  /** Watermark: how far out of order event times may arrive. Default 60 s. */
  readonly maxOutOfOrderMs?: Duration;
  /** Watermark: processing time without messages after which it advances with the clock. Default 30 s. */
  readonly idleTimeoutMs?: Duration;
  /**
   * Bounded reading: once nothing has arrived for this long and nothing is held, the source reports its end
   * (watermark +∞), so a run drains every open window and stops (`--drain-after-idle`). Default: never.
   */
  readonly drainAfterIdleMs?: Duration;
}

/** Read an existing subscription (optionally created on `createOnTopic` when missing). */
export interface PubSubSubscriptionRead extends PubSubReadSettings {
  readonly subscription: string;
  readonly topic?: never;
  /** Create the subscription on this topic when it does not exist. */
  readonly createOnTopic?: string;
}

/** Read a topic through a subscription of the reader's own, created at open and deleted at close. */
export interface PubSubTopicRead extends PubSubReadSettings {
  readonly topic: string;
  readonly subscription?: never;
}

export type PubSubSourceOptions = PubSubSubscriptionRead | PubSubTopicRead;

export const PUBSUB_SOURCE_DEFAULTS = {
  dedupeCapacity: 100_000,
  maxOutstandingMessages: 5_000,
  maxOutstandingBytes: 100 * 1024 * 1024,
  maxStreams: 1,
  maxLeaseExtensionMs: 60 * 60 * 1000,
  maxOutOfOrderMs: 60_000,
  idleTimeoutMs: 30_000,
} as const;

/** Throws a RangeError naming the problem; run at start-up (construction of the source). */
export function checkPubSubSourceOptions(options: PubSubSourceOptions): void {
  const o = options as PubSubReadSettings & { topic?: unknown; subscription?: unknown; createOnTopic?: unknown };
  const hasTopic = o.topic !== undefined;
  const hasSubscription = o.subscription !== undefined;
  if (hasTopic && hasSubscription) {
    throw new RangeError(
      'Pub/Sub source: give either topic (read through a subscription of its own) or subscription, not both ' +
        `(topic=${String(o.topic)}, subscription=${String(o.subscription)})`,
    );
  }
  if (!hasTopic && !hasSubscription) throw new RangeError('Pub/Sub source: give a topic or a subscription to read');
  for (const [key, value] of [
    ['topic', o.topic],
    ['subscription', o.subscription],
    ['createOnTopic', o.createOnTopic],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new RangeError(`Pub/Sub source: ${key} must be a non-empty name, got ${JSON.stringify(value)}`);
    }
  }
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) {
      throw new RangeError(`Pub/Sub source: ${name} must be a positive whole number, got ${v}`);
    }
  };
  positiveInt('dedupeCapacity', o.dedupeCapacity);
  positiveInt('maxOutstandingMessages', o.maxOutstandingMessages);
  positiveInt('maxOutstandingBytes', o.maxOutstandingBytes);
  positiveInt('maxStreams', o.maxStreams);
  const nonNegative = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(v >= 0)) throw new RangeError(`Pub/Sub source: ${name} must be ≥ 0 ms, got ${v}`);
  };
  nonNegative('maxOutOfOrderMs', o.maxOutOfOrderMs);
  positiveInt('maxLeaseExtensionMs', o.maxLeaseExtensionMs);
  if (o.maxAckDeadlineMs !== undefined && !(o.maxAckDeadlineMs >= 10_000 && o.maxAckDeadlineMs <= 600_000)) {
    throw new RangeError(`Pub/Sub source: maxAckDeadlineMs must be between 10 s and 600 s, got ${o.maxAckDeadlineMs} ms`);
  }
  if (o.idleTimeoutMs !== undefined && !(o.idleTimeoutMs > 0)) {
    throw new RangeError(`Pub/Sub source: idleTimeoutMs must be > 0 ms (or Infinity), got ${o.idleTimeoutMs}`);
  }
  if (o.drainAfterIdleMs !== undefined && !(o.drainAfterIdleMs > 0)) {
    throw new RangeError(`Pub/Sub source: drainAfterIdleMs must be > 0 ms, got ${o.drainAfterIdleMs}`);
  }
  for (const name of ['timestampAttribute', 'timestampField', 'idAttribute'] as const) {
    const v = o[name];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new RangeError(`Pub/Sub source: ${name} must be a non-empty name`);
    }
  }
}
