/**
 * The marketing pipeline with its per-user features spilled as soon as they rest (threshold 0) writes the same tables
 * as with spilling off: the real accumulator (Maps, arrays of sessions) survives the spill file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMarketingEvents } from '../../../pipelines/run_marketing_events';
import { comparableContents } from '../../cli/table_contents';

describe('the marketing pipeline with user features spilled', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'marketing-spill-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('6000 generated events, features re-emitted 1 ms after activity: every table equals the run without spilling', async () => {
    const spillDir = join(dir, 'spill');
    mkdirSync(spillDir);
    let spilledDuringRun = false;
    const run = (name: string, spill: { dir: string; afterRestingKeys: number } | false) =>
      runMarketingEvents({
        source: { kind: 'generator', options: { events: 6000, seed: 11 } },
        warehousePath: join(dir, `${name}.duckdb`),
        masking: { keyFile: join(dir, 'keys.json') },
        pipeline: { refreshEveryMs: 1 },
        spill,
        onProgress: () => {
          spilledDuringRun ||= spill !== false && readdirSync(spillDir).length > 0;
        },
      });
    const off = await run('off', false);
    const on = await run('on', { dir: spillDir, afterRestingKeys: 0 });
    assert.ok(spilledDuringRun, 'features were spilled during the run');
    assert.equal(on.events_in, 6000);
    assert.ok(on.user_feature_rows > 0);
    assert.deepEqual(await comparableContents(join(dir, 'on.duckdb')), await comparableContents(join(dir, 'off.duckdb')));
    assert.equal(off.events_written, on.events_written);
    assert.deepEqual(readdirSync(spillDir), [], 'the spill folder was removed');
  });
});
