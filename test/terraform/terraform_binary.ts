// Runs the real terraform binary when one is on PATH. Only provider-free configurations can be initialised here
// (no provider downloads, no network): every run gets a private data dir, an empty CLI config and no version
// check, so nothing is written into the repository and nothing leaves the machine.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export function findTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'terraform');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Workspace {
  readonly dir: string;
  run(args: readonly string[], cwd?: string): Promise<RunResult>;
  dispose(): Promise<void>;
}

/** A temporary directory with its own TF_DATA_DIR and an empty CLI configuration. */
export async function workspace(binary: string): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tidemark-tf-'));
  const cliConfig = path.join(dir, 'terraformrc');
  await writeFile(cliConfig, '');
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_DATA_DIR: path.join(dir, '.terraform'),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    NO_COLOR: '1',
  };
  return {
    dir,
    run: (args, cwd = dir) =>
      new Promise((resolve) => {
        execFile(binary, [...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
