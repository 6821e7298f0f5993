/**
 * Warehouse rows → the protocol-buffer rows the Storage Write API takes, derived from the table definitions in
 * schemas/ (no table is described twice): the BigQuery field list (`bigQueryFields`) goes through the client's own
 * adapters (`adapt.convertBigQuerySchemaToStorageTableSchema`, `convertStorageSchemaToProto2Descriptor`) to a
 * DescriptorProto, which is sent with the first append of each connection and from which the encoder is built.
 *
 * Integers beyond 2^53 are handed to the encoder as decimal text, which `fromObject` turns into a Long.
 *
 * Cell mapping (the Storage Write API's wire types for these BigQuery types):
 *   STRING → string   INT64 → int64   FLOAT64 → double   BOOL → bool   JSON → string (JSON text)
 *   TIMESTAMP → int64 microseconds since the epoch (UTC)   DATE → int32 days since the epoch
 *
 * NOTE: every field is sent as proto2 `optional`, REQUIRED columns too. The service checks REQUIRED against the
 * table schema and answers a missing value with a row error, which the sink turns into a dead letter; a proto2
 * `required` field would instead make the encoder throw for the whole batch, and a CDC DELETE, which carries only
 * the primary key, could not be encoded at all.
 *
 * CDC (upsert mode): the descriptor gains `_CHANGE_TYPE` (UPSERT/DELETE), and for tables with a version column
 * (`sessions.pane_index`) `_CHANGE_SEQUENCE_NUMBER`, so BigQuery never lets an older pane replace a newer one.
 */
import { adapt } from '@google-cloud/bigquery-storage';
import { protobuf } from 'google-gax';
import { bigQueryFields, type ColumnType, type TableDef, type TableName } from '../../schemas';
import { WarehouseWriteError, showValue } from '../warehouse/errors';
import { rowKey, versionColumn } from '../warehouse/row_identity';
import { parseRfc3339 } from '../warehouse/timestamps';
import { type WarehouseRow } from '../warehouse/warehouse';

/** The DescriptorProto as a plain object, as `Writer` takes it. */
export type RowDescriptor = ReturnType<typeof adapt.convertStorageSchemaToProto2Descriptor>;

export type ChangeType = 'UPSERT' | 'DELETE';

/** Sequence number that no pane reaches: a DELETE of a merged-away session wins over every pane of it. */
export const DELETE_SEQUENCE = 'FFFFFFFFFFFFFFFF';

const MAX_SAFE_MICROS = BigInt(Number.MAX_SAFE_INTEGER);
const MS_PER_DAY = 86_400_000;

export interface RowEncoder {
  readonly table: TableDef;
  readonly descriptor: RowDescriptor;
  /** Whether rows carry `_CHANGE_TYPE` (upsert mode). */
  readonly cdc: boolean;
  /** Whether rows carry `_CHANGE_SEQUENCE_NUMBER` (upsert mode on a versioned table). */
  readonly sequenced: boolean;
  /** One row, serialized; throws a WarehouseWriteError naming the column when a value has the wrong type. */
  encode(row: WarehouseRow, change?: ChangeType): Uint8Array;
  /** A CDC DELETE of the row with this key (as `rowKey` renders it). */
  encodeDelete(keyValues: Readonly<Record<string, unknown>>): Uint8Array;
}

function protoType(descriptor: RowDescriptor): protobuf.Type {
  const type = new protobuf.Type(descriptor.name ?? 'row');
  const names: Readonly<Record<string, string>> = {
    TYPE_INT64: 'int64',
    TYPE_INT32: 'int32',
    TYPE_DOUBLE: 'double',
    TYPE_BOOL: 'bool',
    TYPE_STRING: 'string',
    TYPE_BYTES: 'bytes',
  };
  for (const f of descriptor.field) {
    const typeName = typeof f.type === 'string' ? names[f.type] : undefined;
    if (typeName === undefined || f.name == null || f.number == null)
      throw new Error(`unsupported field in row descriptor: ${JSON.stringify(f)}`);
    type.add(new protobuf.Field(f.name, f.number, typeName, 'optional'));
  }
  new protobuf.Root().define('tidemark').add(type);
  return type;
}

