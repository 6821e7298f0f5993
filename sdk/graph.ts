import { type CombineFn } from './combine_fns';
import { type DoFn, type OutputTags } from './do_fn';
import { type StepOrigin } from './fn_spec';
import { type PCollection } from './pcollection';
import { type PCollectionView } from './side_inputs';
import { type Source } from './source';
import { type Instant } from './time';
import { type WatermarkPolicy } from './watermark_estimator';
import { type WindowingStrategy } from './windowing_strategy';

/**
 * The primitive steps a runner has to execute; every transform expands into these. Generic types
 * are erased here (`unknown`): the typed API in transforms/ guarantees that what flows between
 * steps fits.
 */
export type PrimitiveStep = ReadStep | ParDoStep | WindowIntoStep | WithTimestampsStep | GroupStep | FlattenStep;

interface StepBase {
  /** Position in the pipeline; steps are stored in an order where inputs come first. */
  readonly id: number;
  /** Full, stable name ("Sessionize/GroupByUser"); Dataflow maps steps by it when updating a job. */
  readonly name: string;
  readonly inputs: readonly PCollection<unknown>[];
  /** Outputs by tag; every step has 'main'. */
  readonly outputs: Readonly<Record<string, PCollection<unknown>>>;
  /** Set when the step was expanded inside a transform with a spec: how a worker rebuilds its function. */
  readonly origin?: StepOrigin;
}

export interface ReadStep extends StepBase {
  readonly kind: 'read';
  readonly source: Source<unknown>;
}

export interface ParDoStep extends StepBase {
  readonly kind: 'parDo';
  readonly doFn: DoFn<unknown, unknown, OutputTags>;
  readonly sideInputs: readonly PCollectionView<unknown>[];
}

export interface WindowIntoStep extends StepBase {
  readonly kind: 'windowInto';
  readonly strategy: WindowingStrategy;
}

export interface WithTimestampsStep extends StepBase {
  readonly kind: 'withTimestamps';
  readonly timestampFn: (element: unknown, current: Instant) => Instant;
  /** When set, this step estimates the watermark from the timestamps it assigns. */
  readonly watermark: WatermarkPolicy | undefined;
}

/**
 * GroupByKey (no combineFn: values are collected) or CombinePerKey (values are folded into one
 * accumulator per key and window). Output 'late' receives elements dropped as too late.
 */
export interface GroupStep extends StepBase {
  readonly kind: 'group';
  readonly combineFn: CombineFn<unknown, unknown, unknown> | undefined;
}

export interface FlattenStep extends StepBase {
  readonly kind: 'flatten';
}

/** Why an element did not make it into a window's panes. */
export type LateReason = 'expired' | 'closed_window';

/** An element a grouping refused because its window had expired or closed: never dropped silently. */
export interface LateElement<T> {
  readonly value: T;
  readonly timestamp: Instant;
  /** The window the element was assigned to (before any merging). */
  readonly windowStart: Instant;
  readonly windowEnd: Instant;
  /** The grouping step's input watermark when the element arrived. */
  readonly watermark: Instant;
  readonly reason: LateReason;
  /** The grouping step that refused it. */
  readonly step: string;
}
