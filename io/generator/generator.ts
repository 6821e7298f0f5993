/**
 * The clickstream generator: activity model → delivery → messages in arrival order, with the ground truth
 * recorded as messages are emitted.
 *
 * Three entry points:
 *   - ClickstreamGenerator: a sync iterator; truth() gives the truth of what has been emitted so far;
 *   - generateMessages(): a plain sync generator, no truth kept (huge or unbounded runs);
 *   - generateWithTruth(): a bounded run, all messages in an array plus the final truth.
 * Memory of the streaming forms is bounded by the messages in flight (≈ rate × (1 s + lateRate × 1.5 × lateByMs):
 * on-time ones for about a second, late ones held for lateBy…2×lateBy), the active sessions and the user cap —
 * unless trackTruth is on.
 */
import { ActivityModel, eventIdOf } from './activity';
import { Delivery } from './delivery';
import type { GeneratedMessage } from './message';
import { type GeneratorOptions, resolveOptions, type ResolvedGeneratorOptions } from './options';
import { type GroundTruth, type MessageCounts, TruthRecorder } from './truth';

export class ClickstreamGenerator implements Iterator<GeneratedMessage, undefined>, Iterable<GeneratedMessage> {
  readonly options: ResolvedGeneratorOptions;
  private readonly activity: ActivityModel;
  private readonly delivery: Delivery;
  private readonly recorder: TruthRecorder | null;
  private readonly tally: MessageCounts = { messages: 0, valid: 0, late: 0, duplicates: 0, malformed: 0 };

  constructor(options: GeneratorOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.activity = new ActivityModel(o.seed, {
      startTime: o.startTime,
      rate: o.rate,
      sessionGapMs: o.sessionGapMs,
      maxUsers: o.users,
      anonymousShare: o.anonymousShare,
      newUserShare: o.newUserShare,
      maxActiveSessions: o.maxActiveSessions,
    });
    this.delivery = new Delivery(o.seed, {
      outOfOrderMs: o.outOfOrderMs,
      lateRate: o.lateRate,
      lateByMs: o.lateByMs,
      duplicateRate: o.duplicateRate,
      duplicateNewIdShare: o.duplicateNewIdShare,
      malformedRate: o.malformedRate,
      malformedWeights: o.malformedWeights,
    });
    this.recorder = o.trackTruth ? new TruthRecorder(o.sessionGapMs) : null;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** True once a bounded run has emitted `events` messages. */
  get done(): boolean {
    return this.options.events !== undefined && this.tally.messages >= this.options.events;
  }

  /** Message counts so far (always tracked, even without truth). */
  get counts(): Readonly<MessageCounts> {
    return { ...this.tally };
  }

  /** Max event time of the non-malformed messages emitted so far (−∞ before the first). */
  get streamTime(): number {
    return this.delivery.streamTime;
  }

  /** The event-time clock of the activity model: where generation has got to. */
  get generationTime(): number {
    return this.activity.now;
  }

  /** Messages scheduled but not yet emitted (in flight, held late, pending redeliveries): the memory window. */
  get pendingMessages(): number {
    return this.delivery.pending;
  }

  /** Users created so far (≤ options.users). */
  get populationSize(): number {
    return this.activity.populationSize;
  }

  next(): IteratorResult<GeneratedMessage, undefined> {
    if (this.done) return { done: true, value: undefined };
    const delivery = this.delivery;
    let message = delivery.poll(this.activity.now);
    while (message === null) {
      delivery.schedule(this.activity.next());
      message = delivery.poll(this.activity.now);
    }
    const source = delivery.lastSource!;
    const originalId = delivery.lastOriginalId;
    const tally = this.tally;
    tally.messages++;
    const recorder = this.recorder;
    switch (message.kind) {
      case 'valid':
      case 'late': {
        const late = message.kind === 'late';
        if (late) tally.late++;
        else tally.valid++;
        recorder?.recordEvent({
          eventId: eventIdOf(source),
          messageId: message.id,
          userKey: source.userKey,
          eventTime: source.time,
          eventType: source.eventType,
          channel: source.channel,
          campaignId: source.campaignId,
          value: source.value,
          currency: source.currency,
          late,
          arrivalIndex: message.arrivalIndex,
        });
        break;
      }
      case 'duplicate':
        tally.duplicates++;
        recorder?.recordDuplicate({
          eventId: eventIdOf(source),
          messageId: message.id,
          originalMessageId: originalId ?? message.id,
          sameMessageId: originalId === message.id,
          arrivalIndex: message.arrivalIndex,
        });
        break;
      case 'malformed':
        tally.malformed++;
        recorder?.recordMalformed({
          messageId: message.id,
          kind: message.malformedKind!,
          arrivalIndex: message.arrivalIndex,
        });
        break;
    }
    return { done: false, value: message };
  }

  /** Up to n further messages (fewer only when a bounded run ends). */
  take(n: number): GeneratedMessage[] {
    const out: GeneratedMessage[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.next();
      if (r.done === true) break;
      out.push(r.value);
    }
    return out;
  }

  /** The truth of everything emitted so far (a snapshot). Throws when created with trackTruth: false. */
  truth(): GroundTruth {
    if (this.recorder === null) throw new Error('ground truth not tracked: create the generator with trackTruth: true');
    return this.recorder.snapshot(this.tally);
  }
}

/** Messages in arrival order, without truth tracking; unbounded unless `events` is set. */
export function* generateMessages(options: GeneratorOptions = {}): Generator<GeneratedMessage, void, undefined> {
  const generator = new ClickstreamGenerator({ ...options, trackTruth: false });
  for (let r = generator.next(); r.done !== true; r = generator.next()) yield r.value;
}

/** A bounded run: every message and the final ground truth. */
export function generateWithTruth(options: GeneratorOptions & { events: number }): {
  messages: GeneratedMessage[];
  truth: GroundTruth;
} {
  if (options.events === undefined) throw new RangeError('generateWithTruth needs a bounded run: set events');
  const generator = new ClickstreamGenerator({ ...options, trackTruth: true });
  const messages = generator.take(options.events);
  return { messages, truth: generator.truth() };
}
