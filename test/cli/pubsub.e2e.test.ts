/**
 * The Pub/Sub commands end to end, as a user runs them: `tidemark run --source pubsub` on a fresh clone (local
 * emulator started in-process), and `tidemark emulator pubsub` + `tidemark publish` + `tidemark run --source pubsub
 * --subscription` against it as separate processes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { type RunSummary } from '../../pipelines/run_marketing_events';
import { lastJsonLine, query, tempDir, tidemark } from './cli_harness';

const ROOT = resolve(__dirname, '..', '..');

/** Sets environment variables (undefined = unset); returns what puts them back. */
function setEnv(env: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  return () => apply(saved);
}

/** The CLI with an environment of the test's choosing (spawnSync in the harness inherits process.env). */
function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const restore = setEnv(env);
  try {
    return fn();
  } finally {
    restore();
  }
}

describe('tidemark with --source pubsub, publish and emulator pubsub', function () {
  this.timeout(120_000);
  const dir = tempDir('pubsub-e2e');
  after(() => dir.cleanup());

  it('run --source pubsub with no project starts the local emulator, publishes, reads back, same counts as the generator', () => {
    const fromPubSub = tempDir('pubsub-run');
    try {
      const args = ['--events', '3000', '--seed', '11', '--json'];
      const viaPubSub = withEnv({ PUBSUB_EMULATOR_HOST: undefined, GOOGLE_CLOUD_PROJECT: undefined }, () =>
        tidemark(['run', '--source', 'pubsub', ...args, '--warehouse', join(fromPubSub.path, 'a.duckdb')]),
      );
      assert.equal(viaPubSub.code, 0, viaPubSub.stderr);
      assert.match(viaPubSub.stderr, /local Pub\/Sub emulator on 127\.0\.0\.1:\d+/);
      const a = lastJsonLine<RunSummary>(viaPubSub);
      const direct = tidemark(['run', ...args, '--warehouse', join(fromPubSub.path, 'b.duckdb')]);
      assert.equal(direct.code, 0, direct.stderr);
      const b = lastJsonLine<RunSummary>(direct);
      assert.equal(a.events_in, 3000);
      assert.equal(a.events_written + a.late + a.dead_letter + a.duplicates_dropped, 3000);
      for (const key of ['events_written', 'dead_letter', 'duplicates_dropped', 'sessions'] as const) {
        assert.equal(a[key], b[key], key);
      }
    } finally {
      fromPubSub.cleanup();
    }
  });

  it('run --source pubsub without --events or a project is bad usage (exit 2) saying what to give', () => {
    const r = withEnv({ PUBSUB_EMULATOR_HOST: undefined, GOOGLE_CLOUD_PROJECT: undefined }, () =>
      tidemark(['run', '--source', 'pubsub', '--warehouse', join(dir.path, 'never.duckdb')]),
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give --events N/);
  });

  describe('emulator pubsub, publish, run --subscription as separate processes', () => {
    let emulator: ChildProcess;
    let address = '';

    before(async () => {
      emulator = spawn(
        process.execPath,
        ['--require', 'tsx/cjs', join(ROOT, 'cli', 'main.ts'), 'emulator', 'pubsub', '--port', '0'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      address = await new Promise<string>((resolveAddress, reject) => {
        let out = '';
        emulator.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolveAddress(m[1]);
        });
        emulator.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
    });
    after(async () => {
      if (emulator.exitCode === null) {
        const exited = new Promise((r) => emulator.once('exit', r));
        emulator.kill('SIGTERM');
        await exited;
      }
    });

    it('says where it listens, and a published stream is read back through a subscription, then drained when idle', async () => {
      const env = { PUBSUB_EMULATOR_HOST: address, GOOGLE_CLOUD_PROJECT: undefined, METADATA_SERVER_DETECTION: 'none' };
      // The subscription must exist before publishing: it sees only what is published after its creation.
      const restore = setEnv(env);
      try {
        const client = new PubSub({ projectId: 'e2e' });
        const [topic] = await client.createTopic('clicks');
        await topic.createSubscription('clicks-pipeline');
        await client.close();
      } finally {
        restore();
      }
      const published = withEnv(env, () =>
        tidemark(['publish', '--project', 'e2e', '--topic', 'clicks', '--events', '1500', '--seed', '2', '--json']),
      );
      assert.equal(published.code, 0, published.stderr);
      assert.equal(lastJsonLine<{ published: number }>(published).published, 1500);
      const warehouse = join(dir.path, 'sub.duckdb');
      // Reads the subscription until it has been idle for 1 s, into the given warehouse.
      const runOnSubscription = (warehousePath: string) =>
        withEnv(env, () =>
          tidemark([
            'run',
            '--source',
            'pubsub',
            '--project',
            'e2e',
            '--subscription',
            'clicks-pipeline',
            '--drain-after-idle',
            '1',
            '--warehouse',
            warehousePath,
            '--json',
          ]),
        );
      const run = runOnSubscription(warehouse);
      assert.equal(run.code, 0, run.stderr);
      const s = lastJsonLine<RunSummary>(run);
      assert.equal(s.events_in, 1500);
      assert.equal(s.events_written + s.late + s.dead_letter + s.duplicates_dropped, 1500);
      const [{ n }] = query<{ n: number }>(warehouse, 'SELECT count(*) AS n FROM events');
      assert.equal(Number(n), s.events_written);
      // Everything was acknowledged: a second run finds nothing.
      const again = runOnSubscription(join(dir.path, 'again.duckdb'));
      assert.equal(again.code, 0, again.stderr);
      assert.equal(lastJsonLine<RunSummary>(again).events_in, 0);
    });

    it('publish to a missing topic without --create-topic fails with a one-line reason (exit 1)', () => {
      const r = withEnv({ PUBSUB_EMULATOR_HOST: address, METADATA_SERVER_DETECTION: 'none' }, () =>
        tidemark(['publish', '--project', 'e2e', '--topic', 'nowhere', '--events', '10']),
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /topic projects\/e2e\/topics\/nowhere does not exist \(add --create-topic/);
    });

    it('run --source pubsub naming a subscription that does not exist fails at start-up (exit 1)', () => {
      const r = withEnv({ PUBSUB_EMULATOR_HOST: address, METADATA_SERVER_DETECTION: 'none' }, () =>
        tidemark([
          'run',
          '--source',
          'pubsub',
          '--project',
          'e2e',
          '--subscription',
          'ghost',
          '--warehouse',
          join(dir.path, 'ghost.duckdb'),
        ]),
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /subscription projects\/e2e\/subscriptions\/ghost does not exist/);
    });
  });
});
