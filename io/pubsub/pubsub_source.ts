/**
 * Pub/Sub as a pipeline source: StreamingPull through @google-cloud/pubsub, with acknowledgement tied to the
 * runner's commit().
 *
 * Ack discipline (the exactly-once contract rests on it):
 *   - a message is never acknowledged on receipt. It is held (buffered, then read into the pipeline) with its
 *     lease extended by the client's lease manager, up to `maxLeaseExtensionMs`;
 *   - commit() acknowledges exactly the messages returned by read() calls made before it (and duplicates dropped
 *     before it), nothing buffered after;
 *   - close() stops the stream, sends the acknowledgements of earlier commits, and nacks everything else (read
 *     but not committed, or still buffered), so another reader gets it at once; a crash instead leaves them to
 *     their ack deadline, after which Pub/Sub redelivers them.
 * Flow control counts every held message, so the server stops delivering once `maxOutstandingMessages` or
 * `maxOutstandingBytes` are held, until a commit releases some.
 *
 * Watermark: bounded out-of-orderness over the event times received (with the idle rule of
 * sdk/watermark_estimator.ts), and never past the oldest event time still held unacknowledged; never backwards.
 */
import { Duration, type Message, PubSub, type Subscription, SubscriptionCloseBehaviors } from '@google-cloud/pubsub';
import {
  type Instant,
  type ReadBatch,
  type Source,
  type SourceContext,
  type SourceReader,
  WATERMARK_DONE,
  WATERMARK_START,
  WatermarkEstimator,
  boundedOutOfOrderness,
} from '../../sdk';
import { type RawMessage } from '../../transforms/records';
import { eventTimeOf } from './event_time';
import { PUBSUB_SOURCE_DEFAULTS, type PubSubSourceOptions, checkPubSubSourceOptions } from './options';

/** Counters of one reader, for tests and progress displays. */
export interface PubSubReaderStats {
  readonly received: number;
  readonly emitted: number;
  /** Messages dropped because their id (idAttribute or message id) was seen recently. */
  readonly duplicatesDropped: number;
  readonly acked: number;
  /** Messages held now: buffered plus read and awaiting commit. */
  readonly held: number;
}

export interface PubSubSourceReader extends SourceReader<RawMessage> {
  /** Acknowledges every message returned by read() before this call (see the file comment). */
  commit(): void;
  stats(): PubSubReaderStats;
  /** The full name of the subscription being read. */
  readonly subscriptionName: string;
}

interface Held {
  readonly message: Message;
  readonly raw: RawMessage;
  readonly eventTimeMs: number;
}

