/**
 * Section `pubsub`: end-to-end messages/s from `tidemark publish` through the marketing pipeline into DuckDB, via a
 * Pub/Sub emulator and the real client: tidemark's emulator, and gcloud's Java emulator when installed. Three
 * processes per run (emulator, publisher, pipeline), as in a real deployment where they are different machines.
 *
 * Each is measured twice: with the marketing pipeline as the consumer (the number), and with the Pub/Sub
 * source alone acknowledging what it reads (what the emulator and the client carry, without the pipeline's cost).
 *
 * JSON keys: pubsub_msgs_per_s, pubsub_msgs_per_s_gcloud_emulator (null when gcloud's emulator is absent),
 * pubsub_transport_msgs_per_s, pubsub_transport_msgs_per_s_gcloud_emulator, pubsub_publish_msgs_per_s,
 * pubsub_messages.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Section } from '../section';
import { scaled } from '../scale';
import { BENCH_DIR, PROJECT_ROOT, benchSeed, num } from '../harness';
import { gcloudPubSubEmulatorMissing, startGcloudPubSubEmulator } from '../../test/support/gcloud_pubsub_emulator';

const MESSAGES = 200_000;

interface EndToEnd {
  readonly msgs_per_s: number | null;
  readonly seconds: number;
  readonly publish_msgs_per_s: number | null;
  readonly events_in: number;
}

interface RunningEmulator {
  readonly address: string;
  stop(): Promise<void>;
}

function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s`)), 60_000);
    const onData = (c: Buffer): void => {
      log += c.toString();
      const m = pattern.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${log.slice(-500)}`));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
}

async function startTidemarkEmulator(): Promise<RunningEmulator> {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', join(PROJECT_ROOT, 'cli', 'main.ts'), 'emulator', 'pubsub', '--port', '0'],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const m = await waitFor(child, /listening on (127\.0\.0\.1:\d+)/, "tidemark's emulator");
  return { address: m[1], stop: stopper(child) };
}

type Mode = 'pipeline' | 'transport';

function endToEnd(address: string, n: number, seed: number, mode: Mode): EndToEnd | undefined {
  const r = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', join(BENCH_DIR, 'pubsub_end_to_end.ts'), address, String(n), String(seed), mode],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 20 * 60_000,
    },
  );
  if (r.status !== 0) {
    process.stdout.write(`  end-to-end run failed (exit ${r.status ?? r.signal})\n`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as EndToEnd;
}

async function measure(
  start: () => Promise<RunningEmulator>,
  n: number,
  seed: number,
  mode: Mode,
): Promise<EndToEnd | undefined> {
  // A fresh emulator per measurement: nothing retained from an earlier run weighs on the next.
  const emulator = await start();
  try {
    return endToEnd(emulator.address, n, seed, mode);
  } finally {
    await emulator.stop();
  }
}

function row(label: string, r: EndToEnd | undefined | null, note = ''): string {
  if (r === null) return `  ${label.padEnd(34)} ${'—'.padStart(12)}  ${note}\n`;
  const fmt = (x: number | null | undefined): string => (x == null ? 'failed' : x.toLocaleString('en-US'));
  return `  ${label.padEnd(34)} ${fmt(r?.msgs_per_s).padStart(12)}  ${fmt(r?.publish_msgs_per_s).padStart(14)}  ${note}\n`;
}

export const pubsubSection: Section = {
  name: 'pubsub',
  description: 'end-to-end msg/s: tidemark publish → Pub/Sub emulator → marketing pipeline → DuckDB, real client',
  async run() {
    const seed = benchSeed();
    const n = scaled(MESSAGES);
    const absent = gcloudPubSubEmulatorMissing() ?? '';
    const gcloudPresent = absent === '';
    const ours = await measure(startTidemarkEmulator, n, seed, 'pipeline');
    const oursTransport = await measure(startTidemarkEmulator, n, seed, 'transport');
    const gcloud = gcloudPresent ? await measure(startGcloudPubSubEmulator, n, seed, 'pipeline') : null;
    const gcloudTransport = gcloudPresent ? await measure(startGcloudPubSubEmulator, n, seed, 'transport') : null;
    process.stdout.write(
      `\nPub/Sub end to end, ${n.toLocaleString('en-US')} generated messages (publisher, emulator, consumer: 3 processes)\n` +
        `  ${'emulator, consumer'.padEnd(34)} ${'msgs/s'.padStart(12)}  ${'publish only/s'.padStart(14)}\n` +
        row("tidemark's, marketing pipeline", ours) +
        row("tidemark's, source only (ack)", oursTransport) +
        row("gcloud's, marketing pipeline", gcloud, gcloudPresent ? '' : absent) +
        row("gcloud's, source only (ack)", gcloudTransport, gcloudPresent ? '' : absent),
    );
    return {
      pubsub_messages: n,
      pubsub_msgs_per_s: num(ours?.msgs_per_s ?? undefined),
      pubsub_msgs_per_s_gcloud_emulator: gcloud ? num(gcloud.msgs_per_s ?? undefined) : null,
      pubsub_transport_msgs_per_s: num(oursTransport?.msgs_per_s ?? undefined),
      pubsub_transport_msgs_per_s_gcloud_emulator: gcloudTransport ? num(gcloudTransport.msgs_per_s ?? undefined) : null,
      pubsub_publish_msgs_per_s: num(ours?.publish_msgs_per_s ?? undefined),
    };
  },
};
