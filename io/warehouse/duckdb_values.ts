/**
 * DuckDB values ↔ plain JS values, for queries.
 *
 * Results come back as what a script or `tidemark query --format json` wants: no bigint (JSON has none), no Date
 * (which would drop microseconds and depends on how it is printed), no wrapper objects:
 * - integers as numbers when exact (|n| ≤ 2^53 − 1), else as decimal strings;
 * - TIMESTAMP / TIMESTAMPTZ as RFC 3339 UTC strings with 'Z' (the instance runs in UTC, so a plain TIMESTAMP is a
 *   UTC wall-clock time); DATE as YYYY-MM-DD;
 * - JSON columns parsed; DECIMAL as numbers; lists, structs and maps as arrays and objects;
 * - anything else (UUID, INTERVAL, TIME, BLOB, ...) as DuckDB's text for it.
 *
 * Query parameters go the other way: strings, numbers, booleans, null and bigints as they are, a Date as a
 * TIMESTAMPTZ; anything else is refused rather than guessed at.
 */
import {
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { WarehouseQueryError, showValue } from './errors';
import { formatMicros } from './timestamps';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function integer(value: bigint): number | string {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
}

function timestampMicros(value: DuckDBValue): bigint | null {
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return value.micros;
  if (value instanceof DuckDBTimestampSecondsValue) return value.seconds * 1_000_000n;
  if (value instanceof DuckDBTimestampMillisecondsValue) return value.millis * 1000n;
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    // Floor, not truncation, so that instants before 1970 stay in the right microsecond.
    const q = value.nanos / 1000n;
    return value.nanos % 1000n < 0n ? q - 1n : q;
  }
  return null;
}

function decimal(value: DuckDBDecimalValue): number {
  return Number(value.toString());
}

/** The plain JS value of a DuckDB value of `type`. */
export function plainValue(value: DuckDBValue, type: DuckDBType): unknown {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? integer(value) : value;
    case DuckDBTypeId.VARCHAR:
      if (type.alias === 'JSON' && typeof value === 'string') {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          return value;
        }
      }
      return value;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: {
      const micros = timestampMicros(value);
      return micros === null ? String(value) : formatMicros(micros);
    }
    case DuckDBTypeId.DECIMAL:
      return value instanceof DuckDBDecimalValue ? decimal(value) : value;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return value instanceof DuckDBListValue || value instanceof DuckDBArrayValue
        ? value.items.map((item) => plainValue(item, type.valueType))
        : value;
    case DuckDBTypeId.STRUCT: {
      if (!(value instanceof DuckDBStructValue)) return value;
      const out: Record<string, unknown> = {};
      type.entryNames.forEach((name, i) => {
        out[name] = plainValue(value.entries[name] ?? null, type.entryTypes[i]);
      });
      return out;
    }
    case DuckDBTypeId.MAP: {
      if (!(value instanceof DuckDBMapValue)) return value;
      const entries = value.entries.map((e) => ({
        key: plainValue(e.key, type.keyType),
        value: plainValue(e.value, type.valueType),
      }));
      // String keys read best as an object; other keys (numbers, structs) keep the entry list.
      if (!entries.every((e) => typeof e.key === 'string')) return entries;
      return Object.fromEntries(entries.map((e) => [e.key as string, e.value]));
    }
    case DuckDBTypeId.UNION: {
      if (!(value instanceof DuckDBUnionValue)) return value;
      const member = type.memberTypes[type.tagMemberIndexes[value.tag]];
      return member === undefined ? String(value.value) : plainValue(value.value, member);
    }
    default:
      if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
      if (typeof value === 'bigint') return integer(value);
      return String(value);
  }
}

/** A query parameter as DuckDB binds it (`index` is 0-based, for the message). */
export function duckDbParam(value: unknown, index: number): DuckDBValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object':
      if (value === null) return null;
      if (value instanceof Date && !Number.isNaN(value.getTime())) {
        return new DuckDBTimestampTZValue(BigInt(value.getTime()) * 1000n);
      }
      break;
  }
  throw new WarehouseQueryError(
    `query parameter $${index + 1} is ${showValue(value)}: pass a string, number, boolean, bigint, Date or null`,
  );
}
