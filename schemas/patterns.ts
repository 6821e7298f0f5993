/**
 * The string patterns of the event schema, each with what it means in words.
 *
 * NOTE: a failing `pattern` is reported as "must be <meaning>", not as the regular expression: a producer should
 * not have to read `^[A-Z]{3}$` to learn that a currency is three upper-case letters. issues.ts looks the pattern
 * up here. Patterns are compiled by ajv with the `u` flag, so `\uD800-\uDFFF` matches only unpaired surrogates.
 */
export interface NamedPattern {
  readonly pattern: string;
  /** Completes "must be …". */
  readonly meaning: string;
}

export const PATTERNS = {
  /**
   * RFC 3339 date-time with a mandatory offset and at most nanosecond precision. ajv-formats' `date-time` also
   * takes a space separator and `+0200`; the pattern pins RFC 3339, and the `date-time` format adds the calendar
   * check (no February 30).
   */
  rfc3339: {
    pattern: '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$',
    meaning: 'an RFC 3339 date-time with an offset, e.g. 2024-05-01T12:00:00.123Z',
  },
  /** ISO 3166-1 alpha-2, by shape: an unassigned pair is accepted (code lists change, stored events do not). */
  country: { pattern: '^[A-Z]{2}$', meaning: 'an ISO 3166-1 alpha-2 country code (two upper-case letters)' },
  /** ISO 4217 alphabetic code, by shape, for the same reason. */
  currency: { pattern: '^[A-Z]{3}$', meaning: 'an ISO 4217 currency code (three upper-case letters)' },
  /**
   * Any text but C0/C1 control characters (tab, LF and CR are fine) and unpaired UTF-16 surrogates. Those come
   * from mis-decoding or byte-wise truncation upstream, and an unpaired surrogate cannot even be encoded as UTF-8:
   * BigQuery would refuse the whole insert batch that carries it.
   */
  text: {
    pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$',
    meaning: 'text without control characters (other than tab, LF, CR) or unpaired surrogates',
  },
} as const satisfies Record<string, NamedPattern>;

const MEANINGS: ReadonlyMap<string, string> = new Map(Object.values(PATTERNS).map((p) => [p.pattern, p.meaning]));

/** "must be …" completion for a known pattern, or undefined. */
export function patternMeaning(pattern: string): string | undefined {
  return MEANINGS.get(pattern);
}
