/**
 * Pub/Sub on Dataflow. Dataflow reads and writes Pub/Sub itself (its native `beam:transform:pubsub_read:v1` /
 * `pubsub_write:v1`), so the translator emits those transforms with their payloads instead of running a client
 * on the workers; apache-beam's own readFromPubSub would need the Java expansion service at construction
 * (FACTS.md). A pipeline names the read with `pubsubSource(options)`: a source that carries its spec and is
 * only ever read by Dataflow (locally, use the io/ Pub/Sub source with the same options).
 */
import { createHash } from 'node:crypto';
import 'apache-beam';
import { requireForSerialization } from 'apache-beam/serialization';
import {
  type FnSpec,
  type PCollection,
  type PTransform,
  PipelineConstructionError,
  type Source,
  type SourceReader,
  parDo,
  withSpec,
} from '../../sdk';
import { type RawMessage } from '../../transforms/records';

export const PUBSUB_IO_MODULE = 'tidemark/runners/dataflow/pubsub_io';
export const PUBSUB_READ_URN = 'beam:transform:pubsub_read:v1';
export const PUBSUB_WRITE_URN = 'beam:transform:pubsub_write:v1';

export interface PubsubReadOptions {
  /** projects/P/subscriptions/S. Exactly one of subscription and topic (a topic gets a subscription made by Dataflow). */
  readonly subscription?: string;
  readonly topic?: string;
  /** Attribute holding a unique id: Dataflow drops redeliveries with an id it has seen (about 10 minutes). */
  readonly idAttribute?: string;
  /**
   * Attribute holding the event time (RFC 3339 or ms since the epoch): Dataflow then stamps elements with it and
   * derives the watermark from it. Without it, the watermark follows publish time.
   */
  readonly timestampAttribute?: string;
}

const SUBSCRIPTION = /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/subscriptions\/[A-Za-z][\w.~+%-]{2,254}$/;
const TOPIC = /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/topics\/[A-Za-z][\w.~+%-]{2,254}$/;

export function checkPubsubReadOptions(options: PubsubReadOptions): void {
  const { subscription, topic } = options;
  if ((subscription === undefined) === (topic === undefined)) {
    throw new PipelineConstructionError('Pub/Sub read: give exactly one of subscription and topic');
  }
  if (subscription !== undefined && !SUBSCRIPTION.test(subscription)) {
    throw new PipelineConstructionError(
      `Pub/Sub read: subscription '${subscription}' is not projects/<project>/subscriptions/<name>`,
    );
  }
  if (topic !== undefined && !TOPIC.test(topic)) {
    throw new PipelineConstructionError(`Pub/Sub read: topic '${topic}' is not projects/<project>/topics/<name>`);
  }
  for (const [what, value] of [
    ['idAttribute', options.idAttribute],
    ['timestampAttribute', options.timestampAttribute],
  ] as const) {
    if (value !== undefined && (value.length === 0 || value.length > 256 || value.startsWith('goog'))) {
      throw new PipelineConstructionError(`Pub/Sub read: ${what} '${value}' is not a usable attribute name`);
    }
  }
}

/** The marketing pipeline's messages, read by Dataflow from Pub/Sub. */
export function pubsubSource(options: PubsubReadOptions): Source<RawMessage> {
  checkPubsubReadOptions(options);
  const spec: FnSpec = { module: PUBSUB_IO_MODULE, exportName: 'pubsubSource', options: { ...options } };
  return {
    description: `Pub/Sub ${options.subscription ?? options.topic} (read by Dataflow)`,
    bounded: false,
    spec,
    open(): SourceReader<RawMessage> {
      throw new Error(
        'this Pub/Sub source is read natively by Dataflow; to read Pub/Sub locally use `tidemark run --source pubsub`',
      );
    },
  };
}

export function isPubsubSourceSpec(spec: FnSpec | undefined): spec is FnSpec & { options: PubsubReadOptions } {
  return spec?.module === PUBSUB_IO_MODULE && spec.exportName === 'pubsubSource';
}

export interface PubsubWriteOptions {
  /** projects/P/topics/T. */
  readonly topic: string;
  /** Attribute Dataflow sets to a unique id per message (for subscribers that dedupe by it). */
  readonly idAttribute?: string;
  /** Attribute Dataflow sets to the element's event time. */
  readonly timestampAttribute?: string;
}

