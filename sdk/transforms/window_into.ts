import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { type WindowFn, describeWindowFn } from '../window_fns';
import { type WindowingOptions, windowingStrategy } from '../windowing_strategy';

/**
 * Assigns elements to windows and sets the strategy (trigger, lateness, accumulation, timestamp
 * combiner) that the next grouping uses. Invalid combinations fail here.
 */
export function windowInto<T>(
  windowFn: WindowFn,
  options: WindowingOptions = {},
  name?: string,
): PTransform<PCollection<T>, PCollection<T>> {
  const strategy = windowingStrategy(windowFn, options);
  return {
    name: name ?? `WindowInto(${describeWindowFn(windowFn)})`,
    explicitName: name !== undefined,
    expand: (input) =>
      input.pipeline.addStep({ kind: 'windowInto', strategy }, [input], {
        main: { windowing: strategy, keyed: input.keyed },
      }).main as PCollection<T>,
  };
}
