/**
 * Runs a scenario in a separate Node process with a deadline, for pipelines that may never finish:
 * a runner bug that loops synchronously would block mocha's own timeout and hang the whole suite.
 * A scenario module exports async functions returning JSON-serializable results and ends with
 * `runScenarioIfMain(module, scenarios)`.
 */
import { spawn } from 'node:child_process';

export interface IsolatedResult<T> {
  readonly timedOut: boolean;
  readonly value?: T;
  readonly error?: string;
}

export function runIsolated<T>(modulePath: string, scenario: string, timeoutMs = 15_000): Promise<IsolatedResult<T>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', modulePath, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ timedOut: true });
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return resolve({ timedOut: false, error: stderr || stdout || `exit code ${code}` });
      resolve({ timedOut: false, value: JSON.parse(line.slice('RESULT '.length)) as T });
    });
  });
}

export function runScenarioIfMain(mod: NodeModule, scenarios: Readonly<Record<string, () => Promise<unknown>>>): void {
  if (require.main !== mod) return;
  const name = process.argv[2];
  const fn = scenarios[name];
  if (!fn) {
    process.stderr.write(`no scenario '${name}'\n`);
    process.exit(2);
  }
  fn().then(
    (v) => {
      process.stdout.write(`RESULT ${JSON.stringify(v)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
