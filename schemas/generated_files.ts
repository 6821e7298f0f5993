/**
 * The files generated from the schemas, as path → content. `generate.ts` writes them; a test regenerates them and
 * compares bytes, so a schema change without regenerating fails CI.
 *
 * Content is formatted with the project's prettier settings, so `prettier --check .` passes on generated files too.
 */
import * as path from 'node:path';
import * as prettier from 'prettier';
import { bigQueryFields, bigQueryTableSettings, type BigQueryTableSettings } from './bigquery_schema';
import { MarketingEventSchema } from './event';
import type { TableDef } from './table';
import { TABLE_LIST } from './tables';

/** The repository root (schemas/ lives directly under it). */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** Directories, relative to REPO_ROOT, that hold only generated files. */
export const GENERATED_DIRS = ['schemas/bigquery', 'schemas/json'] as const;

export interface GeneratedFile {
  /** Relative to REPO_ROOT, with forward slashes. */
  path: string;
  content: string;
}

async function json(relativePath: string, value: unknown): Promise<GeneratedFile> {
  const absolute = path.join(REPO_ROOT, relativePath);
  const options = (await prettier.resolveConfig(absolute)) ?? {};
  const content = await prettier.format(JSON.stringify(value), { ...options, filepath: absolute });
  return { path: relativePath, content };
}

/** Every generated file for `tables` (default: all tables), in a stable order. */
export async function generatedFiles(tables: readonly TableDef[] = TABLE_LIST): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const settings: Record<string, BigQueryTableSettings> = {};
  for (const table of tables) {
    files.push(await json(`schemas/bigquery/${table.name}.json`, bigQueryFields(table)));
    settings[table.name] = bigQueryTableSettings(table);
  }
  files.push(await json('schemas/bigquery/tables.json', settings));
  // For producers in other languages; JSON.stringify drops TypeBox's symbol-keyed metadata.
  files.push(
    await json('schemas/json/marketing_event.schema.json', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      ...MarketingEventSchema,
    }),
  );
  return files;
}
