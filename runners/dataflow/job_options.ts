/**
 * The options of a Dataflow job, validated in one place. The same names (snake_case) are the Flex Template's
 * parameters (flex_template/metadata.json) and the CLI's flags (kebab-case), so Terraform, the launcher and a
 * person typing the command say the same thing. Defaults live here.
 */
export type AutoscalingAlgorithm = 'THROUGHPUT_BASED' | 'NONE';

export interface DataflowJobOptions {
  /** Google Cloud project that runs the job. */
  readonly project: string;
  /** Dataflow regional endpoint, e.g. europe-west1. */
  readonly region: string;
  /** Lowercase letters, digits and dashes; also the name an update replaces. */
  readonly jobName: string;
  /** gs:// folder for temporary files. */
  readonly tempLocation: string;
  /** gs:// folder for staged packages. Default `<tempLocation>/staging`. */
  readonly stagingLocation: string;
  /** Worker service account e-mail; default: the Compute Engine default account (not recommended). */
  readonly serviceAccount?: string;
  /** Streaming Engine moves shuffle and state off the workers. Default true. */
  readonly enableStreamingEngine: boolean;
  readonly autoscalingAlgorithm: AutoscalingAlgorithm;
  /** Upper bound of autoscaling. Default 10. */
  readonly maxWorkers: number;
  /** Customer-managed key for job state and temp files: projects/P/locations/L/keyRings/R/cryptoKeys/K. */
  readonly kmsKeyName?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Worker subnetwork (regions/R/subnetworks/S or a full URL); with usePublicIps false, workers get no public IP. */
  readonly subnetwork?: string;
  readonly usePublicIps: boolean;
  /** Replace the running job of the same name, keeping its state; steps are matched by name. */
  readonly update: boolean;
  /** Renamed or removed steps for an update: old name → new name ('' removes it). */
  readonly transformNameMapping: Readonly<Record<string, string>>;
  /** SDK harness image the workers run. */
  readonly workerImage: string;
  // --- the pipeline's own parameters
  /** projects/P/subscriptions/S the events arrive on. */
  readonly inputSubscription: string;
  /** BigQuery dataset of the tables. */
  readonly dataset: string;
  /** gs:// or local path of the masking configuration (config/deidentify.json's shape). */
  readonly deidentifyConfig?: string;
  /** projects/P/topics/T that receives undecodable messages, when set. */
  readonly deadLetterTopic?: string;
  /** Attribute with the event time, when publishers set one (Dataflow then derives the watermark from it). */
  readonly timestampAttribute?: string;
  /** Attribute with a unique message id, for Dataflow's own redelivery dedupe. */
  readonly idAttribute?: string;
  /** Worker environment variable naming the key file (a mounted secret) of the masking keys. Default TIDEMARK_KEY_FILE. */
  readonly keyFileEnv: string;
}

export class JobOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid Dataflow job options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'JobOptionsError';
  }
}

/** What a caller gives: everything optional that has a default. */
export type JobOptionsInput = Partial<Omit<DataflowJobOptions, 'labels' | 'transformNameMapping'>> & {
  readonly labels?: Readonly<Record<string, string>> | readonly string[];
  readonly transformNameMapping?: Readonly<Record<string, string>> | string;
};

const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const JOB_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const GCS = /^gs:\/\/[a-z0-9][-_.a-z0-9]{1,220}[a-z0-9](\/.*)?$/;
const SERVICE_ACCOUNT =
  /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$|^\d+-compute@developer\.gserviceaccount\.com$/;
const KMS_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const SUBSCRIPTION = /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/subscriptions\/[A-Za-z][\w.~+%-]{2,254}$/;
const TOPIC = /^projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/topics\/[A-Za-z][\w.~+%-]{2,254}$/;
const DATASET = /^\w{1,1024}$/;
const LABEL_KEY = /^[a-z][-_a-z0-9]{0,62}$/;
const LABEL_VALUE = /^[-_a-z0-9]{0,63}$/;
const IMAGE = /^[\w.-]+(:\d+)?(\/[\w.-]+)+(:[\w.-]+|@sha256:[0-9a-f]{64})$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

export const DEFAULT_WORKER_IMAGE_NAME = 'docker.io/apache/beam_typescript_sdk:2.49.0';

function parseLabels(input: JobOptionsInput['labels'], problems: string[]): Record<string, string> {
  const entries: [string, string][] = [];
  if (Array.isArray(input)) {
    for (const item of input as readonly string[]) {
      const eq = item.indexOf('=');
      if (eq <= 0) problems.push(`label '${item}' is not key=value`);
      else entries.push([item.slice(0, eq), item.slice(eq + 1)]);
    }
  } else if (input) entries.push(...Object.entries(input as Record<string, string>));
  if (entries.length > 64) problems.push(`at most 64 labels, got ${entries.length}`);
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k))
      problems.push(`label key '${k}' must be lowercase letters, digits, - or _, starting with a letter, ≤ 63 chars`);
    if (!LABEL_VALUE.test(v)) problems.push(`label value '${v}' of '${k}' must be lowercase letters, digits, - or _, ≤ 63 chars`);
  }
  return Object.fromEntries(entries);
}

function parseMapping(input: JobOptionsInput['transformNameMapping'], problems: string[]): Record<string, string> {
  if (input === undefined || input === '') return {};
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      problems.push('transform_name_mapping must be a JSON object of old step name → new step name');
      return {};
    }
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    problems.push('transform_name_mapping must be a JSON object of old step name → new step name (strings)');
    return {};
  }
  return value as Record<string, string>;
}

