/**
 * The `--masker dlp` masker: Cloud DLP (through DlpConnector) behind the same TablePiiMasker as the local engine,
 * configured from the same masking file, so both give the same tables for the transformations both support.
 *
 * Where the keys come from decides what DLP is sent:
 *   - production (`wrappedKeysFile`): the configuration's named keys become `kmsWrapped` keys, which DLP unwraps
 *     with KMS; tidemark unwraps the same keys through KMS only for what it computes itself (the user key of side
 *     data, the dead-letter envelope);
 *   - a local DLP-compatible server (`endpoint`, insecure, for tests and development): the development key file's
 *     bytes go as `unwrapped` keys, so the server computes with the very keys the local engine uses.
 *
 * This module loads @google-cloud/dlp, so the pipeline imports it only when `--masker dlp` is chosen.
 */
import { credentials } from '@grpc/grpc-js';
import { type DlpClientOptions, DlpConnector, type DlpConnectorOptions } from './dlp_connector';
import { withKmsWrappedKeys, withUnwrappedKeys } from './key_references';
import { type KeySource, KmsKeySource, LocalKeyFile } from './keys';
import { createTableMasker, readMaskingConfig } from './local_masker';
import { type TablePiiMasker } from './table_masker';

export interface DlpMaskerOptions {
  /** `projects/P/locations/L`: where DLP processes the requests. */
  readonly parent: string;
  /** Masking configuration file; default config/deidentify.json. */
  readonly configPath?: string;
  /** A local DLP-compatible server, `host:port`, reached without TLS (tests, development). */
  readonly endpoint?: string;
  /** Development key file for `endpoint` runs; default data/dev-keys.json. */
  readonly keyFile?: string;
  /** Production: `{"keys": {"<name>": {"cryptoKeyName", "wrappedKey"}}}`, the keys wrapped by Cloud KMS. */
  readonly wrappedKeysFile?: string;
  readonly requestsPerMinute?: number;
  readonly maxConcurrency?: number;
}

export class DlpMaskerOptionsError extends Error {
  override readonly name = 'DlpMaskerOptionsError';
}

/** Splits `host:port` (IPv6 in brackets) into the client's apiEndpoint and port. */
function endpointOptions(endpoint: string): DlpClientOptions {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(endpoint);
  if (!m) throw new DlpMaskerOptionsError(`DLP endpoint must be host:port, got '${endpoint}'`);
  return { apiEndpoint: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]), sslCreds: credentials.createInsecure() };
}

export async function createDlpMasker(
  options: DlpMaskerOptions,
): Promise<{ masker: TablePiiMasker; connector: DlpConnector; close(): Promise<void> }> {
  if ((options.endpoint === undefined) === (options.wrappedKeysFile === undefined)) {
    throw new DlpMaskerOptionsError(
      'the DLP masker needs either a local DLP endpoint (development keys) or a wrapped-keys file (Cloud DLP with KMS), not both',
    );
  }
  const config = readMaskingConfig(options.configPath);
  let keys: KeySource;
  let sent;
  if (options.endpoint !== undefined) {
    keys = new LocalKeyFile(options.keyFile);
    sent = await withUnwrappedKeys(config, keys);
  } else {
    const kms = KmsKeySource.fromFile(options.wrappedKeysFile as string);
    keys = kms;
    sent = await withKmsWrappedKeys(config, kms.wrappedKeys);
  }
  const connector = new DlpConnector({
    parent: options.parent,
    // The same JSON shape as DLP's REST form; the client's proto types differ only in being mutable.
    deidentifyConfig: sent.deidentifyConfig as DlpConnectorOptions['deidentifyConfig'],
    ...(sent.inspectConfig && { inspectConfig: sent.inspectConfig as DlpConnectorOptions['inspectConfig'] }),
    ...(options.endpoint !== undefined && { clientOptions: endpointOptions(options.endpoint) }),
    ...(options.requestsPerMinute !== undefined && { requestsPerMinute: options.requestsPerMinute }),
    ...(options.maxConcurrency !== undefined && { maxConcurrency: options.maxConcurrency }),
  });
  const masker = await createTableMasker(connector, config, keys);
  return { masker, connector, close: () => connector.close() };
}
