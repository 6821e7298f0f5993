import { PipelineConstructionError } from './errors';
import { type KV } from './kv';
import { type PCollection } from './pcollection';

export type ViewKind = 'singleton' | 'list' | 'map' | 'multimap';

/**
 * A collection read as a side input by a ParDo. In each main-input window the ParDo sees the side
 * collection's contents in the corresponding side window (same window fn: the same window; global
 * side input: everything). A main-input element waits until its side window is ready: the side
 * input's watermark has passed the window's end, or a pane for it has arrived.
 */
export interface PCollectionView<V> {
  readonly kind: ViewKind;
  readonly pcollection: PCollection<unknown>;
  /** Turns the elements of one side window, in arrival order, into the view's value. */
  readonly materialize: (elements: readonly unknown[]) => V;
  /** Phantom field that carries V for type inference; never set. */
  readonly __valueType?: V;
}

export interface SingletonOptions<T> {
  /** Used when the side window holds no element; without it an empty window is an error. */
  readonly defaultValue?: T;
}

/** The one element of the side window (the latest, when a triggered side input fired several panes). */
export function asSingleton<T>(pcollection: PCollection<T>, options: SingletonOptions<T> = {}): PCollectionView<T> {
  const hasDefault = Object.prototype.hasOwnProperty.call(options, 'defaultValue');
  return {
    kind: 'singleton',
    pcollection,
    materialize: (elements) => {
      if (elements.length === 0) {
        if (hasDefault) return options.defaultValue as T;
        throw new Error(`singleton side input '${pcollection.name}' is empty in this window and has no default`);
      }
      return elements[elements.length - 1] as T;
    },
  };
}

export function asList<T>(pcollection: PCollection<T>): PCollectionView<readonly T[]> {
  return { kind: 'list', pcollection, materialize: (elements) => elements as readonly T[] };
}

function requireKeyed(pcollection: PCollection<unknown>, what: string): void {
  if (!pcollection.keyed) {
    throw new PipelineConstructionError(
      `${what} needs a keyed collection, but '${pcollection.name}' is not keyed: produce it with keyBy(), mapToKV() or a grouping`,
    );
  }
}

/** Key → value; a key seen twice keeps its latest value. */
export function asMap<K, V>(pcollection: PCollection<KV<K, V>>): PCollectionView<ReadonlyMap<K, V>> {
  requireKeyed(pcollection, 'asMap');
  return {
    kind: 'map',
    pcollection,
    materialize: (elements) => {
      const m = new Map<K, V>();
      for (const e of elements as readonly KV<K, V>[]) m.set(e.key, e.value);
      return m;
    },
  };
}

/** Key → every value for that key. */
export function asMultimap<K, V>(pcollection: PCollection<KV<K, V>>): PCollectionView<ReadonlyMap<K, readonly V[]>> {
  requireKeyed(pcollection, 'asMultimap');
  return {
    kind: 'multimap',
    pcollection,
    materialize: (elements) => {
      const m = new Map<K, V[]>();
      for (const e of elements as readonly KV<K, V>[]) {
        const list = m.get(e.key);
        if (list) list.push(e.value);
        else m.set(e.key, [e.value]);
      }
      return m;
    },
  };
}
