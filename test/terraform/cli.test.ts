// The real terraform binary, where one is on PATH: `terraform fmt -check` over all of terraform/, and
// init/validate/apply of the provider-free config module, which is the part of the stack that turns
// schemas/bigquery and config/deidentify.json into what the resources are built from. No provider can be
// downloaded here, so the modules with Google resources are checked by policy.test.ts only.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { REPO_ROOT, TERRAFORM_DIR } from './hcl';
import { type Workspace, findTerraform, workspace } from './terraform_binary';

const CONFIG_MODULE = path.join(TERRAFORM_DIR, 'modules/config');
const SCHEMAS_DIR = path.join(REPO_ROOT, 'schemas/bigquery');
const DEIDENTIFY_PATH = path.join(REPO_ROOT, 'config/deidentify.json');

const WRAPPER = `
variable "schemas_dir" {
  type = string
}
variable "deidentify_config_path" {
  type = string
}
variable "table_tiers" {
  type    = map(string)
  default = {}
}
module "config" {
  source                 = ${JSON.stringify(CONFIG_MODULE)}
  schemas_dir            = var.schemas_dir
  deidentify_config_path = var.deidentify_config_path
  table_tiers            = var.table_tiers
}
output "tables" {
  value = module.config.tables
}
output "deidentify" {
  value = module.config.deidentify
}
output "inspect" {
  value = module.config.inspect
}
output "crypto_key_names" {
  value = module.config.crypto_key_names
}
`;

// ---- An independent translation of the DLP JSON, to compare with what the config module computes ----------------

interface DlpPrimitive {
  replaceConfig?: {
    newValue: { stringValue?: string; integerValue?: number | string; floatValue?: number; booleanValue?: boolean };
  };
  redactConfig?: object;
  replaceWithInfoTypeConfig?: object;
  characterMaskConfig?: {
    maskingCharacter?: string;
    numberToMask?: number;
    reverseOrder?: boolean;
    charactersToIgnore?: { charactersToSkip?: string; commonCharactersToIgnore?: string }[];
  };
  cryptoHashConfig?: { cryptoKey: { transient: { name: string } } };
  cryptoDeterministicConfig?: {
    cryptoKey: { transient: { name: string } };
    surrogateInfoType?: { name: string };
    context?: { name: string };
  };
}

interface DlpConfig {
  inspectConfig: {
    infoTypes: { name: string }[];
    minLikelihood?: string;
    includeQuote?: boolean;
    ruleSet?: {
      infoTypes: { name: string }[];
      rules: { exclusionRule?: { matchingType: string; regex?: { pattern: string; groupIndexes?: number[] } } }[];
    }[];
  };
  deidentifyConfig: {
    recordTransformations: {
      fieldTransformations: {
        fields: { name: string }[];
        primitiveTransformation?: DlpPrimitive;
        infoTypeTransformations?: {
          transformations: { infoTypes?: { name: string }[]; primitiveTransformation: DlpPrimitive }[];
        };
      }[];
    };
  };
}

function expectedPrimitive(p: DlpPrimitive) {
  const value = p.replaceConfig?.newValue;
  const mask = p.characterMaskConfig;
  const deterministic = p.cryptoDeterministicConfig;
  return {
    replace_config: value
      ? [
          {
            string_value: value.stringValue ?? null,
            integer_value: value.integerValue === undefined ? null : String(value.integerValue),
            float_value: value.floatValue ?? null,
            boolean_value: value.booleanValue ?? null,
          },
        ]
      : [],
    redact_config: p.redactConfig ? [true] : [],
    replace_with_info_type_config: p.replaceWithInfoTypeConfig ? [true] : [],
    character_mask_config: mask
      ? [
          {
            masking_character: mask.maskingCharacter ?? null,
            number_to_mask: mask.numberToMask ?? null,
            reverse_order: mask.reverseOrder ?? null,
            characters_to_ignore: (mask.charactersToIgnore ?? []).map((c) => ({
              characters_to_skip: c.charactersToSkip ?? null,
              common_characters_to_ignore: c.commonCharactersToIgnore ?? null,
            })),
          },
        ]
      : [],
    crypto_hash_config: p.cryptoHashConfig ? [{ key_name: p.cryptoHashConfig.cryptoKey.transient.name }] : [],
    crypto_deterministic_config: deterministic
      ? [
          {
            key_name: deterministic.cryptoKey.transient.name,
            surrogate_info_type: deterministic.surrogateInfoType?.name ?? null,
            context: deterministic.context?.name ?? null,
          },
        ]
      : [],
  };
}

