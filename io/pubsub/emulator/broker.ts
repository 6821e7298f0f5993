/**
 * The emulator's state: topics, subscriptions and the messages between them, with the API's rules (names,
 * existence, limits) and none of gRPC. The gRPC service (pubsub_service.ts) translates calls into these methods.
 */
import { ApiError } from './api_error';
import { type ResourceName, parseProject, parseResourceName } from './names';
import { type StoredMessage } from './stored_message';
import { type DeadLetterPolicy, SubscriptionState, type SubscriptionSettings } from './subscription_state';

export interface WireDuration {
  readonly seconds?: number;
  readonly nanos?: number;
}

export interface WireTopic {
  readonly name: string;
  readonly labels?: Record<string, string>;
  readonly messageRetentionDuration?: WireDuration | null;
  readonly state?: string;
}

export interface WireSubscription {
  readonly name: string;
  readonly topic: string;
  readonly ackDeadlineSeconds?: number;
  readonly retainAckedMessages?: boolean;
  readonly messageRetentionDuration?: WireDuration | null;
  readonly labels?: Record<string, string>;
  readonly enableMessageOrdering?: boolean;
  readonly deadLetterPolicy?: { readonly deadLetterTopic?: string; readonly maxDeliveryAttempts?: number } | null;
  readonly filter?: string;
  readonly pushConfig?: { readonly pushEndpoint?: string } | null;
  readonly enableExactlyOnceDelivery?: boolean;
  readonly state?: string;
}

export interface PublishInput {
  readonly data?: Buffer | Uint8Array;
  readonly attributes?: Record<string, string>;
  readonly orderingKey?: string;
}

interface TopicState {
  readonly name: ResourceName;
  readonly labels: Record<string, string>;
  /** Topic retention (0 = none): acked messages stay replayable by seek this long. */
  readonly retentionMs: number;
  readonly subscriptions: Set<SubscriptionState>;
}

