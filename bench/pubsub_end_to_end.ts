/**
 * One end-to-end Pub/Sub measurement, run as a child process by bench/sections/pubsub.ts:
 * `pubsub_end_to_end.ts ADDRESS N SEED MODE` creates a topic and subscription on the emulator at ADDRESS, starts
 * `tidemark publish` of N generated events in another process, and consumes the subscription in this process:
 *   - MODE `pipeline`: the marketing pipeline into a fresh DuckDB file (acks after each durable bundle);
 *   - MODE `transport`: the Pub/Sub source alone, committing (acknowledging) every batch it reads.
 * It prints one JSON line: msgs_per_s = N / (last message durable − first message received), i.e. the rate once
 * messages flow, with publishing, delivery, processing and acknowledgement all running at once (the publisher's
 * process start-up is left out); publish_msgs_per_s is the publisher's own rate.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubSource } from '../io/pubsub';
import { runMarketingEvents } from '../pipelines/run_marketing_events';
import { systemClock } from '../sdk';
import { PROJECT_ROOT } from './harness';

async function main(): Promise<void> {
  const [address, nText, seedText, mode] = process.argv.slice(2);
  const n = Number(nText);
  const seed = Number(seedText);
  process.env.METADATA_SERVER_DETECTION = 'none';
  const project = 'tidemark-bench';
  const client = new PubSub({ projectId: project, apiEndpoint: address, emulatorMode: true });
  const id = `bench-${Date.now().toString(36)}`;
  const [topic] = await client.createTopic(id);
  await topic.createSubscription(id);
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-pubsub-'));
  let publisher: ChildProcess | undefined;
  try {
    let publishOut = '';
    publisher = spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        join(PROJECT_ROOT, 'cli', 'main.ts'),
        'publish',
        '--project',
        project,
        '--topic',
        id,
        '--events',
        String(n),
        '--seed',
        String(seed),
        '--json',
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, PUBSUB_EMULATOR_HOST: address }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    publisher.stdout?.on('data', (c: Buffer) => (publishOut += c.toString()));
    const published = new Promise<number>((resolve) => publisher?.once('exit', (code) => resolve(code ?? -1)));
    let first = 0;
    let last = 0;
    let summary: { events_in: number; events_written?: number; dead_letter?: number; duplicates_dropped?: number };
    if (mode === 'transport') {
      const reader = await new PubSubSource({ client, subscription: id, maxOutstandingMessages: 10_000 }).open({
        clock: systemClock,
      });
      let got = 0;
      const deadline = Date.now() + 10 * 60_000;
      while (got < n && Date.now() < deadline) {
        const batch = await reader.read(4096, 100);
        if (batch.values.length > 0 && first === 0) first = Date.now();
        got += batch.values.length;
        reader.commit();
      }
      last = Date.now();
      await reader.close();
      summary = { events_in: got };
    } else {
      summary = await runMarketingEvents({
        source: {
          kind: 'pubsub',
          options: { client, subscription: id, drainAfterIdleMs: 10_000, maxOutstandingMessages: 10_000 },
        },
        warehousePath: join(dir, 'bench.duckdb'),
        onProgress: (p) => {
          if (p.eventsIn > 0 && first === 0) first = Date.now();
          if (p.eventsIn >= n && last === 0) last = Date.now();
        },
      });
    }
    const publishCode = await published;
    if (publishCode !== 0) throw new Error(`tidemark publish exited with ${publishCode}`);
    const publish = JSON.parse(publishOut.trim().split('\n').at(-1) ?? '{}') as { messages_per_s?: number };
    const seconds = (last - first) / 1000;
    process.stdout.write(
      `${JSON.stringify({
        msgs_per_s: summary.events_in >= n && seconds > 0 ? Math.round(n / seconds) : null,
        mode,
        seconds,
        publish_msgs_per_s: publish.messages_per_s ?? null,
        events_in: summary.events_in,
        events_written: summary.events_written,
        dead_letter: summary.dead_letter,
        duplicates_dropped: summary.duplicates_dropped,
      })}\n`,
    );
  } finally {
    if (publisher && publisher.exitCode === null) publisher.kill('SIGKILL');
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
