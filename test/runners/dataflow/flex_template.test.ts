/**
 * The Flex Template's contract with Terraform: metadata.json lists every parameter with help text, the launcher
 * (launch.py) maps exactly those parameters, and each becomes a flag the `tidemark launch` command knows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../../cli/main';

const DIR = join(__dirname, '..', '..', '..', 'runners', 'dataflow', 'flex_template');

interface Parameter {
  readonly name: string;
  readonly label: string;
  readonly helpText: string;
  readonly isOptional: boolean;
  readonly regexes?: readonly string[];
}

const metadata = JSON.parse(readFileSync(join(DIR, 'metadata.json'), 'utf8')) as { name: string; parameters: Parameter[] };
const launcher = readFileSync(join(DIR, 'launch.py'), 'utf8');

describe('Flex Template metadata and launcher', () => {
  it('lists the parameters Terraform passes, each with a label and help text, names unique and snake_case', () => {
    const names = metadata.parameters.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const required of [
      'input_subscription',
      'dataset',
      'project',
      'region',
      'deidentify_config',
      'dead_letter_topic',
      'temp_location',
      'max_workers',
    ]) {
      assert.ok(names.includes(required), required);
    }
    for (const p of metadata.parameters) {
      assert.match(p.name, /^[a-z][a-z0-9_]*$/);
      assert.ok(p.label.length > 0 && p.helpText.length > 20, `${p.name} has a label and help text`);
      for (const r of p.regexes ?? []) assert.doesNotThrow(() => new RegExp(r), `${p.name}: ${r}`);
    }
    assert.deepEqual(
      metadata.parameters.filter((p) => !p.isOptional).map((p) => p.name),
      ['input_subscription', 'dataset', 'project', 'region', 'temp_location'],
    );
  });

  it('parameter regexes accept good values and refuse bad ones', () => {
    const re = (name: string) => new RegExp(metadata.parameters.find((p) => p.name === name)!.regexes![0]);
    assert.ok(re('input_subscription').test('projects/my-project/subscriptions/marketing-events'));
    assert.ok(!re('input_subscription').test('marketing-events'));
    assert.ok(
      re('max_workers').test('1000') &&
        re('max_workers').test('10') &&
        !re('max_workers').test('0') &&
        !re('max_workers').test('1001'),
    );
    assert.ok(re('labels').test('team=growth,env=prod') && !re('labels').test('Team=Growth'));
  });

  it('the launcher maps every parameter, and only those, to a flag of `tidemark launch`', () => {
    const mapped = [...launcher.matchAll(/^\s+"([a-z_]+)": "(--[a-z-]+)",$/gm)].map((m) => [m[1], m[2]] as const);
    const booleans = [...launcher.matchAll(/"([a-z_]+)": \("((?:--[a-z-]+)?)", "((?:--[a-z-]+)?)"\)/g)].map((m) => m[1]);
    // job_name is not a template parameter: Dataflow passes the name given at launch.
    const names = new Set([...mapped.map(([n]) => n), ...booleans, 'labels'].filter((n) => n !== 'job_name'));
    assert.deepEqual([...names].sort(), metadata.parameters.map((p) => p.name).sort());
    const launch = buildProgram().commands.find((c) => c.name() === 'launch')!;
    const flags = new Set(launch.options.flatMap((o) => [o.long]));
    for (const [name, flag] of mapped) assert.ok(flags.has(flag), `${name} → ${flag} is a flag of tidemark launch`);
    for (const flag of ['--no-streaming-engine', '--use-public-ips', '--update', '--label']) assert.ok(flags.has(flag), flag);
  });
});
