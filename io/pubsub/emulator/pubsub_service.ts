/**
 * The gRPC face of the emulator: google.pubsub.v1.Publisher and Subscriber handlers over a Broker. Errors carry
 * the service's status codes (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, UNIMPLEMENTED), so the client library
 * reacts as it would to the service (retries, stream restarts, errors to the caller).
 */
import * as grpc from '@grpc/grpc-js';
import { ApiError } from './api_error';
import { type Broker, type PublishInput, type WireDuration, type WireSubscription, type WireTopic } from './broker';
import { type WireReceivedMessage } from './stored_message';
import { type Consumer, type SubscriptionState } from './subscription_state';

interface StreamingPullRequest {
  readonly subscription?: string;
  readonly ackIds?: string[];
  readonly modifyDeadlineSeconds?: number[];
  readonly modifyDeadlineAckIds?: string[];
  readonly streamAckDeadlineSeconds?: number;
  readonly maxOutstandingMessages?: number;
  readonly maxOutstandingBytes?: number;
}

/** How long a Pull with nothing to deliver waits for a message before answering empty. */
const PULL_WAIT_MS = 2000;

function toStatus(e: unknown): Partial<grpc.StatusObject> {
  if (e instanceof ApiError) return { code: e.code, details: e.message };
  return { code: grpc.status.INTERNAL, details: e instanceof Error ? e.message : String(e) };
}

type Handler = grpc.UntypedHandleCall;

function unary<Req, Res>(fn: (request: Req) => Res): Handler {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
    try {
      callback(null, fn(call.request));
    } catch (e) {
      callback(toStatus(e));
    }
  };
}

function unsupported(what: string): Handler {
  return (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
    callback(toStatus(ApiError.unimplemented(what)));
}

function checkDeadline(seconds: number | undefined, field: string): number {
  const s = seconds ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > 600) throw ApiError.invalidArgument(`${field} must be between 0 and 600, got ${s}`);
  return s;
}

function timeMs(t: WireDuration | null | undefined): number {
  return Number(t?.seconds ?? 0) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6);
}

/** Applies the modAcks of a request, grouped by deadline (the same deadline usually covers many ids). */
function modify(sub: SubscriptionState, ackIds: readonly string[], seconds: readonly number[]): void {
  if (ackIds.length !== seconds.length) {
    throw ApiError.invalidArgument('modify_deadline_ack_ids and modify_deadline_seconds must have the same length');
  }
  const byDeadline = new Map<number, string[]>();
  for (let i = 0; i < ackIds.length; i++) {
    const s = checkDeadline(seconds[i], 'modify_deadline_seconds');
    let ids = byDeadline.get(s);
    if (!ids) byDeadline.set(s, (ids = []));
    ids.push(ackIds[i]);
  }
  for (const [s, ids] of byDeadline) sub.modifyAckDeadline(ids, s);
}

function streamingPull(broker: Broker): Handler {
  return (call: grpc.ServerDuplexStream<StreamingPullRequest, unknown>) => {
    let sub: SubscriptionState | undefined;
    let consumer: Consumer | undefined;
    const stop = (): void => {
      if (sub && consumer) sub.removeConsumer(consumer);
      consumer = undefined;
    };
    call.on('data', (req: StreamingPullRequest) => {
      try {
        if (!sub) {
          const s = broker.subscription(req.subscription);
          const deadline = checkDeadline(req.streamAckDeadlineSeconds, 'stream_ack_deadline_seconds');
          if (deadline < 10) throw ApiError.invalidArgument(`stream_ack_deadline_seconds must be at least 10, got ${deadline}`);
          const properties = { exactlyOnceDeliveryEnabled: false, messageOrderingEnabled: s.settings.enableMessageOrdering };
          const c: Consumer = {
            maxMessages: Math.max(0, Number(req.maxOutstandingMessages ?? 0)),
            maxBytes: Math.max(0, Number(req.maxOutstandingBytes ?? 0)),
            ackDeadlineSeconds: deadline,
            outstandingMessages: 0,
            outstandingBytes: 0,
            writable: true,
            oneShot: false,
            deliver: (batch: WireReceivedMessage[]) => {
              if (!call.write({ receivedMessages: batch, subscriptionProperties: properties })) {
                c.writable = false;
                call.once('drain', () => {
                  c.writable = true;
                  broker.scheduleDispatch(s);
                });
              }
            },
          };
          sub = s;
          consumer = c;
          s.addConsumer(c);
        } else if (req.subscription && req.subscription !== sub.name) {
          throw ApiError.invalidArgument('subscription may only be given in the first request of a stream');
        }
        if (req.ackIds?.length) sub.acknowledge(req.ackIds);
        if (req.modifyDeadlineAckIds?.length || req.modifyDeadlineSeconds?.length) {
          modify(sub, req.modifyDeadlineAckIds ?? [], req.modifyDeadlineSeconds ?? []);
        }
      } catch (e) {
        stop();
        call.emit('error', Object.assign(new Error(toStatus(e).details), { code: toStatus(e).code }));
      }
    });
    call.on('end', () => {
      stop();
      call.end();
    });
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
  };
}

