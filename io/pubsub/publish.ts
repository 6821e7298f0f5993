/**
 * Publishing messages to a topic at a target rate: what `tidemark publish`, the Pub/Sub demo and the benchmark
 * use. The client batches; this paces and bounds how many publishes are in flight, so that a publish of millions
 * of messages runs in constant memory.
 */
import { type PubSub } from '@google-cloud/pubsub';

export interface OutgoingMessage {
  readonly data: string | Uint8Array;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly orderingKey?: string;
}

export interface PublishOptions {
  readonly client: PubSub;
  readonly topic: string;
  /** Messages per second of wall-clock time. Default: as fast as the server takes them. */
  readonly ratePerSecond?: number;
  /**
   * Publishes awaiting their message id, at most. Default: one batch, so that the topic receives the messages in
   * the order given (concurrent Publish calls may land out of order; event-time order matters to the watermark).
   */
  readonly maxInFlight?: number;
  /** Messages per Publish call (the client's batching). Default 1,000. */
  readonly batchMessages?: number;
  /** Stop early when aborted (Ctrl-C): what was published so far is reported. */
  readonly signal?: AbortSignal;
  /** Called every `progressEvery` messages. */
  readonly onProgress?: (published: number) => void;
  readonly progressEvery?: number;
}

export interface PublishSummary {
  readonly published: number;
  readonly elapsedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function publishMessages(
  messages: Iterable<OutgoingMessage> | AsyncIterable<OutgoingMessage>,
  options: PublishOptions,
): Promise<PublishSummary> {
  const rate = options.ratePerSecond;
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) throw new RangeError(`rate must be > 0, got ${rate}`);
  const batchMessages = options.batchMessages ?? 1000;
  const maxInFlight = options.maxInFlight ?? batchMessages;
  const topic = options.client.topic(options.topic, {
    batching: { maxMessages: batchMessages, maxMilliseconds: 10, maxBytes: 9 * 1024 * 1024 },
    // Needed for messages with an ordering key; messages without one are not held back by it.
    messageOrdering: true,
  });
  const started = Date.now();
  let sent = 0;
  let inFlight: Promise<string>[] = [];
  const every = options.progressEvery ?? 10_000;
  try {
    for await (const m of messages) {
      if (options.signal?.aborted) break;
      if (rate !== undefined) {
        const due = started + (sent / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const data =
        typeof m.data === 'string' ? Buffer.from(m.data) : Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      inFlight.push(
        topic.publishMessage({
          data,
          attributes: { ...(m.attributes ?? {}) },
          ...(m.orderingKey && { orderingKey: m.orderingKey }),
        }),
      );
      sent++;
      if (inFlight.length >= maxInFlight) {
        await Promise.all(inFlight);
        inFlight = [];
      }
      if (options.onProgress && sent % every === 0) options.onProgress(sent);
    }
    await Promise.all(inFlight);
  } finally {
    await topic.flush().catch(() => undefined);
  }
  return { published: sent, elapsedMs: Date.now() - started };
}
