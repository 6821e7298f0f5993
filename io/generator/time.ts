/**
 * RFC 3339 timestamps with milliseconds and Z, formatted fast.
 *
 * Date#toISOString costs a few hundred ns; the generator formats one timestamp per event and its clock only moves
 * forward, so consecutive events share the same second most of the time. Caching the "YYYY-MM-DDTHH:MM:SS."
 * prefix of the last second and appending the milliseconds makes formatting a string concatenation.
 */

const MS_SUFFIX: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);

export class TimestampFormatter {
  private second = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      // toISOString is only valid for years 0..9999; callers pass realistic times (out-of-range ones go through
      // formatRfc3339 below, which throws a clear RangeError).
      this.prefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    return this.prefix + MS_SUFFIX[ms - second * 1000];
  }
}

/** One-off formatting (no cache), for times that may be anywhere in years 0000–9999. */
export function formatRfc3339(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(ms) || year < 0 || year > 9999) throw new RangeError(`time out of RFC 3339 range: ${ms}`);
  return d.toISOString();
}

/** Accepts ms since epoch, a Date, or an RFC 3339 string. */
export function toEpochMs(value: number | Date | string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time: ${String(value)}`);
  return ms;
}
