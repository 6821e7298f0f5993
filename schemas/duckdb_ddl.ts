/**
 * DuckDB DDL for the warehouse tables, derived from the table definitions.
 *
 * Type mapping: STRING → VARCHAR, INT64 → BIGINT, FLOAT64 → DOUBLE, BOOL → BOOLEAN, DATE → DATE, JSON → JSON,
 * TIMESTAMP → TIMESTAMPTZ.
 *
 * NOTE: TIMESTAMPTZ, not TIMESTAMP. BigQuery's TIMESTAMP is an absolute instant; DuckDB's TIMESTAMPTZ is too,
 * while its TIMESTAMP is a wall-clock value: casting "2024-05-01T14:00:00+02:00" to TIMESTAMP silently drops the
 * offset (14:00), to TIMESTAMPTZ it gives the instant (12:00Z). Row values are RFC 3339 strings with offsets, so
 * TIMESTAMPTZ is the type that stores what they say. DuckDB renders TIMESTAMPTZ, casts it to DATE and truncates it
 * in the TimeZone setting, which defaults to the machine's zone; `DUCKDB_INSTANCE_SETUP` sets it to UTC, so that
 * days (and partitions, in BigQuery terms) agree with BigQuery, which works in UTC.
 *
 * The PRIMARY KEY on the key columns is what makes sinks idempotent locally (`INSERT OR REPLACE` / `ON CONFLICT`),
 * except for the tables of `DUCKDB_UNINDEXED_TABLES`, whose keys the sink enforces itself.
 * Partitioning and clustering are BigQuery-only storage layouts and have no DuckDB counterpart here.
 * Identifiers are always quoted, so the DDL is valid whatever DuckDB adds to its keyword list.
 */
import type { ColumnType } from './column';
import { columnNames } from './table';
import type { TableDef } from './table';
import { TABLE_LIST, type TableName } from './tables';

export const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATE: 'DATE',
  JSON: 'JSON',
};

/**
 * Run once per opened database instance, before queries: UTC for every connection (see the TIMESTAMPTZ note).
 * NOTE: GLOBAL, because a plain SET only affects the connection that runs it; and a statement rather than a
 * `DuckDBInstance.create` option, because the option is applied before the ICU extension (which owns TimeZone)
 * is loaded, and fails. `duckdbDdl()` starts with these statements.
 */
export const DUCKDB_INSTANCE_SETUP: readonly string[] = ["SET GLOBAL TimeZone = 'UTC';"];

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Tables whose key DuckDB does not index. The sink keeps their key unique itself and matches keys together with
 * the table's partitioning (event-time) column, which a key always comes with.
 *
 * NOTE: a DuckDB primary key is an in-memory ART index that is never evicted: measured, ~130 MB per million
 * VARCHAR keys, so the events table alone held ~650 MB at 5M events and a memory limit below the indexes made
 * commits fail ("failed to pin block"). Events (and the late ones) are the tables that grow with the input; the
 * sink deletes a batch's keys before inserting it, matching the event time as well, so that DuckDB reads only the
 * row groups of the batch's time range (zone maps) instead of the whole table. That is exact because an event_id
 * always comes with the same event_time: duplicates are redeliveries of one payload. The other tables grow with
 * users or sessions, or are small, and keep their index.
 */
export const DUCKDB_UNINDEXED_TABLES: ReadonlySet<TableName> = new Set<TableName>(['events', 'late_events']);

/**
 * `CREATE TABLE IF NOT EXISTS` for one table, with NOT NULL on REQUIRED columns and the primary key (none for the
 * tables of `DUCKDB_UNINDEXED_TABLES`).
 */
export function duckdbCreateTable(table: TableDef): string {
  const lines = Object.entries(table.columns).map(
    ([name, column]) => `  ${quoteIdent(name)} ${DUCKDB_TYPES[column.type]}${column.mode === 'REQUIRED' ? ' NOT NULL' : ''}`,
  );
  if (!DUCKDB_UNINDEXED_TABLES.has(table.name as TableName)) {
    lines.push(`  PRIMARY KEY (${table.key.map(quoteIdent).join(', ')})`);
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table.name)} (\n${lines.join(',\n')}\n);`;
}

/**
 * `COMMENT ON` statements carrying the descriptions into DuckDB's catalog (`duckdb_tables()`,
 * `duckdb_columns()`), so a local user sees the same documentation as in BigQuery. Re-running them is harmless.
 */
export function duckdbComments(table: TableDef): string[] {
  const table_ = quoteIdent(table.name);
  return [
    `COMMENT ON TABLE ${table_} IS ${quoteString(table.description)};`,
    ...Object.entries(table.columns).map(
      ([name, column]) => `COMMENT ON COLUMN ${table_}.${quoteIdent(name)} IS ${quoteString(column.description)};`,
    ),
  ];
}

/**
 * Every statement needed to set up a database: `DUCKDB_INSTANCE_SETUP`, then the tables and their comments
 * (idempotent: safe on every start-up). Run them in order: `for (const sql of duckdbDdl()) await conn.run(sql)`.
 *
 * NOTE: `IF NOT EXISTS` does not alter an existing table; after a column was added (the only change allowed, see
 * README.md), follow with `duckdbAddMissingColumns` for each table.
 */
export function duckdbDdl(tables: readonly TableDef[] = TABLE_LIST): string[] {
  return [...DUCKDB_INSTANCE_SETUP, ...tables.flatMap((table) => [duckdbCreateTable(table), ...duckdbComments(table)])];
}

/**
 * `ALTER TABLE ... ADD COLUMN` for the columns of `table` that an existing DuckDB table lacks, given the column names
 * it has (e.g. from `duckdb_columns()`). Throws for a missing REQUIRED column: only NULLABLE columns may be added
 * to a table that holds rows (README.md, "Changing a schema").
 */
export function duckdbAddMissingColumns(table: TableDef, existingColumns: ReadonlySet<string>): string[] {
  const statements: string[] = [];
  for (const name of columnNames(table)) {
    if (existingColumns.has(name)) continue;
    const column = table.columns[name];
    if (column.mode === 'REQUIRED') {
      throw new Error(
        `${table.name}.${name} is REQUIRED and missing from the existing table; only NULLABLE columns can be added`,
      );
    }
    statements.push(`ALTER TABLE ${quoteIdent(table.name)} ADD COLUMN ${quoteIdent(name)} ${DUCKDB_TYPES[column.type]};`);
  }
  return statements;
}