/** Validates and fills in defaults; every problem is reported at once, by option name. */
export function jobOptions(input: JobOptionsInput): DataflowJobOptions {
  const problems: string[] = [];
  const need = (name: string, value: string | undefined, pattern: RegExp, what: string): string => {
    if (value === undefined || value === '') problems.push(`${name} is required (${what})`);
    else if (!pattern.test(value)) problems.push(`${name} '${value}' is not ${what}`);
    return value ?? '';
  };
  const maybe = (name: string, value: string | undefined, pattern: RegExp, what: string): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if (!pattern.test(value)) problems.push(`${name} '${value}' is not ${what}`);
    return value;
  };
  const project = need('project', input.project, PROJECT, 'a Google Cloud project id');
  const tempLocation = need('temp_location', input.tempLocation, GCS, 'a gs:// path');
  const maxWorkers = input.maxWorkers ?? 10;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1 || maxWorkers > 1000)
    problems.push(`max_workers must be a whole number in [1, 1000], got ${maxWorkers}`);
  const autoscalingAlgorithm = input.autoscalingAlgorithm ?? 'THROUGHPUT_BASED';
  if (autoscalingAlgorithm !== 'THROUGHPUT_BASED' && autoscalingAlgorithm !== 'NONE') {
    problems.push(`autoscaling_algorithm must be THROUGHPUT_BASED or NONE, got '${String(autoscalingAlgorithm)}'`);
  }
  const transformNameMapping = parseMapping(input.transformNameMapping, problems);
  const update = input.update ?? false;
  if (!update && Object.keys(transformNameMapping).length > 0) problems.push('transform_name_mapping only applies with update');
  const options: DataflowJobOptions = {
    project,
    region: need('region', input.region, REGION, 'a Dataflow region such as europe-west1'),
    jobName: need(
      'job_name',
      input.jobName ?? 'tidemark-marketing-events',
      JOB_NAME,
      'lowercase letters, digits and dashes, starting with a letter',
    ),
    tempLocation,
    stagingLocation:
      maybe('staging_location', input.stagingLocation, GCS, 'a gs:// path') ?? `${tempLocation.replace(/\/$/, '')}/staging`,
    serviceAccount: maybe('service_account', input.serviceAccount, SERVICE_ACCOUNT, 'a service account e-mail'),
    enableStreamingEngine: input.enableStreamingEngine ?? true,
    autoscalingAlgorithm,
    maxWorkers,
    kmsKeyName: maybe('kms_key_name', input.kmsKeyName, KMS_KEY, 'projects/P/locations/L/keyRings/R/cryptoKeys/K'),
    labels: parseLabels(input.labels, problems),
    subnetwork: input.subnetwork || undefined,
    usePublicIps: input.usePublicIps ?? false,
    update,
    transformNameMapping,
    workerImage: need(
      'worker_image',
      input.workerImage ?? DEFAULT_WORKER_IMAGE_NAME,
      IMAGE,
      'a container image reference with a tag or digest',
    ),
    inputSubscription: need(
      'input_subscription',
      input.inputSubscription,
      SUBSCRIPTION,
      'projects/<project>/subscriptions/<name>',
    ),
    dataset: need('dataset', input.dataset, DATASET, 'a BigQuery dataset name (letters, digits, _)'),
    deidentifyConfig: input.deidentifyConfig || undefined,
    deadLetterTopic: maybe('dead_letter_topic', input.deadLetterTopic, TOPIC, 'projects/<project>/topics/<name>'),
    timestampAttribute: input.timestampAttribute || undefined,
    idAttribute: input.idAttribute || undefined,
    keyFileEnv: need('key_file_env', input.keyFileEnv ?? 'TIDEMARK_KEY_FILE', ENV_NAME, 'an environment variable name'),
  };
  if (problems.length > 0) throw new JobOptionsError(problems);
  return options;
}

/**
 * The pipeline options as Beam's Dataflow job service reads them (Python option names). runner v2 and
 * streaming are passed explicitly: apache-beam 2.49's `dataflowRunner({experiments})` replaces the caller's
 * options (FACTS.md), so nothing here relies on its defaults.
 */
export function beamPipelineOptions(o: DataflowJobOptions, registeredNodeModules: readonly string[]): Record<string, unknown> {
  const experiments = ['use_runner_v2', 'use_portable_job_submission', 'use_sibling_sdk_workers'];
  if (o.enableStreamingEngine) experiments.push('enable_streaming_engine');
  return {
    runner: 'DataflowRunner',
    project: o.project,
    region: o.region,
    job_name: o.jobName,
    temp_location: o.tempLocation,
    staging_location: o.stagingLocation,
    streaming: true,
    enable_streaming_engine: o.enableStreamingEngine,
    autoscaling_algorithm: o.autoscalingAlgorithm,
    max_num_workers: o.maxWorkers,
    ...(o.serviceAccount && { service_account_email: o.serviceAccount }),
    ...(o.kmsKeyName && { dataflow_kms_key: o.kmsKeyName }),
    labels: Object.entries(o.labels).map(([k, v]) => `${k}=${v}`),
    ...(o.subnetwork && { subnetwork: o.subnetwork }),
    use_public_ips: o.usePublicIps,
    update: o.update,
    ...(o.update && { transform_name_mapping: o.transformNameMapping }),
    sdk_container_image: o.workerImage,
    experiments,
    registered_node_modules: [...registeredNodeModules],
  };
}

/** Beam's wire form of pipeline options: `beam:option:<name>:v1` keys (what apache-beam's PortableRunner sends). */
export function beamOptionKeys(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [`beam:option:${k}:v1`, v]));
}