/** The descriptor of `table`'s rows, every field optional (see the module comment). */
export function rowDescriptor(table: TableDef, cdc: boolean): RowDescriptor {
  const storageSchema = adapt.convertBigQuerySchemaToStorageTableSchema({ fields: bigQueryFields(table) });
  const options = cdc
    ? [
        adapt.withChangeType(),
        ...(versionColumn(table.name as TableName) !== undefined ? [adapt.withChangeSequenceNumber()] : []),
      ]
    : [];
  const descriptor = adapt.convertStorageSchemaToProto2Descriptor(storageSchema, table.name, ...options);
  // The adapter returns a protobufjs message; the JSON form has enum names, which both ends read.
  const plain = descriptor.toJSON() as RowDescriptor;
  for (const f of plain.field) (f as { label?: unknown }).label = 'LABEL_OPTIONAL';
  return plain;
}

function cell(type: ColumnType, value: unknown): unknown {
  switch (type) {
    case 'STRING':
      if (typeof value !== 'string') throw new Error(`must be a string, got ${showValue(value)}`);
      return value;
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'bigint' && value >= -(2n ** 63n) && value < 2n ** 63n) return String(value);
      throw new Error(`must be an integer, got ${showValue(value)}`);
    case 'FLOAT64':
      if (typeof value !== 'number') throw new Error(`must be a number, got ${showValue(value)}`);
      return value;
    case 'BOOL':
      if (typeof value !== 'boolean') throw new Error(`must be a boolean, got ${showValue(value)}`);
      return value;
    case 'TIMESTAMP': {
      const parsed = typeof value === 'string' ? parseRfc3339(value) : null;
      if (parsed === null) throw new Error(`must be an RFC 3339 timestamp, got ${showValue(value)}`);
      const micros = BigInt(parsed.epochMs) * 1000n + BigInt(parsed.microsOfMs);
      return micros <= MAX_SAFE_MICROS && micros >= -MAX_SAFE_MICROS ? Number(micros) : String(micros);
    }
    case 'DATE': {
      const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
      if (Number.isNaN(ms)) throw new Error(`must be a date YYYY-MM-DD, got ${showValue(value)}`);
      return Math.floor(ms / MS_PER_DAY);
    }
    case 'JSON': {
      const text = JSON.stringify(value);
      if (text === undefined) throw new Error(`must be a JSON value, got ${showValue(value)}`);
      return text;
    }
  }
}

function safeKey(table: TableDef, row: WarehouseRow): string | undefined {
  try {
    return rowKey(table, row);
  } catch {
    return undefined;
  }
}

export function rowEncoder(table: TableDef, cdc: boolean): RowEncoder {
  const descriptor = rowDescriptor(table, cdc);
  const type = protoType(descriptor);
  const version = cdc ? versionColumn(table.name as TableName) : undefined;
  const columns = Object.entries(table.columns);
  const keyColumns = new Set(table.key);

  const build = (row: WarehouseRow, onlyKey: boolean): Record<string, unknown> => {
    const message: Record<string, unknown> = {};
    for (const [name, column] of columns) {
      if (onlyKey && !keyColumns.has(name)) continue;
      const value = row[name];
      if (value === null || value === undefined) continue;
      try {
        message[name] = cell(column.type, value);
      } catch (e) {
        const key = safeKey(table, row);
        throw new WarehouseWriteError(
          { table: table.name, ...(key !== undefined && { key }), column: name },
          (e as Error).message,
        );
      }
    }
    return message;
  };

  return {
    table,
    descriptor,
    cdc,
    sequenced: version !== undefined,
    encode(row, change = 'UPSERT') {
      const message = build(row, false);
      if (cdc) {
        message._CHANGE_TYPE = change;
        if (version !== undefined) {
          const v = row[version];
          if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
            throw new WarehouseWriteError(
              { table: table.name, column: version },
              `version must be a non-negative integer, got ${showValue(v)}`,
            );
          }
          message._CHANGE_SEQUENCE_NUMBER = v.toString(16).toUpperCase();
        }
      }
      return type.encode(message).finish();
    },
    encodeDelete(keyValues) {
      if (!cdc) throw new Error('deletes need upsert mode (CDC on the default stream)');
      const message = build(keyValues, true);
      message._CHANGE_TYPE = 'DELETE';
      if (version !== undefined) message._CHANGE_SEQUENCE_NUMBER = DELETE_SEQUENCE;
      return type.encode(message).finish();
    },
  };
}
