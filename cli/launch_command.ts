/**
 * `tidemark launch --runner dataflow [--dry-run --out DIR]`, and `--drain JOB_ID` / `--cancel JOB_ID`. apache-beam
 * is loaded only inside the action, so other commands never pay for it.
 */
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { nonNegativeInteger } from './options';

export interface LaunchIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface LaunchFlags {
  runner: 'dataflow';
  dryRun?: boolean;
  out: string;
  json?: boolean;
  project?: string;
  region?: string;
  jobName?: string;
  tempLocation?: string;
  stagingLocation?: string;
  serviceAccount?: string;
  streamingEngine: boolean;
  autoscalingAlgorithm?: 'THROUGHPUT_BASED' | 'NONE';
  maxWorkers?: number;
  kmsKeyName?: string;
  label: string[];
  subnetwork?: string;
  usePublicIps?: boolean;
  update?: boolean;
  transformNameMapping?: string;
  workerImage?: string;
  inputSubscription?: string;
  dataset?: string;
  deidentifyConfig?: string;
  deadLetterTopic?: string;
  timestampAttribute?: string;
  idAttribute?: string;
  keyFileEnv?: string;
  jobEndpoint?: string;
  python: string;
  drain?: string;
  cancel?: string;
}

/** apache-beam (behind these modules) loads only when launch runs: required here, not imported at the top. */
function lazy<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as T;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function positive(value: string): number {
  const n = nonNegativeInteger(value);
  if (n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
}

export function registerLaunchCommand(program: Command, io: LaunchIo): void {
  const cmd = program
    .command('launch')
    .description('run the marketing pipeline on Dataflow (--dry-run: write and validate the job, no network)')
    .addOption(new Option('--runner <runner>', 'where to run').choices(['dataflow']).makeOptionMandatory())
    .option('--dry-run', 'translate and validate, write the pipeline proto and job options to --out; no network')
    .option('--out <dir>', 'output folder of --dry-run', 'dataflow-dry-run')
    .option('--json', 'print a JSON summary line')
    .option('--project <id>', 'Google Cloud project (default $GOOGLE_CLOUD_PROJECT)')
    .option('--region <region>', 'Dataflow region, e.g. europe-west1')
    .option('--job-name <name>', 'job name (an update replaces the running job of this name)')
    .option('--temp-location <gs://...>', 'temporary files')
    .option('--staging-location <gs://...>', 'staged packages (default <temp-location>/staging)')
    .option('--service-account <email>', 'worker service account')
    .option('--no-streaming-engine', 'keep shuffle and state on the workers')
    .addOption(new Option('--autoscaling-algorithm <algorithm>', 'autoscaling').choices(['THROUGHPUT_BASED', 'NONE']))
    .addOption(new Option('--max-workers <n>', 'autoscaling upper bound (default 10)').argParser(positive))
    .option('--kms-key-name <key>', 'CMEK: projects/P/locations/L/keyRings/R/cryptoKeys/K')
    .option('--label <key=value>', 'job label (repeatable)', collect, [])
    .option('--subnetwork <subnetwork>', 'worker subnetwork')
    .option('--use-public-ips', 'give workers public IPs (default: private only)')
    .option('--update', 'replace the running job of the same name, keeping its state')
    .option('--transform-name-mapping <json>', 'with --update: {"OldStep":"NewStep"} for renamed steps')
    .option(
      '--worker-image <image>',
      'SDK harness image (default apache/beam_typescript_sdk:2.49.0; see runners/dataflow/worker)',
    )
    .option('--input-subscription <projects/P/subscriptions/S>', 'Pub/Sub subscription of the events')
    .option('--dataset <name>', 'BigQuery dataset of the tables')
    .option('--deidentify-config <path>', 'masking configuration (config/deidentify.json shape)')
    .option('--dead-letter-topic <projects/P/topics/T>', 'topic for undecodable messages')
    .option('--timestamp-attribute <name>', 'Pub/Sub attribute with the event time (drives the watermark)')
    .option('--id-attribute <name>', 'Pub/Sub attribute with a unique message id')
    .option(
      '--key-file-env <NAME>',
      'worker environment variable naming the masking key file, a mounted secret (default TIDEMARK_KEY_FILE)',
    )
    .option('--job-endpoint <host:port>', "a running Beam Dataflow job service (default: start Python's, apache_beam 2.49.0)")
    .option('--python <path>', 'Python with apache_beam==2.49.0 for the job service', 'python3')
    .option('--drain <job-id>', 'drain a running job (stop reading, fire open windows, finish) and exit')
    .option('--cancel <job-id>', 'cancel a running job now (open windows are lost) and exit');

  cmd.action(async (flags: LaunchFlags) => {
    const { JobOptionsError, jobOptions } = lazy<typeof import('../runners/dataflow/job_options')>(
      '../runners/dataflow/job_options',
    );
    if (flags.drain || flags.cancel) {
      if (flags.drain && flags.cancel) cmd.error('tidemark: give one of --drain and --cancel', { exitCode: 2 });
      const project = flags.project ?? process.env.GOOGLE_CLOUD_PROJECT;
      if (!project || !flags.region) cmd.error('tidemark: --drain/--cancel need --project and --region', { exitCode: 2 });
      const { sendStop, stopRequest } = lazy<typeof import('../runners/dataflow/stop_job')>('../runners/dataflow/stop_job');
      const request = stopRequest(project!, flags.region!, (flags.drain ?? flags.cancel)!, flags.drain ? 'drain' : 'cancel');
      if (flags.dryRun) {
        io.out(`${JSON.stringify(request)}\n`);
        return;
      }
      await sendStop(request);
      io.out(`${flags.drain ? 'draining' : 'cancelling'} job ${flags.drain ?? flags.cancel}\n`);
      return;
    }
    let options;
    try {
      options = jobOptions({
        project: flags.project ?? process.env.GOOGLE_CLOUD_PROJECT,
        region: flags.region,
        jobName: flags.jobName,
        tempLocation: flags.tempLocation,
        stagingLocation: flags.stagingLocation,
        serviceAccount: flags.serviceAccount,
        enableStreamingEngine: flags.streamingEngine,
        autoscalingAlgorithm: flags.autoscalingAlgorithm,
        maxWorkers: flags.maxWorkers,
        kmsKeyName: flags.kmsKeyName,
        labels: flags.label,
        subnetwork: flags.subnetwork,
        usePublicIps: flags.usePublicIps ?? false,
        update: flags.update ?? false,
        transformNameMapping: flags.transformNameMapping,
        workerImage: flags.workerImage,
        inputSubscription: flags.inputSubscription,
        dataset: flags.dataset,
        deidentifyConfig: flags.deidentifyConfig,
        deadLetterTopic: flags.deadLetterTopic,
        timestampAttribute: flags.timestampAttribute,
        idAttribute: flags.idAttribute,
        keyFileEnv: flags.keyFileEnv,
      });
    } catch (e) {
      if (e instanceof JobOptionsError) cmd.error(`tidemark: ${(e as Error).message}`, { exitCode: 2 });
      throw e;
    }
    const { buildMarketingJob } = lazy<typeof import('../runners/dataflow/marketing_job')>('../runners/dataflow/marketing_job');
    const { dryRun, writeDryRun } = lazy<typeof import('../runners/dataflow/dry_run')>('../runners/dataflow/dry_run');
    const run = dryRun(buildMarketingJob(options), options);
    if (run.problems.length > 0) throw new Error(`the translated pipeline is invalid: ${run.problems.join('; ')}`);
    const transforms = Object.keys(run.translation.proto.components!.transforms).length;
    if (flags.dryRun) {
      const out = resolve(flags.out);
      const files = writeDryRun(out, run, options);
      if (flags.json) io.out(`${JSON.stringify({ out, files, transforms, valid: true })}\n`);
      else io.out(`dry run: ${transforms} transforms validated; wrote ${files.length} files to ${out}\n`);
      return;
    }
    const { packageArtifacts, prepareRequest, startDataflowJobService, submit } =
      lazy<typeof import('../runners/dataflow/launch')>('../runners/dataflow/launch');
    const service = flags.jobEndpoint ? undefined : await startDataflowJobService(flags.python);
    try {
      const request = prepareRequest(run.translation.proto, options, run.pipelineOptions, packageArtifacts());
      const submitted = await submit(flags.jobEndpoint ?? service!.endpoint, request);
      if (flags.json)
        io.out(`${JSON.stringify({ jobId: submitted.jobId, jobName: options.jobName, staged: submitted.staged })}\n`);
      else io.out(`submitted Dataflow job ${options.jobName} (${submitted.jobId}) in ${options.project}/${options.region}\n`);
    } finally {
      service?.stop();
    }
  });
}
