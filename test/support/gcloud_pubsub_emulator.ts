/**
 * gcloud's Java Pub/Sub emulator, on the machines that have it: started on a free 127.0.0.1 port and stopped again,
 * for the connector tests and the `pubsub` benchmark, which run the same client against it and tidemark's emulator.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const GCLOUD_PUBSUB_EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

/** Why gcloud's emulator cannot run here, or undefined when it can. */
export function gcloudPubSubEmulatorMissing(): string | undefined {
  return existsSync(GCLOUD_PUBSUB_EMULATOR)
    ? undefined
    : `gcloud's Pub/Sub emulator is not installed (${GCLOUD_PUBSUB_EMULATOR})`;
}

export interface RunningGcloudEmulator {
  /** host:port, for PUBSUB_EMULATOR_HOST. */
  readonly address: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
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

/** Starts it and waits until it says it serves (it boots a JVM: seconds; at most 60 s). */
export async function startGcloudPubSubEmulator(): Promise<RunningGcloudEmulator> {
  const port = await freePort();
  const child = spawn(GCLOUD_PUBSUB_EMULATOR, ['--host=127.0.0.1', `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gcloud's emulator exited with ${code}:\n${log}`));
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
