/**
 * DLP's primitive transformations, as documented, compiled once per configuration into functions over one value:
 *   - replaceConfig: the configured value;
 *   - replaceWithInfoTypeConfig: `[INFO_TYPE]` (findings only); redactConfig: nothing (findings only);
 *   - characterMaskConfig: `maskingCharacter` (default `*`, `0` for numbers) over `numberToMask` characters
 *     (0 or unset: all; negative: all but that many), from the end with `reverseOrder`, skipping
 *     `charactersToIgnore` (which do not count);
 *   - cryptoHashConfig: HMAC-SHA256 of the UTF-8 value with the key, base64 (44 characters);
 *   - cryptoDeterministicConfig: AES-SIV of the UTF-8 value, base64, with the context field's value as
 *     associated data, and with `surrogateInfoType` written `NAME(length):surrogate`; reversible (`reidentify`);
 *   - dateShiftConfig: a shift in [lowerBoundDays, upperBoundDays], derived from HMAC(key, context value) when a
 *     context is set (the same user always moves by the same number of days), random otherwise;
 *   - fixedSizeBucketingConfig: `lo-hi` buckets of bucketSize, `-lower` below, `upper+` above;
 *   - bucketingConfig: the replacement of the first bucket with min ≤ value < max; a value in no bucket is kept.
 * A value a transformation cannot handle (a date that is not a date) throws TransformationError, whose message
 * names the transformation and never the value.
 */
import { createHmac, randomInt } from 'node:crypto';
import { type CharacterMaskConfig, COMMON_CHARACTERS, type PrimitiveTransformation } from './deidentify_config';
import { type AesSiv } from './aes_siv';
import { type DlpValue } from './table';

export class TransformationError extends Error {
  override readonly name = 'TransformationError';
}

/** What a transformation may read besides its value: the row (context fields) and the finding's infoType. */
export interface CellContext {
  /** The original row and a column lookup; absent for free text outside a table. */
  readonly row?: readonly DlpValue[];
  readonly columns?: ReadonlyMap<string, number>;
  readonly infoType?: string;
}

export type ValueTransform = (value: DlpValue, ctx: CellContext) => DlpValue | Promise<DlpValue>;

/** Keys a configuration refers to, resolved before compiling (io/dlp/keys.ts). */
export interface ResolvedCrypto {
  hmacKey(path: string): Uint8Array;
  siv(path: string): AesSiv;
}

/** The text of a value as DLP reads it for string transformations. */
export function textOf(value: DlpValue): string | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.integerValue !== undefined) return String(value.integerValue);
  if (value.floatValue !== undefined) return String(value.floatValue);
  if (value.booleanValue !== undefined) return String(value.booleanValue);
  return undefined;
}

const isNumeric = (v: DlpValue) => v.integerValue !== undefined || v.floatValue !== undefined;

function numberOf(value: DlpValue): number | undefined {
  if (value.integerValue !== undefined) return Number(value.integerValue);
  if (value.floatValue !== undefined) return value.floatValue;
  if (value.stringValue !== undefined && /^\s*-?\d+(\.\d+)?\s*$/.test(value.stringValue)) return Number(value.stringValue);
  return undefined;
}

