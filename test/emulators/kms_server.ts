/**
 * A small Cloud KMS server for tests: gRPC from the service.proto shipped inside @google-cloud/kms, answering
 * Encrypt and Decrypt (the two calls key wrapping uses) for any CryptoKey name, so the real
 * KeyManagementServiceClient can be pointed at it (apiEndpoint 127.0.0.1, port, insecure credentials).
 *
 * Each CryptoKey gets a random AES-256-GCM key on first use, held in memory. Ciphertexts are `iv | ciphertext |
 * tag` with the key name and the request's additional authenticated data as GCM associated data, so a ciphertext
 * decrypts only under the key (and AAD) it was made with, as with KMS. `failNextDecrypt(code)` makes the next
 * Decrypt fail with a gRPC status, for error paths. Every other method answers UNIMPLEMENTED.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const KMS_PROTOS = join(dirname(require.resolve('@google-cloud/kms/package.json')), 'build', 'protos');
// google-gax exports no package.json: find its protos next to its main entry (build/src/index.js).
const GAX_PROTOS = join(dirname(require.resolve('google-gax')), '..', 'protos');
const CRYPTO_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

interface EncryptRequest {
  name: string;
  plaintext: Buffer;
  additionalAuthenticatedData?: Buffer;
}
interface DecryptRequest {
  name: string;
  ciphertext: Buffer;
  additionalAuthenticatedData?: Buffer;
}

export interface KmsServer {
  readonly port: number;
  /** Encrypt and Decrypt calls served so far. */
  readonly calls: { encrypt: number; decrypt: number };
  failNextDecrypt(code: grpc.status, message?: string): void;
  close(): Promise<void>;
}

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

export async function startKmsServer(): Promise<KmsServer> {
  const definition = protoLoader.loadSync(join(KMS_PROTOS, 'google/cloud/kms/v1/service.proto'), {
    includeDirs: [KMS_PROTOS, GAX_PROTOS],
    defaults: false,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { kms: { v1: { KeyManagementService: grpc.ServiceClientConstructor } } } };
  };
  const service = loaded.google.cloud.kms.v1.KeyManagementService.service;
  const keys = new Map<string, Buffer>();
  const calls = { encrypt: 0, decrypt: 0 };
  let nextDecryptFailure: { code: grpc.status; message: string } | undefined;

  const aadOf = (name: string, aad: Buffer | undefined) => Buffer.concat([Buffer.from(`${name}\u0000`), aad ?? Buffer.alloc(0)]);
  const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });

  const encrypt: Unary<EncryptRequest, object> = (call, callback) => {
    calls.encrypt++;
    const { name, plaintext, additionalAuthenticatedData } = call.request;
    if (!CRYPTO_KEY.test(name)) return callback(fail(grpc.status.INVALID_ARGUMENT, `not a CryptoKey name: ${name}`));
    if (!plaintext || plaintext.length === 0) return callback(fail(grpc.status.INVALID_ARGUMENT, 'plaintext is required'));
    let key = keys.get(name);
    if (key === undefined) {
      key = randomBytes(32);
      keys.set(name, key);
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aadOf(name, additionalAuthenticatedData));
    const ciphertext = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    callback(null, { name: `${name}/cryptoKeyVersions/1`, ciphertext, protectionLevel: 'SOFTWARE' });
  };

  const decrypt: Unary<DecryptRequest, object> = (call, callback) => {
    calls.decrypt++;
    if (nextDecryptFailure !== undefined) {
      const { code, message } = nextDecryptFailure;
      nextDecryptFailure = undefined;
      return callback(fail(code, message));
    }
    const { name, ciphertext, additionalAuthenticatedData } = call.request;
    const key = keys.get(name);
    if (key === undefined) return callback(fail(grpc.status.NOT_FOUND, `CryptoKey ${name} not found`));
    if (!ciphertext || ciphertext.length < 28) return callback(fail(grpc.status.INVALID_ARGUMENT, 'ciphertext is invalid'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(0, 12));
      decipher.setAAD(aadOf(name, additionalAuthenticatedData));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
      const plaintext = Buffer.concat([decipher.update(ciphertext.subarray(12, ciphertext.length - 16)), decipher.final()]);
      callback(null, { plaintext, usedPrimary: true, protectionLevel: 'SOFTWARE' });
    } catch {
      callback(fail(grpc.status.INVALID_ARGUMENT, 'Decryption failed: the ciphertext is invalid.'));
    }
  };

  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(service)) {
    implementation[method] = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(fail(grpc.status.UNIMPLEMENTED, `${method} is not implemented by the test KMS server`));
  }
  implementation.Encrypt = encrypt as grpc.UntypedHandleCall;
  implementation.Decrypt = decrypt as grpc.UntypedHandleCall;

  const server = new grpc.Server();
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  return {
    port,
    calls,
    failNextDecrypt(code, message = 'injected failure') {
      nextDecryptFailure = { code, message };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
