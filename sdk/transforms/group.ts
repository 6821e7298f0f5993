import { type CombineFn } from '../combine_fns';
import { PipelineConstructionError } from '../errors';
import { type LateElement } from '../graph';
import { type KV } from '../kv';
import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { DEFAULT_WINDOWING } from '../windowing_strategy';

/**
 * The output of a grouping. It remembers the grouping's input type, so that `lateElementsOf`
 * can hand back the refused (too late) elements with their type.
 */
export type Grouped<O, I> = PCollection<O> & { readonly __lateElementType?: I };

function requireKeyed(input: PCollection<unknown>, what: string): void {
  if (!input.keyed) {
    throw new PipelineConstructionError(
      `${what} needs a keyed collection of KV pairs, but '${input.name}' is not keyed: ` +
        'make it with keyBy(), mapToKV() or parDo(fn, { keyed: true })',
    );
  }
}

function groupStep<K, V, O>(
  input: PCollection<KV<K, V>>,
  combineFn: CombineFn<V, unknown, O> | undefined,
): Grouped<KV<K, O>, KV<K, V>> {
  requireKeyed(input, combineFn ? 'CombinePerKey' : 'GroupByKey');
  const outs = input.pipeline.addStep(
    { kind: 'group', combineFn: combineFn as CombineFn<unknown, unknown, unknown> | undefined },
    [input],
    {
      main: { windowing: input.windowing, keyed: true },
      late: { windowing: DEFAULT_WINDOWING, keyed: false },
    },
  );
  return outs.main as Grouped<KV<K, O>, KV<K, V>>;
}

/** Groups values per key and window; panes fire as the collection's windowing strategy says. */
export function groupByKey<K, V>(name?: string): PTransform<PCollection<KV<K, V>>, Grouped<KV<K, V[]>, KV<K, V>>> {
  return {
    name: name ?? 'GroupByKey',
    explicitName: name !== undefined,
    expand: (input) => groupStep<K, V, V[]>(input, undefined),
  };
}

/** Combines values per key and window with an associative combine fn (lifted: one accumulator per key and window). */
export function combinePerKey<K, V, A, O>(
  fn: CombineFn<V, A, O>,
  name?: string,
): PTransform<PCollection<KV<K, V>>, Grouped<KV<K, O>, KV<K, V>>> {
  return {
    name: name ?? `CombinePerKey(${fn.name})`,
    explicitName: name !== undefined,
    expand: (input) => groupStep<K, V, O>(input, fn as CombineFn<V, unknown, O>),
  };
}

/** The elements a grouping refused as too late (expired window or closed window), with why. */
export function lateElementsOf<I>(grouped: Grouped<unknown, I>): PCollection<LateElement<I>> {
  const step = grouped.pipeline.producerOf(grouped);
  const late = step.kind === 'group' ? step.outputs.late : undefined;
  if (!late) throw new PipelineConstructionError(`'${grouped.name}' is not the output of a grouping`);
  return late as PCollection<LateElement<I>>;
}
