/**
 * The Pub/Sub crash test of the ack discipline: a seeded stream is published once to a topic of the local emulator
 * (in this process), with two subscriptions. One is read by an uninterrupted `tidemark run --source pubsub`; the
 * other by a run that is killed with SIGKILL at random moments, at least 20 times, and restarted each time from its
 * checkpoint. Messages a killed run had read but not acknowledged come back when their lease runs out (the runs cap
 * it at 10 s), so the last run drains only after 15 s without messages.
 *
 * Every table must then equal the uninterrupted run's (minus what legitimately differs, see table_contents.ts):
 * nothing lost, nothing duplicated. Redelivery changes arrival order, which may change lateness decisions near
 * the lateness horizon (docs/checkpointing.md); the stream is dense in event time (2,000 events per second of event
 * time, 15 s of it), so no event comes near that horizon and the tables must be equal.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import fc from 'fast-check';
import { startPubSubEmulator } from '../../io/pubsub/emulator';
import { generatedForPublishing, publishMessages } from '../../io/pubsub';
import { COMPARABLE, comparableContents } from './table_contents';
import { withoutMetadataServer } from '../support/without_metadata_server';
import { sleep, startTidemark, tempDir } from './cli_harness';

const EVENTS = 30_000;
const SEED = 13;
const KILLS = 20;
const PROJECT = 'tidemark-crash';

describe('Pub/Sub crash recovery: kill -9 at random moments, restart, compare with an uninterrupted run', function () {
  this.timeout(600_000);
  withoutMetadataServer();

  it(`${KILLS} SIGKILLs of a run on a subscription lose and duplicate nothing`, async () => {
    const dir = tempDir('pubsub-crash');
    const emulator = await startPubSubEmulator();
    const client = new PubSub({ projectId: PROJECT, apiEndpoint: emulator.address, emulatorMode: true });
    try {
      const [topic] = await client.createTopic('events');
      await topic.createSubscription('clean');
      await topic.createSubscription('crashed');
      const published = await publishMessages(generatedForPublishing({ events: EVENTS, seed: SEED, rate: 2000 }), {
        client,
        topic: topic.name,
      });
      assert.equal(published.published, EVENTS);

      const run = (subscription: string, warehouse: string, extra: readonly string[]) =>
        startTidemark(
          ['run', '--source', 'pubsub', '--project', PROJECT, '--subscription', subscription, '--warehouse', warehouse, ...extra],
          { PUBSUB_EMULATOR_HOST: emulator.address },
        );
      const clean = join(dir.path, 'clean.duckdb');
      const crashed = join(dir.path, 'crashed.duckdb');
      const checkpoints = join(dir.path, 'checkpoints');
      const crashArgs = ['--checkpoint-dir', checkpoints, '--checkpoint-interval', '1000', '--max-ack-deadline', '10'];

      const reference = run('clean', clean, ['--drain-after-idle', '3']);
      const referenceDone = await reference.exited;
      assert.equal(referenceDone.code, 0, `the uninterrupted run failed: ${referenceDone.stderr}`);

      const delays = fc.sample(fc.integer({ min: 800, max: 3500 }), { numRuns: 200, seed: SEED });
      let kills = 0;
      let attempt = 0;
      while (kills < KILLS) {
        const { child, exited } = run('crashed', crashed, [...crashArgs, '--drain-after-idle', '15']);
        const outcome = await Promise.race([exited.then(() => 'exited' as const), sleep(delays[attempt++ % delays.length])]);
        if (outcome === 'exited') {
          const done = await exited;
          assert.equal(done.code, 0, `a run between kills failed: ${done.stderr}`);
          break; // everything was read and written: no later kill can matter
        }
        child.kill('SIGKILL');
        await exited;
        kills++;
      }
      const final = run('crashed', crashed, [...crashArgs, '--drain-after-idle', '15']);
      const finalDone = await final.exited;
      assert.equal(finalDone.code, 0, `the last run failed: ${finalDone.stderr}`);
      assert.ok(kills >= KILLS, `only ${kills} kills happened before the stream was consumed`);
      assert.equal(existsSync(join(checkpoints, 'checkpoint.v8')), false, 'a finished run leaves no checkpoint');

      // A redelivered duplicate (same event_id, its own publish time) may now arrive before the first copy: which
      // copy is kept, and so the row's ingest_time (its publish time), depends on arrival order.
      const arrivalOrder = { events: ['ingest_time'] };
      const [expected, actual] = [await comparableContents(clean, arrivalOrder), await comparableContents(crashed, arrivalOrder)];
      const counts = (c: Record<string, unknown[]>): string =>
        Object.entries(c)
          .map(([t, rows]) => `${t} ${rows.length}`)
          .join(', ');
      assert.ok(expected.events.length > EVENTS * 0.9, `the reference run wrote too few events: ${counts(expected)}`);
      for (const table of Object.keys(COMPARABLE)) {
        assert.equal(actual[table].length, expected[table].length, `${table}: row count`);
        assert.deepEqual(actual[table], expected[table], `${table}: rows`);
      }
    } finally {
      await client.close();
      await emulator.close();
      dir.cleanup();
    }
  });
});
