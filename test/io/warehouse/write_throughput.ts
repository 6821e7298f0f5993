/**
 * Measures warehouse write throughput: events rows into a fresh DuckDB file, in batches of a given size, each
 * write awaited before the next as the sink's finishBundle does; the same rows written again (a replay: every key
 * exists, so the upsert path); and DuckDB alone making the same rows, side by side.
 *
 *   npx tsx test/io/warehouse/write_throughput.ts [rows=100000] [batchSizes=100000,4096] [rounds=3]
 *
 * Prints one line per measurement, then one JSON line with the best round of each (best, because these machines
 * are shared and a slow round measures the neighbours). Not a mocha test: numbers, no assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbDdl } from '../../../schemas';
import { openDuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { eventRow } from './fixtures';

export interface ThroughputResult {
  readonly rows: number;
  readonly batchSize: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/**
 * Writes `rows` events rows in batches of `batchSize` into a new file warehouse and returns the elapsed time; with
 * `replay`, writes them once untimed first, so that the timed pass finds every key stored.
 */
export async function measureEventsWrite(rows: number, batchSize: number, salt = 0, replay = false): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-wh-bench-'));
  const warehouse = await openDuckDbWarehouse(join(dir, 'bench.duckdb'));
  try {
    const data = Array.from({ length: rows }, (_, i) => eventRow(i, salt));
    const writeAll = async (): Promise<void> => {
      for (let from = 0; from < rows; from += batchSize)
        await warehouse.write({ rows: { events: data.slice(from, from + batchSize) } });
    };
    if (replay) await writeAll();
    const started = performance.now();
    await writeAll();
    const seconds = (performance.now() - started) / 1000;
    const [{ n }] = await warehouse.query('SELECT count(*) AS n FROM events');
    if (n !== rows) throw new Error(`expected ${rows} rows, found ${String(n)}`);
    return { rows, batchSize, seconds, rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same rows made by DuckDB itself (`INSERT … SELECT … FROM range(n)`, then COMMIT) into a new file: what DuckDB
 * alone costs on this machine, so the JS path can be judged against it side by side.
 */
export async function measureNativeInsert(rows: number, salt = 0): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-wh-native-'));
  const instance = await DuckDBInstance.create(join(dir, 'native.duckdb'));
  const conn = await instance.connect();
  try {
    for (const sql of duckdbDdl()) await conn.run(sql);
    const started = performance.now();
    await conn.run('BEGIN TRANSACTION');
    await conn.run(`INSERT INTO events SELECT
      'evt-${salt}-' || i || '-7f3a9c2e', CASE WHEN i % 17 = 0 THEN 'purchase' ELSE 'page_view' END,
      TIMESTAMPTZ '2024-05-01 00:00:00+00' + to_milliseconds(i * 997),
      TIMESTAMPTZ '2024-05-01 00:00:01.5+00' + to_milliseconds(i * 997),
      'uk_' || lpad(printf('%x', i % 5000), 8, '0') || '9b1d27c4e0a64f3b', CASE WHEN i % 2 = 0 THEN 'user-' || (i % 5000) END,
      'anon-' || (i % 7000), NULL, 'google', 'cpc', 'spring_sale_' || (i % 20), CASE WHEN i % 3 = 0 THEN 'cmp-' || (i % 20) END,
      'paid_search', 'mobile', 'iOS 17.4', 'Safari 17', 'DE', 'DE-BE', 'https://shop.example.com/products/' || (i % 300) || '?ref=home',
      CASE WHEN i % 4 = 0 THEN 'https://www.google.com/' END, CASE WHEN i % 17 = 0 THEN 129.9 END, CASE WHEN i % 17 = 0 THEN 'EUR' END,
      CASE WHEN i % 5 = 0 THEN 'SKU-' || (i % 400) END, CASE WHEN i % 5 = 0 THEN 'shoes/running' END, CASE WHEN i % 5 = 0 THEN 64.95 END,
      true, i % 3 <> 0, true, false, CASE WHEN i % 9 = 0 THEN '[EMAIL_ADDRESS]' END, NULL, '[IP_ADDRESS]', NULL, NULL, 1
      FROM range(${rows}) AS t(i)`);
    await conn.run('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    return { rows, batchSize: rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const batchSizes = (process.argv[3] ?? '100000,4096').split(',').map(Number);
  const rounds = Number(process.argv[4] ?? 3);
  const best: Record<string, number> = {};
  for (const batchSize of batchSizes) {
    for (let round = 0; round < rounds; round++) {
      const r = await measureEventsWrite(rows, batchSize, round);
      console.log(
        `events rows ${r.rows}, batch ${r.batchSize}: ${r.seconds.toFixed(3)} s, ${r.rowsPerSecond.toLocaleString('en')} rows/s`,
      );
      best[`events_rows_per_s_batch_${batchSize}`] = Math.max(best[`events_rows_per_s_batch_${batchSize}`] ?? 0, r.rowsPerSecond);
    }
  }
  let replay = 0;
  for (let round = 0; round < rounds; round++) {
    const r = await measureEventsWrite(rows, rows, round, true);
    console.log(
      `replay (every key stored), ${r.rows} rows in one batch: ${r.seconds.toFixed(3)} s, ${r.rowsPerSecond.toLocaleString('en')} rows/s`,
    );
    replay = Math.max(replay, r.rowsPerSecond);
  }
  let native = 0;
  for (let round = 0; round < rounds; round++) {
    const r = await measureNativeInsert(rows, round);
    console.log(
      `DuckDB alone (INSERT … SELECT FROM range), ${r.rows} rows: ${r.seconds.toFixed(3)} s, ${r.rowsPerSecond.toLocaleString('en')} rows/s`,
    );
    native = Math.max(native, r.rowsPerSecond);
  }
  console.log(
    JSON.stringify({ section: 'warehouse', rows, ...best, events_replay_rows_per_s: replay, duckdb_native_rows_per_s: native }),
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
