/**
 * Section `bigquery`: rows per second through the BigQuery sink (the real Storage Write client, managed writer) to
 * the local Storage Write server running in a separate process, in both write modes, and how full the append
 * requests were (mean request bytes over the 9 MiB request budget).
 *
 * Rows are realistic masked `events` rows (~0.6 KB serialized), written in batches the size of a pipeline bundle.
 * The server decodes and checks every row, so this measures client encoding + gRPC + a protocol-level server on
 * 2 cores, not the BigQuery service: the cloud's number depends on the network and the project's quota
 * (Storage Write API throughput is per project and region).
 *
 * JSON keys: bigquery_rows_per_s (upsert mode, the default), bigquery_request_fill, and the same per mode.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openBigQueryWarehouse, type WriteMode } from '../../io/bigquery/bigquery_warehouse';
import { eventRow } from '../../test/io/warehouse/fixtures';
import { PROJECT_ROOT, BENCH_DIR, num } from '../harness';
import { scaled } from '../scale';
import type { Section } from '../section';

const ROWS = 400_000;
const BATCH_ROWS = 20_000;

interface Endpoints {
  readonly rest: string;
  readonly storage: string;
}

async function startServer(): Promise<{ endpoints: Endpoints; stop: () => void }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(BENCH_DIR, 'bigquery_server.ts')], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the local BigQuery server exited (${code}) before starting`)));
  });
  // Closing stdin stops the server; kill by its own pid as a fallback.
  return {
    endpoints: JSON.parse(line) as Endpoints,
    stop: () => (child.stdin.end(), setTimeout(() => child.kill(), 2000).unref()),
  };
}

interface ModeResult {
  readonly mode: WriteMode;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerS: number;
  readonly fill: number;
  readonly requests: number;
  readonly mbPerS: number;
}

async function measure(endpoints: Endpoints, mode: WriteMode, rows: number, run: number): Promise<ModeResult> {
  const warehouse = await openBigQueryWarehouse({
    connection: {
      projectId: 'bench',
      datasetId: `bench_${mode.replace('-', '_')}_${run}`,
      restEndpoint: endpoints.rest,
      storageEndpoint: endpoints.storage,
    },
    createTables: true,
    mode,
  });
  const batches: ReturnType<typeof eventRow>[][] = [];
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    batches.push(Array.from({ length: Math.min(BATCH_ROWS, rows - start) }, (_, i) => eventRow(start + i, run)));
  }
  const started = process.hrtime.bigint();
  for (const batch of batches) await warehouse.write({ rows: { events: batch } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { stats } = warehouse;
  const result = {
    mode,
    rows,
    seconds,
    rowsPerS: rows / seconds,
    fill: warehouse.requestFill(),
    requests: stats.requests,
    mbPerS: stats.bytes / 1e6 / seconds,
  };
  await warehouse.close();
  return result;
}

export const bigquerySection: Section = {
  name: 'bigquery',
  description: 'BigQuery sink (Storage Write API client) to the local server in another process: rows/s and request fill',
  async run() {
    const saved = process.env.METADATA_SERVER_DETECTION;
    process.env.METADATA_SERVER_DETECTION = 'none';
    const server = await startServer();
    try {
      const rows = scaled(ROWS);
      // Warm-up: connections, descriptors, JIT.
      await measure(server.endpoints, 'upsert', Math.min(rows, 5_000), 0);
      const results = [
        await measure(server.endpoints, 'upsert', rows, 1),
        await measure(server.endpoints, 'exactly-once', rows, 2),
      ];
      process.stdout.write(
        `\nBigQuery sink, ${rows.toLocaleString('en-US')} events rows in batches of ${BATCH_ROWS.toLocaleString('en-US')}\n`,
      );
      process.stdout.write('mode          seconds     rows/s    MB/s  requests  request fill\n');
      for (const r of results) {
        process.stdout.write(
          `${r.mode.padEnd(12)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.rowsPerS).toLocaleString('en-US').padStart(10)} ${r.mbPerS.toFixed(1).padStart(7)} ${String(r.requests).padStart(9)} ${(r.fill * 100).toFixed(1).padStart(12)}%\n`,
        );
      }
      const [upsert, exactlyOnce] = results;
      return {
        bigquery_rows: rows,
        bigquery_rows_per_s: num(upsert.rowsPerS),
        bigquery_request_fill: num(upsert.fill, 3),
        bigquery_rows_per_s_exactly_once: num(exactlyOnce.rowsPerS),
        bigquery_request_fill_exactly_once: num(exactlyOnce.fill, 3),
        bigquery_mb_per_s: num(upsert.mbPerS, 1),
      };
    } finally {
      server.stop();
      if (saved === undefined) delete process.env.METADATA_SERVER_DETECTION;
      else process.env.METADATA_SERVER_DETECTION = saved;
    }
  },
};
