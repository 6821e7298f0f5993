/**
 * The emulator's delivery rules on a manual clock, without gRPC: deadlines, nacks, retention, flow control,
 * ordering keys, seek. (The same rules are exercised through the real client in pubsub_source.test.ts.)
 */
import assert from 'node:assert/strict';
import { Broker } from '../../../io/pubsub/emulator/broker';
import { type WireReceivedMessage } from '../../../io/pubsub/emulator/stored_message';
import { type Consumer, type SubscriptionState } from '../../../io/pubsub/emulator/subscription_state';

const T = 'projects/p/topics/topic-a';
const S = 'projects/p/subscriptions/sub-a';

function setup(sub: Record<string, unknown> = {}): { broker: Broker; state: SubscriptionState; clock: { now: number } } {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const broker = new Broker(() => clock.now);
  broker.createTopic({ name: T });
  broker.createSubscription({ name: S, topic: T, ...sub });
  return { broker, state: broker.subscription(S), clock };
}

function consumer(maxMessages = 0): Consumer & { received: WireReceivedMessage[] } {
  const received: WireReceivedMessage[] = [];
  return {
    maxMessages,
    maxBytes: 0,
    ackDeadlineSeconds: 10,
    outstandingMessages: 0,
    outstandingBytes: 0,
    writable: true,
    oneShot: false,
    deliver: (batch) => received.push(...batch),
    received,
  };
}

const data = (s: string) => ({ data: Buffer.from(s) });
const texts = (r: WireReceivedMessage[]) => r.map((m) => m.message.data.toString());

describe('Pub/Sub emulator delivery rules (manual clock)', () => {
  let broker: Broker;
  afterEach(() => broker?.close());

  it('a lease expires exactly at its deadline, not a millisecond before', () => {
    const s = setup();
    broker = s.broker;
    const c = consumer();
    s.state.addConsumer(c);
    broker.publish(T, [data('x')]);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['x']);
    s.clock.now += 9_999;
    assert.equal(s.state.expire(s.clock.now), false);
    s.clock.now += 1;
    assert.equal(s.state.expire(s.clock.now), true);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['x', 'x']);
    assert.notEqual(c.received[0].ackId, c.received[1].ackId);
  });

  it('flow control: no more than maxMessages outstanding; an ack makes room for exactly one more', () => {
    const s = setup();
    broker = s.broker;
    const c = consumer(2);
    s.state.addConsumer(c);
    broker.publish(T, [data('a'), data('b'), data('c')]);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['a', 'b']);
    s.state.acknowledge([c.received[0].ackId]);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['a', 'b', 'c']);
  });

  it('a message past the retention duration is not delivered', () => {
    const s = setup({ messageRetentionDuration: { seconds: 600 } });
    broker = s.broker;
    broker.publish(T, [data('old')]);
    s.clock.now += 600_001;
    const c = consumer();
    s.state.addConsumer(c);
    s.state.dispatch();
    assert.deepEqual(c.received, []);
  });

  it('ordering keys: nothing of a key goes out while an earlier one is leased; a nack brings the later ones back in order', () => {
    const s = setup({ enableMessageOrdering: true });
    broker = s.broker;
    const c = consumer();
    s.state.addConsumer(c);
    broker.publish(T, [{ ...data('k:1'), orderingKey: 'k' }]);
    s.state.dispatch();
    broker.publish(T, [
      { ...data('k:2'), orderingKey: 'k' },
      { ...data('other'), orderingKey: 'j' },
    ]);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['k:1', 'other'], 'k:2 waits for k:1');
    s.state.modifyAckDeadline([c.received[0].ackId], 0);
    s.state.dispatch();
    assert.deepEqual(texts(c.received).slice(2), ['k:1', 'k:2']);
  });

  it('dead-letter policy: the fifth failed delivery forwards with the delivery count', () => {
    const s = setup();
    broker = s.broker;
    broker.createTopic({ name: 'projects/p/topics/dead-a' });
    broker.createSubscription({ name: 'projects/p/subscriptions/dead-sub', topic: 'projects/p/topics/dead-a' });
    broker.createSubscription({
      name: 'projects/p/subscriptions/with-policy',
      topic: T,
      deadLetterPolicy: { deadLetterTopic: 'projects/p/topics/dead-a', maxDeliveryAttempts: 5 },
    });
    const policy = broker.subscription('projects/p/subscriptions/with-policy');
    const c = consumer();
    policy.addConsumer(c);
    broker.publish(T, [data('poison')]);
    for (let i = 0; i < 5; i++) {
      policy.dispatch();
      policy.modifyAckDeadline([c.received[i].ackId], 0);
    }
    assert.deepEqual(
      c.received.map((m) => m.deliveryAttempt),
      [1, 2, 3, 4, 5],
    );
    const dead = consumer();
    const deadSub = broker.subscription('projects/p/subscriptions/dead-sub');
    deadSub.addConsumer(dead);
    deadSub.dispatch();
    assert.deepEqual(texts(dead.received), ['poison']);
    assert.equal(dead.received[0].message.attributes.CloudPubSubDeadLetterSourceDeliveryCount, '5');
    assert.equal(dead.received[0].deliveryAttempt, undefined, 'no policy on the dead-letter subscription: no count');
  });

  it('seek without retained acks cannot replay what was acknowledged', () => {
    const s = setup();
    broker = s.broker;
    const c = consumer();
    s.state.addConsumer(c);
    broker.publish(T, [data('gone'), data('kept')]);
    s.state.dispatch();
    s.state.acknowledge([c.received[0].ackId]);
    s.state.seek(0);
    s.state.dispatch();
    assert.deepEqual(texts(c.received), ['gone', 'kept', 'kept'], 'the unacked one again, the acked one not');
  });
});
