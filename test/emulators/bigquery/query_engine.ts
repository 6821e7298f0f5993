/**
 * Runs a query of the REST server honestly: the stored rows of every table of the store are loaded into a fresh
 * in-memory DuckDB (one catalog per project, one schema per dataset), the query runs there, and the result comes
 * back in BigQuery's REST shape (schema + `rows[].f[].v`, TIMESTAMP as int64 microseconds, as the Node client asks
 * with `formatOptions.useInt64Timestamp`).
 *
 * Only dialect-neutral SQL works (what DuckDB and GoogleSQL both accept); the translation is lexical and small:
 * backquoted paths become double-quoted identifiers, `@name` parameters become DuckDB's `$name`. That is enough for
 * the saved analyses and the tests; it is not a GoogleSQL implementation.
 */
import {
  DuckDBDateValue,
  DuckDBInstance,
  type DuckDBConnection,
  DuckDBTimestampTZValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { type BigQueryStore, type Cell, type FieldSchema, StoreError, type StoredTable } from './store';

export interface QueryParameter {
  name?: string;
  parameterType?: { type?: string };
  /** Text in the REST API; the Node client sends BOOL and FLOAT64 values as JSON booleans and numbers. */
  parameterValue?: { value?: unknown };
}

export interface QueryResult {
  schema: { fields: { name: string; type: string; mode: string }[] };
  rows: { f: { v: string | null }[] }[];
  totalRows: string;
  totalBytesProcessed: string;
}

const DUCKDB_TYPES: Readonly<Record<string, string>> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  INT64: 'BIGINT',
  FLOAT: 'DOUBLE',
  FLOAT64: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATE: 'DATE',
  JSON: 'JSON',
};

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Rewrites backquoted paths and @params outside string literals. */
export function toDuckDbSql(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end === -1) throw new StoreError(400, 'invalidQuery', 'Syntax error: unclosed identifier literal');
      out += sql
        .slice(i + 1, end)
        .split('.')
        .map(quote)
        .join('.');
      i = end + 1;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i)) as RegExpExecArray;
      out += `$${m[1]}`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function paramValue(p: QueryParameter): DuckDBValue {
  const raw = p.parameterValue?.value;
  if (raw === undefined || raw === null) return null;
  const value = String(raw);
  switch (p.parameterType?.type) {
    case 'INT64':
      return BigInt(value);
    case 'FLOAT64':
    case 'NUMERIC':
      return Number(value);
    case 'BOOL':
      return value === 'true';
    case 'TIMESTAMP': {
      // The client sends 'YYYY-MM-DD HH:MM:SS.ffffff+00:00' or ISO text.
      const ms = Date.parse(value.replace(' ', 'T'));
      if (Number.isNaN(ms)) throw new StoreError(400, 'invalidQuery', `Invalid TIMESTAMP parameter value: ${value}`);
      const micros = /\.(\d{4,6})/.exec(value)?.[1]?.padEnd(6, '0').slice(3) ?? '000';
      return new DuckDBTimestampTZValue(BigInt(ms) * 1000n + BigInt(micros));
    }
    case 'DATE':
      return new DuckDBDateValue(Math.floor(Date.parse(`${value.slice(0, 10)}T00:00:00Z`) / 86_400_000));
    default:
      return value;
  }
}

/** BigQuery's data sizes per value, for the dry-run estimate. */
function cellBytes(type: string, cell: Cell): number {
  if (cell === null) return 0;
  switch (type) {
    case 'STRING':
      return 2 + Buffer.byteLength(String(cell));
    case 'JSON':
      return Buffer.byteLength(String(cell));
    case 'BOOLEAN':
      return 1;
    default:
      return 8;
  }
}

