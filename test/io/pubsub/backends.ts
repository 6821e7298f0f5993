/**
 * The Pub/Sub servers the connector tests run against: tidemark's emulator (always), and gcloud's Java emulator
 * when this machine has it. Each backend sets PUBSUB_EMULATOR_HOST while it runs and restores it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { type PubSubEmulator, startPubSubEmulator } from '../../../io/pubsub/emulator';

export const GCLOUD_EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function gcloudEmulator(): Backend {
  let child: ChildProcess | undefined;
  return {
    name: "gcloud's emulator",
    // Measured: it counts delivery_attempt but never publishes to the dead-letter topic.
    lacks: { deadLetterForwarding: "gcloud's emulator counts delivery attempts but does not forward to dead-letter topics" },
    unavailable: () =>
      existsSync(GCLOUD_EMULATOR) ? undefined : `gcloud's Pub/Sub emulator is not installed (${GCLOUD_EMULATOR})`,
    async start() {
      const port = await freePort();
      const proc = spawn(GCLOUD_EMULATOR, [`--host=127.0.0.1`, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      await new Promise<void>((resolve, reject) => {
        let log = '';
        const timer = setTimeout(() => reject(new Error(`gcloud's emulator did not start in 60 s:\n${log}`)), 60_000);
        const onData = (chunk: Buffer): void => {
          log += chunk.toString();
          if (log.includes('Server started')) {
            clearTimeout(timer);
            resolve();
          }
        };
        proc.stdout?.on('data', onData);
        proc.stderr?.on('data', onData);
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`gcloud's emulator exited with ${code}:\n${log}`));
        });
      });
      return `127.0.0.1:${port}`;
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      });
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
