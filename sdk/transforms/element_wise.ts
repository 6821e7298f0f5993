import { type DoFn, type OutputTags, type ProcessContext } from '../do_fn';
import { PipelineConstructionError } from '../errors';
import { type KV } from '../kv';
import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { type PCollectionView } from '../side_inputs';
import { describeWindowFn } from '../window_fns';

export interface ParDoOptions {
  readonly sideInputs?: readonly PCollectionView<unknown>[];
  /** Mark the output as KV pairs, so that it can be grouped. */
  readonly keyed?: boolean;
}

/** Like ParDoOptions, plus: the output is keyed exactly when the input is (filters keep their input's shape). */
interface InternalParDoOptions extends ParDoOptions {
  readonly keyedLikeInput?: boolean;
}

/** Checks side inputs at construction: a globally windowed main input can only read global side inputs. */
function checkSideInputs(input: PCollection<unknown>, views: readonly PCollectionView<unknown>[]): void {
  if (input.windowing.windowFn.kind !== 'global') return;
  for (const view of views) {
    if (view.pcollection.windowing.windowFn.kind !== 'global') {
      throw new PipelineConstructionError(
        `'${input.name}' is globally windowed and cannot read side input '${view.pcollection.name}', which is windowed ` +
          `${describeWindowFn(view.pcollection.windowing.windowFn)}: window the main input alike`,
      );
    }
  }
}

function functionName(fn: { readonly name?: string } | ((...args: never[]) => unknown), fallback: string): string {
  return fn.name && fn.name !== 'anonymous' ? `${fallback}(${fn.name})` : fallback;
}

/** A ParDo with one output. */
export function parDo<I, O>(
  doFn: DoFn<I, O>,
  options: ParDoOptions = {},
  name?: string,
): PTransform<PCollection<I>, PCollection<O>> {
  const generated = functionName(doFn.constructor === Object ? {} : doFn.constructor, 'ParDo');
  return singleOutputParDo(doFn, options, name ?? generated, name !== undefined);
}

function singleOutputParDo<I, O>(
  doFn: DoFn<I, O>,
  options: InternalParDoOptions,
  name: string,
  explicitName: boolean,
): PTransform<PCollection<I>, PCollection<O>> {
  return {
    name,
    explicitName,
    expand: (input) => {
      checkSideInputs(input, options.sideInputs ?? []);
      const keyed = options.keyedLikeInput ? input.keyed : (options.keyed ?? false);
      return input.pipeline.addStep(
        { kind: 'parDo', doFn: doFn as DoFn<unknown, unknown, OutputTags>, sideInputs: options.sideInputs ?? [] },
        [input],
        { main: { windowing: input.windowing, keyed } },
      ).main as PCollection<O>;
    },
  };
}

/** The collections of a multi-output ParDo: `main` plus one per tag. */
export type ParDoOutputs<O, Tags extends OutputTags> = { readonly main: PCollection<O> } & {
  readonly [K in keyof Tags]: PCollection<Tags[K]>;
};

/**
 * A ParDo with tagged outputs besides the main one, e.g. a dead-letter output:
 * `parDoWithOutputs(fn, ['dead_letter'])` → `{ main, dead_letter }`.
 */
export function parDoWithOutputs<I, O, Tags extends OutputTags>(
  doFn: DoFn<I, O, Tags>,
  tags: readonly (keyof Tags & string)[],
  options: ParDoOptions = {},
  name?: string,
): PTransform<PCollection<I>, ParDoOutputs<O, Tags>> {
  return {
    name: name ?? 'ParDo',
    explicitName: name !== undefined,
    expand: (input) => {
      checkSideInputs(input, options.sideInputs ?? []);
      const outputs: Record<string, { windowing: typeof input.windowing; keyed: boolean }> = {
        main: { windowing: input.windowing, keyed: options.keyed ?? false },
      };
      for (const tag of tags) outputs[tag] = { windowing: input.windowing, keyed: false };
      return input.pipeline.addStep(
        { kind: 'parDo', doFn: doFn as unknown as DoFn<unknown, unknown, OutputTags>, sideInputs: options.sideInputs ?? [] },
        [input],
        outputs,
      ) as unknown as ParDoOutputs<O, Tags>;
    },
  };
}

class MapFn<I, O> implements DoFn<I, O> {
  constructor(private readonly fn: (x: I) => O) {}
  process(element: I, ctx: ProcessContext<O>): void {
    ctx.output(this.fn(element));
  }
}

class FlatMapFn<I, O> implements DoFn<I, O> {
  constructor(private readonly fn: (x: I) => Iterable<O>) {}
  process(element: I, ctx: ProcessContext<O>): void {
    for (const o of this.fn(element)) ctx.output(o);
  }
}

class FilterFn<T> implements DoFn<T, T> {
  constructor(private readonly predicate: (x: T) => boolean) {}
  process(element: T, ctx: ProcessContext<T>): void {
    if (this.predicate(element)) ctx.output(element);
  }
}

export function map<I, O>(fn: (x: I) => O, name?: string): PTransform<PCollection<I>, PCollection<O>> {
  return singleOutputParDo(new MapFn(fn), {}, name ?? functionName(fn, 'Map'), name !== undefined);
}

export function flatMap<I, O>(fn: (x: I) => Iterable<O>, name?: string): PTransform<PCollection<I>, PCollection<O>> {
  return singleOutputParDo(new FlatMapFn(fn), {}, name ?? functionName(fn, 'FlatMap'), name !== undefined);
}

export function filter<T>(predicate: (x: T) => boolean, name?: string): PTransform<PCollection<T>, PCollection<T>> {
  return singleOutputParDo(
    new FilterFn(predicate),
    { keyedLikeInput: true },
    name ?? functionName(predicate, 'Filter'),
    name !== undefined,
  );
}

/** Maps each element to a KV pair; the output can be grouped by key. */
export function mapToKV<I, K, V>(fn: (x: I) => KV<K, V>, name?: string): PTransform<PCollection<I>, PCollection<KV<K, V>>> {
  return singleOutputParDo(new MapFn(fn), { keyed: true }, name ?? functionName(fn, 'MapToKV'), name !== undefined);
}

/** Pairs each element with the key `fn` computes: T → KV<K, T>. */
export function keyBy<T, K>(fn: (x: T) => K, name?: string): PTransform<PCollection<T>, PCollection<KV<K, T>>> {
  return singleOutputParDo(
    new MapFn((x: T) => ({ key: fn(x), value: x })),
    { keyed: true },
    name ?? functionName(fn, 'KeyBy'),
    name !== undefined,
  );
}

export function values<K, V>(name?: string): PTransform<PCollection<KV<K, V>>, PCollection<V>> {
  return singleOutputParDo(new MapFn((x: KV<K, V>) => x.value), {}, name ?? 'Values', name !== undefined);
}

export function keys<K, V>(name?: string): PTransform<PCollection<KV<K, V>>, PCollection<K>> {
  return singleOutputParDo(new MapFn((x: KV<K, V>) => x.key), {}, name ?? 'Keys', name !== undefined);
}
