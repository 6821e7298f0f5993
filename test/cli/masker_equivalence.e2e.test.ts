/**
 * `tidemark run --masker local` and `--masker dlp` give the same tables: the DLP path goes through the real
 * DlpServiceClient, over gRPC, to the DLP test server answering with the local engine, with the same masking
 * configuration and the same development keys (sent as unwrapped key bytes).
 *
 * Compared: every table, except columns that record processing time, campaign metrics' early panes (their number
 * depends on wall-clock time), and dead-letter payloads, which are encrypted with a fresh data key per batch (the
 * test decrypts neither; test/cli/run.e2e.test.ts does).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DlpTestServer } from '../emulators/dlp_server';
import { localEngineHandler } from '../emulators/dlp_local_engine_handler';
import { COMPARABLE, comparableContents } from './table_contents';
import { tempDir } from './cli_harness';

const ROOT = resolve(__dirname, '..', '..');

/** The CLI in a child process, asynchronously: the DLP server in this process must keep answering meanwhile. */
function tidemarkAsync(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'cli', 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', rej);
    child.once('exit', (code) => res({ code, stdout, stderr }));
  });
}

describe('--masker local and --masker dlp give the same tables', function () {
  this.timeout(300_000);

  it('a seeded run with malformed, late and duplicate messages, through the real DLP client and the test server', async () => {
    const dir = tempDir('maskers');
    const server = await DlpTestServer.start({ handler: localEngineHandler(), recordRequests: false });
    try {
      const keyFile = join(dir.path, 'keys.json');
      const common = [
        'run',
        '--events',
        '6000',
        '--seed',
        '21',
        '--malformed-rate',
        '0.02',
        '--late-rate',
        '0.02',
        '--key-file',
        keyFile,
      ];
      const local = await tidemarkAsync([...common, '--warehouse', join(dir.path, 'local.duckdb'), '--json']);
      assert.equal(local.code, 0, local.stderr);
      const dlp = await tidemarkAsync([
        ...common,
        '--warehouse',
        join(dir.path, 'dlp.duckdb'),
        '--masker',
        'dlp',
        '--dlp-endpoint',
        `127.0.0.1:${server.endpoint.port}`,
        '--json',
      ]);
      assert.equal(dlp.code, 0, dlp.stderr);
      assert.ok(server.calls.length > 0, 'the DLP path made requests to the server');
      assert.ok(
        server.calls.every((c) => c.status === 'OK'),
        'no request failed',
      );

      const [expected, actual] = [
        await comparableContents(join(dir.path, 'local.duckdb')),
        await comparableContents(join(dir.path, 'dlp.duckdb')),
      ];
      for (const table of Object.keys(COMPARABLE)) {
        assert.ok(expected[table].length > 0 || table === 'late_events' || table === 'audit_log', `${table} has rows to compare`);
        assert.deepEqual(actual[table], expected[table], `${table}: rows`);
      }
    } finally {
      await server.stop();
      dir.cleanup();
    }
  });
});
