/**
 * `tidemark query --target bigquery`: the real @google-cloud/bigquery client against the local REST server (which
 * runs the SQL in DuckDB over the rows the sink stored). The same rows go into a DuckDB warehouse, and the saved
 * analyses and the output formats must print the same on both.
 */
import assert from 'node:assert/strict';
import { main } from '../../../cli/main';
import { bigQueryClient } from '../../../io/bigquery/clients';
import { type BigQueryWarehouse } from '../../../io/bigquery/bigquery_warehouse';
import { QueryParamError, dryRun, formatBytes, parseParam, queryRows } from '../../../io/bigquery/query';
import { ANALYSES, analysisSql } from '../../../io/warehouse/analyses';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { OUTPUT_FORMATS, formatRows } from '../../../io/warehouse/format';
import { type WarehouseBatch } from '../../../io/warehouse/warehouse';
import { type DeadLetterRow, type LateEventRow } from '../../../schemas';
import { startBigQueryEmulator, type BigQueryEmulator } from '../../emulators/bigquery';
import { eventRow, metricRow, sessionRow } from '../warehouse/fixtures';
import { PROJECT, connectionTo, openSink, withoutMetadataServer } from './helpers';

const late: LateEventRow = {
  event_id: 'late-1',
  user_key: null,
  event_time: '2024-05-01T00:00:00.000Z',
  arrival_time: '2024-05-01T05:00:00.000Z',
  watermark: '2024-05-01T04:00:00.000Z',
  window_end: '2024-05-01T01:00:00.000Z',
  reason: 'sessions: beyond allowed lateness 1h',
  payload: null,
};
const dead: DeadLetterRow = {
  id: 'm-1',
  reason: 'not JSON',
  step: 'ParseEvents',
  payload: '{oops',
  payload_encoding: 'masked',
  attributes: { line: 3 },
  error_time: '2024-05-01T00:00:05.123456Z',
  event_time: null,
};

const BATCH: WarehouseBatch = {
  rows: {
    events: Array.from({ length: 60 }, (_, i) => ({ ...eventRow(i), channel: i % 3 === 0 ? 'email' : 'paid_search' })),
    sessions: [
      sessionRow('s-1', 0, { first_touch_campaign: 'spring', conversions: 1, revenue: 10.5 }),
      sessionRow('s-2', 1, { first_touch_campaign: 'spring' }),
      sessionRow('s-3', 0, { first_touch_campaign: null }),
    ],
    campaign_metrics: [metricRow('2024-05-01T00:00:00.000Z', 'spring', 0, 4)],
    late_events: [late],
    dead_letter: [dead],
  },
};

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), isTty: false });
  return { code, out, err };
}

