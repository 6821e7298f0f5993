import assert from 'node:assert/strict';
import { mix32, Prng, Weighted } from '../../../io/generator/prng';

describe('generator / prng', () => {
  it('is deterministic per seed and stream', () => {
    const draw = (p: Prng) => Array.from({ length: 1000 }, () => p.u32());
    assert.deepEqual(draw(new Prng(42)), draw(new Prng(42)));
    assert.deepEqual(draw(new Prng('abc', 'x')), draw(new Prng('abc', 'x')));
    assert.notDeepEqual(draw(new Prng(42)), draw(new Prng(43)));
    assert.notDeepEqual(draw(new Prng(42, 'a')), draw(new Prng(42, 'b')));
    // A number seed and its string are different seeds (no accidental aliasing).
    assert.notDeepEqual(draw(new Prng(42)), draw(new Prng('42')));
    assert.deepEqual(draw(new Prng(7, 12345)), draw(new Prng(7, 12345)));
    assert.notDeepEqual(draw(new Prng(7, 12345)), draw(new Prng(7, 12346)));
  });

  it('produces the pinned sequence (byte-for-byte reproducibility across versions)', () => {
    // If these change, every seeded output changes: treat it as a breaking change of the generator.
    const p = new Prng(1);
    assert.deepEqual(
      Array.from({ length: 4 }, () => p.u32()),
      [2821292854, 1067427416, 1345106919, 438846466],
    );
    const q = new Prng('seed', 'activity');
    assert.deepEqual([q.u32(), q.u32()], [1098383405, 2822160780]);
  });

  it('floats are uniform in [0, 1) and ints in range', () => {
    const p = new Prng(3);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const f = p.float();
      assert.ok(f >= 0 && f < 1);
      buckets[Math.floor(f * 10)]++;
    }
    for (const b of buckets) assert.ok(Math.abs(b - 10_000) < 600, `bucket ${b}`);
    for (let i = 0; i < 10_000; i++) {
      const n = p.between(3, 7);
      assert.ok(Number.isInteger(n) && n >= 3 && n <= 7);
    }
  });

  it('exp has the requested mean', () => {
    const p = new Prng(9);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += p.exp(50);
    assert.ok(Math.abs(sum / 100_000 - 50) < 1.5);
  });

  it('Weighted follows the weights and never draws a zero-weight item', () => {
    const w = new Weighted<string>([
      ['a', 1],
      ['b', 3],
      ['z', 0],
    ]);
    const p = new Prng(5);
    const counts: Record<string, number> = { a: 0, b: 0, z: 0 };
    for (let i = 0; i < 40_000; i++) counts[w.sample(p)]++;
    assert.equal(counts.z, 0);
    assert.ok(Math.abs(counts.b / counts.a - 3) < 0.25);
    assert.throws(() => new Weighted([]), RangeError);
    assert.throws(() => new Weighted([['x', -1]]), RangeError);
  });

  it('mix32 is a bijection on a sample (ids built from it are unique)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(mix32(i));
    assert.equal(seen.size, 200_000);
  });
});
