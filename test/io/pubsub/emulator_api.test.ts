/**
 * tidemark's Pub/Sub emulator answers bad requests as the service does: a status code and a message naming the
 * problem, through the real client. Hostile input (huge messages, too many attributes, bad names) is refused,
 * never stored.
 */
import assert from 'node:assert/strict';
import { PubSub } from '@google-cloud/pubsub';
import { type PubSubEmulator, startPubSubEmulator } from '../../../io/pubsub/emulator';
import { pointClientsAt } from './backends';

describe('tidemark Pub/Sub emulator: the API rules', function () {
  this.timeout(20_000);
  let emulator: PubSubEmulator;
  let restore: () => void;
  let client: PubSub;

  before(async () => {
    emulator = await startPubSubEmulator();
    restore = pointClientsAt(emulator.address);
    client = new PubSub({ projectId: 'rules' });
  });
  after(async () => {
    await client.close();
    await emulator.close();
    restore();
  });

  const code = (n: number) => (e: unknown) => (e as { code?: number }).code === n;

  it('a topic id shorter than 3 characters is INVALID_ARGUMENT naming it', async () => {
    await assert.rejects(client.createTopic('ab'), (e: Error) => code(3)(e) && /Invalid topic id 'ab'/.test(e.message));
  });

  it('a topic id starting with goog is refused', async () => {
    await assert.rejects(client.createTopic('google-topic'), code(3));
  });

  it('creating a topic twice is ALREADY_EXISTS', async () => {
    await client.createTopic('twice');
    await assert.rejects(client.createTopic('twice'), code(6));
  });

  it('publishing to a missing topic is NOT_FOUND', async () => {
    await assert.rejects(client.topic('missing-topic').publishMessage({ data: Buffer.from('x') }), code(5));
  });

  it('a subscription on a missing topic is NOT_FOUND', async () => {
    await assert.rejects(client.topic('missing-topic').createSubscription('orphan'), code(5));
  });

  it('an empty message (no data, no attributes) is INVALID_ARGUMENT', async () => {
    const [topic] = await client.createTopic('empty-messages');
    await assert.rejects(topic.publishMessage({ data: Buffer.alloc(0) }), code(3));
  });

  it('a message over 10 MB is INVALID_ARGUMENT, and nothing is stored', async () => {
    const [topic] = await client.createTopic('huge-messages');
    const [sub] = await topic.createSubscription('huge-sub');
    await assert.rejects(topic.publishMessage({ data: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) }), code(3));
    const state = emulator.broker.subscription(sub.name);
    assert.equal(state.backlog, 0);
  });

  it('more than 100 attributes, or an attribute value over 1024 bytes, is INVALID_ARGUMENT', async () => {
    const [topic] = await client.createTopic('attribute-limits');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
    await assert.rejects(topic.publishMessage({ data: Buffer.from('x'), attributes: many }), code(3));
    await assert.rejects(topic.publishMessage({ data: Buffer.from('x'), attributes: { k: 'v'.repeat(1025) } }), code(3));
  });

  it('an ack deadline outside 10..600 s is INVALID_ARGUMENT', async () => {
    const [topic] = await client.createTopic('deadline-limits');
    await assert.rejects(topic.createSubscription('too-long', { ackDeadlineSeconds: 601 }), code(3));
  });

  it('max delivery attempts outside 5..100 is INVALID_ARGUMENT', async () => {
    const [topic] = await client.createTopic('dead-letter-limits');
    const [dead] = await client.createTopic('dead-letter-target');
    await assert.rejects(
      topic.createSubscription('bad-policy', { deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 4 } }),
      code(3),
    );
  });

  it('subscription metadata reads back as created', async () => {
    const [topic] = await client.createTopic('metadata-topic');
    const [sub] = await topic.createSubscription('metadata-sub', {
      ackDeadlineSeconds: 30,
      retainAckedMessages: true,
      enableMessageOrdering: true,
    });
    const [meta] = await sub.getMetadata();
    assert.equal(meta.topic, topic.name);
    assert.equal(meta.ackDeadlineSeconds, 30);
    assert.equal(meta.retainAckedMessages, true);
    assert.equal(meta.enableMessageOrdering, true);
  });

  it('deleting a topic leaves its subscriptions, attached to _deleted-topic_', async () => {
    const [topic] = await client.createTopic('doomed-topic');
    const [sub] = await topic.createSubscription('survivor');
    await topic.delete();
    const [meta] = await sub.getMetadata();
    assert.equal(meta.topic, '_deleted-topic_');
  });

  it('snapshots are UNIMPLEMENTED with a message saying so', async () => {
    const [topic] = await client.createTopic('snapshot-topic');
    const [sub] = await topic.createSubscription('snapshot-sub');
    await assert.rejects(sub.createSnapshot('snap'), (e: Error) => code(12)(e) && /not supported/.test(e.message));
  });
});
