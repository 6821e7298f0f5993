/**
 * Golden test of `tidemark launch --runner dataflow --dry-run` on the marketing pipeline: the full pipeline proto
 * (as proto JSON) and its reviewable summary must equal the files under golden/, byte for byte. After an
 * intended change: UPDATE_GOLDEN=1 npx mocha ... this file, then review the diff of golden/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'apache-beam';
import { format, resolveConfig } from 'prettier';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { type DryRun, dryRun, writeDryRun } from '../../../runners/dataflow/dry_run';
import { jobOptions } from '../../../runners/dataflow/job_options';
import { buildMarketingJob } from '../../../runners/dataflow/marketing_job';

const GOLDEN = join(__dirname, 'golden');
const OPTIONS = jobOptions({
  project: 'my-project',
  region: 'europe-west1',
  tempLocation: 'gs://my-bucket/tmp',
  inputSubscription: 'projects/my-project/subscriptions/marketing-events',
  dataset: 'marketing',
  timestampAttribute: 'event_time',
  idAttribute: 'event_id',
  labels: ['team=growth', 'env=prod'],
});

/** Compares as JSON values (the golden files are kept in the repository's prettier format). */
async function checkGolden(name: string, actual: string): Promise<void> {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1')
    writeFileSync(path, await format(actual, { ...(await resolveConfig(path)), parser: 'json' }));
  assert.deepEqual(
    JSON.parse(actual),
    JSON.parse(readFileSync(path, 'utf8')),
    `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept, then review)`,
  );
}

describe('marketing pipeline dry run (golden)', function () {
  this.timeout(30_000);
  let run: DryRun;
  let out: string;

  before(() => {
    run = dryRun(buildMarketingJob(OPTIONS), OPTIONS);
    out = mkdtempSync(join(tmpdir(), 'tidemark-dry-run-'));
    writeDryRun(out, run, OPTIONS);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('validates: every URN known, every coder and windowing strategy resolvable, every module in the staged package', () => {
    assert.deepEqual(run.problems, []);
    assert.deepEqual(run.specModules, ['tidemark/pipelines/marketing_steps', 'tidemark/runners/dataflow/pubsub_io']);
    assert.ok(run.registeredModules.includes('tidemark/runners/dataflow/worker_fns'));
  });

  it('the pipeline proto JSON equals the golden file', async () => {
    await checkGolden('marketing_pipeline.json', readFileSync(join(out, 'pipeline.json'), 'utf8'));
  });

  it('the reviewable summary equals the golden file', async () => {
    await checkGolden('marketing_pipeline.summary.json', readFileSync(join(out, 'pipeline_summary.json'), 'utf8'));
  });

  it('is stable: a second translation in the same process gives the same bytes', () => {
    const again = dryRun(buildMarketingJob(OPTIONS), OPTIONS, false);
    assert.deepEqual(runnerApi.Pipeline.toBinary(again.translation.proto), runnerApi.Pipeline.toBinary(run.translation.proto));
  });

  it('pipeline.pb decodes to the same pipeline as pipeline.json', () => {
    const binary = runnerApi.Pipeline.fromBinary(readFileSync(join(out, 'pipeline.pb')));
    assert.deepEqual(runnerApi.Pipeline.toJson(binary), JSON.parse(readFileSync(join(out, 'pipeline.json'), 'utf8')));
  });

  it('Pub/Sub is read natively, with the timestamp and id attributes; step names are the tidemark step names', () => {
    const c = run.translation.proto.components!;
    const read = Object.values(c.transforms).find((t) => t.spec?.urn === 'beam:transform:pubsub_read:v1');
    assert.ok(read);
    assert.equal(read.uniqueName, 'ReadMessages/PubsubRead');
    assert.equal(read.environmentId, '', 'Dataflow runs the read, not the SDK harness');
    assert.deepEqual(runnerApi.PubSubReadPayload.fromBinary(read.spec!.payload), {
      topic: '',
      subscription: 'projects/my-project/subscriptions/marketing-events',
      timestampAttribute: 'event_time',
      idAttribute: 'event_id',
      withAttributes: true,
      topicRuntimeOverridden: '',
      subscriptionRuntimeOverridden: '',
    });
    const names = JSON.parse(readFileSync(join(out, 'step_names.json'), 'utf8')) as Record<string, string>;
    for (const step of [
      'ReadMessages',
      'ParseEvents',
      'MaskPii',
      'Sessionize/SummarizeSession',
      'CampaignMetrics/AggregateCampaign',
      'WriteToWarehouse',
    ]) {
      assert.ok(step in names, `step ${step} keeps its name`);
    }
  });

  it('writes the worker environment and the job options', () => {
    assert.deepEqual(
      JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8')).containerImage,
      'docker.io/apache/beam_typescript_sdk:2.49.0',
    );
    const options = JSON.parse(readFileSync(join(out, 'job_options.json'), 'utf8')) as {
      pipelineOptions: Record<string, unknown>;
    };
    assert.equal(options.pipelineOptions.streaming, true);
    assert.deepEqual(options.pipelineOptions.labels, ['team=growth', 'env=prod']);
    assert.ok((options.pipelineOptions.experiments as string[]).includes('use_runner_v2'));
  });
});
