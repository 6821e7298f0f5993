import { PipelineConstructionError } from '../errors';
import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { describeWindowFn } from '../window_fns';

/** Merges collections of the same element type and window function into one. */
export function flatten<T>(name?: string): PTransform<readonly PCollection<T>[], PCollection<T>> {
  return {
    name: name ?? 'Flatten',
    explicitName: name !== undefined,
    expand: (inputs) => {
      if (inputs.length === 0) throw new PipelineConstructionError('flatten needs at least one collection');
      const first = inputs[0];
      for (const other of inputs.slice(1)) {
        if (JSON.stringify(other.windowing.windowFn) !== JSON.stringify(first.windowing.windowFn)) {
          throw new PipelineConstructionError(
            `flatten: '${other.name}' is windowed ${describeWindowFn(other.windowing.windowFn)} but '${first.name}' ` +
              `${describeWindowFn(first.windowing.windowFn)}; window them alike first`,
          );
        }
      }
      return first.pipeline.addStep({ kind: 'flatten' }, inputs, {
        main: { windowing: first.windowing, keyed: inputs.every((i) => i.keyed) },
      }).main as PCollection<T>;
    },
  };
}

/** Applies flatten to several collections: `flattenAll([a, b])`. */
export function flattenAll<T>(inputs: readonly PCollection<T>[], name?: string): PCollection<T> {
  if (inputs.length === 0) throw new PipelineConstructionError('flatten needs at least one collection');
  return inputs[0].pipeline.applyTransform(flatten<T>(name), inputs);
}
