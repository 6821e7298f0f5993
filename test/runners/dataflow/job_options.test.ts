import assert from 'node:assert/strict';
import { JobOptionsError, beamPipelineOptions, jobOptions } from '../../../runners/dataflow/job_options';
import { stopRequest } from '../../../runners/dataflow/stop_job';

const VALID = {
  project: 'my-project',
  region: 'europe-west1',
  tempLocation: 'gs://my-bucket/tmp',
  inputSubscription: 'projects/my-project/subscriptions/events',
  dataset: 'marketing',
};

function problemsOf(input: Parameters<typeof jobOptions>[0]): readonly string[] {
  try {
    jobOptions(input);
  } catch (e) {
    assert.ok(e instanceof JobOptionsError);
    return e.problems;
  }
  assert.fail('accepted');
}

describe('Dataflow job options', () => {
  it('defaults: streaming engine on, throughput-based autoscaling to 10 workers, private IPs, staging under temp', () => {
    const o = jobOptions(VALID);
    assert.equal(o.enableStreamingEngine, true);
    assert.equal(o.autoscalingAlgorithm, 'THROUGHPUT_BASED');
    assert.equal(o.maxWorkers, 10);
    assert.equal(o.usePublicIps, false);
    assert.equal(o.stagingLocation, 'gs://my-bucket/tmp/staging');
    assert.equal(o.jobName, 'tidemark-marketing-events');
    assert.equal(o.workerImage, 'docker.io/apache/beam_typescript_sdk:2.49.0');
  });

  it('nothing given: every required option is named at once', () => {
    assert.deepEqual(problemsOf({}), [
      'project is required (a Google Cloud project id)',
      'temp_location is required (a gs:// path)',
      'region is required (a Dataflow region such as europe-west1)',
      'input_subscription is required (projects/<project>/subscriptions/<name>)',
      'dataset is required (a BigQuery dataset name (letters, digits, _))',
    ]);
  });

  it('hostile and malformed values are refused by option name', () => {
    const problems = problemsOf({
      ...VALID,
      project: 'My_Project; rm -rf /',
      tempLocation: 'https://example.com/tmp',
      jobName: 'Job Name',
      maxWorkers: 0,
      kmsKeyName: 'my-key',
      serviceAccount: 'someone@gmail.com',
      labels: ['Team=Growth', 'novalue', `k=${'v'.repeat(64)}`],
      transformNameMapping: '{"a": 1}',
      workerImage: 'latest',
      keyFileEnv: 'lower-case',
      autoscalingAlgorithm: 'FASTEST' as never,
      deadLetterTopic: 'projects/my-project/subscriptions/not-a-topic',
    });
    for (const name of [
      'project',
      'temp_location',
      'job_name',
      'max_workers',
      'kms_key_name',
      'service_account',
      'label key',
      "label 'novalue'",
      'label value',
      'transform_name_mapping',
      'worker_image',
      'key_file_env',
      'autoscaling_algorithm',
      'dead_letter_topic',
    ]) {
      assert.ok(
        problems.some((p) => p.startsWith(name)),
        `a problem names ${name}: ${problems.join(' | ')}`,
      );
    }
  });

  it('a transform name mapping needs --update; with it, it reaches the Beam options', () => {
    assert.deepEqual(problemsOf({ ...VALID, transformNameMapping: { Old: 'New' } }), [
      'transform_name_mapping only applies with update',
    ]);
    const o = jobOptions({ ...VALID, update: true, transformNameMapping: '{"Old":"New","Gone":""}' });
    assert.deepEqual(beamPipelineOptions(o, []).transform_name_mapping, { Old: 'New', Gone: '' });
    assert.equal(beamPipelineOptions(jobOptions(VALID), []).transform_name_mapping, undefined);
  });

  it('a huge label list is refused (Dataflow allows 64)', () => {
    const labels = Array.from({ length: 65 }, (_, i) => `k${i}=v`);
    assert.deepEqual(problemsOf({ ...VALID, labels }), ['at most 64 labels, got 65']);
  });

  it('Beam options: runner v2 and streaming explicit; streaming engine experiment only when enabled', () => {
    const on = beamPipelineOptions(jobOptions(VALID), ['tidemark/runners/dataflow/worker_fns']);
    assert.equal(on.streaming, true);
    assert.deepEqual(on.experiments, [
      'use_runner_v2',
      'use_portable_job_submission',
      'use_sibling_sdk_workers',
      'enable_streaming_engine',
    ]);
    assert.deepEqual(on.registered_node_modules, ['tidemark/runners/dataflow/worker_fns']);
    const off = beamPipelineOptions(jobOptions({ ...VALID, enableStreamingEngine: false }), []);
    assert.ok(!(off.experiments as string[]).includes('enable_streaming_engine'));
  });

  it('drain and cancel are Dataflow API requests for the job; a hostile job id is refused', () => {
    assert.deepEqual(stopRequest('my-project', 'europe-west1', '2026-11-25_07_00_00-123', 'drain'), {
      method: 'PUT',
      url: 'https://dataflow.googleapis.com/v1b3/projects/my-project/locations/europe-west1/jobs/2026-11-25_07_00_00-123',
      body: { requestedState: 'JOB_STATE_DRAINED' },
    });
    assert.equal(stopRequest('p', 'r', 'j1', 'cancel').body.requestedState, 'JOB_STATE_CANCELLED');
    assert.throws(() => stopRequest('p', 'r', '../../other', 'cancel'), /not a Dataflow job id/);
  });
});
