/** A keyed element: what GroupByKey and CombinePerKey consume and produce. */
export interface KV<K, V> {
  readonly key: K;
  readonly value: V;
}

export function kv<K, V>(key: K, value: V): KV<K, V> {
  return { key, value };
}

/**
 * Keys must be deterministic to group by (as Beam requires deterministic key coders): strings,
 * numbers, booleans, bigints, or JSON-like objects and arrays of those, compared by value.
 */
export type GroupingKey =
  | string
  | number
  | boolean
  | bigint
  | null
  | readonly GroupingKey[]
  | { readonly [k: string]: GroupingKey };

/**
 * The identity of a key inside a runner's state maps: primitives stand for themselves; objects and
 * arrays become their canonical JSON (sorted object keys), prefixed so that they cannot collide
 * with an ordinary string key.
 */
export function encodeKey(key: unknown): string | number | boolean | bigint | null | undefined {
  if (key === null || key === undefined) return key;
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return key as string | number | boolean | bigint;
  return '\u0000k:' + canonicalJson(key);
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return `"${v.toString()}n"`;
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw new TypeError(`a ${typeof v} cannot be a grouping key`);
    }
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
