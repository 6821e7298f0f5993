/**
 * Delivery: turns logical events (in event-time order) into messages in arrival order, the way a Pub/Sub
 * subscription delivers them — slightly out of order, some far behind, some twice, some broken.
 *
 * Every message has a scheduled arrival time; an in-flight heap releases them by (arrival, scheduling order).
 * A message may be released once the activity clock has reached its arrival time, because every later logical
 * event has an event time — hence an arrival time — at least that clock.
 *
 * Guarantees, with stream time = max event time of the non-malformed messages delivered so far:
 *   - valid:     arrival − eventTime ≤ outOfOrderMs, hence stream time − eventTime ≤ outOfOrderMs when it arrives
 *                (any event already delivered arrived no later, so its event time ≤ this arrival);
 *   - late:      stream time − eventTime > lateByMs when it arrives (held back until the stream got there);
 *   - duplicate: a copy of an earlier valid/late message (same data) arriving after it; same message id for a
 *                redelivery, a new one for a publisher retry;
 *   - malformed: replaces its logical event (which is then not part of the truth), arrives like a valid one.
 * Rates are per logical event: malformedRate of them are corrupted; lateRate of the rest are late;
 * duplicateRate of the valid/late deliveries are delivered once more.
 *
 * Message ids are assigned on delivery (first deliveries in arrival order), which keeps in-flight messages to the
 * logical event itself: messages in flight outlive young-generation GCs, and every object per message there was
 * measurable at high rates.
 */
import type { LogicalEvent } from './activity';
import type { MarketingEvent } from './event';
import { KeyedMinHeap } from './heap';
import { MessageIdSource } from './ids';
import { Corruptor, type MalformedKind } from './malformed';
import type { GeneratedMessage, MessageKind } from './message';
import { Prng, type Seed } from './prng';

export interface DeliveryOptions {
  outOfOrderMs: number;
  lateRate: number;
  lateByMs: number;
  duplicateRate: number;
  duplicateNewIdShare: number;
  malformedRate: number;
  malformedWeights: Readonly<Record<MalformedKind, number>>;
}

/** A corrupted logical event waiting for delivery. */
class MalformedItem {
  constructor(
    readonly source: LogicalEvent,
    readonly data: string,
    readonly kind: MalformedKind,
  ) {}
}

/** A second delivery of an already delivered valid/late message. */
class DuplicateItem {
  constructor(
    readonly source: LogicalEvent,
    /** Message id to deliver under: the original's (redelivery) or a new one (publisher retry). */
    readonly id: string,
    readonly originalId: string,
  ) {}
}

type Item = LogicalEvent | MalformedItem | DuplicateItem;

/** Kinds are packed into the low 2 bits of the heap tie (tie = seq × 4 + kind): ordering stays by seq. */
const VALID = 0;
const LATE = 1;
const MALFORMED = 2;
const DUPLICATE = 3;

/** Pub/Sub redelivers after the ack deadline (10 s by default) expires, then with backoff. */
const REDELIVERY_MIN_MS = 10_000;
const REDELIVERY_MEAN_EXTRA_MS = 20_000;
/** Publisher retries after a lost ack land within a couple of seconds. */
const RETRY_MAX_MS = 2_000;
/**
 * On-time delay: most messages arrive within a fraction of a second (network, batching), a few much later
 * (publisher retries, reconnecting clients) — anywhere up to outOfOrderMs.
 */
const JITTER_MEAN_MS = 300;
const STRAGGLER_SHARE = 0.05;

const SOURCE = 'tidemark-generator';

export class Delivery {
  private readonly prng: Prng;
  private readonly corruptionPrng: Prng;
  private readonly corruptor: Corruptor;
  private readonly ids: MessageIdSource;
  /** Messages by (arrival, seq × 4 + kind). */
  private readonly inFlight = new KeyedMinHeap<Item>();
  /** Late messages whose arrival came before the stream was far enough ahead, by (event time, seq). */
  private readonly held = new KeyedMinHeap<LogicalEvent>();
  private readonly released: LogicalEvent[] = [];
  private releasedHead = 0;
  private seq = 0;
  private arrivalIndex = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private maxEventTime = Number.NEGATIVE_INFINITY;
  /** Logical event of the message poll() returned last (fields instead of a wrapper object per message). */
  lastSource: LogicalEvent | null = null;
  /** For a duplicate returned by poll(): message id of the first delivery; otherwise undefined. */
  lastOriginalId: string | undefined = undefined;

  constructor(
    seed: Seed,
    private readonly options: DeliveryOptions,
  ) {
    this.prng = new Prng(seed, 'delivery');
    this.corruptionPrng = new Prng(seed, 'corruption');
    this.corruptor = new Corruptor(options.malformedWeights);
    this.ids = new MessageIdSource(new Prng(seed, 'message-ids'));
  }

  /** Max event time of the non-malformed messages delivered so far (−∞ before the first). */
  get streamTime(): number {
    return this.maxEventTime;
  }

  /** Messages scheduled but not delivered yet (in flight, or held late). */
  get pending(): number {
    return this.inFlight.size + this.held.size + this.released.length - this.releasedHead;
  }

