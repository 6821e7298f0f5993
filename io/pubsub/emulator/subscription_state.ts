/**
 * One subscription's delivery state: which messages are ready, leased (delivered, not yet acknowledged) or
 * acknowledged, and to whom the next ones go.
 *
 * Lifecycle of a message in a subscription:
 *   ready  --deliver-->  leased  --ack-->  acked (kept for seek while retention asks for it)
 *                          |--nack (modAck 0) / deadline expired--> ready again (redelivered first),
 *                          |   or forwarded to the dead-letter topic once max delivery attempts are used up
 * Seek(time) marks everything published before `time` acked and everything after it ready, cancelling leases.
 *
 * Ordering keys (subscriptions with message ordering): a key's messages go out in publish order, and none of a
 * key is delivered while an earlier one of the same key is leased from an earlier response; a redelivered
 * message takes the later leased messages of its key back with it, so they are redelivered after it, in order.
 */
import { type StoredMessage, type WireReceivedMessage, toWire } from './stored_message';

export interface DeadLetterPolicy {
  readonly deadLetterTopic: string;
  readonly maxDeliveryAttempts: number;
}

export interface SubscriptionSettings {
  readonly name: string;
  readonly topic: string;
  readonly ackDeadlineSeconds: number;
  readonly retainAckedMessages: boolean;
  readonly messageRetentionMs: number;
  readonly enableMessageOrdering: boolean;
  readonly deadLetterPolicy: DeadLetterPolicy | undefined;
}

type EntryState = 'ready' | 'leased' | 'acked';

interface Entry {
  readonly message: StoredMessage;
  state: EntryState;
  deliveries: number;
  lease: Lease | undefined;
}

interface Lease {
  readonly ackId: string;
  readonly entry: Entry;
  deadlineMs: number;
  consumer: Consumer | undefined;
}

/** Something messages are delivered to: a StreamingPull stream or a waiting Pull call. */
export interface Consumer {
  /** 0 = no limit. */
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly ackDeadlineSeconds: number;
  outstandingMessages: number;
  outstandingBytes: number;
  /** False while the transport pushes back; the consumer calls `dispatch` again once it can take more. */
  writable: boolean;
  /** Takes a batch; a one-shot consumer (Pull) is removed after its first batch. */
  deliver(batch: WireReceivedMessage[]): void;
  readonly oneShot: boolean;
}

/** What a subscription needs from the emulator around it. */
export interface SubscriptionHost {
  now(): number;
  nextAckId(): string;
  /** Forwards a message that used up its delivery attempts. */
  deadLetter(subscription: SubscriptionState, message: StoredMessage, deliveries: number): void;
  /** Asks for a dispatch soon (coalesced). */
  scheduleDispatch(subscription: SubscriptionState): void;
}

