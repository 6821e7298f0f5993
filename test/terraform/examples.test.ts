// examples/dev and examples/prod are what a user copies: they must call the root module by its relative source,
// pass every variable the module requires and nothing it does not declare, and configure both providers.
import { strict as assert } from 'node:assert';
import { blocks, isBody, moduleAt, moduleCalls, terraformSettings, variables } from './hcl';

const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);

for (const example of ['dev', 'prod']) {
  describe(`terraform examples/${example}`, () => {
    it('calls the root module with every required variable and only declared ones', async () => {
      const root = await moduleAt('.');
      const module = await moduleAt(`examples/${example}`);
      const calls = moduleCalls(module);
      assert.equal(calls.length, 1);
      assert.equal(calls[0].body.source, '../..');
      const declared = new Set(variables(root).map((v) => v.name));
      const required = variables(root)
        .filter((v) => !('default' in v.body))
        .map((v) => v.name);
      const passed = Object.keys(calls[0].body).filter((key) => !META_ARGUMENTS.has(key));
      assert.deepEqual(
        required.filter((name) => !passed.includes(name)),
        [],
        'required root variables the example does not pass',
      );
      assert.deepEqual(
        passed.filter((name) => !declared.has(name)),
        [],
        'arguments the root module does not declare',
      );
    });

    it('configures google and google-beta with the same version range as the root module', async () => {
      const root = await moduleAt('.');
      const module = await moduleAt(`examples/${example}`);
      const providerNames = module.files.flatMap((f) => (isBody(f.body.provider) ? Object.keys(f.body.provider) : []));
      assert.deepEqual(providerNames.sort(), ['google', 'google-beta']);
      const rangeOf = (settings: ReturnType<typeof terraformSettings>) =>
        JSON.stringify(blocks(settings, 'required_providers')[0] ?? null) + String(settings.required_version);
      assert.equal(rangeOf(terraformSettings(module)), rangeOf(terraformSettings(root)));
    });
  });
}
