/**
 * Seeded pseudo-random number generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit).
 *
 * Why sfc32: it passes PractRand to large sizes, has a 128-bit state with a counter (so no short cycles for any
 * seed), and only uses 32-bit integer ops that V8 keeps in registers — the generator draws several numbers per
 * event and must stay far below a microsecond per event. Math.random is not seedable, so it is never used here.
 *
 * Seeds are hashed (cyrb128) together with a stream label, so one user-facing seed yields independent streams
 * ("activity", "delivery", "corruption"). Keeping streams separate means changing, say, the duplicate rate does
 * not change which logical events are generated — tests can compare runs that differ in one option only.
 */

export type Seed = number | string;

/** cyrb128: a fast, well-mixed 128-bit string hash, used only to expand a seed into sfc32's state. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A bijection on uint32 (lowbias32 by Chris Wellons). Used to turn a counter into a random-looking but
 * collision-free number, which is how ids are made unique without remembering the ids already issued.
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed user seed
   * @param stream label of an independent stream derived from the same seed. When seed and stream are both
   *   numbers (a 32-bit salt and an index: one stream per user), the state is mixed arithmetically instead of
   *   hashing a string — it is done once per session, so it is on the hot path.
   */
  constructor(seed: Seed, stream: string | number = '') {
    if (typeof seed === 'number' && typeof stream === 'number') {
      const h = mix32((seed ^ mix32(stream >>> 0)) >>> 0);
      this.a = h;
      this.b = mix32((h ^ 0x9e3779b9) >>> 0);
      this.c = (stream / TWO_POW_32) >>> 0; // high bits of large indices
      this.d = 1;
    } else {
      const [a, b, c, d] = cyrb128(`${typeof seed}:${String(seed)}/${stream}`);
      this.a = a;
      this.b = b;
      this.c = c;
      this.d = d;
    }
    // Discard the first outputs: sfc32 needs a few rounds to diffuse a seeded state fully.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution (enough for rates and delays). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p (p ≤ 0 never, p ≥ 1 always). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Exponentially distributed value with the given mean (memoryless waits: Poisson arrivals, think times). */
  exp(mean: number): number {
    // 1 - float() is in (0, 1], so the log is finite.
    return -Math.log(1 - this.float()) * mean;
  }
}

/**
 * A categorical distribution with precomputed cumulative weights. Tables here are small (≤ ~30 entries), so a
 * linear scan beats a binary search and allocates nothing.
 */
export class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;
  /** Fallback for x == total after float rounding: the last item that can actually be drawn. */
  private readonly last: T;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('Weighted: no entries');
    this.items = entries.map((e) => e[0]);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, w], i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`Weighted: bad weight ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new RangeError('Weighted: weights sum to 0');
    this.total = sum;
    let lastIndex = entries.length - 1;
    while (entries[lastIndex][1] === 0) lastIndex--;
    this.last = this.items[lastIndex];
  }

  sample(prng: Prng): T {
    const x = prng.float() * this.total;
    const cum = this.cumulative;
    for (let i = 0; i < cum.length; i++) if (x < cum[i]) return this.items[i];
    return this.last;
  }
}
