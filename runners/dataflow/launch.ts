/**
 * Submitting a translated pipeline to Dataflow the way the Beam TypeScript SDK does — Prepare, stage artifacts,
 * Run against Beam's Dataflow job service (Python's apache_beam.runners.dataflow.dataflow_job_service) — with
 * the published apache-beam 2.49.0's launch-path defects worked around here (FACTS.md):
 *  1. it runs `npm pack apache-beam@2_49_rc`, a tag the registry does not have: we pack the installed
 *     node_modules/apache-beam folder instead (no registry);
 *  2. its Python bootstrap installs the newest apache_beam, not 2.49: we start the job service from a Python
 *     that has apache_beam==2.49.0 (checked), or use the one the caller runs (--job-endpoint);
 *  3. `run(fn, options)` drops options and `dataflowRunner({experiments})` replaces them: we build the whole
 *     PrepareJobRequest ourselves, with runner v2 / streaming experiments explicit (job_options.ts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import 'apache-beam';
import * as jobApi from 'apache-beam/proto/beam_job_api';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { Struct } from 'apache-beam/proto/google/protobuf/struct';
import { PROJECT_ROOT } from '../../sdk';
import { type DataflowJobOptions, beamOptionKeys } from './job_options';
import { jobServiceClient } from './job_service';

/** The apache_beam (Python) version the job service must have: the TypeScript SDK's. */
export const BEAM_VERSION = '2.49.0';

function fileArtifact(path: string, roleUrn: string, rolePayload?: string): runnerApi.ArtifactInformation {
  return runnerApi.ArtifactInformation.create({
    typeUrn: 'beam:artifact:type:file:v1',
    typePayload: runnerApi.ArtifactFilePayload.toBinary({
      path: resolve(path),
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    }),
    roleUrn,
    ...(rolePayload !== undefined && { rolePayload: new TextEncoder().encode(rolePayload) }),
  });
}

function npmPack(what: string, into: string): string {
  const out = execFileSync('npm', ['pack', what, '--pack-destination', into, '--ignore-scripts', '--silent'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return join(into, out.trim().split('\n').pop()!.trim());
}

/**
 * The npm artifacts workers install: this project, and apache-beam packed from node_modules (the published SDK
 * asks the registry for a tag that does not exist). Roles as apache-beam's portable runner sets them.
 */
export function packageArtifacts(dir = mkdtempSync(join(tmpdir(), 'tidemark-pack-'))): runnerApi.ArtifactInformation[] {
  const project = npmPack('.', dir);
  const beam = npmPack(resolve(PROJECT_ROOT, 'node_modules', 'apache-beam'), dir);
  return [
    fileArtifact(project, 'beam:artifact:type:npm:v1'),
    fileArtifact(beam, 'beam:artifact:type:npm_dep:v1', 'apache-beam-unused'),
    fileArtifact(beam, 'beam:artifact:type:npm:v1', 'apache-beam'),
  ];
}

/** The PrepareJobRequest a launch sends: the pipeline with its worker dependencies, the job name, the options. */
export function prepareRequest(
  proto: runnerApi.Pipeline,
  options: DataflowJobOptions,
  pipelineOptions: Record<string, unknown>,
  artifacts: readonly runnerApi.ArtifactInformation[],
): jobApi.PrepareJobRequest {
  const pipeline = runnerApi.Pipeline.clone(proto);
  for (const env of Object.values(pipeline.components!.environments)) env.dependencies = [...artifacts];
  return jobApi.PrepareJobRequest.create({
    pipeline,
    jobName: options.jobName,
    pipelineOptions: Struct.fromJson(beamOptionKeys(pipelineOptions) as never),
  });
}

export interface Submitted {
  readonly jobId: string;
  readonly preparationId: string;
  /** Whether artifacts were offered to the job service's staging endpoint. */
  readonly staged: boolean;
}

/** Prepare → stage artifacts (when the service asks) → Run. */
export async function submit(endpoint: string, request: jobApi.PrepareJobRequest): Promise<Submitted> {
  const client = jobServiceClient(endpoint);
  try {
    // Fail here, not halfway through a gRPC call, if something does not serialize.
    jobApi.PrepareJobRequest.toBinary(request);
    const prepared = await client.prepare(request);
    let staged = false;
    const stagingUrl = prepared.artifactStagingEndpoint?.url;
    if (stagingUrl) {
      // apache-beam's own artifact offer loop, over its protobuf-ts client (a dependency of apache-beam).
      const { offerArtifacts } = await import('apache-beam/runners/artifacts');
      const { ArtifactStagingServiceClient } = await import('apache-beam/proto/beam_artifact_api.client');
      const { GrpcTransport } = await import('@protobuf-ts/grpc-transport');
      const grpc = await import('@grpc/grpc-js');
      await offerArtifacts(
        new ArtifactStagingServiceClient(
          new GrpcTransport({ host: stagingUrl, channelCredentials: grpc.ChannelCredentials.createInsecure() }),
        ),
        prepared.stagingSessionToken,
        '/',
      );
      staged = true;
    }
    const ran = await client.run({ preparationId: prepared.preparationId, retrievalToken: '' });
    return { jobId: ran.jobId, preparationId: prepared.preparationId, staged };
  } finally {
    client.close();
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Dataflow job service exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Dataflow job service did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

export interface RunningJobService {
  readonly endpoint: string;
  stop(): void;
}

/**
 * Starts Beam's Dataflow job service from `python` (which must have apache_beam == 2.49.0: the published
 * TypeScript SDK would install the newest instead). It talks to Dataflow with Application Default Credentials.
 */
export async function startDataflowJobService(python = 'python3'): Promise<RunningJobService> {
  let version: string;
  try {
    version = execFileSync(python, ['-c', 'import apache_beam; print(apache_beam.__version__)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new Error(`${python} has no apache_beam: pip install 'apache-beam[gcp]==${BEAM_VERSION}' (or pass --job-endpoint)`);
  }
  if (version !== BEAM_VERSION) {
    throw new Error(
      `${python} has apache_beam ${version}; the TypeScript SDK needs ${BEAM_VERSION}: pip install 'apache-beam[gcp]==${BEAM_VERSION}'`,
    );
  }
  const port = await freePort();
  const child = spawn(python, ['-m', 'apache_beam.runners.dataflow.dataflow_job_service', '--port', String(port)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(port, child, 60_000);
  return { endpoint: `127.0.0.1:${port}`, stop: () => void child.kill() };
}