const word = (text: string, name: string): boolean => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`, 'i').test(text);

/**
 * Bytes a query would read: for every table it names, the stored size of the columns it names (all of them for a
 * `*`). The same rule as BigQuery's on-demand pricing (columns read, whole table without partition pruning); the
 * matching is by name, so a column named in a string literal is counted too (an overestimate, never an under one).
 */
export function estimateBytes(store: BigQueryStore, project: string, sql: string): number {
  let bytes = 0;
  for (const { dataset, table } of tablesOf(store, project)) {
    if (!word(sql, table.resource.tableReference.tableId)) continue;
    const star = /\*/.test(sql);
    const fields = table.resource.schema.fields.filter((f) => star || word(sql, f.name));
    for (const row of table.rows) for (const f of fields) bytes += cellBytes(f.type, row[f.name] ?? null);
    void dataset;
  }
  return bytes;
}

function tablesOf(store: BigQueryStore, project: string): { dataset: string; table: StoredTable }[] {
  return store.datasetIds(project).flatMap((dataset) => store.listTables(project, dataset).map((table) => ({ dataset, table })));
}

async function load(connection: DuckDBConnection, store: BigQueryStore, project: string, withRows: boolean): Promise<void> {
  await connection.run(`ATTACH ':memory:' AS ${quote(project)}`);
  for (const { dataset, table } of tablesOf(store, project)) {
    const fields: readonly FieldSchema[] = table.resource.schema.fields;
    const name = table.resource.tableReference.tableId;
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(project)}.${quote(dataset)}`);
    const columns = fields.map((f) => `${quote(f.name)} ${DUCKDB_TYPES[f.type] ?? 'VARCHAR'}`).join(', ');
    await connection.run(`CREATE TABLE ${quote(project)}.${quote(dataset)}.${quote(name)} (${columns})`);
    if (!withRows || table.rows.length === 0) continue;
    const appender = await connection.createAppender(name, dataset, project);
    for (const row of table.rows) {
      for (const f of fields) {
        const cell = row[f.name] ?? null;
        if (cell === null) appender.appendNull();
        else if (f.type === 'TIMESTAMP') appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(cell)));
        else if (f.type === 'DATE') appender.appendDate(new DuckDBDateValue(Number(cell)));
        else if (f.type === 'JSON') appender.appendVarchar(String(cell));
        else appender.appendValue(typeof cell === 'bigint' ? cell : (cell as DuckDBValue));
      }
      appender.endRow();
    }
    appender.closeSync();
  }
}

function bigQueryType(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return 'FLOAT';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    case DuckDBTypeId.DATE:
      return 'DATE';
    default:
      return type.alias === 'JSON' ? 'JSON' : 'STRING';
  }
}

function cellText(value: DuckDBValue, type: string): string | null {
  if (value === null) return null;
  if (type === 'TIMESTAMP' && value instanceof DuckDBTimestampTZValue) return String(value.micros);
  if (type === 'TIMESTAMP' && typeof value === 'object' && 'micros' in value) return String((value as { micros: bigint }).micros);
  if (type === 'FLOAT') return String(Number(value.toString()));
  return value.toString();
}

/** Runs `sql` over the store's rows (or, for a dry run, only checks it against the tables' schemas). */
export async function runQuery(
  store: BigQueryStore,
  project: string,
  sql: string,
  options: { defaultDataset?: string; params?: readonly QueryParameter[]; dryRun?: boolean } = {},
): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await load(connection, store, project, options.dryRun !== true);
    const datasets = store.datasetIds(project);
    const dataset = options.defaultDataset ?? datasets[0];
    if (dataset !== undefined) await connection.run(`USE ${quote(project)}.${quote(dataset)}`);
    const translated = toDuckDbSql(sql);
    const params = options.params ?? [];
    // Named (@name → $name) or positional (? stays ?), as the request's parameterMode says.
    const named: Record<string, DuckDBValue> | DuckDBValue[] = params.every((p) => p.name === undefined)
      ? params.map(paramValue)
      : Object.fromEntries(params.map((p) => [p.name ?? '', paramValue(p)]));
    const bytes = String(estimateBytes(store, project, sql));
    let reader;
    try {
      if (options.dryRun === true) {
        await connection.run(`EXPLAIN ${translated}`, params.length > 0 ? named : undefined);
        return { schema: { fields: [] }, rows: [], totalRows: '0', totalBytesProcessed: bytes };
      }
      reader = await connection.runAndReadAll(translated, params.length > 0 ? named : undefined);
    } catch (e) {
      throw new StoreError(400, 'invalidQuery', (e as Error).message.split('\n')[0]);
    }
    const types = reader.columnTypes().map(bigQueryType);
    const fields = reader.deduplicatedColumnNames().map((name, i) => ({ name, type: types[i], mode: 'NULLABLE' }));
    const rows = reader.getRows().map((row) => ({ f: row.map((v, i) => ({ v: cellText(v, types[i]) })) }));
    return { schema: { fields }, rows, totalRows: String(rows.length), totalBytesProcessed: bytes };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
