/**
 * The request a real launch sends, captured by a local server speaking Beam's JobService protocol (gRPC, from
 * the message types apache-beam ships): Prepare with the pipeline, its worker artifacts and every option, then
 * Run with the preparation id. Only the network hop to Google is missing; nothing here reaches GCP.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import 'apache-beam';
import * as jobApi from 'apache-beam/proto/beam_job_api';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { Struct } from 'apache-beam/proto/google/protobuf/struct';
import { dryRun } from '../../../runners/dataflow/dry_run';
import { jobOptions } from '../../../runners/dataflow/job_options';
import { JOB_SERVICE_DEFINITION } from '../../../runners/dataflow/job_service';
import { packageArtifacts, prepareRequest, submit } from '../../../runners/dataflow/launch';
import { buildMarketingJob } from '../../../runners/dataflow/marketing_job';
import { withoutMetadataServer } from '../../support/without_metadata_server';

interface Captured {
  prepare: jobApi.PrepareJobRequest[];
  run: jobApi.RunJobRequest[];
}

async function startJobService(captured: Captured, failPrepare?: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = new grpc.Server();
  server.addService(JOB_SERVICE_DEFINITION, {
    prepare: (
      call: grpc.ServerUnaryCall<jobApi.PrepareJobRequest, jobApi.PrepareJobResponse>,
      cb: grpc.sendUnaryData<jobApi.PrepareJobResponse>,
    ) => {
      captured.prepare.push(call.request);
      if (failPrepare) return cb({ code: grpc.status.INVALID_ARGUMENT, details: failPrepare } as grpc.ServiceError);
      cb(null, jobApi.PrepareJobResponse.create({ preparationId: 'prep-1', stagingSessionToken: '' }));
    },
    run: (
      call: grpc.ServerUnaryCall<jobApi.RunJobRequest, jobApi.RunJobResponse>,
      cb: grpc.sendUnaryData<jobApi.RunJobResponse>,
    ) => {
      captured.run.push(call.request);
      cb(null, { jobId: '2026-11-25_07_00_00-1234567890' });
    },
    getState: (_: unknown, cb: grpc.sendUnaryData<jobApi.JobStateEvent>) => cb(null, jobApi.JobStateEvent.create()),
    cancel: (_: unknown, cb: grpc.sendUnaryData<jobApi.CancelJobResponse>) => cb(null, jobApi.CancelJobResponse.create()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { endpoint: `127.0.0.1:${port}`, stop: () => new Promise((r) => server.tryShutdown(() => r())) };
}

const OPTIONS = jobOptions({
  project: 'my-project',
  region: 'europe-west1',
  tempLocation: 'gs://my-bucket/tmp',
  inputSubscription: 'projects/my-project/subscriptions/marketing-events',
  dataset: 'marketing',
  serviceAccount: 'tidemark-worker@my-project.iam.gserviceaccount.com',
  kmsKeyName: 'projects/my-project/locations/europe-west1/keyRings/tidemark/cryptoKeys/dataflow',
  maxWorkers: 8,
  labels: ['team=growth'],
  update: true,
  transformNameMapping: '{"CampaignMetrics/KeyByCampaign":"CampaignMetrics/KeyByCampaignId"}',
  workerImage: 'europe-docker.pkg.dev/my-project/tidemark/worker:1.0.0',
});

describe('real launch: the request the Dataflow job service receives', function () {
  this.timeout(60_000);
  withoutMetadataServer();
  let packDir: string;
  let artifacts: runnerApi.ArtifactInformation[];
  let request: jobApi.PrepareJobRequest;

  before(() => {
    packDir = mkdtempSync(join(tmpdir(), 'tidemark-launch-'));
    artifacts = packageArtifacts(packDir);
    const run = dryRun(buildMarketingJob(OPTIONS), OPTIONS, false);
    request = prepareRequest(run.translation.proto, OPTIONS, run.pipelineOptions, artifacts);
  });
  after(() => {
    rmSync(packDir, { recursive: true, force: true });
  });

  it('Prepare carries the pipeline, the job name and every option; Run carries the preparation id', async () => {
    const captured: Captured = { prepare: [], run: [] };
    const service = await startJobService(captured);
    try {
      const submitted = await submit(service.endpoint, request);
      assert.deepEqual(submitted, { jobId: '2026-11-25_07_00_00-1234567890', preparationId: 'prep-1', staged: false });
    } finally {
      await service.stop();
    }
    assert.equal(captured.prepare.length, 1);
    assert.deepEqual(captured.run, [{ preparationId: 'prep-1', retrievalToken: '' }]);
    const got = captured.prepare[0];
    assert.equal(got.jobName, 'tidemark-marketing-events');
    const options = Struct.toJson(got.pipelineOptions!) as Record<string, unknown>;
    assert.deepEqual(
      {
        project: options['beam:option:project:v1'],
        region: options['beam:option:region:v1'],
        streaming: options['beam:option:streaming:v1'],
        engine: options['beam:option:enable_streaming_engine:v1'],
        autoscaling: options['beam:option:autoscaling_algorithm:v1'],
        maxWorkers: options['beam:option:max_num_workers:v1'],
        serviceAccount: options['beam:option:service_account_email:v1'],
        kms: options['beam:option:dataflow_kms_key:v1'],
        labels: options['beam:option:labels:v1'],
        update: options['beam:option:update:v1'],
        mapping: options['beam:option:transform_name_mapping:v1'],
        image: options['beam:option:sdk_container_image:v1'],
        publicIps: options['beam:option:use_public_ips:v1'],
        staging: options['beam:option:staging_location:v1'],
      },
      {
        project: 'my-project',
        region: 'europe-west1',
        streaming: true,
        engine: true,
        autoscaling: 'THROUGHPUT_BASED',
        maxWorkers: 8,
        serviceAccount: 'tidemark-worker@my-project.iam.gserviceaccount.com',
        kms: 'projects/my-project/locations/europe-west1/keyRings/tidemark/cryptoKeys/dataflow',
        labels: ['team=growth'],
        update: true,
        mapping: { 'CampaignMetrics/KeyByCampaign': 'CampaignMetrics/KeyByCampaignId' },
        image: 'europe-docker.pkg.dev/my-project/tidemark/worker:1.0.0',
        publicIps: false,
        staging: 'gs://my-bucket/tmp/staging',
      },
    );
    const experiments = options['beam:option:experiments:v1'] as string[];
    for (const e of ['use_runner_v2', 'enable_streaming_engine', 'use_sibling_sdk_workers'])
      assert.ok(experiments.includes(e), e);
    const modules = options['beam:option:registered_node_modules:v1'] as string[];
    assert.ok(modules.includes('tidemark/runners/dataflow/worker_fns'), 'workers require the module of the DoFns');
    // The pipeline arrives whole: same transforms, and the worker environment is the requested image.
    const env0 = Object.values(got.pipeline!.components!.environments)[0];
    assert.equal(
      runnerApi.DockerPayload.fromBinary(env0.payload).containerImage,
      'europe-docker.pkg.dev/my-project/tidemark/worker:1.0.0',
    );
    assert.equal(
      Object.keys(got.pipeline!.components!.transforms).length,
      Object.keys(request.pipeline!.components!.transforms).length,
    );
  });

  it('stages the project and apache-beam packed locally (no registry tag 2_49_rc), with their sha256', () => {
    const env0 = Object.values(request.pipeline!.components!.environments)[0];
    const described = env0.dependencies.map((a) => {
      const file = runnerApi.ArtifactFilePayload.fromBinary(a.typePayload);
      assert.equal(file.sha256, createHash('sha256').update(readFileSync(file.path)).digest('hex'));
      return [a.roleUrn, new TextDecoder().decode(a.rolePayload), file.path.split('/').pop()];
    });
    assert.deepEqual(described, [
      ['beam:artifact:type:npm:v1', '', 'tidemark-0.1.0.tgz'],
      ['beam:artifact:type:npm_dep:v1', 'apache-beam-unused', 'apache-beam-2.49.0.tgz'],
      ['beam:artifact:type:npm:v1', 'apache-beam', 'apache-beam-2.49.0.tgz'],
    ]);
  });

  it("a job service refusal surfaces with the service's message, and nothing is run", async () => {
    const captured: Captured = { prepare: [], run: [] };
    const service = await startJobService(captured, 'Workflow failed: invalid pipeline');
    try {
      await assert.rejects(submit(service.endpoint, request), /Workflow failed: invalid pipeline/);
    } finally {
      await service.stop();
    }
    assert.equal(captured.run.length, 0);
  });
});
