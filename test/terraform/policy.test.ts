// Policy checks over the parsed Terraform: what every variable and output must carry, which roles may be granted,
// which resources must use customer-managed encryption keys. They read the configuration, not a plan, so they
// run offline in milliseconds; a live `terraform plan` is still needed to prove the provider accepts it.
import { strict as assert } from 'node:assert';
import {
  type Body,
  type TfModule,
  block,
  blocks,
  expression,
  isBody,
  loadModules,
  locals,
  outputs,
  parseTf,
  resources,
  strings,
  variables,
} from './hcl';

const PRIMITIVE_ROLE = /\broles\/(owner|editor|viewer)(?![\w.])/;
// BigQuery dataset access also knows legacy basic roles that behave like primitive ones.
const LEGACY_DATASET_ROLES = new Set(['OWNER', 'WRITER', 'READER']);

/** Resource types that can hold data, and where their CMEK key goes (block names, then the attribute). */
const CMEK_ATTRIBUTE: Record<string, readonly string[]> = {
  google_pubsub_topic: ['kms_key_name'],
  google_bigquery_dataset: ['default_encryption_configuration', 'kms_key_name'],
  google_bigquery_table: ['encryption_configuration', 'kms_key_name'],
  google_storage_bucket: ['encryption', 'default_kms_key_name'],
  google_artifact_registry_repository: ['kms_key_name'],
  google_dataflow_flex_template_job: ['kms_key_name'],
};

/** Every other resource type the stack may use, with the reason it takes no CMEK key. */
const NO_CMEK: Record<string, string> = {
  google_project_service: 'enables an API; holds no data',
  google_project_service_identity: 'creates a service agent; holds no data',
  google_service_account: 'an identity; holds no data',
  google_project_iam_member: 'an IAM grant',
  google_pubsub_topic_iam_member: 'an IAM grant',
  google_pubsub_subscription_iam_member: 'an IAM grant',
  google_bigquery_dataset_iam_member: 'an IAM grant',
  google_storage_bucket_iam_member: 'an IAM grant',
  google_artifact_registry_repository_iam_member: 'an IAM grant',
  google_kms_crypto_key_iam_member: 'an IAM grant',
  google_kms_key_ring: 'holds the keys',
  google_kms_crypto_key: 'is the key',
  google_pubsub_subscription: "messages are stored under the topic's key",
  google_data_loss_prevention_deidentify_template: 'configuration only; DLP templates take no CMEK key',
  google_data_loss_prevention_inspect_template: 'configuration only; DLP templates take no CMEK key',
  google_monitoring_alert_policy: 'configuration only',
  terraform_data: 'plan-time guards, stored only in state',
};

/** Variables whose values have rules; each must carry at least one validation block wherever it is declared. */
const CONSTRAINED_VARIABLES = new Set([
  'project_id',
  'region',
  'location',
  'environment',
  'kms_key_name',
  'rotation_period',
  'kms_rotation_period',
  'num_workers',
  'max_workers',
  'machine_type',
  'subnetwork',
  'notification_channels',
  'ack_deadline_seconds',
  'max_delivery_attempts',
  'bucket_name',
  'dataset_id',
  'job_name',
  'container_spec_gcs_path',
  'image_tag',
  'labels',
  'table_tiers',
  'wrapped_keys',
]);

function attributeAt(body: Body, pathParts: readonly string[]): unknown {
  let current: Body | undefined = body;
  for (const part of pathParts.slice(0, -1)) {
    current = current ? block(current, part) : undefined;
  }
  return current?.[pathParts[pathParts.length - 1]];
}