const COMMON: Record<(typeof COMMON_CHARACTERS)[number], (c: string) => boolean> = {
  NUMERIC: (c) => c >= '0' && c <= '9',
  ALPHA_UPPER_CASE: (c) => c >= 'A' && c <= 'Z',
  ALPHA_LOWER_CASE: (c) => c >= 'a' && c <= 'z',
  PUNCTUATION: (c) => c.length === 1 && /[!-/:-@[-`{-~]/.test(c),
  WHITESPACE: (c) => /^\s$/u.test(c),
};

/** characterMaskConfig compiled once: a function over strings (by code points, so an emoji is one character). */
export function compileCharacterMask(config: CharacterMaskConfig): (text: string, numeric?: boolean) => string {
  const skip = new Set<string>();
  const classes: ((c: string) => boolean)[] = [];
  for (const ci of config.charactersToIgnore ?? []) {
    if ('charactersToSkip' in ci) for (const c of ci.charactersToSkip) skip.add(c);
    else classes.push(COMMON[ci.commonCharactersToIgnore]);
  }
  const ignored = (c: string) => skip.has(c) || classes.some((f) => f(c));
  const n = config.numberToMask ?? 0;
  return (text, numeric = false) => {
    const mask = config.maskingCharacter ?? (numeric ? '0' : '*');
    const chars = [...text];
    let maskable = 0;
    for (const c of chars) if (!ignored(c)) maskable++;
    let left = n === 0 ? maskable : n > 0 ? Math.min(n, maskable) : Math.max(0, maskable + n);
    const reverse = config.reverseOrder === true;
    for (let k = 0; k < chars.length && left > 0; k++) {
      const i = reverse ? chars.length - 1 - k : k;
      if (ignored(chars[i])) continue;
      chars[i] = mask;
      left--;
    }
    return chars.join('');
  };
}

/** characterMaskConfig over one string (see compileCharacterMask). */
export function characterMask(text: string, config: CharacterMaskConfig, numeric = false): string {
  return compileCharacterMask(config)(text, numeric);
}

/** cryptoHashConfig: base64 HMAC-SHA256. */
export function cryptoHash(text: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64');
}

/** `NAME(length):surrogate`, DLP's annotation of a surrogate with its surrogate infoType. */
export const annotateSurrogate = (infoType: string, surrogate: string) => `${infoType}(${surrogate.length}):${surrogate}`;

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Days to shift for a context value: HMAC(key, context) mod the range size, from lower. */
export function dateShiftDays(context: string, key: Uint8Array, lower: number, upper: number): number {
  const digest = createHmac('sha256', key).update(context, 'utf8').digest();
  return lower + (digest.readUInt32BE(0) % (upper - lower + 1));
}

export function shiftDate(text: string, days: number): string {
  if (DATE_ONLY.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(ms)) throw new TransformationError('dateShiftConfig: not a valid date');
    return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
  }
  if (TIMESTAMP.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new TransformationError('dateShiftConfig: not a valid timestamp');
    return new Date(ms + days * DAY_MS).toISOString();
  }
  throw new TransformationError('dateShiftConfig: the value is not a date (YYYY-MM-DD) or an RFC 3339 timestamp');
}

const formatBound = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

export function fixedSizeBucket(x: number, lower: number, upper: number, size: number): string {
  if (x < lower) return `-${formatBound(lower)}`;
  if (x > upper) return `${formatBound(upper)}+`;
  const start = Math.min(lower + Math.floor((x - lower) / size) * size, upper);
  const end = Math.min(start + size, upper);
  return start === end ? `${formatBound(upper)}+` : `${formatBound(start)}-${formatBound(end)}`;
}

function compareValues(a: DlpValue, b: DlpValue): number | undefined {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x - y;
  const s = textOf(a);
  const t = textOf(b);
  if (s === undefined || t === undefined) return undefined;
  return s < t ? -1 : s > t ? 1 : 0;
}

/** How a value looks after a transformation that produces text. */
const str = (stringValue: string): DlpValue => ({ stringValue });

/**
 * Compiles one primitive transformation. `path` is its JSON path in the configuration (keys are resolved by it);
 * `cacheSize` bounds the per-transformation cache of surrogates (user ids repeat, and AES-SIV is the slow part).
 */
export function compilePrimitive(
  pt: PrimitiveTransformation,
  path: string,
  crypto: ResolvedCrypto,
  cacheSize = 100_000,
): ValueTransform {
  if (pt.replaceConfig) {
    const v = pt.replaceConfig.newValue;
    return () => v;
  }
  if (pt.replaceWithInfoTypeConfig) {
    return (_v, ctx) => str(`[${ctx.infoType ?? 'UNKNOWN'}]`);
  }
  if (pt.redactConfig) return () => str('');
  if (pt.characterMaskConfig) {
    const mask = compileCharacterMask(pt.characterMaskConfig);
    return (v) => {
      const text = textOf(v);
      if (text === undefined) return v;
      return str(mask(text, isNumeric(v)));
    };
  }
  if (pt.cryptoHashConfig) {
    const key = crypto.hmacKey(`${path}.cryptoHashConfig.cryptoKey`);
    const hash = createHmacCache(key, cacheSize);
    return (v) => {
      if (v.stringValue === undefined && v.integerValue === undefined) {
        throw new TransformationError('cryptoHashConfig: only string and integer values can be hashed');
      }
      return str(hash(textOf(v) as string));
    };
  }
  if (pt.cryptoDeterministicConfig) {
    const c = pt.cryptoDeterministicConfig;
    const siv = crypto.siv(`${path}.cryptoDeterministicConfig.cryptoKey`);
    const surrogateType = c.surrogateInfoType?.name;
    const contextField = c.context?.name;
    const cache = new BoundedCache<string>(cacheSize);
    const inFlight = new Map<string, Promise<string>>();
    return (v, ctx) => {
      const text = textOf(v);
      if (text === undefined) return v;
      let context: string | undefined;
      if (contextField !== undefined && ctx.row && ctx.columns) {
        const i = ctx.columns.get(contextField);
        context = i === undefined ? undefined : textOf(ctx.row[i] ?? {});
      }
      const cacheKey = context === undefined ? `0${text}` : `1${context.length}:${context}${text}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return str(hit);
      // The same id often appears several times in one batch: one encryption, shared while it runs.
      let running = inFlight.get(cacheKey);
      if (running === undefined) {
        const ad = context === undefined ? [] : [Buffer.from(context, 'utf8')];
        running = siv.seal(Buffer.from(text, 'utf8'), ad).then(
          (sealed) => {
            const surrogate = Buffer.from(sealed).toString('base64');
            const out = surrogateType === undefined ? surrogate : annotateSurrogate(surrogateType, surrogate);
            cache.set(cacheKey, out);
            inFlight.delete(cacheKey);
            return out;
          },
          (error: unknown) => {
            inFlight.delete(cacheKey);
            throw error;
          },
        );
        inFlight.set(cacheKey, running);
      }
      return running.then(str);
    };
  }
  if (pt.dateShiftConfig) {
    const c = pt.dateShiftConfig;
    const key = c.cryptoKey ? crypto.hmacKey(`${path}.dateShiftConfig.cryptoKey`) : undefined;
    const contextField = c.context?.name;
    return (v, ctx) => {
      const text = textOf(v);
      if (text === undefined) return v;
      let days: number | undefined;
      if (key !== undefined && contextField !== undefined && ctx.row && ctx.columns) {
        const i = ctx.columns.get(contextField);
        const context = i === undefined ? undefined : textOf(ctx.row[i] ?? {});
        if (context !== undefined && context !== '') days = dateShiftDays(context, key, c.lowerBoundDays, c.upperBoundDays);
      }
      days ??= randomInt(c.lowerBoundDays, c.upperBoundDays + 1);
      return str(shiftDate(text, days));
    };
  }
  if (pt.fixedSizeBucketingConfig) {
    const c = pt.fixedSizeBucketingConfig;
    const lower = numberOf(c.lowerBound) as number;
    const upper = numberOf(c.upperBound) as number;
    return (v) => {
      const x = numberOf(v);
      if (x === undefined) throw new TransformationError('fixedSizeBucketingConfig: the value is not a number');
      return str(fixedSizeBucket(x, lower, upper, c.bucketSize));
    };
  }
  if (pt.bucketingConfig) {
    const buckets = pt.bucketingConfig.buckets;
    return (v) => {
      for (const b of buckets) {
        const aboveMin = b.min === undefined || (compareValues(v, b.min) ?? -1) >= 0;
        const belowMax = b.max === undefined || (compareValues(v, b.max) ?? 1) < 0;
        if (aboveMin && belowMax) return b.replacementValue;
      }
      return v;
    };
  }
  throw new TransformationError(`${path}: no transformation`);
}

/** A map that forgets its older half when full: two generations approximate an LRU at the cost of a Map. */
export class BoundedCache<V> {
  private recent = new Map<string, V>();
  private older = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const v = this.recent.get(key);
    if (v !== undefined) return v;
    const o = this.older.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.size <= 0) return;
    if (this.recent.size >= this.size / 2) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(key, value);
  }
}

function createHmacCache(key: Uint8Array, size: number): (text: string) => string {
  const cache = new BoundedCache<string>(size);
  return (text) => {
    let h = cache.get(text);
    if (h === undefined) {
      h = cryptoHash(text, key);
      cache.set(text, h);
    }
    return h;
  };
}