  /** Accepts the next logical event; its time must be ≥ every earlier one's. */
  schedule(source: LogicalEvent): void {
    const { lateRate, lateByMs, malformedRate } = this.options;
    const prng = this.prng;
    const t = source.time;
    if (prng.chance(malformedRate)) {
      const event = JSON.parse(source.payload) as MarketingEvent;
      const { kind, data } = this.corruptor.corrupt(this.corruptionPrng, event, source.payload, t);
      this.push(t + this.onTimeDelay(), MALFORMED, new MalformedItem(source, data, kind));
    } else if (prng.chance(lateRate)) {
      // Scheduled between lateBy and 2×lateBy after its event time; poll() holds it further if the stream has
      // not advanced that far (slow or bursty streams).
      this.push(t + lateByMs + 1 + prng.int(lateByMs + 1), LATE, source);
    } else {
      this.push(t + this.onTimeDelay(), VALID, source);
    }
  }

  /**
   * The next message to deliver, or null if none can be delivered until more logical events are scheduled.
   * lastSource / lastOriginalId describe the returned message until the next call.
   * @param clock lower bound of the event time of any logical event scheduled from now on
   */
  poll(clock: number): GeneratedMessage | null {
    for (;;) {
      if (this.releasedHead < this.released.length) {
        const source = this.released[this.releasedHead++];
        if (this.releasedHead === this.released.length) {
          this.released.length = 0;
          this.releasedHead = 0;
        }
        return this.deliverEvent(source, 'late', this.lastArrival);
      }
      const inFlight = this.inFlight;
      const arrival = inFlight.peekKey();
      if (!(arrival <= clock)) return null;
      const tie = inFlight.peekTie();
      const item = inFlight.pop()!;
      switch (tie & 3) {
        case VALID:
          return this.deliverEvent(item as LogicalEvent, 'valid', arrival);
        case LATE: {
          const source = item as LogicalEvent;
          if (this.maxEventTime - source.time > this.options.lateByMs) return this.deliverEvent(source, 'late', arrival);
          this.held.push(source.time, tie, source);
          continue;
        }
        case MALFORMED: {
          const m = item as MalformedItem;
          return this.deliver(this.ids.next(), m.data, 'malformed', m.source, arrival, m.kind, undefined);
        }
        default: {
          const d = item as DuplicateItem;
          return this.deliver(d.id, d.source.payload, 'duplicate', d.source, arrival, undefined, d.originalId);
        }
      }
    }
  }

  private onTimeDelay(): number {
    const prng = this.prng;
    const max = this.options.outOfOrderMs;
    const delay = prng.chance(STRAGGLER_SHARE) ? prng.float() * (max + 1) : prng.exp(JITTER_MEAN_MS);
    return Math.min(max, Math.floor(delay));
  }

  private push(arrival: number, kind: number, item: Item): void {
    this.inFlight.push(arrival, this.seq++ * 4 + kind, item);
  }

  /** First delivery of a valid or late event (may schedule its redelivery). */
  private deliverEvent(source: LogicalEvent, kind: 'valid' | 'late', arrival: number): GeneratedMessage {
    const id = this.ids.next();
    const message = this.deliver(id, source.payload, kind, source, arrival, undefined, undefined);
    if (this.prng.chance(this.options.duplicateRate)) this.scheduleDuplicate(source, id, message.arrivalTime);
    return message;
  }

  private deliver(
    id: string,
    data: string,
    kind: MessageKind,
    source: LogicalEvent,
    arrival: number,
    malformedKind: MalformedKind | undefined,
    originalId: string | undefined,
  ): GeneratedMessage {
    const arrivalTime = arrival > this.lastArrival ? arrival : this.lastArrival;
    this.lastArrival = arrivalTime;
    const malformed = kind === 'malformed';
    const message: GeneratedMessage = {
      id,
      data,
      attributes: malformed
        ? { source: SOURCE, content_type: 'application/json' }
        : { source: SOURCE, content_type: 'application/json', event_type: source.eventType },
      arrivalIndex: this.arrivalIndex++,
      kind,
      eventTime: malformed ? undefined : source.time,
      arrivalTime,
      malformedKind,
    };
    if (!malformed && source.time > this.maxEventTime) {
      this.maxEventTime = source.time;
      this.releaseHeld();
    }
    this.lastSource = source;
    this.lastOriginalId = originalId;
    return message;
  }

  private releaseHeld(): void {
    const limit = this.maxEventTime - this.options.lateByMs;
    while (this.held.peekKey() < limit) this.released.push(this.held.pop()!);
  }

  private scheduleDuplicate(source: LogicalEvent, originalId: string, deliveredAt: number): void {
    const prng = this.prng;
    if (prng.chance(this.options.duplicateNewIdShare)) {
      const arrival = deliveredAt + prng.between(1, RETRY_MAX_MS);
      this.push(arrival, DUPLICATE, new DuplicateItem(source, this.ids.next(), originalId));
    } else {
      const arrival = deliveredAt + REDELIVERY_MIN_MS + Math.floor(prng.exp(REDELIVERY_MEAN_EXTRA_MS));
      this.push(arrival, DUPLICATE, new DuplicateItem(source, originalId, originalId));
    }
  }
}
