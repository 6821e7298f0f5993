/** Named keys rewritten for Cloud DLP: kmsWrapped (production) or unwrapped (test servers); the engine agrees. */
import assert from 'node:assert/strict';
import { LocalKeyFile } from '../../../io/dlp/keys';
import { withKmsWrappedKeys, withUnwrappedKeys } from '../../../io/dlp/key_references';
import { LocalDlpEngine } from '../../../io/dlp/local_engine';
import { readMaskingConfig } from '../../../io/dlp/local_masker';
import { tempKeyFile } from './fixtures';

describe('key references', () => {
  const config = readMaskingConfig();

  it('withUnwrappedKeys: the same keys as bytes give the same table as the named keys', async () => {
    const keys = new LocalKeyFile(tempKeyFile());
    const inline = await withUnwrappedKeys(config, keys);
    const text = JSON.stringify(inline);
    assert.ok(!text.includes('"transient"'));
    assert.equal((text.match(/"unwrapped"/g) ?? []).length, 2);
    const table = {
      headers: [{ name: 'user_key' }, { name: 'user_id' }, { name: 'email' }],
      rows: [{ values: [{ stringValue: 'u_1' }, { stringValue: 'u_1' }, { stringValue: 'a@b.co' }] }],
    };
    const named = await (await LocalDlpEngine.create(config, keys)).deidentify(table);
    const bytes = await (await LocalDlpEngine.create(inline, new LocalKeyFile(tempKeyFile()))).deidentify(table);
    assert.deepEqual(bytes, named);
  });

  it('withKmsWrappedKeys: names become kmsWrapped entries; an unknown name is an error', async () => {
    const wrapped = {
      'tidemark-user-key': { cryptoKeyName: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', wrappedKey: 'AAAA' },
      'tidemark-pseudonym-key': { cryptoKeyName: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', wrappedKey: 'BBBB' },
    };
    const out = JSON.stringify(await withKmsWrappedKeys(config, wrapped));
    assert.ok(
      out.includes('{"kmsWrapped":{"cryptoKeyName":"projects/p/locations/global/keyRings/r/cryptoKeys/k","wrappedKey":"AAAA"}}'),
    );
    assert.ok(!out.includes('"transient"'));
    await assert.rejects(
      withKmsWrappedKeys(config, { 'tidemark-user-key': wrapped['tidemark-user-key'] }),
      /no KMS-wrapped key named tidemark-pseudonym-key/,
    );
  });
});
