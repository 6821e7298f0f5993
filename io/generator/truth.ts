/**
 * Ground truth: what the generator actually emitted, so a pipeline's output can be checked against it.
 *
 * Recorded per emitted message (not per planned event): a logical event that was corrupted is not an event of the
 * truth, and one still in flight when a bounded run stops was never emitted. Sessions are recomputed from the
 * emitted valid + late events with Beam's rule — each event opens [t, t + gap), overlapping windows of a key
 * merge, so a session is [first, last + gap) and two events exactly `gap` apart fall in different sessions.
 */
import type { Channel, EventType } from './event';
import type { MalformedKind } from './malformed';

export interface MessageCounts {
  /** All messages emitted; always valid + late + duplicates + malformed. */
  messages: number;
  /** First deliveries of events within the out-of-order bound. */
  valid: number;
  /** First deliveries of events more than lateByMs behind the stream. */
  late: number;
  /** Redeliveries (same payload as an earlier valid or late message). */
  duplicates: number;
  malformed: number;
}

export interface TruthEvent {
  readonly eventId: string;
  /** Message id of the first delivery. */
  readonly messageId: string;
  readonly userKey: string;
  /** Event time, ms since epoch. */
  readonly eventTime: number;
  readonly eventType: EventType;
  readonly channel: Channel;
  readonly campaignId: string | null;
  readonly value: number | null;
  readonly currency: string | null;
  readonly late: boolean;
  readonly arrivalIndex: number;
}

export interface TruthDuplicate {
  readonly eventId: string;
  readonly messageId: string;
  /** Message id of the first delivery of the same event. */
  readonly originalMessageId: string;
  /** True for a Pub/Sub redelivery (same message id); false for a publisher retry (new message id). */
  readonly sameMessageId: boolean;
  readonly arrivalIndex: number;
}

export interface TruthMalformed {
  readonly messageId: string;
  readonly kind: MalformedKind;
  readonly arrivalIndex: number;
}

export interface TruthSession {
  readonly userKey: string;
  /** Event time of the first event (window start). */
  readonly start: number;
  /** Window end, exclusive: last event time + gap. */
  readonly end: number;
  readonly lastEventTime: number;
  readonly eventCount: number;
  /** Event ids in event-time order (ties by id). */
  readonly eventIds: readonly string[];
}

export interface GroundTruth {
  readonly gapMs: number;
  readonly counts: Readonly<MessageCounts>;
  /** Valid and late events by event_id. */
  readonly events: ReadonlyMap<string, TruthEvent>;
  /** Event ids delivered late. */
  readonly late: ReadonlySet<string>;
  readonly duplicates: readonly TruthDuplicate[];
  /** Distinct event ids that were delivered more than once. */
  readonly duplicatedEventIds: ReadonlySet<string>;
  readonly malformed: readonly TruthMalformed[];
  readonly malformedByKind: Readonly<Partial<Record<MalformedKind, number>>>;
  /** Sessions per user key, in start order. */
  readonly sessions: ReadonlyMap<string, readonly TruthSession[]>;
  readonly sessionCount: number;
  /**
   * First-touch attribution: user key → campaign_id of the user's earliest (event time) event that carries one.
   * Users whose events carry no campaign are absent.
   */
  readonly firstTouch: ReadonlyMap<string, string>;
}

export interface SessionInput {
  readonly userKey: string;
  readonly eventTime: number;
  readonly eventId: string;
}

/** Beam session windows per key (merge of [t, t + gap) windows). */
export function computeSessions(events: Iterable<SessionInput>, gapMs: number): Map<string, TruthSession[]> {
  const byUser = new Map<string, SessionInput[]>();
  for (const e of events) {
    let list = byUser.get(e.userKey);
    if (list === undefined) byUser.set(e.userKey, (list = []));
    list.push(e);
  }
  const out = new Map<string, TruthSession[]>();
  for (const [userKey, list] of byUser) {
    list.sort((a, b) => a.eventTime - b.eventTime || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    const sessions: TruthSession[] = [];
    let ids: string[] = [];
    let start = list[0].eventTime;
    let last = start;
    for (const e of list) {
      // Half-open windows: [last, last+gap) and [t, t+gap) overlap iff t < last + gap.
      if (e.eventTime >= last + gapMs) {
        sessions.push({ userKey, start, end: last + gapMs, lastEventTime: last, eventCount: ids.length, eventIds: ids });
        ids = [];
        start = e.eventTime;
      }
      last = e.eventTime;
      ids.push(e.eventId);
    }
    sessions.push({ userKey, start, end: last + gapMs, lastEventTime: last, eventCount: ids.length, eventIds: ids });
    out.set(userKey, sessions);
  }
  return out;
}

/** Accumulates the truth while messages are emitted; snapshot() derives sessions and first touch. */
export class TruthRecorder {
  private readonly events = new Map<string, TruthEvent>();
  private readonly late = new Set<string>();
  private readonly duplicates: TruthDuplicate[] = [];
  private readonly duplicatedEventIds = new Set<string>();
  private readonly malformed: TruthMalformed[] = [];
  private readonly malformedByKind: Partial<Record<MalformedKind, number>> = {};

  constructor(private readonly gapMs: number) {}

  recordEvent(event: TruthEvent): void {
    this.events.set(event.eventId, event);
    if (event.late) this.late.add(event.eventId);
  }

  recordDuplicate(duplicate: TruthDuplicate): void {
    this.duplicates.push(duplicate);
    this.duplicatedEventIds.add(duplicate.eventId);
  }

  recordMalformed(malformed: TruthMalformed): void {
    this.malformed.push(malformed);
    this.malformedByKind[malformed.kind] = (this.malformedByKind[malformed.kind] ?? 0) + 1;
  }

  /** A consistent copy: later recording does not change it. Cost O(n log n) in the events recorded so far. */
  snapshot(counts: Readonly<MessageCounts>): GroundTruth {
    const events = new Map(this.events);
    const sessions = computeSessions(events.values(), this.gapMs);
    let sessionCount = 0;
    for (const list of sessions.values()) sessionCount += list.length;
    const firstTouch = new Map<string, string>();
    const firstTouchTime = new Map<string, number>();
    for (const e of events.values()) {
      if (e.campaignId === null) continue;
      const seen = firstTouchTime.get(e.userKey);
      // Ties (same ms) go to the earlier arrival: deterministic, and what a streaming attributor would see.
      if (seen === undefined || e.eventTime < seen) {
        firstTouchTime.set(e.userKey, e.eventTime);
        firstTouch.set(e.userKey, e.campaignId);
      }
    }
    return {
      gapMs: this.gapMs,
      counts: { ...counts },
      events,
      late: new Set(this.late),
      duplicates: [...this.duplicates],
      duplicatedEventIds: new Set(this.duplicatedEventIds),
      malformed: [...this.malformed],
      malformedByKind: { ...this.malformedByKind },
      sessions,
      sessionCount,
      firstTouch,
    };
  }
}
