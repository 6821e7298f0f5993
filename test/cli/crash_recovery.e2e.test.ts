/**
 * The crash test: `tidemark run` with a checkpoint folder is killed with SIGKILL at random moments, at least 20
 * times, and restarted each time; when it finally finishes, every table equals that of a run that was never
 * interrupted. Nothing lost (every message is in events, late_events or dead_letter exactly as before), nothing
 * duplicated (keys are primary keys, and the row sets are equal).
 *
 * The generator is deterministic and resumes at the checkpoint's position, and checkpoints are taken between
 * bundles, so a resumed run reads the same bundles as the uninterrupted one: even lateness decisions agree. What
 * legitimately differs is processing time (docs/checkpointing.md), and the ciphertext of sealed payloads: the columns that record when a row was written,
 * and how many early (processing-time) panes a campaign window had, so campaign metrics are compared by their final
 * pane.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { type RunSummary } from '../../pipelines/run_marketing_events';
import { COMPARABLE, comparableContents } from './table_contents';
import { lastJsonLine, sleep, startTidemark, tempDir, tidemark } from './cli_harness';

const EVENTS = 30_000;
const SEED = 11;
const KILLS = 20;

function runArgs(warehouse: string, checkpointDir?: string): string[] {
  const args = ['run', '--events', String(EVENTS), '--seed', String(SEED), '--warehouse', warehouse, '--json'];
  return checkpointDir ? [...args, '--checkpoint-dir', checkpointDir, '--checkpoint-interval', '100'] : args;
}

describe('crash recovery: kill -9 at random moments, restart, compare with an uninterrupted run', function () {
  this.timeout(600_000);

  it(`${KILLS} SIGKILLs across a checkpointed run lose and duplicate nothing`, async () => {
    const dir = tempDir('crash');
    try {
      const clean = join(dir.path, 'clean.duckdb');
      const crashed = join(dir.path, 'crashed.duckdb');
      const checkpoints = join(dir.path, 'checkpoints');

      const reference = tidemark(runArgs(clean));
      assert.equal(reference.code, 0, reference.stderr);
      const summary = lastJsonLine<RunSummary>(reference);

      // Kill moments: seeded, so a failure can be replayed; spread from startup to past a typical run's end.
      const delays = fc.sample(fc.integer({ min: 300, max: 3000 }), { numRuns: 200, seed: SEED });
      let kills = 0;
      let resumedRuns = 0;
      let attempts = 0;
      // At least KILLS kills, and at least half of them of runs that had resumed (a slow start may be killed before
      // its first checkpoint; that is a valid crash too, but the test is about resuming).
      while (kills < KILLS || resumedRuns < KILLS / 2) {
        assert.ok(attempts < 200, `no progress after ${attempts} attempts`);
        const hadCheckpoint = existsSync(join(checkpoints, 'checkpoint.v8'));
        const { child, exited } = startTidemark(runArgs(crashed, checkpoints));
        const outcome = await Promise.race([exited.then(() => 'exited' as const), sleep(delays[attempts++ % delays.length])]);
        if (outcome === 'exited') {
          // The run got to the end before its kill: the next one starts afresh over the same tables.
          const done = await exited;
          assert.equal(done.code, 0, `a run between kills failed: ${done.stderr}`);
          continue;
        }
        child.kill('SIGKILL');
        await exited;
        kills++;
        if (hadCheckpoint) resumedRuns++;
      }
      const final = tidemark(runArgs(crashed, checkpoints));
      assert.equal(final.code, 0, final.stderr);
      assert.equal(existsSync(join(checkpoints, 'checkpoint.v8')), false, 'a finished run leaves no checkpoint');

      const [expected, actual] = [await comparableContents(clean), await comparableContents(crashed)];
      for (const table of Object.keys(COMPARABLE)) {
        assert.equal(actual[table].length, expected[table].length, `${table}: row count`);
        assert.deepEqual(actual[table], expected[table], `${table}: rows`);
      }
      // The reference itself wrote one events row per unique event it took (the tables above hold the rest).
      assert.equal(expected.events.length, summary.events_written);
    } finally {
      dir.cleanup();
    }
  });
});