function expectedDeidentify(config: DlpConfig) {
  return {
    field_transformations: config.deidentifyConfig.recordTransformations.fieldTransformations.map((ft) => ({
      fields: ft.fields.map((f) => f.name),
      primitive_transformation: ft.primitiveTransformation ? [expectedPrimitive(ft.primitiveTransformation)] : [],
      info_type_transformations: ft.infoTypeTransformations
        ? [
            ft.infoTypeTransformations.transformations.map((t) => ({
              info_types: (t.infoTypes ?? []).map((i) => i.name),
              primitive_transformation: expectedPrimitive(t.primitiveTransformation),
            })),
          ]
        : [],
    })),
  };
}

function expectedInspect(config: DlpConfig) {
  const inspect = config.inspectConfig;
  return {
    info_types: inspect.infoTypes.map((i) => i.name),
    min_likelihood: inspect.minLikelihood ?? null,
    include_quote: inspect.includeQuote ?? null,
    rule_sets: (inspect.ruleSet ?? []).map((set) => ({
      info_types: set.infoTypes.map((i) => i.name),
      rules: set.rules.map((rule) => ({
        exclusion_rule: rule.exclusionRule
          ? [
              {
                matching_type: rule.exclusionRule.matchingType,
                regex: rule.exclusionRule.regex
                  ? [{ pattern: rule.exclusionRule.regex.pattern, group_indexes: rule.exclusionRule.regex.groupIndexes ?? [] }]
                  : [],
                dictionary_words: [],
              },
            ]
          : [],
        hotword_rule: [],
      })),
    })),
  };
}

// ---- Runs ---------------------------------------------------------------------------------------------------------

interface TableOut {
  description: string;
  schema_file: string;
  schema_json: string;
  columns: string[];
  partition_type: string;
  partition_field: string;
  clustering: string[];
  primary_key: string[];
  tier: string;
  partition_expiration_ms: number | null;
}

interface Outputs {
  tables: Record<string, TableOut>;
  deidentify: unknown;
  inspect: unknown;
  crypto_key_names: string[];
}

const DAY_MS = 86_400_000;

function varArgs(vars: {
  schemas_dir?: string;
  deidentify_config_path?: string;
  table_tiers?: Record<string, string>;
}): string[] {
  return [
    `-var=schemas_dir=${vars.schemas_dir ?? SCHEMAS_DIR}`,
    `-var=deidentify_config_path=${vars.deidentify_config_path ?? DEIDENTIFY_PATH}`,
    `-var=table_tiers=${JSON.stringify(vars.table_tiers ?? {})}`,
  ];
}

/** The error diagnostics of a `-json` run, summary and detail joined. */
function errorsOf(stdout: string): string[] {
  const errors: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as { type?: string; diagnostic?: { severity: string; summary: string; detail?: string } };
    if (entry.type === 'diagnostic' && entry.diagnostic?.severity === 'error') {
      errors.push(`${entry.diagnostic.summary}: ${entry.diagnostic.detail ?? ''}`);
    }
  }
  return errors;
}

