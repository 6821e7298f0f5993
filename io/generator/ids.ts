/**
 * Identifiers: UUID-v4-shaped event and anonymous ids, user ids and Pub/Sub-style message ids.
 *
 * Ids must be unique without a registry of issued ids (the streaming form keeps no history). So the first 32
 * bits of each UUID are a bijection (mix32) of a per-kind counter XOR a per-seed salt: distinct counters give
 * distinct ids, for up to 2^32 ids per kind and run. The other 90 bits come from the PRNG so ids look random
 * and differ between seeds.
 */
import { mix32, type Prng } from './prng';

const HEX1: readonly string[] = Array.from({ length: 16 }, (_, i) => i.toString(16));
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex8(x: number): string {
  return HEX2[(x >>> 24) & 255] + HEX2[(x >>> 16) & 255] + HEX2[(x >>> 8) & 255] + HEX2[x & 255];
}

function hex4(x: number): string {
  return HEX2[(x >>> 8) & 255] + HEX2[x & 255];
}

/** RFC 4122 version-4 layout (version nibble 4, variant 10xx) built from a unique 32-bit head and random bits. */
export function uuidFrom(unique32: number, prng: Prng): string {
  const b = prng.u32();
  const c = prng.u32();
  const d = prng.u32();
  return (
    hex8(unique32) +
    '-' +
    hex4(b >>> 16) +
    '-4' +
    HEX1[(b >>> 8) & 15] +
    HEX2[b & 255] +
    '-' +
    HEX2[0x80 | ((c >>> 24) & 0x3f)] +
    HEX2[(c >>> 16) & 255] +
    '-' +
    hex4(c) +
    hex8(d)
  );
}

/** Sequential-unique source of ids of one kind. */
export class IdSource {
  private counter = 0;
  constructor(private readonly salt: number) {}

  /** Next 32-bit value, distinct from every previous one (until 2^32 draws). */
  nextUnique(): number {
    return mix32((this.counter++ ^ this.salt) >>> 0);
  }
}

/**
 * Pub/Sub message ids are decimal strings of ~16 digits. A per-seed 6-digit prefix and a 10-digit counter keep
 * them unique, fixed-length and ≤ Number.MAX_SAFE_INTEGER (prefix ≤ 899999), so a consumer may parse them as
 * numbers. Concatenating a string prefix with a small number is ~5× faster than String(bigNumber).
 */
export class MessageIdSource {
  private counter = 1_000_000_000;
  private readonly prefix: string;
  constructor(prng: Prng) {
    this.prefix = String(100_000 + prng.int(800_000));
  }
  next(): string {
    return this.prefix + this.counter++;
  }
}
