/**
 * Key sources and envelope encryption: the development key file (created with mode 0600, stable across reads,
 * refusing malformed files), KMS-wrapped keys unwrapped through the real @google-cloud/kms client against the
 * test KMS server (test/emulators/kms_server.ts), the engine using KMS-wrapped keys, and dead-letter envelopes
 * that the key holder can open and nobody else can.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { grpc } from 'google-gax';
import { DEAD_LETTER_KEY, EnvelopeError, PayloadEnvelope, decryptPayload, encryptPayload } from '../../../io/dlp/envelope';
import { KmsKeySource, KeySourceError, LocalKeyFile, wrapKey } from '../../../io/dlp/keys';
import { LocalDlpEngine } from '../../../io/dlp/local_engine';
import { readMaskingConfig } from '../../../io/dlp/local_masker';
import { type KmsServer, startKmsServer } from '../../emulators/kms_server';
import { tempKeyFile } from './fixtures';
import { withoutMetadataServer } from '../../support/without_metadata_server';

const CRYPTO_KEY = 'projects/p/locations/global/keyRings/tidemark/cryptoKeys/masking';
const PROJECT = resolve(__dirname, '..', '..', '..');

describe('keys', () => {
  describe('LocalKeyFile (development)', () => {
    it('creates the file on first use with mode 0600, a warning, and stable random keys', async () => {
      const path = tempKeyFile();
      const keys = new LocalKeyFile(path);
      const a = await keys.key('k1', 32);
      const b = await keys.key('k2', 64);
      assert.equal(a.length, 32);
      assert.equal(b.length, 64);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const json = JSON.parse(readFileSync(path, 'utf8')) as { warning: string; keys: Record<string, string> };
      assert.match(json.warning, /DEVELOPMENT KEYS/);
      assert.deepEqual(Object.keys(json.keys), ['k1', 'k2']);
      assert.deepEqual(await new LocalKeyFile(path).key('k1', 32), a, 'another reader gets the same key');
      assert.notDeepEqual(await new LocalKeyFile(tempKeyFile()).key('k1', 32), a, 'another file, another key');
    });

    it('refuses a malformed key file with a message that names it and no key material', async () => {
      const path = tempKeyFile();
      writeFileSync(path, '{"keys": {"k": 42}}');
      await assert.rejects(
        new LocalKeyFile(path).key('k', 32),
        (e: unknown) => e instanceof KeySourceError && e.message.includes(path),
      );
      writeFileSync(path, 'not json');
      await assert.rejects(new LocalKeyFile(path).key('k', 32), /is not JSON/);
      writeFileSync(path, '{"keys": {"k": "c2hvcnQ="}}');
      await assert.rejects(new LocalKeyFile(path).key('k', 32), /shorter than 16 bytes/);
    });

    it('processes starting together on a fresh clone agree on every key (lock file)', async () => {
      const path = tempKeyFile();
      const script = `const { LocalKeyFile } = require('./io/dlp/keys'); const k = new LocalKeyFile(${JSON.stringify(path)});
        process.stdout.write(['a', 'b', 'c'].map((n) => Buffer.from(k.keySync(n, 32)).toString('hex')).join(','));`;
      const run = () =>
        new Promise<string>((resolve, reject) =>
          execFile(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: PROJECT }, (error, stdout) =>
            error ? reject(error) : resolve(stdout),
          ),
        );
      const outputs = await Promise.all([run(), run(), run()]);
      assert.equal(new Set(outputs).size, 1, outputs.join('\n'));
      assert.equal(
        outputs[0],
        ['a', 'b', 'c'].map((n) => Buffer.from(new LocalKeyFile(path).keySync(n, 32)).toString('hex')).join(','),
      );
    });

    it('cannot unwrap KMS keys', async () => {
      await assert.rejects(new LocalKeyFile(tempKeyFile()).unwrap(), /cannot unwrap kmsWrapped keys/);
    });
  });

  describe('envelope encryption of dead-letter payloads', () => {
    it('the key holder reads a payload back; it names its master key and holds no plaintext', async () => {
      const keys = new LocalKeyFile(tempKeyFile());
      const text = '{"email":"ann.lee@example.com","note":"call +1 415 555 0123"}';
      const sealed = await encryptPayload(text, keys);
      assert.match(sealed, new RegExp(`^tdmenv1:${DEAD_LETTER_KEY}:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$`));
      assert.ok(!sealed.includes('ann.lee') && !sealed.includes('415'));
      assert.equal(await decryptPayload(sealed, keys), text);
    });

    it('another key source, an altered byte or a swapped data key cannot read it', async () => {
      const envelope = await PayloadEnvelope.create(new LocalKeyFile(tempKeyFile()));
      const sealed = envelope.encryptPayload('secret ann@example.com');
      await assert.rejects(decryptPayload(sealed, new LocalKeyFile(tempKeyFile())), EnvelopeError);
      const parts = sealed.split(':');
      const body = Buffer.from(parts[4], 'base64');
      body[0] ^= 1;
      assert.throws(() => envelope.decryptPayload([...parts.slice(0, 4), body.toString('base64')].join(':')), /does not decrypt/);
      envelope.newBatch();
      const other = envelope.encryptPayload('other').split(':');
      assert.throws(() => envelope.decryptPayload([parts[0], parts[1], other[2], parts[3], parts[4]].join(':')), EnvelopeError);
      assert.throws(() => envelope.decryptPayload('plain text'), /not a tdmenv1 sealed payload/);
    });

    it('one data key per batch: payloads of a batch share it, a new batch gets another', async () => {
      const envelope = await PayloadEnvelope.create(new LocalKeyFile(tempKeyFile()), DEAD_LETTER_KEY, 2);
      const dataKeyOf = (s: string) => s.split(':')[2];
      const [a, b, c] = ['a', 'b', 'c'].map((t) => envelope.encryptPayload(t));
      assert.equal(dataKeyOf(a), dataKeyOf(b));
      assert.notEqual(dataKeyOf(b), dataKeyOf(c), 'rotated after payloadsPerDataKey');
      assert.notEqual(a.split(':')[3], b.split(':')[3], 'a fresh IV per payload');
      assert.deepEqual(
        [a, b, c].map((s) => envelope.decryptPayload(s)),
        ['a', 'b', 'c'],
      );
    });
  });

  describe('KMS-wrapped keys through @google-cloud/kms (test KMS server)', () => {
    let server: KmsServer;
    let client: KeyManagementServiceClient;
    withoutMetadataServer();
    const clientOptions = () => ({ apiEndpoint: '127.0.0.1', port: server.port, sslCreds: grpc.credentials.createInsecure() });

    before(async () => {
      server = await startKmsServer();
      client = new KeyManagementServiceClient(clientOptions());
    });
    after(async () => {
      await client.close();
      await server.close();
    });

    it('wraps keys with Encrypt and unwraps them once with Decrypt', async () => {
      const userKey = Buffer.alloc(32, 1);
      const wrapped = await wrapKey(client, CRYPTO_KEY, userKey);
      assert.notEqual(wrapped, userKey.toString('base64'));
      const source = new KmsKeySource(
        { keys: { 'tidemark-user-key': { cryptoKeyName: CRYPTO_KEY, wrappedKey: wrapped } } },
        clientOptions(),
      );
      const before = server.calls.decrypt;
      assert.deepEqual(Buffer.from(await source.key('tidemark-user-key')), userKey);
      assert.deepEqual(Buffer.from(await source.key('tidemark-user-key')), userKey);
      assert.equal(server.calls.decrypt - before, 1, 'unwrapped once per process');
      await assert.rejects(source.key('unknown'), /no key named unknown/);
      await source.close();
    });

    it('a KMS error is a KeySourceError that names the CryptoKey, and is not cached', async () => {
      const wrapped = await wrapKey(client, CRYPTO_KEY, Buffer.alloc(32, 2));
      const source = new KmsKeySource({ keys: { k: { cryptoKeyName: CRYPTO_KEY, wrappedKey: wrapped } } }, clientOptions());
      server.failNextDecrypt(grpc.status.PERMISSION_DENIED, 'caller lacks cloudkms.cryptoKeyVersions.useToDecrypt');
      await assert.rejects(
        source.key('k'),
        (e: unknown) =>
          e instanceof KeySourceError && e.message.includes(CRYPTO_KEY) && /PERMISSION_DENIED|useToDecrypt/.test(e.message),
      );
      assert.deepEqual(Buffer.from(await source.key('k')), Buffer.alloc(32, 2), 'the next attempt asks KMS again');
      const garbage = new KmsKeySource(
        { keys: { k: { cryptoKeyName: CRYPTO_KEY, wrappedKey: Buffer.alloc(40).toString('base64') } } },
        clientOptions(),
      );
      await assert.rejects(garbage.key('k'), /could not unwrap/);
      await source.close();
      await garbage.close();
    });

    it('the engine runs config/deidentify.json on KMS-wrapped keys, and a config with kmsWrapped keys too', async () => {
      const names = ['tidemark-user-key', 'tidemark-pseudonym-key'];
      const bytes = [Buffer.alloc(32, 5), Buffer.alloc(64, 6)];
      const keys: Record<string, { cryptoKeyName: string; wrappedKey: string }> = {};
      for (let i = 0; i < names.length; i++)
        keys[names[i]] = { cryptoKeyName: CRYPTO_KEY, wrappedKey: await wrapKey(client, CRYPTO_KEY, bytes[i]) };
      const path = tempKeyFile();
      writeFileSync(path, JSON.stringify({ keys }));
      const source = KmsKeySource.fromFile(path, clientOptions());
      const engine = await LocalDlpEngine.create(readMaskingConfig(), source);
      const table = {
        headers: [{ name: 'user_key' }, { name: 'user_id' }],
        rows: [{ values: [{ stringValue: 'u_1' }, { stringValue: 'u_1' }] }],
      };
      const out = await engine.deidentify(table);
      assert.ok(out.ok);
      const surrogate = out.table.rows[0].values[1].stringValue ?? '';
      assert.equal(await engine.reidentify(surrogate), 'u_1');

      // The same keys written as DLP's kmsWrapped form in the configuration give the same output.
      const inline = await LocalDlpEngine.create(
        {
          deidentifyConfig: {
            recordTransformations: {
              fieldTransformations: [
                {
                  fields: [{ name: 'user_key' }],
                  primitiveTransformation: { cryptoHashConfig: { cryptoKey: { kmsWrapped: keys['tidemark-user-key'] } } },
                },
                {
                  fields: [{ name: 'user_id' }],
                  primitiveTransformation: {
                    cryptoDeterministicConfig: {
                      cryptoKey: { kmsWrapped: keys['tidemark-pseudonym-key'] },
                      surrogateInfoType: { name: 'TIDEMARK_USER' },
                    },
                  },
                },
              ],
            },
          },
        },
        source,
      );
      assert.deepEqual(await inline.deidentify(table), out);
      await source.close();
    });

    it('a wrapped-keys file that is malformed is refused with its shape', () => {
      const path = tempKeyFile();
      writeFileSync(path, '{"keys": {"k": "not an object"}}');
      assert.throws(() => KmsKeySource.fromFile(path), /must hold \{"keys"/);
    });
  });
});
