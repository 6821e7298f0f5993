/**
 * Event time and processing time are plain numbers: milliseconds since the Unix epoch (UTC).
 *
 * NOTE: numbers rather than Date objects because the runner touches timestamps on every element;
 * a number costs nothing to compare and allocates nothing.
 */
export type Instant = number;
/** A length of time in milliseconds. */
export type Duration = number;

/** The smallest timestamp an element can carry (Beam's TIMESTAMP_MIN_VALUE analogue). */
export const MIN_TIMESTAMP: Instant = -8.64e15;
/** The largest timestamp an element can carry: the last millisecond JavaScript dates can represent. */
export const MAX_TIMESTAMP: Instant = 8.64e15;
/**
 * The end of the global window: one day before MAX_TIMESTAMP, as in Beam, so that a timer set at the
 * end of the global window plus a little lateness still fits below the maximum.
 */
export const END_OF_GLOBAL_WINDOW: Instant = MAX_TIMESTAMP - 86_400_000;
/** The watermark of a source that will produce nothing more. */
export const WATERMARK_DONE: Instant = Number.POSITIVE_INFINITY;
/** The watermark before a source has said anything. */
export const WATERMARK_START: Instant = Number.NEGATIVE_INFINITY;

export const millis = (n: number): Duration => n;
export const seconds = (n: number): Duration => n * 1000;
export const minutes = (n: number): Duration => n * 60_000;
export const hours = (n: number): Duration => n * 3_600_000;
export const days = (n: number): Duration => n * 86_400_000;

/** Parses an RFC 3339 timestamp into an Instant; NaN when it does not parse. */
export function parseInstant(text: string): Instant {
  return Date.parse(text);
}

/** Formats an Instant for messages and logs; infinities get names instead of "Invalid Date". */
export function formatInstant(t: Instant): string {
  if (t === WATERMARK_DONE) return '+inf';
  if (t === WATERMARK_START) return '-inf';
  if (t <= MIN_TIMESTAMP) return 'MIN_TIMESTAMP';
  if (t >= END_OF_GLOBAL_WINDOW) return t >= MAX_TIMESTAMP ? 'MAX_TIMESTAMP' : 'END_OF_GLOBAL_WINDOW';
  return new Date(t).toISOString();
}
