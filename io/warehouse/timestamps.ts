/**
 * RFC 3339 text ↔ the instants DuckDB stores (TIMESTAMPTZ: microseconds since the epoch, UTC).
 *
 * Rows carry timestamps as RFC 3339 strings with any offset and up to nanosecond digits; DuckDB keeps microseconds
 * and truncates the rest. Two strings name the same stored instant when they agree after that truncation, which is
 * what key comparison needs (`2024-05-01T14:00:00+02:00` and `2024-05-01T12:00:00.000Z` are one key). Query results
 * come back in one canonical form: UTC, `Z`, milliseconds like `Date#toISOString`, or microseconds when the value
 * has them, so a row written with `toISOString()` reads back as the same string.
 */
import { PATTERNS } from '../../schemas';

/** The schema's RFC 3339 pattern: a shape check, cheap enough for every cell of a batch. */
export const RFC3339 = new RegExp(PATTERNS.rfc3339.pattern);

const RFC3339_PARTS = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** DuckDB rejects a lower-case `t` separator or `z` zone, which RFC 3339 allows. */
export function forDuckDb(text: string): string {
  return /[tz]/.test(text) ? text.toUpperCase() : text;
}

export interface ParsedInstant {
  /** Milliseconds since the epoch (UTC). */
  readonly epochMs: number;
  /** Microseconds within that millisecond, 0..999 (digits beyond microseconds are truncated, as DuckDB does). */
  readonly microsOfMs: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Parses an RFC 3339 date-time with an offset; null when it is not one or names no real instant (Feb 30, 25:00). */
export function parseRfc3339(text: string): ParsedInstant | null {
  const m = RFC3339_PARTS.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const fraction = (m[7] ?? '').padEnd(6, '0');
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthDays) return null;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // NOTE: setUTCFullYear, not Date.UTC(year, ...): Date.UTC maps years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  return { epochMs: date.getTime() - offsetMinutes * 60_000, microsOfMs: Number(fraction.slice(3, 6)) };
}

/** The canonical text of an instant: `toISOString()`, with three more digits when it has microseconds. */
export function formatInstant({ epochMs, microsOfMs }: ParsedInstant): string {
  const iso = new Date(epochMs).toISOString();
  return microsOfMs === 0 ? iso : `${iso.slice(0, -1)}${String(microsOfMs).padStart(3, '0')}Z`;
}

/** Canonical text of a timestamp string, or null when it is not a valid RFC 3339 instant. */
export function canonicalTimestamp(text: string): string | null {
  const parsed = parseRfc3339(text);
  return parsed === null ? null : formatInstant(parsed);
}

/** Canonical text of DuckDB microseconds since the epoch; DuckDB's infinities as `infinity` / `-infinity`. */
export function formatMicros(micros: bigint): string {
  // DuckDB stores ±infinity as the extreme int64 values.
  if (micros >= 9223372036854775807n) return 'infinity';
  if (micros <= -9223372036854775807n) return '-infinity';
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  // BigInt division truncates towards zero; instants before 1970 need the floor.
  if (rest < 0n) {
    ms -= 1n;
    rest += 1000n;
  }
  const epochMs = Number(ms);
  // Beyond what a JS Date holds (±275,760 years), show DuckDB's own rendering rather than a wrong date.
  if (Math.abs(epochMs) > 8.64e15) return `${micros} µs since epoch`;
  return formatInstant({ epochMs, microsOfMs: Number(rest) });
}
