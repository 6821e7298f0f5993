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
import { join } from 'node:path';
import { DlpTestServer } from '../emulators/dlp_server';
import { localEngineHandler } from '../emulators/dlp_local_engine_handler';
import { COMPARABLE, comparableContents } from './table_contents';
import { startTidemark, tempDir } from './cli_harness';

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
      const local = await startTidemark([...common, '--warehouse', join(dir.path, 'local.duckdb'), '--json']).exited;
      assert.equal(local.code, 0, local.stderr);
      const dlp = await startTidemark([
        ...common,
        '--warehouse',
        join(dir.path, 'dlp.duckdb'),
        '--masker',
        'dlp',
        '--dlp-endpoint',
        `127.0.0.1:${server.endpoint.port}`,
        '--json',
      ]).exited;
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