/** Most messages in one response: large enough for throughput, small enough to interleave streams. */
const MAX_BATCH = 1000;
/** Most bytes in one response (after its first message): under the clients' 20 MB receive limit. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** A FIFO with O(1) shift that compacts itself. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  /** Puts items back at the front, in the given order. */
  unshiftAll(xs: readonly T[]): void {
    if (xs.length === 0) return;
    this.items = [...xs, ...this.items.slice(this.head)];
    this.head = 0;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class SubscriptionState {
  settings: SubscriptionSettings;
  /** Every message not yet dropped, in publish order (acked ones too while retention asks for them). */
  private log: Entry[] = [];
  private ackedInLog = 0;
  private readonly ready = new Queue<Entry>();
  /** Nacked and expired messages: delivered before `ready`. */
  private readonly redeliver = new Queue<Entry>();
  private readonly leases = new Map<string, Lease>();
  /** Ordering keys with a message leased from an earlier response. */
  private readonly leasedKeys = new Map<string, number>();
  readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  /** Set when the topic is deleted: the subscription stays, detached from it. */
  topicDeleted = false;

  constructor(
    settings: SubscriptionSettings,
    private readonly host: SubscriptionHost,
    /** Whether acked messages stay for seek: the subscription's or its topic's retention. */
    private keepAcked: () => boolean,
  ) {
    this.settings = settings;
  }

  get name(): string {
    return this.settings.name;
  }

  get leasedCount(): number {
    return this.leases.size;
  }

  get backlog(): number {
    return this.ready.length + this.redeliver.length;
  }

  enqueue(message: StoredMessage): void {
    const entry: Entry = { message, state: 'ready', deliveries: 0, lease: undefined };
    this.log.push(entry);
    this.ready.push(entry);
    this.host.scheduleDispatch(this);
  }

  addConsumer(c: Consumer): void {
    this.consumers.push(c);
    this.host.scheduleDispatch(this);
  }

  /** A consumer went away: its leases stay until their deadlines, as on the service. */
  removeConsumer(c: Consumer): void {
    const i = this.consumers.indexOf(c);
    if (i >= 0) this.consumers.splice(i, 1);
    for (const lease of this.leases.values()) if (lease.consumer === c) lease.consumer = undefined;
  }

  /** Delivers ready messages to consumers with room, round robin, batch by batch until no one can take more. */
  dispatch(): void {
    for (let progress = true; progress && this.backlog > 0 && this.consumers.length > 0; ) {
      progress = false;
      const n = this.consumers.length;
      const first = this.nextConsumer % n;
      this.nextConsumer = (first + 1) % n;
      for (let k = 0; k < n && this.backlog > 0; k++) {
        const c = this.consumers[(first + k) % n];
        if (c === undefined || !c.writable) continue;
        const batch = this.take(c);
        if (batch.length === 0) continue;
        if (c.oneShot) this.removeConsumer(c);
        c.deliver(batch);
        progress = true;
      }
    }
  }

  private take(c: Consumer): WireReceivedMessage[] {
    const batch: WireReceivedMessage[] = [];
    const ordering = this.settings.enableMessageOrdering;
    const skipped: Entry[] = [];
    const skippedRedeliver: Entry[] = [];
    const batchKeys = ordering ? new Set<string>() : undefined;
    const now = this.host.now();
    const deadlineMs = now + c.ackDeadlineSeconds * 1000;
    const expiredBefore = now - this.settings.messageRetentionMs;
    const withAttempt = this.settings.deadLetterPolicy !== undefined;
    let batchBytes = 0;
    while (batch.length < MAX_BATCH && batchBytes < MAX_BATCH_BYTES) {
      if (c.maxMessages > 0 && c.outstandingMessages >= c.maxMessages) break;
      // The first message always goes out, however large, as on the service (otherwise it would never move).
      if (c.maxBytes > 0 && c.outstandingBytes >= c.maxBytes) break;
      const fromRedeliver = this.redeliver.length > 0;
      const entry = fromRedeliver ? this.redeliver.shift() : this.ready.shift();
      if (entry === undefined) break;
      if (entry.state !== 'ready') continue; // acked or re-leased since it was queued (seek)
      if (entry.message.publishTimeMs < expiredBefore) {
        // Past the retention duration: the service drops unacknowledged messages then.
        entry.state = 'acked';
        this.ackedInLog++;
        continue;
      }
      const key = entry.message.orderingKey;
      if (batchKeys && key !== '' && this.leasedKeys.has(key) && !batchKeys.has(key)) {
        (fromRedeliver ? skippedRedeliver : skipped).push(entry);
        continue;
      }
      batchKeys?.add(key);
      entry.state = 'leased';
      entry.deliveries++;
      const lease: Lease = { ackId: this.host.nextAckId(), entry, deadlineMs, consumer: c };
      entry.lease = lease;
      this.leases.set(lease.ackId, lease);
      c.outstandingMessages++;
      c.outstandingBytes += entry.message.size;
      batchBytes += entry.message.size;
      const received: WireReceivedMessage = withAttempt
        ? { ackId: lease.ackId, message: toWire(entry.message), deliveryAttempt: entry.deliveries }
        : { ackId: lease.ackId, message: toWire(entry.message) };
      batch.push(received);
    }
    this.redeliver.unshiftAll(skippedRedeliver);
    this.ready.unshiftAll(skipped);
    if (batchKeys) {
      for (const key of batchKeys) if (key !== '') this.leasedKeys.set(key, (this.leasedKeys.get(key) ?? 0) + 1);
    }
    return batch;
  }

  private release(lease: Lease): void {
    this.leases.delete(lease.ackId);
    lease.entry.lease = undefined;
    const c = lease.consumer;
    if (c) {
      c.outstandingMessages--;
      c.outstandingBytes -= lease.entry.message.size;
    }
    const key = lease.entry.message.orderingKey;
    if (key !== '' && this.settings.enableMessageOrdering) {
      const n = (this.leasedKeys.get(key) ?? 1) - 1;
      if (n <= 0) this.leasedKeys.delete(key);
      else this.leasedKeys.set(key, n);
    }
  }

  /** Unknown or stale ack ids are ignored, as the service does for subscriptions without exactly-once. */
  acknowledge(ackIds: readonly string[]): void {
    for (const id of ackIds) {
      const lease = this.leases.get(id);
      if (!lease) continue;
      this.release(lease);
      lease.entry.state = 'acked';
      this.ackedInLog++;
    }
    this.compact();
    this.host.scheduleDispatch(this);
  }

  /** New deadlines; 0 seconds is a nack (redelivered now). */
  modifyAckDeadline(ackIds: readonly string[], seconds: number): void {
    const now = this.host.now();
    let returned = false;
    for (const id of ackIds) {
      const lease = this.leases.get(id);
      if (!lease) continue;
      if (seconds === 0) {
        this.returnToQueue(lease);
        returned = true;
      } else lease.deadlineMs = now + seconds * 1000;
    }
    if (returned || seconds === 0) this.host.scheduleDispatch(this);
  }

  /** Returns messages whose deadline passed; true when any did. */
  expire(now: number): boolean {
    let any = false;
    for (const lease of this.leases.values()) {
      if (lease.deadlineMs <= now && this.leases.has(lease.ackId)) {
        this.returnToQueue(lease);
        any = true;
      }
    }
    if (any) this.host.scheduleDispatch(this);
    return any;
  }

  private returnToQueue(lease: Lease): void {
    const entry = lease.entry;
    const back: Entry[] = [entry];
    this.release(lease);
    const key = entry.message.orderingKey;
    if (key !== '' && this.settings.enableMessageOrdering) {
      // Later messages of the key that are out now come back too, so that the key stays in order.
      for (const other of [...this.leases.values()]) {
        if (other.entry.message.orderingKey === key && other.entry.message.seq > entry.message.seq) {
          this.release(other);
          back.push(other.entry);
        }
      }
      back.sort((a, b) => a.message.seq - b.message.seq);
    }
    const policy = this.settings.deadLetterPolicy;
    const again: Entry[] = [];
    for (const e of back) {
      if (policy && e.deliveries >= policy.maxDeliveryAttempts) {
        e.state = 'acked';
        this.ackedInLog++;
        this.host.deadLetter(this, e.message, e.deliveries);
      } else {
        e.state = 'ready';
        again.push(e);
      }
    }
    if (again.length === 1) this.redeliver.push(again[0]);
    else if (again.length > 1) {
      // Ahead of anything of the same key already waiting for redelivery (those are later).
      this.redeliver.unshiftAll(again);
    }
  }

  /**
   * Seek to a time: messages published before it count as acknowledged, the rest (still retained) are
   * delivered again; every lease is cancelled.
   */
  seek(timeMs: number): void {
    for (const lease of [...this.leases.values()]) this.release(lease);
    this.leasedKeys.clear();
    this.ready.clear();
    this.redeliver.clear();
    this.ackedInLog = 0;
    // Without retention of acked messages, an acked message is gone for good (the log drops them lazily).
    const keep = this.keepAcked();
    for (const e of this.log) {
      if (e.message.publishTimeMs < timeMs || (e.state === 'acked' && !keep)) {
        e.state = 'acked';
        this.ackedInLog++;
      } else {
        e.state = 'ready';
        this.ready.push(e);
      }
    }
    for (const c of this.consumers) {
      c.outstandingMessages = 0;
      c.outstandingBytes = 0;
    }
    this.compact();
    this.host.scheduleDispatch(this);
  }

  /** Drops what nothing can ask for again: acked messages unless retained, anything past retention. */
  private compact(): void {
    const keep = this.keepAcked();
    const horizon = this.host.now() - this.settings.messageRetentionMs;
    const oldest = this.log.length > 0 ? this.log[0].message.publishTimeMs : Number.POSITIVE_INFINITY;
    const wasteful = !keep && this.ackedInLog > 1024 && this.ackedInLog * 2 > this.log.length;
    if (!wasteful && oldest >= horizon) return;
    this.log = this.log.filter((e) => (e.state !== 'acked' || keep) && e.message.publishTimeMs >= horizon);
    this.ackedInLog = 0;
    for (const e of this.log) if (e.state === 'acked') this.ackedInLog++;
  }
}
