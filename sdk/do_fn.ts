import { type PaneInfo } from './pane';
import { type PCollectionView } from './side_inputs';
import { type Instant } from './time';
import { type Window } from './window';

/** Additional outputs of a ParDo, by tag: `{ dead_letter: Failure }`. */
export type OutputTags = Readonly<Record<string, unknown>>;

/**
 * What a DoFn sees of its element and can emit. The runner reuses one context object per step, so
 * a DoFn must not keep a reference to it beyond the call.
 */
export interface ProcessContext<O, Tags extends OutputTags = Record<never, never>> {
  readonly timestamp: Instant;
  readonly window: Window;
  readonly pane: PaneInfo;
  /** Emits to the main output, with the input's timestamp unless another is given. */
  output(value: O, timestamp?: Instant): void;
  /** Emits to a tagged output declared by the ParDo. */
  outputTo<K extends keyof Tags & string>(tag: K, value: Tags[K], timestamp?: Instant): void;
  /** The value of a declared side input in the window that corresponds to this element's window. */
  sideInput<S>(view: PCollectionView<S>): S;
}

/** Emitting from finishBundle: there is no current element, so timestamp and window are explicit. */
export interface FinishBundleContext<O, Tags extends OutputTags = Record<never, never>> {
  output(value: O, timestamp: Instant, window: Window): void;
  outputTo<K extends keyof Tags & string>(tag: K, value: Tags[K], timestamp: Instant, window: Window): void;
}

/**
 * Beam's DoFn lifecycle: setup once per instance, startBundle/finishBundle around each bundle,
 * process per element, teardown at the end. `process` is synchronous so that element-wise steps
 * cost a function call, not a promise; work that needs I/O buffers in `process` and flushes in
 * the asynchronous `finishBundle` (a DLP batch, a lookup), which the runner awaits before the
 * bundle's results count as done.
 */
export interface DoFn<I, O, Tags extends OutputTags = Record<never, never>> {
  setup?(): void | Promise<void>;
  startBundle?(): void;
  process(element: I, context: ProcessContext<O, Tags>): void;
  finishBundle?(context: FinishBundleContext<O, Tags>): void | Promise<void>;
  teardown?(): void | Promise<void>;
}
