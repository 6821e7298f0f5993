/**
 * The Pub/Sub servers the connector tests run against: tidemark's emulator (always), and gcloud's Java emulator
 * when this machine has it. Each backend sets PUBSUB_EMULATOR_HOST while it runs and restores it afterwards.
 */
import { type PubSubEmulator, startPubSubEmulator } from '../../../io/pubsub/emulator';
import {
  type RunningGcloudEmulator,
  gcloudPubSubEmulatorMissing,
  startGcloudPubSubEmulator,
} from '../../support/gcloud_pubsub_emulator';

export interface Backend {
  readonly name: string;
  /** Why the backend cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  start(): Promise<string>;
  stop(): Promise<void>;
  /** The tidemark emulator, for tests that look at its state. */
  readonly local?: () => PubSubEmulator | undefined;
  /** Features the backend does not have, each with the reason tests give when they skip it. */
  readonly lacks?: { readonly deadLetterForwarding?: string };
}

export function tidemarkEmulator(): Backend {
  let emulator: PubSubEmulator | undefined;
  return {
    name: 'tidemark emulator',
    unavailable: () => undefined,
    async start() {
      emulator = await startPubSubEmulator();
      return emulator.address;
    },
    async stop() {
      await emulator?.close();
      emulator = undefined;
    },
    local: () => emulator,
  };
}

export function gcloudEmulator(): Backend {
  let running: RunningGcloudEmulator | undefined;
  return {
    name: "gcloud's emulator",
    // Measured: it counts delivery_attempt but never publishes to the dead-letter topic.
    lacks: { deadLetterForwarding: "gcloud's emulator counts delivery attempts but does not forward to dead-letter topics" },
    unavailable: gcloudPubSubEmulatorMissing,
    async start() {
      running = await startGcloudPubSubEmulator();
      return running.address;
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
  };
}

/** Sets PUBSUB_EMULATOR_HOST (and METADATA_SERVER_DETECTION) for the duration of a suite; returns the restorer. */
export function pointClientsAt(address: string): () => void {
  const saved = { host: process.env.PUBSUB_EMULATOR_HOST, metadata: process.env.METADATA_SERVER_DETECTION };
  process.env.PUBSUB_EMULATOR_HOST = address;
  process.env.METADATA_SERVER_DETECTION = 'none';
  return () => {
    for (const [key, value] of [
      ['PUBSUB_EMULATOR_HOST', saved.host],
      ['METADATA_SERVER_DETECTION', saved.metadata],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
