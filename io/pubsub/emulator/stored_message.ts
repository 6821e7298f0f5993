/** A message as the emulator holds it: published once, shared by every subscription of its topic. */
export interface StoredMessage {
  readonly messageId: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** '' when the message has none. */
  readonly orderingKey: string;
  readonly publishTimeMs: number;
  /** Publish order over the whole emulator: ordering keys and seeks rely on it. */
  readonly seq: number;
  /** Data plus attribute bytes, for flow control. */
  readonly size: number;
}

/** A message on the wire (google.pubsub.v1.PubsubMessage, camelCase). */
export interface WirePubsubMessage {
  readonly messageId: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string;
  readonly publishTime: { readonly seconds: number; readonly nanos: number };
}

export function toWire(m: StoredMessage): WirePubsubMessage {
  return {
    messageId: m.messageId,
    data: m.data,
    attributes: m.attributes,
    orderingKey: m.orderingKey,
    publishTime: { seconds: Math.floor(m.publishTimeMs / 1000), nanos: (m.publishTimeMs % 1000) * 1_000_000 },
  };
}

/** A delivered message (google.pubsub.v1.ReceivedMessage). */
export interface WireReceivedMessage {
  readonly ackId: string;
  readonly message: WirePubsubMessage;
  /** Set only on subscriptions with a dead-letter policy, as the service does. */
  readonly deliveryAttempt?: number;
}