/** Remembers the last `capacity` ids (a Set keeps insertion order, so the oldest is evicted first). */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  /** True when `id` was seen already; remembers it otherwise. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

export class PubSubSource implements Source<RawMessage> {
  readonly bounded: boolean;
  readonly description: string;

  constructor(private readonly options: PubSubSourceOptions) {
    checkPubSubSourceOptions(options);
    this.bounded = options.drainAfterIdleMs !== undefined;
    this.description =
      options.subscription !== undefined ? `Pub/Sub subscription ${options.subscription}` : `Pub/Sub topic ${options.topic}`;
  }

  async open(context: SourceContext): Promise<PubSubSourceReader> {
    const o = this.options;
    const ownClient = o.client === undefined;
    const client = o.client ?? new PubSub(o.projectId !== undefined ? { projectId: o.projectId } : {});
    let subscription: Subscription;
    let temporary = false;
    try {
      if (o.subscription !== undefined) {
        subscription = client.subscription(o.subscription);
        const [exists] = await subscription.exists();
        if (!exists) {
          if (o.createOnTopic === undefined) throw new Error(`Pub/Sub subscription ${subscription.name} does not exist`);
          await createOn(client, o.createOnTopic, o.subscription);
        }
      } else {
        // A subscription of the reader's own, like Beam's topic reads: it sees what is published from now on.
        const id = `tidemark-${shortName(o.topic)}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
        subscription = await createOn(client, o.topic, id);
        temporary = true;
      }
    } catch (e) {
      if (ownClient) await client.close().catch(() => undefined);
      throw e;
    }
    return new Reader(o, client, ownClient, subscription, temporary, context);
  }
}

async function createOn(client: PubSub, topicName: string, subscriptionId: string): Promise<Subscription> {
  const topic = client.topic(topicName);
  const [exists] = await topic.exists();
  if (!exists) throw new Error(`Pub/Sub topic ${topic.name} does not exist`);
  try {
    const [created] = await topic.createSubscription(subscriptionId);
    return created;
  } catch (e) {
    // Another reader created it first: reading it is what was asked for.
    if ((e as { code?: number }).code === 6) return client.subscription(subscriptionId);
    throw e;
  }
}

class Reader implements PubSubSourceReader {
  private readonly buffer: Held[] = [];
  private bufferHead = 0;
  /** Read into the pipeline, awaiting commit(); plus dropped duplicates, acknowledged at the same moment. */
  private uncommitted: Message[] = [];
  private uncommittedMinTime = Number.POSITIVE_INFINITY;
  private readonly recent: RecentIds;
  private readonly estimator: WatermarkEstimator;
  private last: Instant = WATERMARK_START;
  /** Processing time of the last arrival, or of the last commit that let flow control deliver again. */
  private quietSince: number;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private done = false;
  private counts = { received: 0, emitted: 0, duplicatesDropped: 0, acked: 0 };
  readonly subscriptionName: string;

  constructor(
    private readonly options: PubSubSourceOptions,
    private readonly client: PubSub,
    private readonly ownClient: boolean,
    private readonly subscription: Subscription,
    private readonly temporary: boolean,
    private readonly context: SourceContext,
  ) {
    const d = PUBSUB_SOURCE_DEFAULTS;
    this.subscriptionName = subscription.name;
    this.recent = new RecentIds(options.dedupeCapacity ?? d.dedupeCapacity);
    this.estimator = new WatermarkEstimator(
      boundedOutOfOrderness(options.maxOutOfOrderMs ?? d.maxOutOfOrderMs, {
        idleTimeoutMs: options.idleTimeoutMs ?? d.idleTimeoutMs,
      }),
    );
    this.quietSince = context.clock.now();
    subscription.setOptions({
      flowControl: {
        maxMessages: options.maxOutstandingMessages ?? d.maxOutstandingMessages,
        maxBytes: options.maxOutstandingBytes ?? d.maxOutstandingBytes,
        allowExcessMessages: false,
      },
      streamingOptions: { maxStreams: options.maxStreams ?? d.maxStreams },
      maxExtensionTime: Duration.from({ milliseconds: options.maxLeaseExtensionMs ?? d.maxLeaseExtensionMs }),
      ...(options.maxAckDeadlineMs !== undefined && {
        maxAckDeadline: Duration.from({ milliseconds: options.maxAckDeadlineMs }),
      }),
      closeOptions: { behavior: SubscriptionCloseBehaviors.NackImmediately },
    });
    subscription.on('message', (m: Message) => this.onMessage(m));
    subscription.on('error', (e: Error) => {
      this.failure ??= new Error(`Pub/Sub subscription ${this.subscriptionName}: ${e.message}`);
      this.wakeUp();
    });
  }

  private onMessage(m: Message): void {
    if (this.closed) {
      m.nack();
      return;
    }
    this.counts.received++;
    const now = this.context.clock.now();
    this.quietSince = now;
    const attributes = m.attributes ?? {};
    const idAttr = this.options.idAttribute;
    const id = (idAttr !== undefined ? attributes[idAttr] : undefined) || m.id;
    if (this.recent.seen(id)) {
      // Held until the next commit like any other message: acknowledging a duplicate early is harmless, but one
      // rule for every message keeps "acked only in commit()" true without exceptions.
      this.counts.duplicatesDropped++;
      this.uncommitted.push(m);
      return;
    }
    const publishTimeMs = m.publishTime.getTime();
    const eventTimeMs = eventTimeOf(this.options, attributes, m.data, publishTimeMs);
    this.estimator.observe(eventTimeMs, now);
    this.buffer.push({ message: m, raw: { id, data: m.data, attributes, publishTimeMs }, eventTimeMs });
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private get buffered(): number {
    return this.buffer.length - this.bufferHead;
  }

  async read(maxElements: number, waitMs: number): Promise<ReadBatch<RawMessage>> {
    if (this.failure) throw this.failure;
    if (this.buffered === 0 && waitMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.failure) throw this.failure;
    }
    const n = Math.min(maxElements, this.buffered);
    const values: RawMessage[] = new Array<RawMessage>(n);
    const timestamps: Instant[] = new Array<Instant>(n);
    for (let i = 0; i < n; i++) {
      const h = this.buffer[this.bufferHead++];
      values[i] = h.raw;
      timestamps[i] = h.eventTimeMs;
      this.uncommitted.push(h.message);
      if (h.eventTimeMs < this.uncommittedMinTime) this.uncommittedMinTime = h.eventTimeMs;
    }
    if (this.bufferHead > 1024 && this.bufferHead * 2 > this.buffer.length) {
      this.buffer.splice(0, this.bufferHead);
      this.bufferHead = 0;
    }
    this.counts.emitted += n;
    return { values, timestamps };
  }

  watermark(): Instant {
    if (this.done) return WATERMARK_DONE;
    const now = this.context.clock.now();
    const drainAfter = this.options.drainAfterIdleMs;
    if (drainAfter !== undefined && this.buffered === 0 && this.uncommitted.length === 0 && now - this.quietSince >= drainAfter) {
      this.done = true;
      return WATERMARK_DONE;
    }
    let held = this.uncommittedMinTime;
    for (let i = this.bufferHead; i < this.buffer.length; i++) {
      if (this.buffer[i].eventTimeMs < held) held = this.buffer[i].eventTimeMs;
    }
    const next = Math.min(this.estimator.estimate(now), held);
    if (next > this.last) this.last = next;
    return this.last;
  }

  commit(): void {
    const batch = this.uncommitted;
    this.uncommitted = [];
    this.uncommittedMinTime = Number.POSITIVE_INFINITY;
    if (batch.length > 0) {
      // While messages were held, flow control may have kept the subscription from delivering more: that quiet
      // time is backpressure, not an idle stream. Idleness (the estimator's and drain-after-idle) counts from now.
      const now = this.context.clock.now();
      if (now > this.quietSince) this.quietSince = now;
      this.estimator.markReceptive(now);
    }
    // The client batches these into Acknowledge calls (every 100 ms or 3,000 ids) and sends what is queued on close.
    for (const m of batch) m.ack();
    this.counts.acked += batch.length;
  }

  stats(): PubSubReaderStats {
    return { ...this.counts, held: this.buffered + this.uncommitted.length };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp();
    this.subscription.removeAllListeners('message');
    try {
      // NACK behaviour: queued acks are flushed, every other held message is nacked.
      await this.subscription.close();
      if (this.temporary) await this.subscription.delete().catch(() => undefined);
    } finally {
      this.buffer.length = 0;
      this.bufferHead = 0;
      this.uncommitted = [];
      if (this.ownClient) await this.client.close().catch(() => undefined);
    }
  }
}