/** A message to publish. */
export interface OutgoingMessage {
  readonly data: string | Uint8Array;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function isPubsubWriteSpec(spec: FnSpec | undefined): spec is FnSpec & { options: PubsubWriteOptions } {
  return spec?.module === PUBSUB_IO_MODULE && spec.exportName === 'writePubsub';
}

/**
 * Publishes every element to a topic, written natively by Dataflow (`pubsub_write`). It has no local
 * implementation: on the direct runner use the io/ Pub/Sub sink with the same options.
 */
export function writePubsub(
  options: PubsubWriteOptions,
  name = 'WriteToPubsub',
): PTransform<PCollection<OutgoingMessage>, PCollection<never>> {
  if (!TOPIC.test(options.topic))
    throw new PipelineConstructionError(`Pub/Sub write: topic '${options.topic}' is not projects/<project>/topics/<name>`);
  return withSpec(
    { module: PUBSUB_IO_MODULE, exportName: 'writePubsub', options: { ...options } },
    parDo<OutgoingMessage, never>(
      {
        process() {
          throw new Error(`${name} is written natively by Dataflow; on the direct runner use the io/ Pub/Sub sink`);
        },
      },
      {},
      name,
    ),
  );
}

// --- google.pubsub.v1.PubsubMessage, encoded and decoded by hand (5 fields) so workers need no protobuf library ----------

function readVarint(buf: Uint8Array, pos: { i: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos.i >= buf.length) throw new Error('PubsubMessage: truncated varint');
    const b = buf[pos.i++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
    if (shift > 63) throw new Error('PubsubMessage: varint too long');
  }
}

function readBytes(buf: Uint8Array, pos: { i: number }): Uint8Array {
  const len = readVarint(buf, pos);
  if (pos.i + len > buf.length) throw new Error('PubsubMessage: field runs past the end');
  const out = buf.subarray(pos.i, pos.i + len);
  pos.i += len;
  return out;
}

function skip(buf: Uint8Array, pos: { i: number }, wireType: number): void {
  if (wireType === 0) readVarint(buf, pos);
  else if (wireType === 1) pos.i += 8;
  else if (wireType === 2) readBytes(buf, pos);
  else if (wireType === 5) pos.i += 4;
  else throw new Error(`PubsubMessage: unsupported wire type ${wireType}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function fields(buf: Uint8Array, each: (field: number, wireType: number, pos: { i: number }) => void): void {
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = readVarint(buf, pos);
    each(Math.floor(tag / 8), tag % 8, pos);
    if (pos.i > buf.length) throw new Error('PubsubMessage: field runs past the end');
  }
}

/** A PubsubMessage as Dataflow's read emits it with attributes (data, attributes, message_id, publish_time). */
export function decodePubsubMessage(buf: Uint8Array): RawMessage {
  let data: Uint8Array = new Uint8Array(0);
  const attributes: Record<string, string> = {};
  let id = '';
  let publishTimeMs = 0;
  fields(buf, (field, wireType, pos) => {
    if (wireType !== 2) return skip(buf, pos, wireType);
    const bytes = readBytes(buf, pos);
    if (field === 1) data = bytes.slice();
    else if (field === 3) id = utf8.decode(bytes);
    else if (field === 2) {
      let key = '';
      let value = '';
      fields(bytes, (f, wt, p) => {
        if (wt !== 2) return skip(bytes, p, wt);
        const b = readBytes(bytes, p);
        if (f === 1) key = utf8.decode(b);
        else if (f === 2) value = utf8.decode(b);
      });
      attributes[key] = value;
    } else if (field === 4) {
      let secondsPart = 0;
      let nanos = 0;
      fields(bytes, (f, wt, p) => {
        if (wt !== 0) return skip(bytes, p, wt);
        if (f === 1) secondsPart = readVarint(bytes, p);
        else if (f === 2) nanos = readVarint(bytes, p);
      });
      publishTimeMs = secondsPart * 1000 + Math.floor(nanos / 1e6);
    }
  });
  return { id, data, attributes, publishTimeMs };
}

function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push(v % 0x80 | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function lengthDelimited(field: number, bytes: Uint8Array, out: number[]): void {
  varint(field * 8 + 2, out);
  varint(bytes.length, out);
  for (const b of bytes) out.push(b);
}

const utf8Encoder = new TextEncoder();

/** The PubsubMessage bytes Dataflow's Pub/Sub write takes: data and attributes. */
export function encodePubsubMessage(message: OutgoingMessage): Uint8Array {
  const out: number[] = [];
  const data = typeof message.data === 'string' ? utf8Encoder.encode(message.data) : message.data;
  if (data.length > 0) lengthDelimited(1, data, out);
  for (const [key, value] of Object.entries(message.attributes ?? {})) {
    const entry: number[] = [];
    lengthDelimited(1, utf8Encoder.encode(key), entry);
    lengthDelimited(2, utf8Encoder.encode(value), entry);
    lengthDelimited(2, Uint8Array.from(entry), out);
  }
  return Uint8Array.from(out);
}

/** Elements of a Pub/Sub write → PubsubMessage bytes. */
export class ToPubsubMessage {
  readonly beamName = 'ToPubsubMessage';
  process(element: OutgoingMessage): Uint8Array[] {
    return [encodePubsubMessage(element)];
  }
}

/**
 * Dataflow's Pub/Sub read output (PubsubMessage bytes) → the RawMessage the pipeline's parser takes. Bytes that
 * are not a PubsubMessage become a message with those bytes as data, so the parser dead-letters them instead of
 * the bundle failing forever on a poison message.
 */
export class PubsubMessageToRaw {
  readonly beamName = 'PubsubMessageToRaw';
  process(element: Uint8Array): RawMessage[] {
    try {
      return [decodePubsubMessage(element)];
    } catch (error) {
      const id = `undecodable-${createHash('sha256').update(element).digest('hex').slice(0, 32)}`;
      return [{ id, data: element, attributes: { decode_error: (error as Error).message }, publishTimeMs: Date.now() }];
    }
  }
}

requireForSerialization(PUBSUB_IO_MODULE, { PubsubMessageToRaw, ToPubsubMessage, pubsubSource, writePubsub });
