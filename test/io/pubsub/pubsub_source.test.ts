/**
 * The Pub/Sub source against a real Pub/Sub protocol server through the real client: tidemark's emulator, and
 * gcloud's Java emulator when installed (otherwise its suite is skipped, saying why). Both run the same tests.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PubSub, type Topic, v1 } from '@google-cloud/pubsub';
import { grpc } from 'google-gax';
import { generateMessages } from '../../../io/generator';
import { PubSubSource, type PubSubSourceOptions, type PubSubSourceReader } from '../../../io/pubsub';
import { openDuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { runMarketingEvents } from '../../../pipelines/run_marketing_events';
import { type Clock, ManualClock, systemClock, WATERMARK_DONE } from '../../../sdk';
import { type RawMessage } from '../../../transforms/records';
import { tempDir } from '../../cli/cli_harness';
import { type Backend, gcloudEmulator, pointClientsAt, tidemarkEmulator } from './backends';

const PROJECT = 'tidemark-test';
let counter = 0;
const unique = (prefix: string): string => `${prefix}-${++counter}-${Date.now().toString(36)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const text = (m: RawMessage): string => Buffer.from(m.data).toString();

interface Read {
  readonly values: RawMessage[];
  readonly timestamps: number[];
}

/** Reads until `n` messages came or `ms` passed. */
async function readUpTo(reader: PubSubSourceReader, n: number, ms: number): Promise<Read> {
  const out: Read = { values: [], timestamps: [] };
  const until = Date.now() + ms;
  while (out.values.length < n && Date.now() < until) {
    const b = await reader.read(n - out.values.length, 50);
    out.values.push(...b.values);
    out.timestamps.push(...b.timestamps);
  }
  return out;
}

