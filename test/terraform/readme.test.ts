// terraform/README.md documents the root module's inputs and outputs in tables; a variable or output added
// without a row there fails here, so the tables cannot drift from variables.tf / outputs.tf.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TERRAFORM_DIR, moduleAt, outputs, variables } from './hcl';

function tableRows(markdown: string, heading: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Name') && !line.startsWith('| ---'))
    .map((line) => line.split('|')[1].trim());
}

describe('terraform/README.md', () => {
  const readme = readFileSync(path.join(TERRAFORM_DIR, 'README.md'), 'utf8');

  it('lists every root variable in the Inputs table, and nothing else', async () => {
    const root = await moduleAt('.');
    assert.deepEqual(
      tableRows(readme, 'Inputs').sort(),
      variables(root)
        .map((v) => v.name)
        .sort(),
    );
  });

  it('lists every root output in the Outputs table, and nothing else', async () => {
    const root = await moduleAt('.');
    assert.deepEqual(
      tableRows(readme, 'Outputs').sort(),
      outputs(root)
        .map((o) => o.name)
        .sort(),
    );
  });
});
