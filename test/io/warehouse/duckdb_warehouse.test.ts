/**
 * The DuckDB warehouse: set-up and upgrade of a file, upserts by key, sessions by pane, deletes, query values,
 * serialized writes, and locked files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DUCKDB_TYPES, EventsTable, TABLE_LIST, duckdbCreateTable, quoteIdent, type TableName } from '../../../schemas';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { WarehouseOpenError, WarehouseQueryError } from '../../../io/warehouse/errors';
import { rowKey } from '../../../io/warehouse/row_identity';
import { canonicalTimestamp } from '../../../io/warehouse/timestamps';
import { type WarehouseRow } from '../../../io/warehouse/warehouse';
import { sampleRow } from '../../schemas/arbitraries';
import { eventRow, metricRow, sessionRow, snapshot, tempDir } from './fixtures';

/** DuckDB's catalog names for our column types. */
const CATALOG_TYPE: Record<string, string> = { ...DUCKDB_TYPES, TIMESTAMP: 'TIMESTAMP WITH TIME ZONE' };

/** A row as a query returns it: timestamps canonical (UTC, Z), everything else as written. */
function readBack(tableName: TableName, row: WarehouseRow): Record<string, unknown> {
  const table = TABLE_LIST.find((t) => t.name === tableName);
  assert.ok(table);
  const out: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(table.columns)) {
    const value = row[name];
    out[name] = column.type === 'TIMESTAMP' && typeof value === 'string' ? canonicalTimestamp(value) : value;
  }
  return out;
}

