/**
 * A local Pub/Sub emulator: the Publisher and Subscriber gRPC services on 127.0.0.1, in this process. Point the
 * real client at it with PUBSUB_EMULATOR_HOST=<address> (or `apiEndpoint` + insecure credentials).
 */
import * as grpc from '@grpc/grpc-js';
import { Broker } from './broker';
import { pubSubServices } from './proto';
import { publisherHandlers, subscriberHandlers } from './pubsub_service';

export interface PubSubEmulatorOptions {
  /** Default 127.0.0.1: the emulator has no authentication, so it listens on loopback only. */
  readonly host?: string;
  /** Default 0: a free port chosen by the system. */
  readonly port?: number;
}

export interface PubSubEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the value of PUBSUB_EMULATOR_HOST. */
  readonly address: string;
  readonly broker: Broker;
  close(): Promise<void>;
}

export async function startPubSubEmulator(options: PubSubEmulatorOptions = {}): Promise<PubSubEmulator> {
  const host = options.host ?? '127.0.0.1';
  const requested = options.port ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new RangeError(`port must be a whole number from 0 to 65535, got ${requested}`);
  }
  const broker = new Broker();
  // Publish requests may carry 10 MB messages; responses are capped by the broker below 20 MB.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 20 * 1024 * 1024 + 1024 });
  const services = pubSubServices();
  server.addService(services.publisher, publisherHandlers(broker));
  server.addService(services.subscriber, subscriberHandlers(broker));
  const hostPart = host.includes(':') ? `[${host}]` : host;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${hostPart}:${requested}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
  } catch (e) {
    broker.close();
    throw new Error(`cannot listen on ${hostPart}:${requested}: ${(e as Error).message}`);
  }
  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    address: `${hostPart}:${port}`,
    broker,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        broker.close();
        // Open StreamingPull calls never end on their own: give calls a moment, then cut them.
        const force = setTimeout(() => server.forceShutdown(), 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closed;
    },
  };
}
