/**
 * Builds the pipeline's PII masker from a masking configuration and a key source: the local engine (`--masker
 * local`, the default) or any other TableDeidentifier (the Cloud DLP connector) behind the same TablePiiMasker, so
 * both give the same tables for the same configuration and keys.
 */
import { resolve } from 'node:path';
import { type MaskingConfig, DeidentifyConfigError, loadDeidentifyConfig } from './deidentify_config';
import { PayloadEnvelope } from './envelope';
import { type KeySource, LocalKeyFile } from './keys';
import { LocalDlpEngine } from './local_engine';
import { cryptoHash } from './primitive_transformations';
import { type TableDeidentifier } from './table';
import { TablePiiMasker, USER_KEY_COLUMN, columnsOf } from './table_masker';

/** The project's masking configuration. */
export const DEFAULT_MASKING_CONFIG = resolve(__dirname, '..', '..', 'config', 'deidentify.json');

/** Reads a configuration file for the local engine (a deidentify template name is refused: only DLP reads those). */
export function readMaskingConfig(path: string = DEFAULT_MASKING_CONFIG): MaskingConfig {
  const source = loadDeidentifyConfig(path);
  if (source.kind === 'template') {
    throw new DeidentifyConfigError(path, [
      'a deidentify template is read by Cloud DLP only; the local engine needs the JSON file',
    ]);
  }
  return source.config;
}

/**
 * The user-key function the configuration implies: its `user_key` field must be transformed by cryptoHashConfig,
 * whose key gives the same HMAC locally (for side data keyed by user) as in the engine.
 */
export async function userKeyFunction(config: MaskingConfig, keys: KeySource): Promise<(id: string) => string> {
  const fts = config.deidentifyConfig.recordTransformations?.fieldTransformations ?? [];
  const i = fts.findIndex((ft) => ft.fields.some((f) => f.name === USER_KEY_COLUMN));
  const hash = i < 0 ? undefined : fts[i].primitiveTransformation?.cryptoHashConfig;
  if (hash === undefined || fts[i].condition !== undefined) {
    throw new DeidentifyConfigError('masking configuration', [
      `deidentifyConfig.recordTransformations: the ${USER_KEY_COLUMN} field must be transformed by an unconditional cryptoHashConfig (it is the pseudonymous user key)`,
    ]);
  }
  const k = hash.cryptoKey;
  const key =
    'transient' in k
      ? await keys.key(k.transient.name, 32)
      : 'unwrapped' in k
        ? new Uint8Array(Buffer.from(k.unwrapped.key, 'base64'))
        : await keys.unwrap(k.kmsWrapped.cryptoKeyName, Buffer.from(k.kmsWrapped.wrappedKey, 'base64'));
  return (id) => cryptoHash(id, key);
}

/** A TablePiiMasker over `deidentifier`, with user keys and envelope-encrypted dead letters from `keys`. */
export async function createTableMasker(
  deidentifier: TableDeidentifier,
  config: MaskingConfig,
  keys: KeySource,
): Promise<TablePiiMasker> {
  const userKey = await userKeyFunction(config, keys);
  const envelope = await PayloadEnvelope.create(keys);
  return new TablePiiMasker({
    deidentifier,
    columns: columnsOf(config),
    userKey,
    protectPayload: (text) => ({ payload: envelope.encryptPayload(text), encoding: 'aes_gcm_envelope' }),
  });
}

export interface LocalMaskerOptions {
  /** Masking configuration file. Default: config/deidentify.json. */
  readonly configPath?: string;
  /** Where keys come from. Default: the development key file (`keyFile`, or data/dev-keys.json). */
  readonly keys?: KeySource;
  readonly keyFile?: string;
}

/** The `--masker local` masker: the local engine behind a TablePiiMasker. */
export async function createLocalMasker(
  options: LocalMaskerOptions = {},
): Promise<{ masker: TablePiiMasker; engine: LocalDlpEngine }> {
  const config = readMaskingConfig(options.configPath);
  const keys = options.keys ?? new LocalKeyFile(options.keyFile);
  const engine = await LocalDlpEngine.create(config, keys);
  return { masker: await createTableMasker(engine, config, keys), engine };
}
