/**
 * The Pub/Sub v1 service definition, loaded from the .proto files shipped inside @google-cloud/pubsub (and the
 * google/api, google/protobuf imports shipped inside google-gax), so the emulator speaks exactly the protocol
 * of the client version the project uses.
 */
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

function protoRoots(): { pubsubProtos: string; gaxProtos: string } {
  // build/src/index.js → build/protos
  const pubsubMain = require.resolve('@google-cloud/pubsub');
  const gaxMain = require.resolve('google-gax', { paths: [dirname(pubsubMain)] });
  return {
    pubsubProtos: join(dirname(pubsubMain), '..', 'protos'),
    gaxProtos: join(dirname(gaxMain), '..', 'protos'),
  };
}

export interface PubSubServiceDefinitions {
  readonly publisher: grpc.ServiceDefinition;
  readonly subscriber: grpc.ServiceDefinition;
}

let cached: PubSubServiceDefinitions | undefined;

/** The Publisher and Subscriber services (loaded once per process). */
export function pubSubServices(): PubSubServiceDefinitions {
  if (cached) return cached;
  const { pubsubProtos, gaxProtos } = protoRoots();
  const definition = protoLoader.loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs: [pubsubProtos, gaxProtos],
    // camelCase fields, int64 as JS numbers (counts and seconds fit), enums by name, absent fields undefined.
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    google: { pubsub: { v1: Record<'Publisher' | 'Subscriber', { service: grpc.ServiceDefinition }> } };
  };
  cached = { publisher: pkg.google.pubsub.v1.Publisher.service, subscriber: pkg.google.pubsub.v1.Subscriber.service };
  return cached;
}
