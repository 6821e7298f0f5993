/**
 * Queries through `@google-cloud/bigquery`: rows in the warehouse's plain form (the same as the DuckDB warehouse
 * returns, so the output formats print both alike), named or positional parameters, and dry runs that report the
 * bytes a query would process (the on-demand cost basis) without running it.
 *
 * Plain form: TIMESTAMP as RFC 3339 UTC text (milliseconds, or microseconds when present), DATE as YYYY-MM-DD,
 * INT64 as a number (as decimal text beyond 2^53), FLOAT64 as a number, JSON parsed, NUMERIC as decimal text.
 */
import {
  BigQuery,
  BigQueryDate,
  BigQueryDatetime,
  BigQueryInt,
  BigQueryTime,
  BigQueryTimestamp,
  Geography,
} from '@google-cloud/bigquery';
import { canonicalTimestamp } from '../warehouse/timestamps';
import { type BigQueryConnection } from './clients';

/** Parameter types `--param name=value:TYPE` accepts. */
export const PARAM_TYPES = ['STRING', 'INT64', 'FLOAT64', 'BOOL', 'TIMESTAMP', 'DATE', 'NUMERIC'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface QueryParam {
  readonly name: string;
  readonly value: string | null;
  readonly type: ParamType;
}

export class QueryParamError extends Error {
  override readonly name = 'QueryParamError';
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Parses `name=value[:TYPE]`. The type is taken from the last `:` only when what follows is a known type name, so
 * a TIMESTAMP value's own colons need no escaping (`at=2024-05-01T12:00:00Z:TIMESTAMP`); `name=NULL:TYPE` is a
 * typed NULL. Without a type the value is a STRING.
 */
export function parseParam(text: string): QueryParam {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new QueryParamError(`--param must be name=value[:TYPE], got ${JSON.stringify(text)}`);
  const name = text.slice(0, eq);
  if (!PARAM_NAME.test(name)) throw new QueryParamError(`--param name ${JSON.stringify(name)} is not a valid parameter name`);
  let value = text.slice(eq + 1);
  let type: ParamType = 'STRING';
  const colon = value.lastIndexOf(':');
  if (colon >= 0) {
    const suffix = value.slice(colon + 1).toUpperCase();
    if ((PARAM_TYPES as readonly string[]).includes(suffix)) {
      type = suffix as ParamType;
      value = value.slice(0, colon);
    }
  }
  const isNull = value === 'NULL' && type !== 'STRING';
  if (!isNull) checkValue(name, value, type);
  return { name, value: isNull ? null : value, type };
}

function checkValue(name: string, value: string, type: ParamType): void {
  const bad = (what: string): never => {
    throw new QueryParamError(`--param ${name}: ${JSON.stringify(value)} is not ${what}`);
  };
  switch (type) {
    case 'INT64':
      if (!/^-?\d{1,19}$/.test(value) || BigInt(value) >= 2n ** 63n || BigInt(value) < -(2n ** 63n)) bad('an INT64');
      return;
    case 'FLOAT64':
      if (value.trim() === '' || Number.isNaN(Number(value))) bad('a FLOAT64');
      return;
    case 'NUMERIC':
      if (!/^-?\d+(\.\d+)?$/.test(value)) bad('a NUMERIC');
      return;
    case 'BOOL':
      if (value !== 'true' && value !== 'false') bad('true or false');
      return;
    case 'TIMESTAMP':
      if (canonicalTimestamp(value) === null) bad('an RFC 3339 timestamp');
      return;
    case 'DATE':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) bad('a date YYYY-MM-DD');
      return;
    default:
      return;
  }
}

/** What the client takes for a parameter of this type. */
function clientValue(bigquery: BigQuery, p: QueryParam): unknown {
  if (p.value === null) return null;
  switch (p.type) {
    case 'INT64':
      return BigQuery.int(p.value);
    case 'FLOAT64':
      return Number(p.value);
    case 'NUMERIC':
      return p.value;
    case 'BOOL':
      return p.value === 'true';
    case 'TIMESTAMP':
      return bigquery.timestamp(canonicalTimestamp(p.value) as string);
    case 'DATE':
      return bigquery.date(p.value);
    default:
      return p.value;
  }
}

function queryRequest(bigquery: BigQuery, connection: BigQueryConnection, sql: string, params: readonly QueryParam[]) {
  return {
    query: sql,
    useLegacySql: false,
    defaultDataset: { projectId: connection.projectId, datasetId: connection.datasetId },
    ...(connection.location !== undefined && { location: connection.location }),
    ...(params.length > 0 && {
      params: Object.fromEntries(params.map((p) => [p.name, clientValue(bigquery, p)])),
      types: Object.fromEntries(params.map((p) => [p.name, p.type])),
    }),
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A cell as the client returns it → the warehouse's plain form. */
export function plainCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof BigQueryTimestamp) return canonicalTimestamp(value.value) ?? value.value;
  if (
    value instanceof BigQueryDate ||
    value instanceof BigQueryDatetime ||
    value instanceof BigQueryTime ||
    value instanceof Geography
  ) {
    return value.value;
  }
  if (value instanceof BigQueryInt) {
    const n = BigInt(value.value);
    return n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : value.value;
  }
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plainCell);
  if (typeof value === 'object' && value.constructor !== Object) return String(value);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCell(v)]));
  return value;
}

/** Runs `sql` and returns its rows in plain form. Unqualified table names resolve in the connection's dataset. */
export async function queryRows(
  bigquery: BigQuery,
  connection: BigQueryConnection,
  sql: string,
  params: readonly QueryParam[] = [],
): Promise<Record<string, unknown>[]> {
  const [rows] = await bigquery.query({
    ...queryRequest(bigquery, connection, sql, params),
    wrapIntegers: true,
    parseJSON: true,
  });
  return (rows as Record<string, unknown>[]).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plainCell(v)])),
  );
}

export interface DryRunResult {
  /** Bytes the query would process (BigQuery's estimate). */
  readonly totalBytesProcessed: number;
}

/** Validates `sql` and estimates its bytes processed without running it (a dry-run query job). */
export async function dryRun(
  bigquery: BigQuery,
  connection: BigQueryConnection,
  sql: string,
  params: readonly QueryParam[] = [],
): Promise<DryRunResult> {
  const [job] = await bigquery.createQueryJob({ ...queryRequest(bigquery, connection, sql, params), dryRun: true });
  const stats = job.metadata?.statistics as
    | { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string } }
    | undefined;
  const bytes = Number(stats?.totalBytesProcessed ?? stats?.query?.totalBytesProcessed ?? NaN);
  if (!Number.isFinite(bytes)) throw new Error('the dry run returned no bytes-processed estimate');
  return { totalBytesProcessed: bytes };
}

/** Bytes as people read them (1 KiB = 1024 bytes, as BigQuery's console counts). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}
