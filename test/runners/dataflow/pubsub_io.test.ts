/** Dataflow's Pub/Sub read emits PubsubMessage protos; encoded here with the pubsub.proto shipped by @google-cloud/pubsub. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { Pipeline, read } from '../../../sdk';
import { translate } from '../../../runners/dataflow/translate';
import { validatePipeline } from '../../../runners/dataflow/validate';
import { salesAsMessages, salesSource } from './fixtures/conformance_transforms';
import {
  PubsubMessageToRaw,
  encodePubsubMessage,
  writePubsub,
  checkPubsubReadOptions,
  decodePubsubMessage,
  pubsubSource,
} from '../../../runners/dataflow/pubsub_io';

const PROTOS = join(require.resolve('@google-cloud/pubsub/package.json'), '..', 'build', 'protos');
// pubsub.proto imports google/api and google/protobuf files that google-gax (the client runtime) ships.
const GAX_PROTOS = join(__dirname, '..', '..', '..', 'node_modules', 'google-gax', 'build', 'protos');
let PubsubMessage: protobuf.Type;

describe('Pub/Sub on Dataflow', () => {
  before(async () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) =>
      [PROTOS, GAX_PROTOS].map((dir) => join(dir, target)).find((p) => existsSync(p)) ?? target;
    await root.load('google/pubsub/v1/pubsub.proto', { keepCase: false });
    PubsubMessage = root.lookupType('google.pubsub.v1.PubsubMessage');
  });

  it('decodes data, attributes, message id and publish time of a real PubsubMessage encoding', () => {
    const bytes = PubsubMessage.encode(
      PubsubMessage.fromObject({
        data: Buffer.from('{"event_id":"e1"}'),
        attributes: { event_time: '2026-03-01T09:00:00Z', source: 'web' },
        messageId: '1234567890',
        publishTime: { seconds: 1772355600, nanos: 123_456_789 },
        orderingKey: 'user-1',
      }),
    ).finish();
    const m = decodePubsubMessage(bytes);
    assert.equal(Buffer.from(m.data as Uint8Array).toString(), '{"event_id":"e1"}');
    assert.deepEqual(m.attributes, { event_time: '2026-03-01T09:00:00Z', source: 'web' });
    assert.equal(m.id, '1234567890');
    assert.equal(m.publishTimeMs, 1772355600123);
  });

  it('an empty message decodes to empty data, no attributes, epoch publish time', () => {
    assert.deepEqual(decodePubsubMessage(new Uint8Array(0)), {
      id: '',
      data: new Uint8Array(0),
      attributes: {},
      publishTimeMs: 0,
    });
  });

  it('truncated and garbage bytes: the decoder throws, the worker DoFn passes them on for the dead letter', () => {
    const full = PubsubMessage.encode(PubsubMessage.fromObject({ data: Buffer.from('x'.repeat(100)), messageId: 'm' })).finish();
    assert.throws(() => decodePubsubMessage(full.subarray(0, 10)), /runs past the end|truncated/);
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const [out] = new PubsubMessageToRaw().process(garbage);
    assert.match(out.id, /^undecodable-[0-9a-f]{32}$/);
    assert.deepEqual(out.data, garbage);
    assert.ok(out.attributes.decode_error.length > 0);
  });

  it('a huge payload (5 MB) decodes whole', () => {
    const data = Buffer.alloc(5 * 1024 * 1024, 7);
    const m = decodePubsubMessage(PubsubMessage.encode(PubsubMessage.fromObject({ data, messageId: 'big' })).finish());
    assert.equal((m.data as Uint8Array).length, data.length);
  });

  it('read options: exactly one of subscription and topic, full resource names, usable attribute names', () => {
    assert.throws(() => checkPubsubReadOptions({}), /exactly one of subscription and topic/);
    assert.throws(
      () =>
        checkPubsubReadOptions({ subscription: 'projects/my-project/subscriptions/s1', topic: 'projects/my-project/topics/t1' }),
      /exactly one/,
    );
    assert.throws(() => checkPubsubReadOptions({ subscription: 'events' }), /is not projects\/<project>\/subscriptions\/<name>/);
    assert.throws(
      () => checkPubsubReadOptions({ topic: 'projects/my-project/topics/events', idAttribute: 'goog-id' }),
      /idAttribute/,
    );
    const source = pubsubSource({ topic: 'projects/my-project/topics/events' });
    assert.equal(source.bounded, false);
    assert.throws(() => source.open({ clock: { now: () => 0 } }), /read natively by Dataflow/);
  });

  it('a Pub/Sub write becomes ToPubsubMessage + the native pubsub_write with its payload', () => {
    const p = new Pipeline();
    p.apply(read(salesSource({ sales: [{ shop: 'a', amount: 1, atMs: 0 }] }), 'ReadSales'))
      .apply(salesAsMessages())
      .apply(writePubsub({ topic: 'projects/my-project/topics/sales', idAttribute: 'sale_id' }, 'PublishSales'));
    const { proto } = translate(p);
    assert.deepEqual(validatePipeline(proto), []);
    const c = proto.components!;
    const write = Object.values(c.transforms).find((t) => t.spec?.urn === 'beam:transform:pubsub_write:v1');
    assert.ok(write);
    assert.equal(write.uniqueName, 'PublishSales/PubsubWrite');
    assert.equal(write.environmentId, '');
    assert.deepEqual(runnerApi.PubSubWritePayload.fromBinary(write.spec!.payload), {
      topic: 'projects/my-project/topics/sales',
      timestampAttribute: '',
      idAttribute: 'sale_id',
      topicRuntimeOverridden: '',
    });
    assert.throws(() => writePubsub({ topic: 'sales' }), /is not projects\/<project>\/topics\/<name>/);
  });

  it('messages are encoded as PubsubMessage protos (checked with pubsub.proto), and decode back', () => {
    const bytes = encodePubsubMessage({ data: '{"é":1}', attributes: { shop: 'lisbon', empty: '' } });
    const decoded = PubsubMessage.toObject(PubsubMessage.decode(bytes), { bytes: String }) as {
      data: string;
      attributes: Record<string, string>;
    };
    assert.equal(Buffer.from(decoded.data, 'base64').toString('utf8'), '{"é":1}');
    assert.deepEqual(decoded.attributes, { shop: 'lisbon', empty: '' });
    assert.deepEqual(decodePubsubMessage(bytes).attributes, { shop: 'lisbon', empty: '' });
    assert.equal(encodePubsubMessage({ data: new Uint8Array(0) }).length, 0);
  });
});