/** Limits of the service (cloud.google.com/pubsub/quotas). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_KEY_BYTES = 256;
const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
const MAX_ORDERING_KEY_BYTES = 1024;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const DELETED_TOPIC = '_deleted-topic_';

function durationMs(d: WireDuration | null | undefined): number | undefined {
  if (!d) return undefined;
  return Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6);
}

function toDuration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

export class Broker {
  private readonly topics = new Map<string, TopicState>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private messageCounter = 0;
  private ackCounter = 0;
  private readonly pending = new Set<SubscriptionState>();
  private dispatchScheduled = false;
  private readonly expiryTimer: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    // Deadlines are checked ten times a second: redelivery is due within 100 ms of a deadline.
    this.expiryTimer = setInterval(() => this.expireLeases(), 100);
    this.expiryTimer.unref();
  }

  close(): void {
    clearInterval(this.expiryTimer);
  }

  private readonly host = {
    now: (): number => this.clock(),
    nextAckId: (): string => `a${++this.ackCounter}`,
    deadLetter: (sub: SubscriptionState, m: StoredMessage, deliveries: number): void =>
      this.forwardToDeadLetter(sub, m, deliveries),
    scheduleDispatch: (sub: SubscriptionState): void => this.scheduleDispatch(sub),
  };

  scheduleDispatch(sub: SubscriptionState): void {
    this.pending.add(sub);
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      const subs = [...this.pending];
      this.pending.clear();
      for (const s of subs) s.dispatch();
    });
  }

  private expireLeases(): void {
    const now = this.clock();
    for (const s of this.subscriptions.values()) if (s.leasedCount > 0) s.expire(now);
  }

  // ---- topics

  createTopic(t: WireTopic): WireTopic {
    const name = parseResourceName(t.name, 'topics');
    if (this.topics.has(name.full)) throw ApiError.alreadyExists('Topic', name.full);
    const retentionMs = durationMs(t.messageRetentionDuration) ?? 0;
    if (retentionMs !== 0 && (retentionMs < 600_000 || retentionMs > 31 * 24 * 3600 * 1000)) {
      throw ApiError.invalidArgument('message_retention_duration must be between 10 minutes and 31 days');
    }
    const topic: TopicState = { name, labels: { ...(t.labels ?? {}) }, retentionMs, subscriptions: new Set() };
    this.topics.set(name.full, topic);
    return this.topicWire(topic);
  }

  private topicWire(t: TopicState): WireTopic {
    return {
      name: t.name.full,
      labels: t.labels,
      ...(t.retentionMs > 0 && { messageRetentionDuration: toDuration(t.retentionMs) }),
      state: 'ACTIVE',
    };
  }

  private topic(name: unknown): TopicState {
    const parsed = parseResourceName(name, 'topics');
    const t = this.topics.get(parsed.full);
    if (!t) throw ApiError.notFound('Topic', parsed.full);
    return t;
  }

  getTopic(name: unknown): WireTopic {
    return this.topicWire(this.topic(name));
  }

  listTopics(project: unknown): WireTopic[] {
    const p = parseProject(project);
    return [...this.topics.values()].filter((t) => t.name.project === p).map((t) => this.topicWire(t));
  }

  listTopicSubscriptions(topic: unknown): string[] {
    return [...this.topic(topic).subscriptions].map((s) => s.name);
  }

  deleteTopic(name: unknown): void {
    const t = this.topic(name);
    this.topics.delete(t.name.full);
    for (const s of t.subscriptions) s.topicDeleted = true;
  }

  publish(topicName: unknown, messages: readonly PublishInput[]): string[] {
    const topic = this.topic(topicName);
    if (messages.length === 0) throw ApiError.invalidArgument('The publish request must contain at least one message');
    const checked = messages.map((m, i) => this.checkMessage(m, i));
    const now = this.clock();
    const ids: string[] = [];
    for (const m of checked) {
      const seq = ++this.messageCounter;
      const stored: StoredMessage = { ...m, messageId: String(seq), publishTimeMs: now, seq };
      ids.push(stored.messageId);
      for (const s of topic.subscriptions) s.enqueue(stored);
    }
    return ids;
  }

  private checkMessage(m: PublishInput, i: number): Omit<StoredMessage, 'messageId' | 'publishTimeMs' | 'seq'> {
    const data = m.data ? Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength) : Buffer.alloc(0);
    const attributes = m.attributes ?? {};
    const keys = Object.keys(attributes);
    if (data.length === 0 && keys.length === 0) {
      throw ApiError.invalidArgument(`Message ${i} has neither data nor attributes: a message must have one of them`);
    }
    if (keys.length > MAX_ATTRIBUTES) throw ApiError.invalidArgument(`Message ${i} has more than ${MAX_ATTRIBUTES} attributes`);
    let size = data.length;
    for (const k of keys) {
      const kb = Buffer.byteLength(k);
      const vb = Buffer.byteLength(attributes[k]);
      if (kb === 0 || kb > MAX_ATTRIBUTE_KEY_BYTES) throw ApiError.invalidArgument(`Message ${i}: attribute key of ${kb} bytes`);
      if (k.startsWith('goog')) throw ApiError.invalidArgument(`Message ${i}: attribute keys may not start with 'goog' (${k})`);
      if (vb > MAX_ATTRIBUTE_VALUE_BYTES) throw ApiError.invalidArgument(`Message ${i}: attribute '${k}' value of ${vb} bytes`);
      size += kb + vb;
    }
    const orderingKey = m.orderingKey ?? '';
    if (Buffer.byteLength(orderingKey) > MAX_ORDERING_KEY_BYTES) {
      throw ApiError.invalidArgument(`Message ${i}: ordering key longer than ${MAX_ORDERING_KEY_BYTES} bytes`);
    }
    if (size > MAX_MESSAGE_BYTES) throw ApiError.invalidArgument(`Message ${i} is ${size} bytes, over the 10 MB limit`);
    return { data, attributes, orderingKey, size };
  }

  // ---- subscriptions

  createSubscription(s: WireSubscription): WireSubscription {
    const name = parseResourceName(s.name, 'subscriptions');
    if (this.subscriptions.has(name.full)) throw ApiError.alreadyExists('Subscription', name.full);
    const topic = this.topic(s.topic);
    if (s.pushConfig?.pushEndpoint) throw ApiError.unimplemented('Push delivery');
    if (s.filter) throw ApiError.unimplemented('Subscription filters');
    if (s.enableExactlyOnceDelivery) throw ApiError.unimplemented('Exactly-once delivery');
    const settings = this.settings(name.full, topic.name.full, s);
    const state: SubscriptionState = new SubscriptionState(
      settings,
      this.host,
      (): boolean => state.settings.retainAckedMessages || topic.retentionMs > 0,
    );
    this.subscriptions.set(name.full, state);
    topic.subscriptions.add(state);
    return this.subscriptionWire(state);
  }

  private settings(name: string, topic: string, s: WireSubscription): SubscriptionSettings {
    const ackDeadlineSeconds = s.ackDeadlineSeconds || 10;
    if (!Number.isInteger(ackDeadlineSeconds) || ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
      throw ApiError.invalidArgument(`ack_deadline_seconds must be between 10 and 600, got ${ackDeadlineSeconds}`);
    }
    const retention = durationMs(s.messageRetentionDuration) ?? DEFAULT_RETENTION_MS;
    if (retention < 600_000 || retention > DEFAULT_RETENTION_MS) {
      throw ApiError.invalidArgument('message_retention_duration must be between 10 minutes and 7 days');
    }
    let deadLetterPolicy: DeadLetterPolicy | undefined;
    const dl = s.deadLetterPolicy;
    if (dl && dl.deadLetterTopic) {
      const dlTopic = parseResourceName(dl.deadLetterTopic, 'topics').full;
      const max = dl.maxDeliveryAttempts || 5;
      if (!Number.isInteger(max) || max < 5 || max > 100) {
        throw ApiError.invalidArgument(`max_delivery_attempts must be between 5 and 100, got ${max}`);
      }
      if (dlTopic === topic) throw ApiError.invalidArgument('The dead-letter topic must differ from the subscription topic');
      deadLetterPolicy = { deadLetterTopic: dlTopic, maxDeliveryAttempts: max };
    }
    return {
      name,
      topic,
      ackDeadlineSeconds,
      retainAckedMessages: s.retainAckedMessages === true,
      messageRetentionMs: retention,
      enableMessageOrdering: s.enableMessageOrdering === true,
      deadLetterPolicy,
    };
  }

  private subscriptionWire(state: SubscriptionState): WireSubscription {
    const s = state.settings;
    return {
      name: s.name,
      topic: state.topicDeleted ? DELETED_TOPIC : s.topic,
      pushConfig: {},
      ackDeadlineSeconds: s.ackDeadlineSeconds,
      retainAckedMessages: s.retainAckedMessages,
      messageRetentionDuration: toDuration(s.messageRetentionMs),
      enableMessageOrdering: s.enableMessageOrdering,
      ...(s.deadLetterPolicy && { deadLetterPolicy: { ...s.deadLetterPolicy } }),
      state: 'ACTIVE',
    };
  }

  subscription(name: unknown): SubscriptionState {
    const parsed = parseResourceName(name, 'subscriptions');
    const s = this.subscriptions.get(parsed.full);
    if (!s) throw ApiError.notFound('Subscription', parsed.full);
    return s;
  }

  getSubscription(name: unknown): WireSubscription {
    return this.subscriptionWire(this.subscription(name));
  }

  updateSubscription(s: WireSubscription, paths: readonly string[]): WireSubscription {
    const state = this.subscription(s.name);
    const merged: Record<string, unknown> = { ...this.subscriptionWire(state) };
    for (const path of paths) {
      const key = path.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      if (
        !['ackDeadlineSeconds', 'retainAckedMessages', 'messageRetentionDuration', 'deadLetterPolicy', 'labels'].includes(key)
      ) {
        throw ApiError.invalidArgument(`Updating '${path}' is not supported`);
      }
      merged[key] = (s as unknown as Record<string, unknown>)[key];
    }
    state.settings = this.settings(state.settings.name, state.settings.topic, merged as unknown as WireSubscription);
    return this.subscriptionWire(state);
  }

  listSubscriptions(project: unknown): WireSubscription[] {
    const p = parseProject(project);
    return [...this.subscriptions.values()]
      .filter((s) => parseResourceName(s.name, 'subscriptions').project === p)
      .map((s) => this.subscriptionWire(s));
  }

  deleteSubscription(name: unknown): void {
    const s = this.subscription(name);
    this.subscriptions.delete(s.name);
    this.topics.get(s.settings.topic)?.subscriptions.delete(s);
    for (const c of [...s.consumers]) s.removeConsumer(c);
  }

  private forwardToDeadLetter(sub: SubscriptionState, m: StoredMessage, deliveries: number): void {
    const policy = sub.settings.deadLetterPolicy;
    if (!policy) return;
    const topic = this.topics.get(policy.deadLetterTopic);
    // The service keeps retrying while the dead-letter topic is missing; the emulator drops it, with the count.
    if (!topic) return;
    const subName = parseResourceName(sub.name, 'subscriptions');
    this.publish(policy.deadLetterTopic, [
      {
        data: m.data,
        attributes: {
          ...m.attributes,
          CloudPubSubDeadLetterSourceDeliveryCount: String(deliveries),
          CloudPubSubDeadLetterSourceSubscription: subName.id,
          CloudPubSubDeadLetterSourceSubscriptionProject: subName.project,
          CloudPubSubDeadLetterSourceTopicPublishTime: new Date(m.publishTimeMs).toISOString(),
        },
        ...(m.orderingKey && { orderingKey: m.orderingKey }),
      },
    ]);
  }

  seek(subscription: unknown, timeMs: number): void {
    this.subscription(subscription).seek(timeMs);
  }
}
