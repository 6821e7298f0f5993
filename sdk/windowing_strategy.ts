import { PipelineConstructionError } from './errors';
import { type Duration } from './time';
import { type Trigger, defaultTrigger, describeTrigger } from './triggers';
import { type WindowFn, describeWindowFn, globalWindows } from './window_fns';

export type AccumulationMode = 'discarding' | 'accumulating';
/** Which timestamp a grouped output gets: the end of the window (default), the earliest or the latest input. */
export type TimestampCombiner = 'END_OF_WINDOW' | 'EARLIEST' | 'LATEST';
/** Whether the final pane at garbage collection, or the ON_TIME pane, is emitted even when empty. */
export type FiringBehavior = 'FIRE_IF_NON_EMPTY' | 'FIRE_ALWAYS';

/** How a collection is windowed and when its groupings emit (Beam's WindowingStrategy). */
export interface WindowingStrategy {
  readonly windowFn: WindowFn;
  readonly trigger: Trigger;
  readonly allowedLatenessMs: Duration;
  readonly accumulationMode: AccumulationMode;
  readonly timestampCombiner: TimestampCombiner;
  /** Beam's OnTimeBehavior: FIRE_ALWAYS emits an ON_TIME pane even when nothing arrived since the last one. */
  readonly onTimeBehavior: FiringBehavior;
  /** Beam's ClosingBehavior: what to do with a window at garbage collection when its last pane is out of date. */
  readonly closingBehavior: FiringBehavior;
}

/** The global window with Beam's defaults: watermark trigger, no lateness, discarding, end of window. */
export const DEFAULT_WINDOWING: WindowingStrategy = Object.freeze({
  windowFn: globalWindows(),
  trigger: defaultTrigger(),
  allowedLatenessMs: 0,
  accumulationMode: 'discarding',
  timestampCombiner: 'END_OF_WINDOW',
  onTimeBehavior: 'FIRE_ALWAYS',
  closingBehavior: 'FIRE_IF_NON_EMPTY',
});

export interface WindowingOptions {
  readonly trigger?: Trigger;
  readonly allowedLatenessMs?: Duration;
  readonly accumulationMode?: AccumulationMode;
  readonly timestampCombiner?: TimestampCombiner;
  readonly onTimeBehavior?: FiringBehavior;
  readonly closingBehavior?: FiringBehavior;
}

/** Builds and checks a strategy; wrong combinations fail here, at construction, not at run time. */
export function windowingStrategy(windowFn: WindowFn, options: WindowingOptions = {}): WindowingStrategy {
  const allowedLatenessMs = options.allowedLatenessMs ?? 0;
  if (!Number.isFinite(allowedLatenessMs) || allowedLatenessMs < 0) {
    throw new PipelineConstructionError(`allowed lateness must be a non-negative number of ms, got ${allowedLatenessMs}`);
  }
  if (windowFn.kind === 'global' && allowedLatenessMs > 0) {
    throw new PipelineConstructionError(
      'allowed lateness is meaningless on the global window: nothing is late before the end of time. ' +
        'Use fixed, sliding or session windows, or drop allowedLatenessMs.',
    );
  }
  return {
    windowFn,
    trigger: options.trigger ?? defaultTrigger(),
    allowedLatenessMs,
    accumulationMode: options.accumulationMode ?? 'discarding',
    timestampCombiner: options.timestampCombiner ?? 'END_OF_WINDOW',
    onTimeBehavior: options.onTimeBehavior ?? 'FIRE_ALWAYS',
    closingBehavior: options.closingBehavior ?? 'FIRE_IF_NON_EMPTY',
  };
}

export function describeStrategy(s: WindowingStrategy): string {
  return (
    `${describeWindowFn(s.windowFn)}, trigger ${describeTrigger(s.trigger)}, ` +
    `lateness ${s.allowedLatenessMs} ms, ${s.accumulationMode}, ${s.timestampCombiner}`
  );
}
