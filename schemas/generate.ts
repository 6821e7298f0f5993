/**
 * Writes the files derived from the schemas (BigQuery table schemas and settings, the event's JSON Schema).
 *
 *   npx tsx schemas/generate.ts           write them
 *   npx tsx schemas/generate.ts --check   exit 1 if any is missing, different or left over (for CI)
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GENERATED_DIRS, REPO_ROOT, generatedFiles } from './generated_files';

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** Generated-directory files that no table produces any more (a renamed table, a hand-made file). */
async function leftovers(expected: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  for (const dir of GENERATED_DIRS) {
    const entries = await readdir(path.join(REPO_ROOT, dir)).catch(() => [] as string[]);
    for (const entry of entries) {
      const relative = `${dir}/${entry}`;
      if (!expected.has(relative)) found.push(relative);
    }
  }
  return found;
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: tsx schemas/generate.ts [--check]  (unknown: ${unknown.join(' ')})`);
    return 2;
  }
  const check = args.includes('--check');
  const files = await generatedFiles();
  const stale: string[] = [];
  for (const file of files) {
    const absolute = path.join(REPO_ROOT, file.path);
    if ((await readOrNull(absolute)) === file.content) continue;
    stale.push(file.path);
    if (!check) {
      await mkdir(path.dirname(absolute), { recursive: true });
      await writeFile(absolute, file.content);
    }
  }
  const extra = await leftovers(new Set(files.map((f) => f.path)));
  if (check) {
    for (const file of [...stale, ...extra]) console.error(`stale: ${file}`);
    if (stale.length + extra.length > 0) {
      console.error('run: npx tsx schemas/generate.ts');
      return 1;
    }
    console.log(`${files.length} generated files up to date`);
    return 0;
  }
  for (const file of extra) await rm(path.join(REPO_ROOT, file));
  console.log(`wrote ${stale.length} of ${files.length} files${extra.length > 0 ? `, removed ${extra.join(', ')}` : ''}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
