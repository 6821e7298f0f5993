/**
 * The done-when: `tidemark run --sink bigquery` against the local servers writes exactly the rows the
 * DuckDB sink writes for the same seeded input.
 *
 * Through the command (main(), in this process, because the servers run here): the same seed on both sinks, then
 * every table compared row by row, by key. Columns holding processing time (their schema description starts with
 * "Processing time": when a row was written, a pane fired, a failure happened) differ between ANY two runs, two
 * DuckDB runs too, so the CLI comparison leaves them out; the second test pins the clock and compares every column.
 * User keys agree because both runs use the fixed development secret.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/main';
import { ENVELOPE_PREFIX, decryptPayload } from '../../../io/dlp/envelope';
import { LocalKeyFile } from '../../../io/dlp/keys';
import { openDuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { runMarketingEvents } from '../../../pipelines/run_marketing_events';
import { TABLE_LIST, type TableDef } from '../../../schemas';
import { ManualClock } from '../../../sdk/clock';
import { startBigQueryEmulator, type BigQueryEmulator } from '../../emulators/bigquery';
import { PROJECT, connectionTo, freshDataset, withoutMetadataServer } from './helpers';

const EVENTS = 3000;
const SEED = 11;

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), isTty: false });
  return { code, out, err };
}

const isProcessingTime = (table: TableDef, column: string): boolean => /^Processing time/.test(table.columns[column].description);

function keyed(table: TableDef, rows: readonly Record<string, unknown>[], columns: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows) {
    out.set(JSON.stringify(table.key.map((k) => row[k])), JSON.stringify(columns.map((c) => row[c])));
  }
  assert.equal(out.size, rows.length, `${table.name}: a key appears twice`);
  return out;
}

/**
 * Dead-letter payloads are sealed with a fresh data key per batch, so two runs never store the same ciphertext:
 * compared opened, with the development key file both runs used.
 */
async function opened(rows: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const keys = new LocalKeyFile();
  return Promise.all(
    rows.map(async (row) =>
      typeof row.payload === 'string' && row.payload.startsWith(`${ENVELOPE_PREFIX}:`)
        ? { ...row, payload: await decryptPayload(row.payload, keys) }
        : row,
    ),
  );
}

async function compareTables(
  emulator: BigQueryEmulator,
  dataset: string,
  duckdbPath: string,
  allColumns: boolean,
): Promise<number> {
  const duckdb = await openDuckDbWarehouse(duckdbPath, { readOnly: true });
  let compared = 0;
  try {
    for (const table of TABLE_LIST) {
      const columns = Object.keys(table.columns).filter((c) => allColumns || !isProcessingTime(table, c));
      const expected = keyed(table, await opened(await duckdb.query(`SELECT * FROM ${table.name}`)), columns);
      const actual = keyed(table, await opened(emulator.rowsOf(PROJECT, dataset, table.name)), columns);
      assert.equal(actual.size, expected.size, `${table.name}: row count`);
      for (const [key, row] of expected) assert.equal(actual.get(key), row, `${table.name} row ${key}`);
      compared += expected.size;
    }
  } finally {
    await duckdb.close();
  }
  return compared;
}

describe('tidemark run --sink bigquery writes what the DuckDB sink writes', () => {
  withoutMetadataServer();
  let emulator: BigQueryEmulator;
  let dir: string;
  before(async () => {
    emulator = await startBigQueryEmulator();
    dir = mkdtempSync(join(tmpdir(), 'tidemark-bq-run-'));
  });
  after(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['upsert', 'exactly-once'] as const) {
    it(`the command, --write-mode ${mode}: same rows in every table, same summary`, async () => {
      const dataset = freshDataset();
      const duckdbPath = join(dir, `${mode}.duckdb`);
      const common = [
        'run',
        '--events',
        String(EVENTS),
        '--seed',
        String(SEED),
        '--duplicate-rate',
        '0.05',
        '--malformed-rate',
        '0.02',
        '--json',
      ];
      const local = await cli([...common, '--warehouse', duckdbPath]);
      assert.equal(local.code, 0, local.err);
      const remote = await cli([
        ...common,
        '--sink',
        'bigquery',
        '--write-mode',
        mode,
        '--project',
        PROJECT,
        '--dataset',
        dataset,
        '--create-tables',
        '--bigquery-endpoint',
        emulator.endpoints.rest,
        '--bigquery-storage-endpoint',
        emulator.endpoints.storage,
      ]);
      assert.equal(remote.code, 0, remote.err);
      const summary = (r: { out: string }) => {
        const s = JSON.parse(r.out.trim().split('\n').at(-1) as string) as Record<string, unknown>;
        const { elapsed_s: _e, events_per_s: _r, warehouse: _w, ...rest } = s;
        return rest;
      };
      assert.deepEqual(summary(remote), summary(local));
      assert.equal(
        (JSON.parse(remote.out.trim().split('\n').at(-1) as string) as { warehouse: string }).warehouse,
        `bigquery:${PROJECT}.${dataset}`,
      );
      const compared = await compareTables(emulator, dataset, duckdbPath, false);
      assert.ok(compared > EVENTS, `compared ${compared} rows`);
      assert.ok(emulator.rowsOf(PROJECT, dataset, 'dead_letter').length > 0, 'the seeded input has malformed messages');
    });
  }

  it('with the clock pinned, every column of every row is the same', async () => {
    const dataset = freshDataset();
    const duckdbPath = join(dir, 'pinned.duckdb');
    const source = { kind: 'generator' as const, options: { seed: SEED, events: 1500 } };
    const start = Date.UTC(2026, 0, 1);
    await runMarketingEvents({ source, warehousePath: duckdbPath, clock: new ManualClock(start) });
    await runMarketingEvents({
      source,
      warehousePath: '',
      clock: new ManualClock(start),
      bigquery: { connection: connectionTo(emulator, dataset), createTables: true },
    });
    assert.ok((await compareTables(emulator, dataset, duckdbPath, true)) > 1500);
  });

  it('--dataset without --sink bigquery is bad usage (exit 2)', async () => {
    const r = await cli(['run', '--events', '1', '--dataset', 'd', '--warehouse', join(dir, 'x.duckdb')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--dataset and --create-tables go with --sink bigquery/);
  });

  it('--sink bigquery without --dataset is bad usage (exit 2)', async () => {
    const r = await cli(['run', '--events', '1', '--sink', 'bigquery', '--project', PROJECT]);
    assert.equal(r.code, 2);
    assert.match(r.err, /needs --dataset/);
  });

  it('--sink bigquery on a dataset with no tables, without --create-tables, fails with the missing tables named (exit 1)', async () => {
    const r = await cli([
      'run',
      '--events',
      '1',
      '--sink',
      'bigquery',
      '--project',
      PROJECT,
      '--dataset',
      freshDataset(),
      '--bigquery-endpoint',
      emulator.endpoints.rest,
      '--bigquery-storage-endpoint',
      emulator.endpoints.storage,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /does not exist .*--create-tables/);
  });
});
