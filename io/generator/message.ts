/**
 * What the generator emits: a Pub/Sub-like message in arrival order, labelled with what it really is.
 *
 * The label (`kind`, `malformedKind`) and `eventTime` are for tests and benchmarks only: they are not in
 * `attributes`, so a pipeline fed from the generator cannot cheat by reading them.
 */
import type { MalformedKind } from './malformed';

export type MessageKind = 'valid' | 'duplicate' | 'late' | 'malformed';

export interface GeneratedMessage {
  /**
   * Message id (decimal string, like Pub/Sub's). A redelivery keeps the id of the delivery it repeats, as Pub/Sub
   * does; only publisher retries (option duplicateNewIdShare) get a new id for the same payload.
   */
  id: string;
  /** The payload: the event's JSON, or garbage for malformed messages. */
  data: string;
  /** Publisher attributes: source, content_type, and event_type for well-formed events. */
  attributes: Record<string, string>;
  /** 0-based position in arrival order. */
  arrivalIndex: number;
  kind: MessageKind;
  /** Event time (ms since epoch) of valid, late and duplicate messages; undefined for malformed ones. */
  eventTime?: number;
  /** Simulated processing time at which the message arrives (ms since epoch); non-decreasing. */
  arrivalTime: number;
  /** For malformed messages: how the payload was broken. */
  malformedKind?: MalformedKind;
}
