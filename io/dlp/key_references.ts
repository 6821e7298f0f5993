/**
 * The configuration's named keys (`{"transient": {"name": "k"}}`, a tidemark convention) rewritten into forms
 * Cloud DLP accepts, for the connector that sends the configuration in deidentifyContent requests:
 *   - `withKmsWrappedKeys`: each name replaced by its KMS-wrapped key (`kmsWrapped`), the production form — DLP
 *     unwraps with KMS, tidemark never sends key bytes;
 *   - `withUnwrappedKeys`: each name replaced by its bytes (`unwrapped`), for a DLP server under test or a
 *     development run against DLP with the development key file. Such a request carries key material: never log it.
 * Both leave every other part of the configuration as it is, and fail for a name they cannot resolve.
 */
import { type CryptoKey, type MaskingConfig } from './deidentify_config';
import { type KeySource, KeySourceError } from './keys';

export type WrappedKeys = Readonly<Record<string, { readonly cryptoKeyName: string; readonly wrappedKey: string }>>;

/** Key sizes a named key gets when a source creates it, by the transformation that uses it. */
function sizeFor(path: readonly string[]): 32 | 64 {
  return path.includes('cryptoDeterministicConfig') ? 64 : 32;
}

async function mapKeys(
  value: unknown,
  path: string[],
  map: (key: CryptoKey, path: readonly string[]) => Promise<CryptoKey>,
): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => mapKeys(v, [...path, String(i)], map)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === 'cryptoKey' && v !== null && typeof v === 'object'
        ? await map(v as CryptoKey, [...path, k])
        : await mapKeys(v, [...path, k], map);
  }
  return out;
}

/** The configuration with every transient key name replaced by its `kmsWrapped` form from `wrapped`. */
export async function withKmsWrappedKeys(config: MaskingConfig, wrapped: WrappedKeys): Promise<MaskingConfig> {
  return (await mapKeys(config, [], async (key) => {
    if (!('transient' in key)) return key;
    const entry = wrapped[key.transient.name];
    if (entry === undefined) throw new KeySourceError(`no KMS-wrapped key named ${key.transient.name}`);
    return { kmsWrapped: { cryptoKeyName: entry.cryptoKeyName, wrappedKey: entry.wrappedKey } };
  })) as MaskingConfig;
}

/** The configuration with every transient key name replaced by its bytes from `keys` (`unwrapped`). */
export async function withUnwrappedKeys(config: MaskingConfig, keys: KeySource): Promise<MaskingConfig> {
  return (await mapKeys(config, [], async (key, path) => {
    if (!('transient' in key)) return key;
    const bytes = await keys.key(key.transient.name, sizeFor(path));
    return { unwrapped: { key: Buffer.from(bytes).toString('base64') } };
  })) as MaskingConfig;
}
