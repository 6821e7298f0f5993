/** Runs the `tidemark` command in a child process, as a user would, and captures what it prints. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
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

/** A `tidemark` process that keeps running while the test goes on (to kill it, or to serve it from this process). */
export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and what it printed. */
  readonly exited: Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>;
}

/**
 * Starts the command asynchronously: unlike `tidemark`, this process's event loop keeps turning, so a local server
 * started by the test (DLP, Pub/Sub) can answer the child. `env` adds to the environment.
 */
export function startTidemark(args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningCli {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((res, rej) => {
    child.once('error', rej);
    child.once('exit', (code) => res({ code, stdout, stderr }));
  });
  return { child, exited };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
