/** Runs the `tidemark` command in a child process, as a user would, and captures what it prints. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function tidemark(args: readonly string[], options: { timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The last line of stdout as JSON (the `--json` summary contract). */
export function lastJsonLine<T>(r: CliResult): T {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** A temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), `tidemark-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function query<T = Record<string, unknown>>(warehouse: string, sql: string): T[] {
  const r = tidemark(['query', '--warehouse', warehouse, '--format', 'json', sql]);
  if (r.code !== 0) throw new Error(`query failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}
