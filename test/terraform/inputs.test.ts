// The stack provisions what the rest of the project defines, and only that: every table of
// schemas/bigquery/tables.json through one for_each (no schema written twice), the DLP templates from
// config/deidentify.json through dynamic blocks with KMS-wrapped keys, and the flex-template parameters the
// template's metadata declares. The terraform-evaluated side of the same promises is in cli.test.ts.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type Body,
  type Value,
  REPO_ROOT,
  TERRAFORM_DIR,
  block,
  expression,
  isBody,
  loadModules,
  locals,
  moduleAt,
  moduleCalls,
  resources,
  strings,
  variables,
} from './hcl';

const METADATA_PATH = path.join(REPO_ROOT, 'runners/dataflow/flex_template/metadata.json');

const tableIndex = (): Record<string, { schema_file: string }> =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas/bigquery/tables.json'), 'utf8')) as Record<
    string,
    { schema_file: string }
  >;

/** Every key of every object inside a value, with how often it occurs. */
function keyCounts(value: Value, counts = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) for (const item of value) keyCounts(item, counts);
  else if (isBody(value)) {
    for (const [key, item] of Object.entries(value)) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      keyCounts(item, counts);
    }
  }
  return counts;
}

/** The names of dynamic blocks directly inside a body. */
function dynamicNames(body: Body | undefined): string[] {
  const dynamic = body?.dynamic;
  return isBody(dynamic) ? Object.keys(dynamic).sort() : [];
}

/** The content body of a dynamic block. */
function dynamicContent(body: Body | undefined, name: string): Body | undefined {
  const dynamic = body?.dynamic;
  const entry = isBody(dynamic) ? block(dynamic, name) : undefined;
  return entry ? block(entry, 'content') : undefined;
}