describe('BigQuery queries: parameters, dry runs, formats, saved analyses', () => {
  withoutMetadataServer();
  let emulator: BigQueryEmulator;
  let warehouse: BigQueryWarehouse;
  let dataset: string;
  let duckdb: DuckDbWarehouse;
  before(async () => {
    emulator = await startBigQueryEmulator();
    ({ warehouse, dataset } = await openSink(emulator));
    await warehouse.write(BATCH);
    duckdb = await openDuckDbWarehouse(':memory:');
    await duckdb.write(BATCH);
  });
  after(async () => {
    await warehouse.close();
    await duckdb.close();
    await emulator.stop();
  });
  const connection = () => connectionTo(emulator, dataset);
  const cliConnection = () => ['--project', PROJECT, '--dataset', dataset, '--bigquery-endpoint', emulator.endpoints.rest];

  for (const analysis of ANALYSES) {
    it(`saved analysis ${analysis.name}: the same rows on DuckDB and through the BigQuery client (dataset-qualified names)`, async () => {
      const local = await duckdb.query(analysisSql(analysis));
      const remote = await queryRows(
        bigQueryClient(connection()),
        connection(),
        analysisSql(analysis, `\`${PROJECT}.${dataset}\`.`),
      );
      assert.ok(local.length > 0);
      assert.deepEqual(remote, local);
    });
  }

  it('the output formats print the same for both targets (table, json, csv), timestamps with microseconds included', async () => {
    const sql = 'SELECT id, step, error_time, attributes FROM dead_letter';
    const local = await duckdb.query(sql);
    const remote = await warehouse.query(sql);
    assert.equal(remote[0].error_time, '2024-05-01T00:00:05.123456Z');
    for (const format of OUTPUT_FORMATS) assert.equal(formatRows(remote, format), formatRows(local, format), format);
  });

  it('named parameters of each type (STRING, INT64, BOOL, TIMESTAMP, FLOAT64)', async () => {
    const sql = `SELECT event_id FROM events
WHERE event_type = @kind AND schema_version = @version AND consent_analytics = @consent
  AND event_time >= @since AND COALESCE(value, 0) >= @min_value
ORDER BY event_id`;
    const params = [
      'kind=purchase',
      'version=1:INT64',
      'consent=true:BOOL',
      'since=2024-05-01T00:00:17Z:TIMESTAMP',
      'min_value=100:FLOAT64',
    ].map(parseParam);
    const rows = await queryRows(bigQueryClient(connection()), connection(), sql, params);
    const expected = (BATCH.rows.events ?? [])
      .filter((r) => r.event_type === 'purchase' && Date.parse(r.event_time as string) >= Date.parse('2024-05-01T00:00:17Z'))
      .map((r) => ({ event_id: r.event_id }))
      .sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)));
    assert.ok(expected.length > 0);
    assert.deepEqual(rows, expected);
  });

  it('dry run: the estimate is the stored size of the columns read, and nothing runs', async () => {
    const before = emulator.rest.requests.length;
    const { totalBytesProcessed } = await dryRun(bigQueryClient(connection()), connection(), 'SELECT event_id FROM events');
    const expected = (BATCH.rows.events ?? []).reduce((n, r) => n + 2 + Buffer.byteLength(r.event_id as string), 0);
    assert.equal(totalBytesProcessed, expected);
    assert.deepEqual(
      emulator.rest.requests.slice(before).map((r) => r.split(' ')[0]),
      ['POST'],
    );
  });

  it('dry run of an invalid query is an error with the reason', async () => {
    await assert.rejects(
      dryRun(bigQueryClient(connection()), connection(), 'SELECT no_such_column FROM events'),
      /no_such_column/,
    );
  });

  it('CLI: --target bigquery --format json --param prints a JSON array', async () => {
    const r = await cli([
      'query',
      '--target',
      'bigquery',
      ...cliConnection(),
      '--format',
      'json',
      '--param',
      'sid=s-2',
      'SELECT session_id, pane_index FROM sessions WHERE session_id = @sid',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), [{ session_id: 's-2', pane_index: 1 }]);
  });

  it('CLI: --dry-run prints the bytes estimate, for people and as JSON', async () => {
    const people = await cli(['query', '--target', 'bigquery', ...cliConnection(), '--dry-run', 'SELECT * FROM late_events']);
    assert.equal(people.code, 0, people.err);
    assert.match(people.out, /^dry run: this query would process \d+(\.\d+)? (B|KiB) \(\d+ bytes\)\n$/);
    const json = await cli([
      'query',
      '--target',
      'bigquery',
      ...cliConnection(),
      '--dry-run',
      '--format',
      'json',
      'SELECT * FROM late_events',
    ]);
    const parsed = JSON.parse(json.out) as { dry_run: boolean; total_bytes_processed: number };
    assert.equal(parsed.dry_run, true);
    assert.ok(parsed.total_bytes_processed > 0);
  });

  it('CLI: a bad --param is bad usage (exit 2) naming the problem', async () => {
    const r = await cli(['query', '--target', 'bigquery', ...cliConnection(), '--param', 'n=abc:INT64', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--param n: "abc" is not an INT64/);
  });

  it('CLI: --target bigquery without --dataset is bad usage (exit 2)', async () => {
    const r = await cli(['query', '--target', 'bigquery', '--project', PROJECT, 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /needs --dataset/);
  });

  it('CLI: malformed endpoints and dataset names are bad usage (exit 2) naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['--bigquery-endpoint', 'ftp://127.0.0.1:1'], /--bigquery-endpoint must be http\(s\):\/\/host:port/],
      [['--bigquery-storage-endpoint', 'http://127.0.0.1:1'], /--bigquery-storage-endpoint must be host:port/],
      [['--bigquery-storage-endpoint', '127.0.0.1'], /--bigquery-storage-endpoint must be host:port/],
    ];
    for (const [extra, message] of cases) {
      const r = await cli(['query', '--target', 'bigquery', ...cliConnection(), ...extra, 'SELECT 1']);
      assert.equal(r.code, 2, extra.join(' '));
      assert.match(r.err, message);
    }
    const r = await cli(['query', '--target', 'bigquery', '--project', PROJECT, '--dataset', 'x; DROP TABLE y', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--dataset "x; DROP TABLE y": letters, digits and underscores only/);
  });

  it('CLI: a failing query is a one-line runtime error (exit 1)', async () => {
    const r = await cli(['query', '--target', 'bigquery', ...cliConnection(), 'SELECT * FROM no_such_table']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^tidemark: .*no_such_table.*\n$/);
  });

  it('parseParam: types, NULL, timestamps with colons, bad names and values', () => {
    assert.deepEqual(parseParam('a=b'), { name: 'a', value: 'b', type: 'STRING' });
    assert.deepEqual(parseParam('a=x:y'), { name: 'a', value: 'x:y', type: 'STRING' });
    assert.deepEqual(parseParam('at=2024-05-01T12:00:00Z:TIMESTAMP'), {
      name: 'at',
      value: '2024-05-01T12:00:00Z',
      type: 'TIMESTAMP',
    });
    assert.deepEqual(parseParam('n=NULL:int64'), { name: 'n', value: null, type: 'INT64' });
    assert.deepEqual(parseParam('s=NULL'), { name: 's', value: 'NULL', type: 'STRING' });
    assert.deepEqual(parseParam('e='), { name: 'e', value: '', type: 'STRING' });
    for (const bad of [
      '=x',
      'noequals',
      '1a=x',
      'a-b=x',
      'n=1.5:INT64',
      'n=99999999999999999999:INT64',
      'b=yes:BOOL',
      'd=2024-13-45:DATE',
      't=yesterday:TIMESTAMP',
      'f=:FLOAT64',
    ]) {
      assert.throws(() => parseParam(bad), QueryParamError, bad);
    }
  });

  it('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5.00 TiB');
  });
});