describe('DuckDB warehouse', () => {
  describe('opening', () => {
    it('creates the data folder and every table of the schemas, in UTC', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'nested', 'data', 'warehouse.duckdb');
      const warehouse = await openDuckDbWarehouse(path);
      try {
        assert.ok(existsSync(path));
        assert.equal(warehouse.path, path);
        const tables = await warehouse.query(
          'SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY table_name',
        );
        assert.deepEqual(
          tables.map((t) => t.table_name),
          TABLE_LIST.map((t) => t.name).sort(),
        );
        for (const table of TABLE_LIST) {
          const columns = await warehouse.query(
            'SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE database_name = current_database() AND table_name = $1 ORDER BY column_index',
            [table.name],
          );
          assert.deepEqual(
            columns,
            Object.entries(table.columns).map(([name, column]) => ({
              column_name: name,
              data_type: CATALOG_TYPE[column.type],
              is_nullable: column.mode === 'NULLABLE',
            })),
          );
        }
        const [{ tz }] = await warehouse.query("SELECT current_setting('TimeZone') AS tz");
        assert.equal(tz, 'UTC');
        // DEFAULT_CHECKPOINT_THRESHOLD, 256 MB (DuckDB shows MiB), instead of DuckDB's 16 MB.
        assert.deepEqual(await warehouse.query("SELECT current_setting('checkpoint_threshold') AS c"), [{ c: '244.1 MiB' }]);
        // DEFAULT_WRITE_MEMORY_LIMIT, 1 GB, instead of 80% of RAM.
        assert.deepEqual(await warehouse.query("SELECT current_setting('memory_limit') AS m"), [{ m: '953.6 MiB' }]);
      } finally {
        await warehouse.close();
        tmp.cleanup();
      }
    });

    it('reopens a file with its rows, and adds a NULLABLE column an older file lacks', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'old.duckdb');
      try {
        // An "older" file: the events table without its last two columns... as an older schema would have made it.
        const instance = await DuckDBInstance.create(path);
        const conn = await instance.connect();
        await conn.run(duckdbCreateTable(EventsTable));
        await conn.run('ALTER TABLE events DROP COLUMN note');
        await conn.run(`INSERT INTO events (event_id, event_type, event_time, ingest_time, user_key, schema_version)
                        VALUES ('old-1', 'click', '2024-05-01T00:00:00Z', '2024-05-01T00:00:01Z', 'uk', 1)`);
        conn.closeSync();
        instance.closeSync();

        const warehouse = await openDuckDbWarehouse(path);
        const rows = await warehouse.query('SELECT event_id, note FROM events');
        assert.deepEqual(rows, [{ event_id: 'old-1', note: null }]);
        await warehouse.write({ rows: { events: [{ ...eventRow(1), note: 'kept' }] } });
        await warehouse.close();

        const again = await openDuckDbWarehouse(path);
        assert.deepEqual(await again.query('SELECT count(*) AS n, count(note) AS notes FROM events'), [{ n: 2, notes: 1 }]);
        await again.close();
      } finally {
        tmp.cleanup();
      }
    });

    it('events have no key index: a replayed or rewritten event replaces its row, across writes of a wide time range', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'unindexed.duckdb');
      try {
        const warehouse = await openDuckDbWarehouse(path);
        // 40,000 events over ~11 hours of event time; the replay hits the first, a middle and the last one.
        const first = Array.from({ length: 40_000 }, (_, i) => eventRow(i));
        await warehouse.write({ rows: { events: first } });
        const replayed = [eventRow(0), eventRow(19_999), { ...eventRow(39_999), note: 'rewritten' }];
        await warehouse.write({ rows: { events: replayed } });
        assert.deepEqual(await warehouse.query('SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events'), [
          { n: 40_000, ids: 40_000 },
        ]);
        assert.deepEqual(await warehouse.query(`SELECT note FROM events WHERE event_id = '${eventRow(39_999).event_id}'`), [
          { note: 'rewritten' },
        ]);
        assert.deepEqual(
          await warehouse.query(
            "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'",
          ),
          [{ n: 0 }],
        );
        await warehouse.close();
      } finally {
        tmp.cleanup();
      }
    });

    it('a file whose events table has the primary key of older versions keeps it, and stays idempotent', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'indexed.duckdb');
      try {
        const instance = await DuckDBInstance.create(path);
        const conn = await instance.connect();
        await conn.run(duckdbCreateTable(EventsTable).replace(/\n\);$/, ',\n  PRIMARY KEY ("event_id")\n);'));
        conn.closeSync();
        instance.closeSync();

        const warehouse = await openDuckDbWarehouse(path);
        const rows = Array.from({ length: 100 }, (_, i) => eventRow(i));
        await warehouse.write({ rows: { events: rows } });
        await warehouse.write({ rows: { events: [...rows.slice(0, 10), { ...eventRow(5), note: 'rewritten' }] } });
        assert.deepEqual(await warehouse.query('SELECT count(*) AS n, count(note) AS notes FROM events'), [{ n: 100, notes: 1 }]);
        assert.deepEqual(
          await warehouse.query(
            "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'",
          ),
          [{ n: 1 }],
        );
        await warehouse.close();
      } finally {
        tmp.cleanup();
      }
    });

    it('refuses a file whose table lacks a REQUIRED column, saying which', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'broken.duckdb');
      try {
        const instance = await DuckDBInstance.create(path);
        const conn = await instance.connect();
        await conn.run(duckdbCreateTable(EventsTable));
        await conn.run('ALTER TABLE events DROP COLUMN ingest_time');
        conn.closeSync();
        instance.closeSync();
        await assert.rejects(
          openDuckDbWarehouse(path),
          (e: unknown) =>
            e instanceof WarehouseOpenError &&
            /cannot be upgraded/.test(e.message) &&
            /events\.ingest_time is REQUIRED/.test(e.message),
        );
        // The refused open left nothing behind: the file can be opened again (and refused again).
        await assert.rejects(openDuckDbWarehouse(path), WarehouseOpenError);
      } finally {
        tmp.cleanup();
      }
    });

    it('says so when another process holds the file', async function () {
      this.timeout(30_000);
      const tmp = tempDir();
      const path = join(tmp.dir, 'locked.duckdb');
      // The other process opens the file with the plain DuckDB API and holds it until its stdin closes.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const { DuckDBInstance } = require('@duckdb/node-api');
           DuckDBInstance.create(${JSON.stringify(path)}).then((db) => {
             console.log('ready');
             process.stdin.on('end', () => { db.closeSync(); process.exit(0); });
             process.stdin.resume();
           });`,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'], cwd: process.cwd() },
      );
      try {
        await new Promise<void>((resolve, reject) => {
          holder.stdout.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
          holder.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
        });
        await assert.rejects(openDuckDbWarehouse(path), (e: unknown) => {
          assert.ok(e instanceof WarehouseOpenError);
          assert.match(e.message, /is locked by another process \(.*PID \d+\)/);
          assert.match(e.message, new RegExp(`PID ${holder.pid}`));
          assert.match(e.message, /one process at a time/);
          return true;
        });
        await assert.rejects(openDuckDbWarehouse(path, { readOnly: true }), /locked by another process/);
      } finally {
        holder.stdin.end();
        await new Promise((resolve) => holder.once('exit', resolve));
        tmp.cleanup();
      }
    });

    it('says what is wrong with a path it cannot use', async () => {
      const tmp = tempDir();
      try {
        const file = join(tmp.dir, 'not-a-folder');
        writeFileSync(file, 'x');
        await assert.rejects(openDuckDbWarehouse(join(file, 'wh.duckdb')), /cannot create the folder of warehouse/);
        await assert.rejects(
          openDuckDbWarehouse(file),
          (e: unknown) => e instanceof WarehouseOpenError && /cannot open warehouse/.test(e.message),
        );
      } finally {
        tmp.cleanup();
      }
    });

    it('refuses to open the same file twice in one process (DuckDB would not notice)', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'twice.duckdb');
      const warehouse = await openDuckDbWarehouse(path);
      try {
        await assert.rejects(openDuckDbWarehouse(path), /already open in this process/);
      } finally {
        await warehouse.close();
      }
      const again = await openDuckDbWarehouse(path);
      await again.close();
      tmp.cleanup();
    });

    it('opens read-only for queries: nothing created, writes refused', async () => {
      const tmp = tempDir();
      const path = join(tmp.dir, 'ro.duckdb');
      try {
        await assert.rejects(openDuckDbWarehouse(path, { readOnly: true }), WarehouseOpenError);
        const writer = await openDuckDbWarehouse(path);
        await writer.write({ rows: { events: [eventRow(1)] } });
        await writer.close();
        const reader = await openDuckDbWarehouse(path, { readOnly: true });
        assert.deepEqual(await reader.query('SELECT count(*) AS n FROM events'), [{ n: 1 }]);
        await assert.rejects(reader.write({ rows: { events: [eventRow(2)] } }), /read-only/);
        await reader.close();
      } finally {
        tmp.cleanup();
      }
    });
  });

  describe('writing', () => {
    let warehouse: DuckDbWarehouse;
    beforeEach(async () => {
      warehouse = await openDuckDbWarehouse(':memory:');
    });
    afterEach(async () => {
      await warehouse.close();
    });

    for (const table of TABLE_LIST) {
      it(`stores a ${table.name} row as written (nulls and values) and reads it back`, async () => {
        const name = table.name as TableName;
        const full = sampleRow(table, false);
        // A second row with another key: change the key's (first) STRING column.
        const varied = table.key.find((k) => table.columns[k].type === 'STRING') ?? table.key[0];
        const sparse = { ...sampleRow(table, true), [varied]: `${String(full[varied])}-2` };
        await warehouse.write({ rows: { [name]: [full, sparse] } });
        const rows = await warehouse.query(`SELECT * FROM ${quoteIdent(table.name)} ORDER BY ${quoteIdent(varied)}`);
        assert.deepEqual(rows, [readBack(name, full), readBack(name, sparse)]);
      });
    }

    it('is idempotent: the same batch twice leaves the same tables', async () => {
      const batch = {
        rows: {
          events: [eventRow(1), eventRow(2)],
          sessions: [sessionRow('s1', 0)],
          campaign_metrics: [metricRow('2024-05-01T12:00:00Z', 'spring', 0)],
          dead_letter: [sampleRow(TABLE_LIST[4], false)],
        },
      };
      const first = await warehouse.write(batch);
      const once = await snapshot(warehouse);
      const second = await warehouse.write(batch);
      assert.deepEqual(await snapshot(warehouse), once);
      assert.equal(first.upserted, 5);
      // The replay rewrote the same rows (events through the conflict fallback, sessions through the pane rule).
      assert.equal(second.upserted, 5);
    });

    it('replaces a stored row by key, also when the batch mixes new and existing keys', async () => {
      await warehouse.write({ rows: { events: [eventRow(1), eventRow(2)] } });
      await warehouse.write({ rows: { events: [{ ...eventRow(2), page: '/changed' }, eventRow(3)] } });
      const rows = await warehouse.query('SELECT event_id, page FROM events ORDER BY event_id');
      assert.deepEqual(
        rows.map((r) => r.page),
        [eventRow(1).page, '/changed', eventRow(3).page],
      );
    });

    it('deletes and re-inserts a key in one write (plain insert path and upsert path)', async () => {
      const id = eventRow(1).event_id;
      await warehouse.write({ rows: { events: [eventRow(1)] } });
      await warehouse.write({ rows: { events: [{ ...eventRow(1), page: '/again' }] }, deletes: { events: [id] } });
      assert.deepEqual(await warehouse.query('SELECT page FROM events'), [{ page: '/again' }]);
      const gone = await warehouse.write({ rows: {}, deletes: { events: [id, 'never-stored'] } });
      assert.deepEqual(gone.tables.events, { upserted: 0, deleted: 1 });
    });

    it('stores exactly what was written across many writes of varying size and content', async function () {
      this.timeout(60_000);
      // Statements are prepared once and reused; their plans must not depend on earlier data.
      const expectedPages = new Map<string, string | null>();
      for (let w = 0; w < 30; w++) {
        const size = [1, 7, 300, 20_000][w % 4];
        const rows = Array.from({ length: size }, (_, i) => {
          const page = w % 3 === 0 ? null : `${'p'.repeat((w * 7 + i) % 50)}/${w}/${i}\u001f`;
          return { ...eventRow(i + (w % 5) * 1000), page };
        });
        for (const row of rows) expectedPages.set(row.event_id, row.page);
        await warehouse.write({ rows: { events: rows } });
      }
      const stored = await warehouse.query('SELECT event_id, page FROM events');
      assert.equal(stored.length, expectedPages.size);
      for (const row of stored) assert.equal(row.page, expectedPages.get(String(row.event_id)), String(row.event_id));
    });

    it('keeps one row per key within a batch: the last one', async () => {
      const result = await warehouse.write({ rows: { events: [eventRow(1), { ...eventRow(1), page: '/last' }] } });
      assert.equal(result.upserted, 1);
      assert.deepEqual(await warehouse.query('SELECT page FROM events'), [{ page: '/last' }]);
    });

    it('treats two spellings of one instant as one key (campaign_metrics.window_start)', async () => {
      await warehouse.write({ rows: { campaign_metrics: [metricRow('2024-05-01T14:00:00+02:00', 'spring', 0, 1)] } });
      await warehouse.write({ rows: { campaign_metrics: [metricRow('2024-05-01T12:00:00.000Z', 'spring', 0, 2)] } });
      assert.deepEqual(await warehouse.query('SELECT window_start, events FROM campaign_metrics'), [
        { window_start: '2024-05-01T12:00:00.000Z', events: 2 },
      ]);
      // And a delete by the key as rowKey renders it, in either spelling.
      const key = rowKey(TABLE_LIST[2], metricRow('2024-05-01T12:00:00Z', 'spring', 0));
      assert.equal(key, '["2024-05-01T12:00:00.000Z","spring","0"]');
      const r = await warehouse.write({
        rows: {},
        deletes: { campaign_metrics: ['["2024-05-01T14:00:00+02:00","spring","0"]'] },
      });
      assert.equal(r.deleted, 1);
    });

    describe('sessions', () => {
      const panes = async () =>
        (await warehouse.query('SELECT session_id, pane_index, event_count FROM sessions ORDER BY session_id')).map(
          (r) => `${String(r.session_id)}@${String(r.pane_index)}`,
        );

      it('a newer pane replaces the row; a replay of an older pane is ignored', async () => {
        await warehouse.write({ rows: { sessions: [sessionRow('s1', 0), sessionRow('s2', 3)] } });
        await warehouse.write({ rows: { sessions: [sessionRow('s1', 2)] } });
        const stale = await warehouse.write({ rows: { sessions: [sessionRow('s1', 1), sessionRow('s2', 0)] } });
        assert.deepEqual(await panes(), ['s1@2', 's2@3']);
        assert.equal(stale.upserted, 0);
        // The same pane again is a harmless rewrite.
        await warehouse.write({ rows: { sessions: [sessionRow('s1', 2, { exit_page: '/again' })] } });
        assert.deepEqual(await warehouse.query("SELECT exit_page FROM sessions WHERE session_id = 's1'"), [
          { exit_page: '/again' },
        ]);
      });

      it('within a batch the highest pane wins, whatever the order', async () => {
        await warehouse.write({ rows: { sessions: [sessionRow('s1', 4), sessionRow('s1', 1), sessionRow('s1', 3)] } });
        assert.deepEqual(await panes(), ['s1@4']);
      });

      it('deletes sessions merged away in the same write as the merged session', async () => {
        await warehouse.write({ rows: { sessions: [sessionRow('a', 0), sessionRow('b', 0), sessionRow('c', 0)] } });
        // Late data bridges a and b; the merged session keeps a's id (same start) with a later pane.
        const result = await warehouse.write({ rows: { sessions: [sessionRow('a', 1)] }, deletes: { sessions: ['a', 'b'] } });
        assert.deepEqual(await panes(), ['a@1', 'c@0']);
        assert.deepEqual(result.tables.sessions, { upserted: 1, deleted: 2 });
      });

      it('a delete applies before the upserts of its batch, even for a lower pane', async () => {
        await warehouse.write({ rows: { sessions: [sessionRow('a', 5)] } });
        await warehouse.write({ rows: { sessions: [sessionRow('a', 0)] }, deletes: { sessions: ['a'] } });
        assert.deepEqual(await panes(), ['a@0']);
      });
    });

    it('applies concurrent writes one at a time, in call order', async () => {
      const writes = Array.from({ length: 12 }, (_, k) =>
        warehouse.write({ rows: { events: [{ ...eventRow(1), page: `/v${k}` }, eventRow(100 + k)] } }),
      );
      const query = warehouse.query('SELECT count(*) AS n FROM events');
      const results = await Promise.all(writes);
      assert.ok(results.every((r) => r.upserted === 2));
      // The query was queued after the first 12 writes, so it saw all of them.
      assert.deepEqual(await query, [{ n: 13 }]);
      assert.deepEqual(await warehouse.query('SELECT page FROM events WHERE event_id = $1', [eventRow(1).event_id]), [
        { page: '/v11' },
      ]);
    });

    it('two large writes in parallel do not interleave their transactions', async () => {
      const a = Array.from({ length: 40_000 }, (_, i) => eventRow(i, 1));
      const b = Array.from({ length: 40_000 }, (_, i) => ({ ...eventRow(i, 1), page: '/b' }));
      await Promise.all([warehouse.write({ rows: { events: a } }), warehouse.write({ rows: { events: b } })]);
      assert.deepEqual(
        await warehouse.query('SELECT count(*) AS n, count(DISTINCT page) AS pages, min(page) AS page FROM events'),
        [{ n: 40_000, pages: 1, page: '/b' }],
      );
    });

    it('refuses writes and queries after close', async () => {
      const other = await openDuckDbWarehouse(':memory:');
      await other.close();
      await other.close();
      await assert.rejects(other.write({ rows: { events: [eventRow(1)] } }), /closed/);
      await assert.rejects(other.query('SELECT 1'), /closed/);
    });
  });

  describe('querying', () => {
    let warehouse: DuckDbWarehouse;
    before(async () => {
      warehouse = await openDuckDbWarehouse(':memory:');
    });
    after(async () => {
      await warehouse.close();
    });

    it('returns plain values: numbers, exact big integers as strings, UTC timestamps, parsed JSON', async () => {
      const [row] = await warehouse.query(`SELECT
        42::BIGINT AS n, 9007199254740993::BIGINT AS big, sum(x)::HUGEINT AS total, 1.25::DECIMAL(5,2) AS dec, 0.5::DOUBLE AS d,
        TIMESTAMPTZ '2024-05-01 14:00:00.123456+02' AS tz, TIMESTAMP '2024-05-01 12:00:00' AS ts, DATE '2024-05-01' AS day,
        '{"a":[1,2],"b":{"c":null}}'::JSON AS j, [1, 2]::BIGINT[] AS list, {'k': 'v'} AS s, NULL AS nothing, true AS yes,
        'infinity'::TIMESTAMPTZ AS forever, TIMESTAMPTZ '1969-12-31 23:59:59.999999+00' AS before_epoch
        FROM (VALUES (1), (2)) AS t(x)`);
      assert.deepEqual(row, {
        n: 42,
        big: '9007199254740993',
        total: 3,
        dec: 1.25,
        d: 0.5,
        tz: '2024-05-01T12:00:00.123456Z',
        ts: '2024-05-01T12:00:00.000Z',
        day: '2024-05-01',
        j: { a: [1, 2], b: { c: null } },
        list: [1, 2],
        s: { k: 'v' },
        nothing: null,
        yes: true,
        forever: 'infinity',
        before_epoch: '1969-12-31T23:59:59.999999Z',
      });
    });

    it('binds parameters: strings, numbers, bigints, booleans, null, Dates', async () => {
      const [row] = await warehouse.query(
        'SELECT $1 AS s, $2 + 1 AS n, $3 AS b, $4 AS t, $5 IS NULL AS isnull, $6::VARCHAR AS ts',
        ['x', 41, 12345678901234567890n, true, null, new Date('2024-05-01T12:00:00.250Z')],
      );
      assert.deepEqual(row, { s: 'x', n: 42, b: '12345678901234567890', t: true, isnull: true, ts: '2024-05-01 12:00:00.25+00' });
      await assert.rejects(warehouse.query('SELECT $1', [{ a: 1 }]), /parameter \$1/);
    });

    it('keeps a column named __proto__ as a column, and repeated names apart', async () => {
      const [row] = await warehouse.query('SELECT 1 AS "__proto__", 2 AS a, 3 AS a');
      assert.deepEqual(Object.keys(row), ['__proto__', 'a', 'a:1']);
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
    });

    it("reports a bad query with DuckDB's reason", async () => {
      await assert.rejects(warehouse.query('SELECT * FROM no_such_table'), (e: unknown) => {
        assert.ok(e instanceof WarehouseQueryError);
        assert.match(e.message, /^query failed: Catalog Error: Table with name no_such_table does not exist/);
        return true;
      });
    });
  });
});
