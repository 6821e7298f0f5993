/**
 * The column vocabulary: a small set of types that exist in both BigQuery and DuckDB, and builders that attach to
 * each column the TypeBox schema of its values. A table is a record of such columns (see table.ts); its row type,
 * row JSON Schema, BigQuery schema and DuckDB DDL are all derived from that record.
 *
 * Row value representation (what pipeline code puts in a row object, and what sinks translate):
 *   STRING    string
 *   INT64     number (an integer; counts and indexes stay far below 2^53)
 *   FLOAT64   number
 *   BOOL      boolean
 *   TIMESTAMP string, RFC 3339 with offset (e.g. new Date(ms).toISOString()); an instant, stored in UTC
 *   DATE      string, YYYY-MM-DD
 *   JSON      any JSON value; sinks serialize it (JSON.stringify) for the warehouse
 * A NULLABLE column's value may also be null; the key is always present (no `undefined`), so a forgotten column is
 * a compile error, not a silent NULL.
 *
 * NOTE: no NUMERIC. Money is FLOAT64 because every amount is computed in JS doubles; a NUMERIC column would
 * promise an exactness the pipeline does not have. No REPEATED mode and no STRUCT either: no table needs them, and
 * flat tables keep DuckDB and BigQuery SQL identical.
 */
import {
  Type,
  type TBoolean,
  type TInteger,
  type TNumber,
  type TSchema,
  type TString,
  type TUnknown,
  type TUnsafe,
} from '@sinclair/typebox';
import { stringEnum } from './enums';
import { PATTERNS } from './patterns';

export const COLUMN_TYPES = ['STRING', 'INT64', 'FLOAT64', 'BOOL', 'TIMESTAMP', 'DATE', 'JSON'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const COLUMN_MODES = ['REQUIRED', 'NULLABLE'] as const;
export type ColumnMode = (typeof COLUMN_MODES)[number];

export interface Column<T extends ColumnType = ColumnType, M extends ColumnMode = ColumnMode, V extends TSchema = TSchema> {
  readonly type: T;
  readonly mode: M;
  /** Shown in BigQuery and as a DuckDB column comment; say what the value means, its unit and where it comes from. */
  readonly description: string;
  /** Schema of a non-null value. The row schema adds `null` for NULLABLE columns. */
  readonly value: V;
}

function required<T extends ColumnType, V extends TSchema>(type: T, value: V, description: string): Column<T, 'REQUIRED', V> {
  return { type, mode: 'REQUIRED', description, value };
}

/** Builders for REQUIRED columns; wrap in `nullable(...)` for NULLABLE ones. */
export const col = {
  string: (description: string, options: { maxLength?: number } = {}): Column<'STRING', 'REQUIRED', TString> =>
    required('STRING', Type.String(options), description),

  /** A STRING column restricted to `values`; the allowed values are appended to the description. */
  enumOf: <const V extends readonly [string, ...string[]]>(
    values: V,
    description: string,
  ): Column<'STRING', 'REQUIRED', TUnsafe<V[number]>> =>
    required('STRING', stringEnum(values), `${description} One of: ${values.join(', ')}.`),

  int64: (description: string, options: { minimum?: number } = {}): Column<'INT64', 'REQUIRED', TInteger> =>
    required('INT64', Type.Integer(options), description),

  float64: (description: string, options: { minimum?: number } = {}): Column<'FLOAT64', 'REQUIRED', TNumber> =>
    required('FLOAT64', Type.Number(options), description),

  bool: (description: string): Column<'BOOL', 'REQUIRED', TBoolean> => required('BOOL', Type.Boolean(), description),

  timestamp: (description: string): Column<'TIMESTAMP', 'REQUIRED', TString> =>
    required('TIMESTAMP', Type.String({ format: 'date-time', pattern: PATTERNS.rfc3339.pattern }), description),

  date: (description: string): Column<'DATE', 'REQUIRED', TString> =>
    required('DATE', Type.String({ format: 'date' }), description),

  json: (description: string): Column<'JSON', 'REQUIRED', TUnknown> => required('JSON', Type.Unknown(), description),
};

/** The same column, NULLABLE. */
export function nullable<T extends ColumnType, V extends TSchema>(column: Column<T, 'REQUIRED', V>): Column<T, 'NULLABLE', V> {
  return { ...column, mode: 'NULLABLE' };
}