function connectorSuite(backend: Backend): void {
  const why = backend.unavailable();
  const title = `Pub/Sub source through the real client against ${backend.name}${why ? ` — skipped: ${why}` : ''}`;
  describe(title, function () {
    this.timeout(60_000);
    let restore: (() => void) | undefined;
    let client: PubSub;
    let address = '';
    const readers: PubSubSourceReader[] = [];

    before(async function () {
      if (why) {
        this.skip();
        return;
      }
      address = await backend.start();
      restore = pointClientsAt(address);
      client = new PubSub({ projectId: PROJECT });
    });
    afterEach(async () => {
      for (const r of readers.splice(0)) await r.close();
    });
    after(async () => {
      await client?.close();
      await backend.stop();
      restore?.();
    });

    async function topicWithSubscription(
      options: Parameters<Topic['createSubscription']>[1] = {},
    ): Promise<{ topic: Topic; subscription: string }> {
      const [topic] = await client.createTopic(unique('topic'));
      const subscription = unique('sub');
      await topic.createSubscription(subscription, options);
      return { topic, subscription };
    }

    async function open(options: PubSubSourceOptions, clock: Clock = systemClock): Promise<PubSubSourceReader> {
      const reader = await new PubSubSource({ client, ...options } as PubSubSourceOptions).open({ clock });
      readers.push(reader);
      return reader;
    }

    async function closeReader(reader: PubSubSourceReader): Promise<void> {
      readers.splice(readers.indexOf(reader), 1);
      await reader.close();
    }

    async function publish(topic: Topic, messages: { data: string; attributes?: Record<string, string> }[]): Promise<string[]> {
      return Promise.all(
        messages.map((m) => topic.publishMessage({ data: Buffer.from(m.data), attributes: m.attributes ?? {} })),
      );
    }

    /** A low-level client for what the high-level one hides (Pull, explicit modAck deadlines, nack). */
    function rawSubscriber(): v1.SubscriberClient {
      const [host, port] = address.split(':');
      return new v1.SubscriberClient({ servicePath: host, port: Number(port), sslCreds: grpc.credentials.createInsecure() });
    }

    it('flow control: holds at most maxOutstandingMessages unacknowledged, more only after commit()', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await publish(
        topic,
        Array.from({ length: 12 }, (_, i) => ({ data: `m${i}` })),
      );
      const reader = await open({ subscription, maxOutstandingMessages: 5 });
      const first = await readUpTo(reader, 12, 800);
      assert.equal(first.values.length, 5, 'no more than 5 held before a commit');
      const seen = new Set(first.values.map(text));
      for (let round = 0; round < 10 && seen.size < 12; round++) {
        reader.commit();
        const more = await readUpTo(reader, 5, 800);
        assert.ok(more.values.length <= 5);
        for (const m of more.values) seen.add(text(m));
      }
      assert.equal(seen.size, 12);
    });

    it('a subscription held back by flow control is not idle: drain and idle watermark count from the last commit', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await publish(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ data: `m${i}`, attributes: { ts: String(1_000_000 + i) } })),
      );
      const clock = new ManualClock(Date.now());
      const reader = await open(
        {
          subscription,
          maxOutstandingMessages: 5,
          drainAfterIdleMs: 1_000,
          idleTimeoutMs: 1_000,
          timestampAttribute: 'ts',
          maxOutOfOrderMs: 0,
        },
        clock,
      );
      assert.equal((await readUpTo(reader, 10, 800)).values.length, 5);
      clock.advanceBy(60_000); // a slow bundle: a minute without arrivals, because none were allowed
      reader.commit();
      const watermark = reader.watermark();
      assert.notEqual(watermark, WATERMARK_DONE, 'a commit after backpressure must not end the stream');
      assert.ok(watermark <= 1_000_004, `no idle jump of the watermark (${watermark})`);
      assert.equal((await readUpTo(reader, 5, 5000)).values.length, 5, 'the rest arrives once acks free the window');
      reader.commit();
      clock.advanceBy(1_000);
      assert.equal(reader.watermark(), WATERMARK_DONE, 'truly quiet for drainAfterIdleMs after the last commit: done');
    });

    it('acks only in commit(): closing without commit redelivers everything read, committed messages never come back', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const ids = await publish(topic, [{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
      const a = await open({ subscription });
      const first = await readUpTo(a, 3, 5000);
      assert.deepEqual(first.values.map(text).sort(), ['a', 'b', 'c']);
      await closeReader(a); // no commit: all three are nacked
      const b = await open({ subscription });
      const again = await readUpTo(b, 3, 5000);
      assert.deepEqual(again.values.map((m) => m.id).sort(), [...ids].sort(), 'the same messages, redelivered');
      b.commit();
      assert.equal(b.stats().acked, 3);
      await closeReader(b);
      const c = await open({ subscription });
      assert.equal((await readUpTo(c, 1, 1500)).values.length, 0, 'acknowledged messages are gone');
    });

    it('commit() acknowledges only what was read before it, not what arrived after', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await publish(topic, [{ data: 'first' }]);
      const reader = await open({ subscription });
      assert.deepEqual((await readUpTo(reader, 1, 5000)).values.map(text), ['first']);
      await publish(topic, [{ data: 'second' }]);
      await sleep(500); // 'second' is now buffered in the reader, not read
      reader.commit();
      assert.equal(reader.stats().acked, 1);
      await closeReader(reader); // nacks 'second'
      const next = await open({ subscription });
      assert.deepEqual((await readUpTo(next, 2, 3000)).values.map(text), ['second']);
    });

    it('redelivers a message whose ack deadline expired', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const [id] = await publish(topic, [{ data: 'slow' }]);
      const raw = rawSubscriber();
      try {
        const name = client.subscription(subscription).name;
        const [first] = await raw.pull({ subscription: name, maxMessages: 10 });
        assert.equal(first.receivedMessages?.[0]?.message?.messageId, id);
        const ackId = first.receivedMessages![0].ackId!;
        await raw.modifyAckDeadline({ subscription: name, ackIds: [ackId], ackDeadlineSeconds: 1 });
        await sleep(1500);
        const [second] = await raw.pull({ subscription: name, maxMessages: 10 });
        assert.equal(second.receivedMessages?.[0]?.message?.messageId, id, 'redelivered after the deadline');
        assert.notEqual(second.receivedMessages?.[0]?.ackId, ackId, 'with a new ack id');
      } finally {
        await raw.close();
      }
    });

    it('redelivers a nacked message (modAck 0) at once', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const [id] = await publish(topic, [{ data: 'nacked' }]);
      const raw = rawSubscriber();
      try {
        const name = client.subscription(subscription).name;
        const [first] = await raw.pull({ subscription: name, maxMessages: 10 });
        await raw.modifyAckDeadline({ subscription: name, ackIds: [first.receivedMessages![0].ackId!], ackDeadlineSeconds: 0 });
        const started = Date.now();
        const [second] = await raw.pull({ subscription: name, maxMessages: 10 });
        assert.equal(second.receivedMessages?.[0]?.message?.messageId, id);
        assert.ok(Date.now() - started < 5000);
      } finally {
        await raw.close();
      }
    });

    it('drops duplicates by id attribute, uses the id downstream, and acknowledges them on commit', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await publish(topic, [
        { data: 'one', attributes: { uid: 'u-1' } },
        { data: 'two', attributes: { uid: 'u-2' } },
        { data: 'one again', attributes: { uid: 'u-1' } },
      ]);
      const reader = await open({ subscription, idAttribute: 'uid' });
      const got = await readUpTo(reader, 3, 2000);
      assert.deepEqual(got.values.map((m) => m.id).sort(), ['u-1', 'u-2']);
      assert.equal(reader.stats().duplicatesDropped, 1);
      reader.commit();
      assert.equal(reader.stats().acked, 3, 'the duplicate is acknowledged with the rest');
      await closeReader(reader);
      const next = await open({ subscription, idAttribute: 'uid' });
      assert.equal((await readUpTo(next, 1, 1500)).values.length, 0);
    });

    it('event time: attribute (RFC 3339 or epoch ms), else payload field, else publish time; attributes kept', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const before = Date.now() - 1000;
      await publish(topic, [
        { data: 'rfc', attributes: { ts: '2024-01-02T03:04:05.678Z', origin: 'x' } },
        { data: 'millis', attributes: { ts: '1700000000123' } },
        { data: '{"event_time":"2023-05-06T07:08:09Z"}', attributes: { ts: 'not a time' } },
        { data: 'not json at all' },
      ]);
      const after = Date.now() + 1000;
      const reader = await open({ subscription, timestampAttribute: 'ts', timestampField: 'event_time' });
      const got = await readUpTo(reader, 4, 5000);
      const byText = new Map(got.values.map((m, i) => [text(m), { m, t: got.timestamps[i] }]));
      assert.equal(byText.get('rfc')?.t, Date.parse('2024-01-02T03:04:05.678Z'));
      assert.deepEqual(byText.get('rfc')?.m.attributes, { ts: '2024-01-02T03:04:05.678Z', origin: 'x' });
      assert.equal(byText.get('millis')?.t, 1_700_000_000_123);
      assert.equal(byText.get('{"event_time":"2023-05-06T07:08:09Z"}')?.t, Date.parse('2023-05-06T07:08:09Z'));
      const fallback = byText.get('not json at all');
      assert.ok(fallback && fallback.t >= before && fallback.t <= after, 'publish time');
      assert.equal(fallback.t, fallback.m.publishTimeMs);
    });

    it('the watermark stays behind the oldest unacknowledged event time, then follows the largest one', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await publish(topic, [
        { data: 'old', attributes: { ts: '1000000' } },
        { data: 'new', attributes: { ts: '5000000' } },
      ]);
      const reader = await open({ subscription, timestampAttribute: 'ts', maxOutOfOrderMs: 0 });
      assert.equal((await readUpTo(reader, 2, 5000)).values.length, 2);
      assert.ok(reader.watermark() <= 1_000_000, `held at the oldest unacked (${reader.watermark()})`);
      reader.commit();
      assert.equal(reader.watermark(), 5_000_000);
    });

    it('ordering keys: each key in publish order, and again after a redelivery', async () => {
      const [topic] = await client.createTopic(unique('ordered'));
      const subscription = unique('sub');
      await topic.createSubscription(subscription, { enableMessageOrdering: true });
      const publisher = client.topic(topic.name, { messageOrdering: true });
      const sent: Promise<string>[] = [];
      for (let i = 0; i < 5; i++) {
        for (const key of ['k1', 'k2'])
          sent.push(publisher.publishMessage({ data: Buffer.from(`${key}:${i}`), orderingKey: key }));
      }
      await Promise.all(sent);
      const perKey = (values: RawMessage[]): Record<string, string[]> => {
        const out: Record<string, string[]> = {};
        for (const m of values) (out[text(m).split(':')[0]] ??= []).push(text(m));
        return out;
      };
      const expected = { k1: [0, 1, 2, 3, 4].map((i) => `k1:${i}`), k2: [0, 1, 2, 3, 4].map((i) => `k2:${i}`) };
      const a = await open({ subscription });
      assert.deepEqual(perKey((await readUpTo(a, 10, 5000)).values), expected);
      await closeReader(a);
      const b = await open({ subscription });
      assert.deepEqual(perKey((await readUpTo(b, 10, 5000)).values), expected);
    });

    it('seek to a time replays acknowledged messages of a subscription that retains them', async () => {
      const { topic, subscription } = await topicWithSubscription({ retainAckedMessages: true });
      const before = new Date(Date.now() - 2000);
      await publish(topic, [{ data: 'r1' }, { data: 'r2' }]);
      const a = await open({ subscription });
      assert.equal((await readUpTo(a, 2, 5000)).values.length, 2);
      a.commit();
      await closeReader(a);
      await client.subscription(subscription).seek(before);
      const b = await open({ subscription });
      assert.deepEqual((await readUpTo(b, 2, 5000)).values.map(text).sort(), ['r1', 'r2']);
    });

    it('dead-letter policy: after max delivery attempts the message moves to the dead-letter topic', async function () {
      const [deadTopic] = await client.createTopic(unique('dead'));
      const deadSub = unique('dead-sub');
      await deadTopic.createSubscription(deadSub);
      const { topic, subscription } = await topicWithSubscription({
        deadLetterPolicy: { deadLetterTopic: deadTopic.name, maxDeliveryAttempts: 5 },
      });
      await publish(topic, [{ data: 'poison', attributes: { origin: 'test' } }]);
      const raw = rawSubscriber();
      try {
        const name = client.subscription(subscription).name;
        const attempts: number[] = [];
        for (let i = 0; i < 5; i++) {
          const [r] = await raw.pull({ subscription: name, maxMessages: 1 });
          const received = r.receivedMessages?.[0];
          assert.ok(received, `delivery ${i + 1}`);
          attempts.push(received.deliveryAttempt ?? 0);
          await raw.modifyAckDeadline({ subscription: name, ackIds: [received.ackId!], ackDeadlineSeconds: 0 });
        }
        assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
        const gap = backend.lacks?.deadLetterForwarding;
        if (gap) {
          this.test!.title += ` — forwarding not checked: ${gap}`;
          this.skip();
        }
        const reader = await open({ subscription: deadSub });
        const dead = await readUpTo(reader, 1, 10_000);
        assert.deepEqual(dead.values.map(text), ['poison']);
        assert.equal(dead.values[0].attributes.origin, 'test');
      } finally {
        await raw.close();
      }
    });

    it('a topic read creates a subscription of its own and deletes it on close', async () => {
      const [topic] = await client.createTopic(unique('topic-read'));
      const reader = await open({ topic: topic.name });
      await publish(topic, [{ data: 'hello' }]);
      assert.deepEqual((await readUpTo(reader, 1, 5000)).values.map(text), ['hello']);
      const name = reader.subscriptionName;
      reader.commit();
      await closeReader(reader);
      const [exists] = await client.subscription(name).exists();
      assert.equal(exists, false);
    });

    it('a missing subscription is a clear error at open, naming it', async () => {
      await assert.rejects(
        new PubSubSource({ client, subscription: 'no-such-subscription' }).open({ clock: systemClock }),
        /subscription projects\/tidemark-test\/subscriptions\/no-such-subscription does not exist/,
      );
      await assert.rejects(
        new PubSubSource({ client, topic: 'no-such-topic' }).open({ clock: systemClock }),
        /topic projects\/tidemark-test\/topics\/no-such-topic does not exist/,
      );
    });

    it('malformed payloads end in dead_letter with their attributes; valid ones in events; all acknowledged', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const valid = Array.from(
        generateMessages({
          events: 5,
          seed: 3,
          malformedRate: 0,
          duplicateRate: 0,
          lateRate: 0,
          startTime: Date.now() - 60_000,
        }),
      );
      assert.ok(valid.every((m) => m.kind === 'valid'));
      await publish(topic, [
        ...valid.map((m) => ({ data: m.data, attributes: { ...m.attributes, origin: 'connector-test' } })),
        { data: 'this is not JSON', attributes: { origin: 'connector-test', case: 'garbage' } },
        { data: '{"event_id": 5}', attributes: { origin: 'connector-test', case: 'invalid' } },
      ]);
      const dir = tempDir('pubsub-dead-letter');
      try {
        const warehousePath = join(dir.path, 'wh.duckdb');
        const summary = await runMarketingEvents({
          source: { kind: 'pubsub', options: { client, subscription, drainAfterIdleMs: 1500 } },
          warehousePath,
        });
        assert.equal(summary.events_in, 7);
        assert.equal(summary.events_written, 5);
        assert.equal(summary.dead_letter, 2);
        const warehouse = await openDuckDbWarehouse(warehousePath, { readOnly: true });
        try {
          const rows = (await warehouse.query('SELECT attributes FROM dead_letter')) as { attributes: unknown }[];
          const cases = rows
            .map((r) => (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) as Record<string, string>)
            .map((a) => `${a.origin}/${a.case}`)
            .sort();
          assert.deepEqual(cases, ['connector-test/garbage', 'connector-test/invalid']);
        } finally {
          await warehouse.close();
        }
        const after = await open({ subscription });
        assert.equal((await readUpTo(after, 1, 1500)).values.length, 0, 'everything was acknowledged');
      } finally {
        dir.cleanup();
      }
    });
  });
}

connectorSuite(tidemarkEmulator());
connectorSuite(gcloudEmulator());
