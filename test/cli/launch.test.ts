/** `tidemark launch --runner dataflow` as a user runs it: dry run on a fresh checkout, no network; bad usage exits 2. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastJsonLine, tempDir, tidemark } from './cli_harness';

const REQUIRED = [
  '--project',
  'my-project',
  '--region',
  'europe-west1',
  '--temp-location',
  'gs://my-bucket/tmp',
  '--input-subscription',
  'projects/my-project/subscriptions/marketing-events',
  '--dataset',
  'marketing',
];

describe('tidemark launch --runner dataflow', function () {
  this.timeout(60_000);

  it('--dry-run writes the validated proto, environment and options, and exits 0', () => {
    const dir = tempDir('launch');
    try {
      const out = join(dir.path, 'job');
      const r = tidemark([
        'launch',
        '--runner',
        'dataflow',
        '--dry-run',
        '--out',
        out,
        '--json',
        ...REQUIRED,
        '--label',
        'team=growth',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJsonLine<{ out: string; files: string[]; transforms: number; valid: boolean }>(r);
      assert.equal(summary.valid, true);
      assert.equal(summary.out, out);
      for (const f of [
        'pipeline.pb',
        'pipeline.json',
        'pipeline_summary.json',
        'environment.json',
        'job_options.json',
        'step_names.json',
      ]) {
        assert.ok(existsSync(join(out, f)), f);
      }
      const options = JSON.parse(readFileSync(join(out, 'job_options.json'), 'utf8')) as {
        job: { labels: Record<string, string> };
      };
      assert.deepEqual(options.job.labels, { team: 'growth' });
    } finally {
      dir.cleanup();
    }
  });

  it('missing and malformed options: exit 2 with every problem named', () => {
    const r = tidemark(['launch', '--runner', 'dataflow', '--dry-run', '--project', 'X', '--region', 'eu']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /project 'X' is not a Google Cloud project id/);
    assert.match(r.stderr, /temp_location is required/);
    assert.match(r.stderr, /input_subscription is required/);
  });

  it('an unknown runner or a bad --max-workers is bad usage', () => {
    assert.equal(tidemark(['launch', '--runner', 'flink', '--dry-run', ...REQUIRED]).code, 2);
    const r = tidemark(['launch', '--runner', 'dataflow', '--dry-run', '--max-workers', '0', ...REQUIRED]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-workers/);
  });

  it('a launch without a Python that has apache_beam 2.49.0 stops before contacting anything, saying what to install', () => {
    const r = tidemark(['launch', '--runner', 'dataflow', '--python', '/nonexistent/python3', ...REQUIRED]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^tidemark: \/nonexistent\/python3 has no apache_beam: pip install 'apache-beam\[gcp\]==2\.49\.0' \(or pass --job-endpoint\)\n$/,
    );
  });

  it('--drain with --dry-run prints the Dataflow API request instead of sending it', () => {
    const r = tidemark([
      'launch',
      '--runner',
      'dataflow',
      '--dry-run',
      '--drain',
      '2026-11-25_07_00_00-1',
      '--project',
      'my-project',
      '--region',
      'europe-west1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lastJsonLine(r), {
      method: 'PUT',
      url: 'https://dataflow.googleapis.com/v1b3/projects/my-project/locations/europe-west1/jobs/2026-11-25_07_00_00-1',
      body: { requestedState: 'JOB_STATE_DRAINED' },
    });
  });
});
