import { PipelineConstructionError } from './errors';

/**
 * An associative, commutative aggregation (Beam's CombineFn). Because partial results
 * (accumulators) merge, runners can combine before grouping ("combiner lifting") and keep one
 * accumulator per key and window instead of every element.
 *
 * `addInput` and `mergeAccumulators` may mutate and return their first accumulator; `extractOutput`
 * must not mutate its argument (an accumulating pane keeps using it).
 */
export interface CombineFn<I, A, O> {
  readonly name: string;
  createAccumulator(): A;
  addInput(accumulator: A, input: I): A;
  mergeAccumulators(accumulators: readonly A[]): A;
  extractOutput(accumulator: A): O;
}

/** A custom combine fn from its four parts. */
export function combineFn<I, A, O>(spec: CombineFn<I, A, O>): CombineFn<I, A, O> {
  return spec;
}

export function sum(): CombineFn<number, number, number> {
  return {
    name: 'sum',
    createAccumulator: () => 0,
    addInput: (a, x) => a + x,
    mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
    extractOutput: (a) => a,
  };
}

export function count<I = unknown>(): CombineFn<I, number, number> {
  return {
    name: 'count',
    createAccumulator: () => 0,
    addInput: (a) => a + 1,
    mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
    extractOutput: (a) => a,
  };
}

export interface MeanAccumulator {
  sum: number;
  count: number;
}

/** The arithmetic mean; NaN for an empty window (only seen with FIRE_ALWAYS). */
export function mean(): CombineFn<number, MeanAccumulator, number> {
  return {
    name: 'mean',
    createAccumulator: () => ({ sum: 0, count: 0 }),
    addInput: (a, x) => {
      a.sum += x;
      a.count += 1;
      return a;
    },
    mergeAccumulators: (as) => {
      const out = { sum: 0, count: 0 };
      for (const a of as) {
        out.sum += a.sum;
        out.count += a.count;
      }
      return out;
    },
    extractOutput: (a) => (a.count === 0 ? Number.NaN : a.sum / a.count),
  };
}

export function max(): CombineFn<number, number, number> {
  return {
    name: 'max',
    createAccumulator: () => Number.NEGATIVE_INFINITY,
    addInput: (a, x) => (x > a ? x : a),
    mergeAccumulators: (as) => as.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY),
    extractOutput: (a) => a,
  };
}

export function min(): CombineFn<number, number, number> {
  return {
    name: 'min',
    createAccumulator: () => Number.POSITIVE_INFINITY,
    addInput: (a, x) => (x < a ? x : a),
    mergeAccumulators: (as) => as.reduce((a, b) => (b < a ? b : a), Number.POSITIVE_INFINITY),
    extractOutput: (a) => a,
  };
}

/**
 * The k largest inputs by `compare` (descending; ties keep arrival order). The accumulator is a
 * sorted array of at most k items, so memory per key and window stays bounded.
 */
export function topK<T>(k: number, compare: (a: T, b: T) => number): CombineFn<T, T[], T[]> {
  if (!Number.isInteger(k) || k < 1) throw new PipelineConstructionError(`topK needs k ≥ 1, got ${k}`);
  const insert = (acc: T[], x: T): T[] => {
    if (acc.length === k && compare(x, acc[k - 1]) <= 0) return acc;
    let i = acc.length;
    while (i > 0 && compare(x, acc[i - 1]) > 0) i--;
    acc.splice(i, 0, x);
    if (acc.length > k) acc.length = k;
    return acc;
  };
  return {
    name: `top${k}`,
    createAccumulator: () => [],
    addInput: insert,
    mergeAccumulators: (as) => {
      let out: T[] = [];
      for (const a of as) for (const x of a) out = insert(out, x);
      return out;
    },
    extractOutput: (a) => a.slice(),
  };
}

/** Collects every input; the grouping analogue of GroupByKey, mostly for tests. */
export function toList<T>(): CombineFn<T, T[], T[]> {
  return {
    name: 'toList',
    createAccumulator: () => [],
    addInput: (a, x) => {
      a.push(x);
      return a;
    },
    mergeAccumulators: (as) => ([] as T[]).concat(...as),
    extractOutput: (a) => a.slice(),
  };
}