/** A value that is set and not the empty string (expressions count as set). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function primitiveRoleFindings(modules: readonly TfModule[]): string[] {
  const problems: string[] = [];
  for (const module of modules) {
    const places: { where: string; value: Body }[] = [
      { where: `${module.dir} locals`, value: locals(module) },
      ...resources(module).map((r) => ({ where: `${r.file}: ${r.type}.${r.name}`, value: r.body })),
      ...outputs(module).map((o) => ({ where: `${o.file}: output ${o.name}`, value: o.body })),
      // A default role list would be a grant; validation blocks may name the roles they refuse, so they are skipped.
      ...variables(module).map((v) => ({
        where: `${v.file}: variable ${v.name} default`,
        value: { default: v.body.default ?? null },
      })),
    ];
    for (const { where, value } of places) {
      for (const { at, text } of strings(value)) {
        if (PRIMITIVE_ROLE.test(text)) problems.push(`${where} ${at}: ${text}`);
      }
    }
    for (const r of resources(module)) {
      const role = r.body.role;
      if (typeof role === 'string' && LEGACY_DATASET_ROLES.has(role))
        problems.push(`${r.file}: ${r.type}.${r.name} role ${role}`);
    }
  }
  return problems;
}

function cmekFindings(modules: readonly TfModule[]): string[] {
  const problems: string[] = [];
  for (const module of modules) {
    for (const r of resources(module)) {
      const cmekPath = CMEK_ATTRIBUTE[r.type];
      if (cmekPath) {
        const value = attributeAt(r.body, cmekPath);
        if (!isSet(value) || !/kms/i.test(String(value))) {
          problems.push(`${r.file}: ${r.type}.${r.name} has no CMEK key at ${cmekPath.join('.')}`);
        }
      } else if (!(r.type in NO_CMEK)) {
        problems.push(
          `${r.file}: ${r.type}.${r.name} is a resource type with no CMEK decision; add it to CMEK_ATTRIBUTE or NO_CMEK`,
        );
      }
    }
  }
  return problems;
}

describe('terraform policy', () => {
  let modules: TfModule[];
  before(async () => {
    modules = await loadModules();
  });

  it('parses every .tf file (syntax errors fail here with file, line and column)', () => {
    const files = modules.flatMap((m) => m.files);
    assert.ok(files.length >= 40, `expected the whole stack, parsed ${files.length} files`);
  });

  it('types and describes every variable, in modules and examples alike', () => {
    const problems: string[] = [];
    for (const module of modules) {
      for (const v of variables(module)) {
        if (typeof v.body.type !== 'string') problems.push(`${v.file}: variable "${v.name}" has no type`);
        if (typeof v.body.description !== 'string' || v.body.description.trim().length < 10) {
          problems.push(`${v.file}: variable "${v.name}" has no (meaningful) description`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('validates every variable whose value is constrained (outside the examples, which forward to the module)', () => {
    const problems: string[] = [];
    for (const module of modules.filter((m) => !m.dir.startsWith('examples'))) {
      for (const v of variables(module)) {
        const hasValidation = blocks(v.body, 'validation').length > 0;
        const checkedElsewhere = v.name === 'wrapped_keys' && module.dir === '.'; // checked by modules/dlp
        if (CONSTRAINED_VARIABLES.has(v.name) && !hasValidation && !checkedElsewhere) {
          problems.push(`${v.file}: variable "${v.name}" has no validation block`);
        }
        for (const validation of blocks(v.body, 'validation')) {
          if (typeof validation.error_message !== 'string' || validation.error_message.length < 15) {
            problems.push(`${v.file}: a validation of "${v.name}" has no useful error_message`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('describes every output', () => {
    const problems: string[] = [];
    for (const module of modules) {
      for (const o of outputs(module)) {
        if (typeof o.body.description !== 'string' || o.body.description.trim().length < 10) {
          problems.push(`${o.file}: output "${o.name}" has no (meaningful) description`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('grants no primitive role anywhere (roles/owner, roles/editor, roles/viewer, or legacy dataset OWNER/WRITER/READER)', () => {
    assert.deepEqual(primitiveRoleFindings(modules), []);
  });

  it('uses only additive IAM members, never authoritative bindings or policies that would erase grants made elsewhere', () => {
    const authoritative = modules
      .flatMap((m) => resources(m))
      .filter((r) => /_iam_(binding|policy)$/.test(r.type))
      .map((r) => `${r.file}: ${r.type}.${r.name}`);
    assert.deepEqual(authoritative, []);
  });

  it('grants the worker exactly the least-privilege project roles, none of them basic', () => {
    const iam = modules.find((m) => m.dir === 'modules/iam');
    assert.ok(iam);
    const listed = [...strings(locals(iam).base_worker_project_roles ?? null)]
      .map((s) => s.text)
      .filter((t) => t.startsWith('roles/'));
    assert.deepEqual(listed.sort(), [
      'roles/bigquery.jobUser',
      'roles/dataflow.worker',
      'roles/dlp.deidentifyTemplatesReader',
      'roles/dlp.inspectTemplatesReader',
      'roles/dlp.user',
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
    ]);
  });

  it('puts a CMEK key on every resource that can hold data, and knows why every other resource type has none', () => {
    assert.deepEqual(cmekFindings(modules), []);
    const used = new Set(modules.flatMap((m) => resources(m)).map((r) => r.type));
    for (const type of Object.keys(CMEK_ATTRIBUTE)) assert.ok(used.has(type), `expected a ${type} in the stack`);
  });

  it('the checks above do catch violations: a basic role, a legacy dataset role, a missing key, an unclassified type', async () => {
    const hostile: TfModule = {
      dir: 'hostile',
      files: [
        {
          path: 'hostile/main.tf',
          body: await parseTf(
            'hostile/main.tf',
            `
resource "google_project_iam_member" "a" {
  project = "p"
  role    = "roles/editor"
  member  = "user:a@example.com"
}
resource "google_bigquery_dataset_access" "b" {
  dataset_id = "d"
  role       = "WRITER"
}
resource "google_pubsub_topic" "c" {
  name = "t"
}
locals {
  roles = toset(["roles/viewer"])
}
`,
          ),
        },
      ],
    };
    assert.equal(primitiveRoleFindings([hostile]).length, 3);
    assert.deepEqual(
      cmekFindings([hostile]).map((f) => f.split(': ')[1].split(' ')[0]),
      ['google_bigquery_dataset_access.b', 'google_pubsub_topic.c'],
    );
  });

  it('grants each service agent the use of its CMEK key, and the worker only decrypt on the pseudonymisation key', () => {
    const kms = modules.find((m) => m.dir === 'modules/kms');
    assert.ok(kms);
    const grants = locals(kms).cmek_grants;
    assert.ok(isBody(grants));
    assert.deepEqual(Object.keys(grants).sort(), ['artifact_registry', 'bigquery', 'dataflow', 'pubsub', 'storage']);
    const dataflowMembers = [...strings(grants.dataflow)].map((s) => s.text).join(' ');
    for (const agent of ['service_agents.dataflow', 'service_agents.compute', 'var.worker_service_account_email']) {
      assert.ok(dataflowMembers.includes(agent), `Dataflow key must be granted to ${agent}`);
    }
    const byName = new Map(resources(kms).map((r) => [`${r.type}.${r.name}`, r.body]));
    assert.equal(byName.get('google_kms_crypto_key_iam_member.cmek')?.role, 'roles/cloudkms.cryptoKeyEncrypterDecrypter');
    assert.equal(
      byName.get('google_kms_crypto_key_iam_member.pseudonymisation_unwrap')?.role,
      'roles/cloudkms.cryptoKeyDecrypter',
    );
  });

  it('rotates every KMS key and protects it from destroy', () => {
    const keys = modules.flatMap((m) => resources(m)).filter((r) => r.type === 'google_kms_crypto_key');
    assert.equal(keys.length, 2, 'the CMEK keys (for_each) and the pseudonymisation key');
    for (const key of keys) {
      assert.ok(isSet(key.body.rotation_period), `${key.name} has no rotation_period`);
      assert.equal(block(key.body, 'lifecycle')?.prevent_destroy, true, `${key.name} is not prevent_destroy`);
    }
  });

  it('runs the job streaming, autoscaled by throughput, on private IPs, as the worker, with CMEK, draining on delete', () => {
    const jobs = modules.flatMap((m) => resources(m)).filter((r) => r.type === 'google_dataflow_flex_template_job');
    assert.equal(jobs.length, 1);
    const job = jobs[0].body;
    assert.equal(job.provider, '${google-beta}');
    assert.equal(job.enable_streaming_engine, true);
    assert.equal(job.autoscaling_algorithm, 'THROUGHPUT_BASED');
    assert.equal(job.ip_configuration, 'WORKER_IP_PRIVATE');
    assert.equal(job.on_delete, 'drain');
    assert.equal(expression(job.num_workers), 'var.num_workers');
    assert.equal(expression(job.max_workers), 'var.max_workers');
    for (const attribute of [
      'machine_type',
      'service_account_email',
      'kms_key_name',
      'labels',
      'parameters',
      'subnetwork',
      'temp_location',
    ]) {
      assert.ok(isSet(job[attribute]), `flex template job has no ${attribute}`);
    }
  });

  it('configures the input subscription (ack deadline, retention, exactly-once option, dead-lettering) and the Pub/Sub agent grants', () => {
    const pubsub = modules.find((m) => m.dir === 'modules/pubsub');
    assert.ok(pubsub);
    const byName = new Map(resources(pubsub).map((r) => [`${r.type}.${r.name}`, r.body]));
    const subscription = byName.get('google_pubsub_subscription.input');
    assert.ok(subscription);
    for (const attribute of ['ack_deadline_seconds', 'message_retention_duration', 'enable_exactly_once_delivery']) {
      assert.ok(isSet(subscription[attribute]), `subscription has no ${attribute}`);
    }
    assert.ok(block(subscription, 'dead_letter_policy')?.dead_letter_topic, 'subscription has no dead_letter_policy');
    assert.ok(byName.has('google_pubsub_subscription.dead_letter'), 'the dead-letter topic needs its own subscription');
    const publisher = byName.get('google_pubsub_topic_iam_member.service_agent_dead_letter_publisher');
    const subscriber = byName.get('google_pubsub_subscription_iam_member.service_agent_subscriber');
    assert.equal(publisher?.role, 'roles/pubsub.publisher');
    assert.match(String(publisher?.member), /pubsub_service_agent_email/);
    assert.equal(subscriber?.role, 'roles/pubsub.subscriber');
    assert.match(String(subscriber?.member), /pubsub_service_agent_email/);
  });

  it('makes the bucket uniform-access, never public, with lifecycle rules for temp and staging files', () => {
    const buckets = modules.flatMap((m) => resources(m)).filter((r) => r.type === 'google_storage_bucket');
    assert.equal(buckets.length, 1);
    const bucket = buckets[0].body;
    assert.equal(bucket.uniform_bucket_level_access, true);
    assert.equal(bucket.public_access_prevention, 'enforced');
    const prefixes = blocks(bucket, 'lifecycle_rule').flatMap((rule) =>
      [...strings(block(rule, 'condition')?.matches_prefix ?? null)].map((s) => s.text),
    );
    assert.deepEqual(prefixes.sort(), ['staging/', 'temp/']);
  });

  it('alerts on system lag, data freshness, backlog age, dead-letter rate and DLP errors, notifying the channel variable', () => {
    const monitoring = modules.find((m) => m.dir === 'modules/monitoring');
    assert.ok(monitoring);
    const policies = locals(monitoring).policies;
    assert.ok(isBody(policies));
    assert.deepEqual(Object.keys(policies).sort(), [
      'backlog_age',
      'data_freshness',
      'dead_letter_rate',
      'dlp_error_rate',
      'system_lag',
    ]);
    const filters = Object.values(policies).map((p) => (isBody(p) ? String(p.filter) : ''));
    for (const metric of [
      'dataflow.googleapis.com/job/system_lag',
      'dataflow.googleapis.com/job/data_watermark_age',
      'pubsub.googleapis.com/subscription/oldest_unacked_message_age',
      'pubsub.googleapis.com/topic/send_message_operation_count',
      'serviceruntime.googleapis.com/api/request_count',
    ]) {
      assert.ok(
        filters.some((f) => f.includes(metric)),
        `no alert on ${metric}`,
      );
    }
    const policy = resources(monitoring).find((r) => r.type === 'google_monitoring_alert_policy');
    assert.equal(expression(policy?.body.notification_channels), 'var.notification_channels');
  });

  it('enables every API the resources need', () => {
    const root = modules.find((m) => m.dir === '.');
    assert.ok(root);
    const services = [...strings(locals(root).services ?? null)].map((s) => s.text);
    for (const api of [
      'dataflow',
      'pubsub',
      'bigquery',
      'dlp',
      'cloudkms',
      'storage',
      'artifactregistry',
      'monitoring',
      'compute',
      'iam',
    ]) {
      assert.ok(services.includes(`${api}.googleapis.com`), `${api}.googleapis.com is not enabled`);
    }
  });
});
