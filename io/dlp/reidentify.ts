/**
 * `tidemark reidentify`: turns cryptoDeterministic surrogates (`TIDEMARK_USER(28):…`) back into the originals,
 * for authorised use (a data subject request, a fraud investigation). Whoever runs it needs the key source: the
 * development key file locally, the KMS-wrapped keys (and KMS decrypt permission) in the cloud. Hashes
 * (cryptoHash, the user_key column) and masks are one-way and come back as they are.
 *
 * Input: surrogate values, or a query result (`tidemark query --format json`: an array of row objects), whose
 * string cells are re-identified in place. Surrogates of a transformation with a context field cannot be
 * reversed from a query result alone (the context's original value is needed); tidemark's configuration uses none.
 */
import { type KeySource, LocalKeyFile } from './keys';
import { LocalDlpEngine } from './local_engine';
import { DEFAULT_MASKING_CONFIG, readMaskingConfig } from './local_masker';

export type QueryRow = Readonly<Record<string, unknown>>;

/** Each value with its surrogates reversed (values without one come back unchanged). */
export async function reidentifyValues(values: readonly string[], engine: LocalDlpEngine): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) out.push(await engine.reidentify(v));
  return out;
}

/** The rows with every string cell's surrogates reversed; other cells unchanged. */
export async function reidentifyRows(rows: readonly QueryRow[], engine: LocalDlpEngine): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(row)) copy[k] = typeof v === 'string' ? await engine.reidentify(v) : v;
    out.push(copy);
  }
  return out;
}

export interface ReidentifyOptions {
  /** Masking configuration (default config/deidentify.json): says which keys made which surrogates. */
  readonly configPath?: string;
  /** Key source; default the development key file (`keyFile`, or data/dev-keys.json). */
  readonly keys?: KeySource;
  readonly keyFile?: string;
}

export class ReidentifyInputError extends Error {
  override readonly name = 'ReidentifyInputError';
}

/**
 * The command: `values` from the command line, or else `stdin` holding a JSON array (of strings, or of row
 * objects from `tidemark query --format json`). Returns the output text: one original per line for values, a
 * JSON array of rows for rows.
 */
export async function reidentifyCommand(
  values: readonly string[],
  stdin: string | undefined,
  options: ReidentifyOptions = {},
): Promise<string> {
  const keys = options.keys ?? new LocalKeyFile(options.keyFile);
  const engine = await LocalDlpEngine.create(readMaskingConfig(options.configPath ?? DEFAULT_MASKING_CONFIG), keys);
  if (values.length > 0) return `${(await reidentifyValues(values, engine)).join('\n')}\n`;
  if (stdin === undefined || stdin.trim() === '')
    throw new ReidentifyInputError('give surrogate values, or a JSON array on stdin');
  let json: unknown;
  try {
    json = JSON.parse(stdin);
  } catch {
    throw new ReidentifyInputError('stdin is not JSON (expected an array of strings or of row objects)');
  }
  if (!Array.isArray(json)) throw new ReidentifyInputError('stdin must hold a JSON array');
  if (json.every((v) => typeof v === 'string')) return `${JSON.stringify(await reidentifyValues(json as string[], engine))}\n`;
  if (json.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
    return `${JSON.stringify(await reidentifyRows(json as QueryRow[], engine))}\n`;
  }
  throw new ReidentifyInputError('stdin must hold an array of strings or an array of row objects');
}