describe('terraform binary: fmt, validate, and the provider-free config module evaluated', function () {
  const binary = findTerraform();
  let ws: Workspace;

  before(async function () {
    if (!binary) {
      console.log('      (skipped: no terraform binary on PATH; fmt/validate/evaluation not run)');
      this.skip();
    }
    ws = await workspace(binary);
    await writeFile(path.join(ws.dir, 'main.tf'), WRAPPER);
    const init = await ws.run(['init', '-backend=false', '-input=false']);
    assert.equal(init.code, 0, init.stderr);
  });

  after(async () => {
    await ws?.dispose();
  });

  /** Applies the wrapper (no providers: it only computes outputs) and returns them. */
  async function evaluate(vars: Parameters<typeof varArgs>[0] = {}): Promise<Outputs> {
    const apply = await ws.run(['apply', '-auto-approve', '-input=false', ...varArgs(vars)]);
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
    const out = await ws.run(['output', '-json']);
    assert.equal(out.code, 0, out.stderr);
    const parsed = JSON.parse(out.stdout) as Record<keyof Outputs, { value: unknown }>;
    return {
      tables: parsed.tables.value as Outputs['tables'],
      deidentify: parsed.deidentify.value,
      inspect: parsed.inspect.value,
      crypto_key_names: parsed.crypto_key_names.value as string[],
    };
  }

  /** Plans with the given inputs and returns the error diagnostics (none when the plan succeeds). */
  async function planErrors(vars: Parameters<typeof varArgs>[0]): Promise<string[]> {
    const plan = await ws.run(['plan', '-json', '-input=false', ...varArgs(vars)]);
    const errors = errorsOf(plan.stdout);
    if (plan.code === 0) assert.deepEqual(errors, []);
    else assert.ok(errors.length > 0, `plan failed without a diagnostic: ${plan.stderr}`);
    return errors;
  }

  async function writeConfig(name: string, mutate: (config: DlpConfig & Record<string, unknown>) => void): Promise<string> {
    const config = JSON.parse(readFileSync(DEIDENTIFY_PATH, 'utf8')) as DlpConfig & Record<string, unknown>;
    mutate(config);
    const file = path.join(ws.dir, `${name}.json`);
    await writeFile(file, JSON.stringify(config));
    return file;
  }

  it('terraform fmt -check -recursive: every .tf file is formatted', async () => {
    const fmt = await ws.run(['fmt', '-check', '-recursive', '-diff', TERRAFORM_DIR]);
    assert.equal(fmt.code, 0, `terraform fmt would change:\n${fmt.stdout}${fmt.stderr}`);
  });

  it('terraform validate accepts the config module (through a root that calls it)', async () => {
    const validate = await ws.run(['validate', '-json']);
    const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: unknown[] };
    assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
  });

  it('computes one table per entry of tables.json, with the generated schema verbatim and the default warm tier', async () => {
    const index = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'tables.json'), 'utf8')) as Record<
      string,
      { schema_file: string; time_partitioning: { type: string; field: string }; clustering: string[]; primary_key: string[] }
    >;
    const { tables } = await evaluate();
    assert.deepEqual(Object.keys(tables).sort(), Object.keys(index).sort());
    for (const [name, entry] of Object.entries(index)) {
      const table = tables[name];
      assert.equal(table.schema_json, readFileSync(path.join(SCHEMAS_DIR, entry.schema_file), 'utf8'));
      assert.equal(table.partition_type, 'DAY');
      assert.equal(table.partition_field, entry.time_partitioning.field);
      assert.deepEqual(table.clustering, entry.clustering);
      assert.deepEqual(table.primary_key, entry.primary_key);
      assert.equal(table.tier, 'warm');
      assert.equal(table.partition_expiration_ms, 395 * DAY_MS);
    }
  });

  it('gives hot tables 30-day partitions and cold tables none', async () => {
    const { tables } = await evaluate({ table_tiers: { dead_letter: 'hot', audit_log: 'cold' } });
    assert.equal(tables.dead_letter.partition_expiration_ms, 30 * DAY_MS);
    assert.equal(tables.audit_log.partition_expiration_ms, null);
    assert.equal(tables.events.partition_expiration_ms, 395 * DAY_MS);
  });

  it('turns config/deidentify.json into exactly the structures an independent translation gives', async () => {
    const config = JSON.parse(readFileSync(DEIDENTIFY_PATH, 'utf8')) as DlpConfig;
    const out = await evaluate();
    assert.deepEqual(out.deidentify, expectedDeidentify(config));
    assert.deepEqual(out.inspect, expectedInspect(config));
    assert.deepEqual(out.crypto_key_names, ['tidemark-pseudonym-key', 'tidemark-user-key']);
  });

  it('fails the plan, naming the path, for every part of a masking config it cannot express', async () => {
    const cases: { name: string; mutate: (c: DlpConfig & Record<string, unknown>) => void; expect: string }[] = [
      {
        name: 'raw-key',
        mutate: (c) => {
          const p = c.deidentifyConfig.recordTransformations.fieldTransformations[1].primitiveTransformation;
          if (p?.cryptoDeterministicConfig)
            Object.assign(p.cryptoDeterministicConfig, { cryptoKey: { unwrapped: { key: 'AAAA' } } });
        },
        expect: 'fieldTransformations[].primitiveTransformation.cryptoDeterministicConfig.cryptoKey.unwrapped.key',
      },
      {
        name: 'record-suppression',
        mutate: (c) =>
          Object.assign(c.deidentifyConfig.recordTransformations, {
            recordSuppressions: [{ condition: { expressions: { logicalOperator: 'AND' } } }],
          }),
        expect: 'deidentifyConfig.recordTransformations.recordSuppressions[].condition.expressions.logicalOperator',
      },
      {
        name: 'date-shift',
        mutate: (c) =>
          c.deidentifyConfig.recordTransformations.fieldTransformations.push({
            fields: [{ name: 'event_time' }],
            primitiveTransformation: { dateShiftConfig: { upperBoundDays: 5, lowerBoundDays: -5 } } as DlpPrimitive,
          }),
        expect: 'primitiveTransformation.dateShiftConfig.upperBoundDays',
      },
      {
        name: 'two-kinds',
        mutate: (c) => {
          const p = c.deidentifyConfig.recordTransformations.fieldTransformations[2].primitiveTransformation;
          if (p) p.redactConfig = {};
        },
        expect: 'fieldTransformations[2].primitiveTransformation must hold exactly one transformation, got 2',
      },
      {
        name: 'custom-info-type',
        mutate: (c) =>
          Object.assign(c.inspectConfig, {
            customInfoTypes: [{ infoType: { name: 'ORDER_ID' }, regex: { pattern: 'O-[0-9]+' } }],
          }),
        expect: 'inspectConfig.customInfoTypes[].regex.pattern',
      },
      {
        name: 'info-type-at-field-level',
        mutate: (c) => {
          c.deidentifyConfig.recordTransformations.fieldTransformations[3].primitiveTransformation = {
            replaceWithInfoTypeConfig: {},
          };
        },
        expect: 'fieldTransformations[].primitiveTransformation.replaceWithInfoTypeConfig',
      },
    ];
    // All at once: the plan must report every unsupported part, not just the first it meets.
    const file = await writeConfig('everything-unsupported', (c) => {
      for (const testCase of cases) testCase.mutate(c);
    });
    const errors = (await planErrors({ deidentify_config_path: file })).join('\n');
    assert.match(errors, /cannot be turned into DLP templates/);
    for (const testCase of cases)
      assert.ok(errors.includes(testCase.expect), `${testCase.name}: no error names ${testCase.expect}:\n${errors}`);
  });

  it('fails the plan on a masking config with no field transformations', async () => {
    const file = await writeConfig('no-transformations', (c) => {
      c.deidentifyConfig.recordTransformations.fieldTransformations = [];
    });
    const errors = await planErrors({ deidentify_config_path: file });
    assert.ok(
      errors.some((e) => e.includes('fieldTransformations must hold at least one transformation')),
      JSON.stringify(errors),
    );
  });

  it('fails the plan on a masking config that is not JSON', async () => {
    const file = path.join(ws.dir, 'broken.json');
    await writeFile(file, '{"inspectConfig": ');
    const errors = await planErrors({ deidentify_config_path: file });
    assert.ok(
      errors.some((e) => /JSON/i.test(e)),
      JSON.stringify(errors),
    );
  });

  it('fails the plan when a tier names an unknown table or tables.json clusters on a missing column', async () => {
    const unknownTier = await planErrors({ table_tiers: { event: 'hot' } });
    assert.ok(
      unknownTier.some((e) => e.includes('table_tiers names tables that tables.json does not define: event')),
      JSON.stringify(unknownTier),
    );

    const schemas = path.join(ws.dir, 'schemas');
    await cp(SCHEMAS_DIR, schemas, { recursive: true });
    const index = JSON.parse(await readFile(path.join(schemas, 'tables.json'), 'utf8')) as Record<
      string,
      { clustering: string[] }
    >;
    index.sessions.clustering = ['user_key', 'no_such_column'];
    await writeFile(path.join(schemas, 'tables.json'), JSON.stringify(index));
    const badClustering = await planErrors({ schemas_dir: schemas });
    assert.ok(
      badClustering.some((e) => e.includes('sessions: clustering column no_such_column is not in sessions.json')),
      JSON.stringify(badClustering),
    );
  });
});
