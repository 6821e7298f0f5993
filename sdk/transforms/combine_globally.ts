import { type CombineFn } from '../combine_fns';
import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { combinePerKey } from './group';
import { keyBy, values } from './element_wise';

/**
 * Combines all elements of each window into one value. Like Beam's `Combine.globally(...)
 * .withoutDefaults()`: a window that receives nothing emits nothing (Beam's default value for an
 * empty global window is not produced).
 */
export function combineGlobally<I, A, O>(fn: CombineFn<I, A, O>, name?: string): PTransform<PCollection<I>, PCollection<O>> {
  return {
    name: name ?? `CombineGlobally(${fn.name})`,
    explicitName: name !== undefined,
    expand: (input) =>
      input
        .apply(keyBy((): null => null, 'KeyByNothing'))
        .apply(combinePerKey(fn, 'Combine'))
        .apply(values<null, O>('DropKey')),
  };
}
