/**
 * BENCH_SCALE multiplies every element count (default 1), so that a smoke run such as `BENCH_SCALE=0.01 npm run
 * bench` takes seconds. It is read from the environment (not passed around) because worker processes inherit it
 * and case modules, whose signature is fixed to run(n, seed), can derive secondary sizes from it (users count).
 */
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE;
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new RangeError(`BENCH_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return scale;
}

/** A full-size element count scaled by BENCH_SCALE (at least 1). */
export function scaled(fullSize: number): number {
  return Math.max(1, Math.round(fullSize * benchScale()));
}