describe('terraform inputs from the rest of the project', () => {
  it('creates every table of schemas/bigquery/tables.json through one for_each over the config module', async () => {
    const all = (await loadModules()).flatMap((m) => resources(m));
    const tables = all.filter((r) => r.type === 'google_bigquery_table');
    assert.equal(tables.length, 1, 'exactly one google_bigquery_table block (for_each over the generated tables)');
    const table = tables[0].body;
    assert.equal(expression(table.for_each), 'var.tables');
    assert.equal(expression(table.table_id), 'each.key');
    assert.equal(expression(table.schema), 'each.value.schema_json');
    assert.equal(expression(table.clustering), 'each.value.clustering');
    const partitioning = block(table, 'time_partitioning');
    assert.equal(expression(partitioning?.field), 'each.value.partition_field');
    assert.equal(expression(partitioning?.type), 'each.value.partition_type');
    assert.equal(expression(partitioning?.expiration_ms), 'each.value.partition_expiration_ms');

    const root = await moduleAt('.');
    const bigquery = moduleCalls(root).find((c) => c.name === 'bigquery');
    assert.equal(expression(bigquery?.body.tables), 'module.config.tables');
    const config = await moduleAt('modules/config');
    assert.match(String(locals(config).table_index), /jsondecode\(file\("\$\{var\.schemas_dir\}\/tables\.json"\)\)/);
    assert.match(String(locals(root).schemas_dir), /\.\.\/schemas\/bigquery/);
    assert.ok(existsSync(path.join(TERRAFORM_DIR, '../schemas/bigquery/tables.json')));
  });

  it('writes no column schema by hand anywhere in terraform/', async () => {
    const problems: string[] = [];
    for (const module of await loadModules()) {
      for (const r of resources(module)) {
        for (const { at, text } of strings(r.body)) {
          if (/"?(mode|type)"?\s*[:=]\s*"?(REQUIRED|NULLABLE|REPEATED|STRING|INT64|INTEGER|TIMESTAMP|RECORD)\b/.test(text)) {
            problems.push(`${r.file}: ${r.type}.${r.name} ${at} looks like a column definition: ${text.slice(0, 80)}`);
          }
        }
        if ('schema' in r.body && expression(r.body.schema) !== 'each.value.schema_json') {
          problems.push(`${r.file}: ${r.type}.${r.name} sets a schema that is not the generated one`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('names in the default table tiers only tables that tables.json defines', async () => {
    const root = await moduleAt('.');
    const tiers = variables(root).find((v) => v.name === 'table_tiers')?.body.default;
    assert.ok(isBody(tiers));
    const known = Object.keys(tableIndex());
    for (const name of Object.keys(tiers)) assert.ok(known.includes(name), `table_tiers names unknown table ${name}`);
  });

  it('builds both DLP templates from config/deidentify.json (through the config module) with dynamic blocks', async () => {
    const root = await moduleAt('.');
    assert.match(String(locals(root).deidentify_config_path), /\.\.\/config\/deidentify\.json/);
    assert.ok(existsSync(path.join(TERRAFORM_DIR, '../config/deidentify.json')));
    const dlpCall = moduleCalls(root).find((c) => c.name === 'dlp');
    assert.equal(expression(dlpCall?.body.deidentify), 'module.config.deidentify');
    assert.equal(expression(dlpCall?.body.inspect), 'module.config.inspect');
    assert.equal(expression(dlpCall?.body.crypto_key_names), 'module.config.crypto_key_names');
    const config = await moduleAt('modules/config');
    assert.match(String(locals(config).dlp_raw), /jsondecode\(file\(var\.deidentify_config_path\)\)/);

    const dlp = await moduleAt('modules/dlp');
    const byType = new Map(resources(dlp).map((r) => [r.type, r.body]));
    const deidentify = byType.get('google_data_loss_prevention_deidentify_template');
    const records = block(block(deidentify ?? {}, 'deidentify_config') ?? {}, 'record_transformations');
    assert.deepEqual(dynamicNames(records), ['field_transformations']);
    const fieldTransformation = dynamicContent(records, 'field_transformations');
    assert.deepEqual(dynamicNames(fieldTransformation), ['fields', 'info_type_transformations', 'primitive_transformation']);

    // Every primitive transformation the config module can express has a dynamic block at both levels.
    const fieldLevel = dynamicNames(dynamicContent(fieldTransformation, 'primitive_transformation'));
    assert.deepEqual(fieldLevel, [
      'character_mask_config',
      'crypto_deterministic_config',
      'crypto_hash_config',
      'redact_config',
      'replace_config',
    ]);
    const transformation = dynamicContent(dynamicContent(fieldTransformation, 'info_type_transformations'), 'transformations');
    const infoTypeLevel = dynamicNames(block(transformation ?? {}, 'primitive_transformation'));
    assert.deepEqual(infoTypeLevel, [...fieldLevel, 'replace_with_info_type_config'].sort());

    const inspect = byType.get('google_data_loss_prevention_inspect_template');
    assert.deepEqual(dynamicNames(block(inspect ?? {}, 'inspect_config')), ['info_types', 'rule_set']);
  });

  it('replaces every transient crypto key with a KMS-wrapped key (4 places: hash and deterministic, at both levels)', async () => {
    const dlp = await moduleAt('modules/dlp');
    const deidentify = resources(dlp).find((r) => r.type === 'google_data_loss_prevention_deidentify_template');
    assert.ok(deidentify);
    const counts = keyCounts(deidentify.body);
    assert.equal(counts.get('transient'), undefined, 'a transient key would give a new random key per request');
    assert.equal(counts.get('unwrapped'), undefined, 'a raw key would sit in state and in the template');
    assert.equal(counts.get('kms_wrapped'), 4);
    const wrapped = [...strings(deidentify.body)].filter(({ at }) => at.endsWith('.wrapped_key'));
    assert.equal(wrapped.length, 4);
    for (const { text } of wrapped) assert.match(text, /^\$\{var\.wrapped_keys\[/);
    const lifecycle = block(deidentify.body, 'lifecycle');
    assert.match(String(block(lifecycle ?? {}, 'precondition')?.condition), /missing_wrapped_keys/);
  });

  it('passes the flex-template parameters the template metadata declares, and every required one', async function () {
    const root = await moduleAt('.');
    const parameters = locals(root).template_parameters;
    assert.ok(isBody(parameters));
    const ours = Object.keys(parameters).sort();
    assert.deepEqual(ours, [
      'dataset',
      'dead_letter_topic',
      'deidentify_config',
      'input_subscription',
      'max_workers',
      'project',
      'region',
      'temp_location',
    ]);
    const metadata = JSON.parse(readFileSync(METADATA_PATH, 'utf8')) as { parameters?: { name: string; isOptional?: boolean }[] };
    const declared = (metadata.parameters ?? []).map((p) => p.name);
    const required = (metadata.parameters ?? []).filter((p) => p.isOptional !== true).map((p) => p.name);
    assert.deepEqual(
      ours.filter((name) => !declared.includes(name)),
      [],
      'parameters the template does not declare',
    );
    assert.deepEqual(
      required.filter((name) => !ours.includes(name)),
      [],
      'required template parameters Terraform does not pass',
    );
  });
});
