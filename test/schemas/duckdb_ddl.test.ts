import { strict as assert } from 'node:assert';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import {
  DUCKDB_TYPES,
  DUCKDB_UNINDEXED_TABLES,
  EventsTable,
  TABLE_LIST,
  duckdbAddMissingColumns,
  duckdbCreateTable,
  duckdbDdl,
  quoteIdent,
  type TableDef,
  type TableName,
} from '../../schemas';
import { sampleRow } from './arbitraries';

/** How DuckDB names our column types in `duckdb_columns().data_type`. */
const CATALOG_TYPE: Record<string, string> = { ...DUCKDB_TYPES, TIMESTAMP: 'TIMESTAMP WITH TIME ZONE' };

async function rows(conn: DuckDBConnection, sql: string, values?: DuckDBValue[]) {
  return (await conn.runAndReadAll(sql, values)).getRowObjectsJson();
}

/** Inserts a row as a sink would: bound parameters, JSON columns serialized. */
async function insert(conn: DuckDBConnection, table: TableDef, row: Record<string, unknown>, verb = 'INSERT') {
  const names = Object.keys(table.columns);
  const values = names.map((name) => {
    const value = row[name];
    if (value === null) return null;
    return table.columns[name].type === 'JSON' ? JSON.stringify(value) : (value as DuckDBValue);
  });
  const placeholders = names.map((_, i) => `$${i + 1}`).join(', ');
  await conn.run(`${verb} INTO ${quoteIdent(table.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${placeholders})`, values);
}

/** A fresh in-memory database set up with `duckdbDdl()`. */
async function freshDatabase(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const sql of duckdbDdl()) await conn.run(sql);
  return { instance, conn };
}

describe('DuckDB DDL', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;

  // NOTE: mocha runs a suite's own tests before its child suites; the tests that write share this database and
  // are ordered per table, the others use a database of their own.
  before(async () => {
    ({ instance, conn } = await freshDatabase());
  });

  after(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  it('is idempotent: running it again changes nothing', async () => {
    for (const sql of duckdbDdl()) await conn.run(sql);
    const tables = await rows(conn, 'SELECT table_name FROM duckdb_tables() ORDER BY table_name');
    assert.deepEqual(
      tables.map((t) => t.table_name),
      TABLE_LIST.map((t) => t.name).sort(),
    );
  });

  for (const table of TABLE_LIST) {
    describe(table.name, () => {
      it('has the columns of the definition, in order, with mapped types, nullability and comments', async () => {
        const actual = await rows(
          conn,
          "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = $1 ORDER BY column_index",
          [table.name],
        );
        const expected = Object.entries(table.columns).map(([name, column]) => ({
          column_name: name,
          data_type: CATALOG_TYPE[column.type],
          is_nullable: column.mode === 'NULLABLE',
          comment: column.description,
        }));
        assert.deepEqual(actual, expected);
        const [{ comment }] = await rows(conn, 'SELECT comment FROM duckdb_tables() WHERE table_name = $1', [table.name]);
        assert.equal(comment, table.description);
      });

      const timeColumn = table.partitionBy;
      if (!DUCKDB_UNINDEXED_TABLES.has(table.name as TableName)) {
        it('has the primary key on the key columns', async () => {
          const keys = await rows(
            conn,
            "SELECT constraint_column_names AS cols FROM duckdb_constraints() WHERE table_name = $1 AND constraint_type = 'PRIMARY KEY'",
            [table.name],
          );
          assert.deepEqual(keys, [{ cols: [...table.key] }]);
        });

        it('stores rows as pipeline code writes them, and refuses a second row with the same key', async () => {
          await insert(conn, table, sampleRow(table, false));
          await assert.rejects(insert(conn, table, sampleRow(table, true)), /Duplicate key|PRIMARY KEY|constraint/i);
          // The idempotent write path: a replay replaces the row instead of adding one.
          await insert(conn, table, sampleRow(table, true), 'INSERT OR REPLACE');
          const [{ n }] = await rows(conn, `SELECT count(*)::INTEGER AS n FROM ${quoteIdent(table.name)}`);
          assert.equal(n, 1);
        });
      } else {
        it(`has no key index (the sink keeps the key unique), and a REQUIRED event-time column ${timeColumn}`, async () => {
          const keys = await rows(conn, 'SELECT constraint_type FROM duckdb_constraints() WHERE table_name = $1', [table.name]);
          assert.equal(keys.filter((k) => k.constraint_type === 'PRIMARY KEY' || k.constraint_type === 'UNIQUE').length, 0);
          assert.equal(table.columns[timeColumn]?.type, 'TIMESTAMP');
          assert.equal(table.columns[timeColumn]?.mode, 'REQUIRED');
        });

        it('stores rows as pipeline code writes them', async () => {
          await insert(conn, table, sampleRow(table, false));
          const [{ n }] = await rows(conn, `SELECT count(*)::INTEGER AS n FROM ${quoteIdent(table.name)}`);
          assert.equal(n, 1);
        });
      }
    });
  }

  it('keeps TIMESTAMP values as instants, shown and truncated in UTC on every connection', async () => {
    const db = await freshDatabase();
    await insert(db.conn, EventsTable, sampleRow(EventsTable, false));
    const other = await db.instance.connect();
    const [row] = await rows(
      other,
      `SELECT event_time = TIMESTAMPTZ '2024-05-01T12:00:00.123456Z' AS same, CAST(event_time AS DATE)::VARCHAR AS day,
              strftime(event_time, '%H:%M') AS hm, current_setting('TimeZone') AS tz FROM events`,
    );
    assert.deepEqual(row, { same: true, day: '2024-05-01', hm: '12:00', tz: 'UTC' });
    other.closeSync();
    db.conn.closeSync();
    db.instance.closeSync();
  });

  it('uses no column name that DuckDB reserves (so queries need no quoting)', async () => {
    const reserved = new Set(
      (
        await rows(conn, "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category IN ('reserved', 'type_function')")
      ).map((r) => String(r.keyword_name)),
    );
    for (const table of TABLE_LIST) {
      assert.ok(!reserved.has(table.name), table.name);
      for (const name of Object.keys(table.columns)) assert.ok(!reserved.has(name), `${table.name}.${name}`);
    }
  });

  it('adds the NULLABLE columns an older table lacks, and refuses to add a REQUIRED one', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const older = await db.connect();
    await older.run(duckdbCreateTable(EventsTable));
    await older.run('ALTER TABLE "events" DROP COLUMN "note"');
    await older.run('ALTER TABLE "events" DROP COLUMN "session_id"');
    const existing = new Set(
      (await rows(older, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'")).map((r) =>
        String(r.column_name),
      ),
    );
    const statements = duckdbAddMissingColumns(EventsTable, existing);
    assert.deepEqual(statements, [
      'ALTER TABLE "events" ADD COLUMN "session_id" VARCHAR;',
      'ALTER TABLE "events" ADD COLUMN "note" VARCHAR;',
    ]);
    for (const sql of statements) await older.run(sql);
    existing.delete('event_type');
    assert.throws(() => duckdbAddMissingColumns(EventsTable, existing), /event_type is REQUIRED/);
    older.closeSync();
    db.closeSync();
  });
});