interface PullRequest {
  readonly subscription?: string;
  readonly maxMessages?: number;
  readonly returnImmediately?: boolean;
}

function pull(broker: Broker): Handler {
  return (call: grpc.ServerUnaryCall<PullRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    let sub: SubscriptionState;
    try {
      sub = broker.subscription(call.request.subscription);
      if (!(Number(call.request.maxMessages) > 0)) throw ApiError.invalidArgument('max_messages must be positive');
    } catch (e) {
      callback(toStatus(e));
      return;
    }
    let answered = false;
    const answer = (batch: WireReceivedMessage[]): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      sub.removeConsumer(consumer);
      callback(null, { receivedMessages: batch });
    };
    const consumer: Consumer = {
      maxMessages: Number(call.request.maxMessages),
      maxBytes: 0,
      ackDeadlineSeconds: sub.settings.ackDeadlineSeconds,
      outstandingMessages: 0,
      outstandingBytes: 0,
      writable: true,
      oneShot: true,
      deliver: answer,
    };
    const timer = setTimeout(() => answer([]), call.request.returnImmediately ? 0 : PULL_WAIT_MS);
    call.on('cancelled', () => {
      answered = true;
      clearTimeout(timer);
      sub.removeConsumer(consumer);
    });
    sub.addConsumer(consumer);
    // Deliver at once when messages are waiting, rather than on the next scheduled dispatch.
    sub.dispatch();
  };
}

export function publisherHandlers(broker: Broker): grpc.UntypedServiceImplementation {
  return {
    CreateTopic: unary((t: WireTopic) => broker.createTopic(t)),
    UpdateTopic: unsupported('UpdateTopic'),
    Publish: unary((r: { topic?: string; messages?: PublishInput[] }) => ({
      messageIds: broker.publish(r.topic, r.messages ?? []),
    })),
    GetTopic: unary((r: { topic?: string }) => broker.getTopic(r.topic)),
    ListTopics: unary((r: { project?: string }) => ({ topics: broker.listTopics(r.project), nextPageToken: '' })),
    ListTopicSubscriptions: unary((r: { topic?: string }) => ({
      subscriptions: broker.listTopicSubscriptions(r.topic),
      nextPageToken: '',
    })),
    ListTopicSnapshots: unary((r: { topic?: string }) => {
      broker.getTopic(r.topic);
      return { snapshots: [], nextPageToken: '' };
    }),
    DeleteTopic: unary((r: { topic?: string }) => {
      broker.deleteTopic(r.topic);
      return {};
    }),
    DetachSubscription: unsupported('DetachSubscription'),
  };
}

export function subscriberHandlers(broker: Broker): grpc.UntypedServiceImplementation {
  return {
    CreateSubscription: unary((s: WireSubscription) => broker.createSubscription(s)),
    GetSubscription: unary((r: { subscription?: string }) => broker.getSubscription(r.subscription)),
    UpdateSubscription: unary((r: { subscription?: WireSubscription; updateMask?: { paths?: string[] } }) => {
      if (!r.subscription) throw ApiError.invalidArgument('missing subscription');
      return broker.updateSubscription(r.subscription, r.updateMask?.paths ?? []);
    }),
    ListSubscriptions: unary((r: { project?: string }) => ({
      subscriptions: broker.listSubscriptions(r.project),
      nextPageToken: '',
    })),
    DeleteSubscription: unary((r: { subscription?: string }) => {
      broker.deleteSubscription(r.subscription);
      return {};
    }),
    ModifyAckDeadline: unary((r: { subscription?: string; ackIds?: string[]; ackDeadlineSeconds?: number }) => {
      const sub = broker.subscription(r.subscription);
      const ids = r.ackIds ?? [];
      if (ids.length === 0) throw ApiError.invalidArgument('ack_ids must not be empty');
      sub.modifyAckDeadline(ids, checkDeadline(r.ackDeadlineSeconds, 'ack_deadline_seconds'));
      return {};
    }),
    Acknowledge: unary((r: { subscription?: string; ackIds?: string[] }) => {
      const sub = broker.subscription(r.subscription);
      const ids = r.ackIds ?? [];
      if (ids.length === 0) throw ApiError.invalidArgument('ack_ids must not be empty');
      sub.acknowledge(ids);
      return {};
    }),
    Pull: pull(broker),
    StreamingPull: streamingPull(broker),
    ModifyPushConfig: unsupported('Push delivery'),
    GetSnapshot: unsupported('Snapshots'),
    ListSnapshots: unsupported('Snapshots'),
    CreateSnapshot: unsupported('Snapshots'),
    UpdateSnapshot: unsupported('Snapshots'),
    DeleteSnapshot: unsupported('Snapshots'),
    Seek: unary((r: { subscription?: string; target?: string; time?: WireDuration; snapshot?: string }) => {
      if (r.target === 'snapshot' || r.snapshot) throw ApiError.unimplemented('Seek to a snapshot');
      if (!r.time) throw ApiError.invalidArgument('Seek needs a time');
      broker.seek(r.subscription, timeMs(r.time));
      return {};
    }),
  };
}
