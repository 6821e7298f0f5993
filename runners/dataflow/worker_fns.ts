/**
 * The DoFns Dataflow workers run. They are shipped by reference, not by source: this module registers its
 * classes with apache-beam's `requireForSerialization`, so a DoFn serializes as "the class TidemarkDoFn of
 * tidemark/runners/dataflow/worker_fns" plus its JSON fields, and the worker (which requires the registered
 * module from /app/node_modules) rebuilds the tidemark function from the step's origin. No closure compiler
 * plugin is involved. Fields starting with `__` are caches: apache-beam does not serialize them.
 */
import 'apache-beam'; // first: the other apache-beam entry points crash when loaded before it (FACTS.md)
import { requireForSerialization } from 'apache-beam/serialization';
import {
  GlobalWindow,
  IntervalWindow,
  type PaneInfo as BeamPane,
  type Window as BeamWindow,
  type WindowedValue,
} from 'apache-beam/values';
import Long from 'long';
import {
  type CombineFn,
  type FnSpec,
  type Source,
  type DoFn,
  END_OF_GLOBAL_WINDOW,
  GLOBAL_WINDOW,
  type Instant,
  MIN_TIMESTAMP,
  type OutputTags,
  type PaneInfo,
  type PCollectionView,
  type ProcessContext,
  type StepOrigin,
  type Window,
  WATERMARK_DONE,
  isGlobalWindow,
  windowId,
  systemClock,
} from '../../sdk';
import { loadFactory, rebuildStep } from './rebuild';

/** The module name workers require; it must match this file's place in the project. */
export const WORKER_FNS_MODULE = 'tidemark/runners/dataflow/worker_fns';

// Beam's timestamps are microsecond-based: its minimum and end-of-global-window differ from tidemark's.
const BEAM_MIN_MS = Long.fromString('-9223372036854775');
const BEAM_END_OF_GLOBAL_MS = Long.fromString('9223371950454775');

export function toBeamInstant(t: Instant): Long {
  if (t <= MIN_TIMESTAMP) return BEAM_MIN_MS;
  if (t >= END_OF_GLOBAL_WINDOW) return BEAM_END_OF_GLOBAL_MS;
  return Long.fromNumber(t);
}

export function fromBeamInstant(t: Long): Instant {
  if (t.lessThanOrEqual(Long.fromNumber(MIN_TIMESTAMP))) return MIN_TIMESTAMP;
  if (t.greaterThanOrEqual(Long.fromNumber(END_OF_GLOBAL_WINDOW))) return END_OF_GLOBAL_WINDOW;
  return t.toNumber();
}

export function fromBeamWindow(w: BeamWindow): Window {
  if (w instanceof IntervalWindow) return { start: fromBeamInstant(w.start), end: fromBeamInstant(w.end) };
  return GLOBAL_WINDOW;
}

export function toBeamWindow(w: Window): BeamWindow {
  return isGlobalWindow(w) ? new GlobalWindow() : new IntervalWindow(toBeamInstant(w.start), toBeamInstant(w.end));
}

function fromBeamPane(p: BeamPane): PaneInfo {
  return {
    timing: p.timing,
    index: p.index,
    nonSpeculativeIndex: p.onTimeIndex,
    isFirst: p.isFirst,
    isLast: p.isLast,
    supersedes: [],
  };
}

const NO_PANE: BeamPane = { timing: 'UNKNOWN' as BeamPane['timing'], index: 0, onTimeIndex: 0, isFirst: true, isLast: true };

/**
 * What a TidemarkDoFn is given by apache-beam besides the element: lookups of its ParDo params, and side input
 * i as `side<i>` (apache-beam only looks at the context's top-level keys).
 */
export interface BeamParams {
  readonly timestamp: { lookup(): Long };
  readonly window: { lookup(): BeamWindow };
  readonly pane: { lookup(): BeamPane };
  readonly [side: `side${number}`]: { lookup(): Iterable<unknown> } | undefined;
}

/** A failure in a step on a worker, naming the step (apache-beam reports the message with the transform). */
function stepError(step: string, message: string): Error {
  return new Error(`tidemark step '${step}': ${message}`);
}

/**
 * Runs one tidemark ParDo step. Main-output elements go out as they are; with tagged outputs every element is
 * `{ tag: value }` for apache-beam's `split`. An output with another timestamp than its input's (which a Beam TS
 * process() cannot set) and finishBundle outputs are emitted from finishBundle with their own timestamp and
 * window: apache-beam lets finishBundle emit windowed values.
 */
export class TidemarkDoFn {
  readonly beamName: string;
  __fn: DoFn<unknown, unknown, OutputTags> | undefined;
  __sideViews: readonly PCollectionView<unknown>[] = [];
  __held: WindowedValue<unknown>[] = [];
  __sideElements = new Map<string, unknown[]>();

  constructor(
    readonly origin: StepOrigin,
    readonly step: string,
    /** Tagged outputs besides 'main'; empty for a single-output ParDo. */
    readonly tags: readonly string[],
  ) {
    this.beamName = step;
  }

  private fn(): DoFn<unknown, unknown, OutputTags> {
    if (!this.__fn) {
      const rebuilt = rebuildStep(this.origin);
      if (rebuilt.kind !== 'parDo') throw stepError(this.step, `its spec rebuilt a ${rebuilt.kind} step, not a ParDo`);
      const setup = rebuilt.doFn.setup?.();
      if (setup instanceof Promise) {
        throw stepError(this.step, 'setup() is asynchronous; the Beam TypeScript harness (2.49) cannot await it');
      }
      this.__sideViews = rebuilt.sideInputs;
      this.__fn = rebuilt.doFn;
    }
    return this.__fn;
  }

  private wrap(tag: string, value: unknown): unknown {
    return this.tags.length === 0 ? value : { [tag]: value };
  }

  startBundle(): void {
    this.__held = [];
    this.__sideElements = new Map();
    this.fn().startBundle?.();
  }

  process(element: unknown, params: BeamParams): unknown[] {
    const fn = this.fn();
    const beamTimestamp = params.timestamp.lookup();
    const timestamp = fromBeamInstant(beamTimestamp);
    const beamWindow = params.window.lookup();
    const window = fromBeamWindow(beamWindow);
    const beamPane = params.pane.lookup();
    const out: unknown[] = [];
    const emit = (tag: string, value: unknown, at?: Instant): void => {
      if (at === undefined || at === timestamp) out.push(this.wrap(tag, value));
      else
        this.__held.push({ value: this.wrap(tag, value), timestamp: toBeamInstant(at), windows: [beamWindow], pane: beamPane });
    };
    const context: ProcessContext<unknown, OutputTags> = {
      timestamp,
      window,
      pane: fromBeamPane(beamPane),
      output: (value, at) => emit('main', value, at),
      outputTo: (tag, value, at) => emit(tag, value, at),
      sideInput: <S>(view: PCollectionView<S>): S => {
        const index = this.__sideViews.indexOf(view as PCollectionView<unknown>);
        const side = params[`side${index}`];
        if (!side) throw stepError(this.step, `side input '${view.pcollection.name}' is not declared on the step`);
        // apache-beam hands out one iterator per side input and window, which can be read only once: keep its elements.
        const key = `${index}:${windowId(window)}`;
        let elements = this.__sideElements.get(key);
        if (!elements) this.__sideElements.set(key, (elements = [...side.lookup()]));
        return view.materialize(elements);
      },
    };
    fn.process(element, context);
    return out;
  }

  finishBundle(): WindowedValue<unknown>[] {
    const out = this.__held;
    this.__held = [];
    const fn = this.fn();
    if (!fn.finishBundle) return out;
    let open = true;
    const emit = (tag: string, value: unknown, at: Instant, w: Window): void => {
      if (!open) {
        throw stepError(
          this.step,
          'finishBundle emitted after returning: asynchronous flushes cannot run on the Beam TypeScript harness 2.49',
        );
      }
      out.push({ value: this.wrap(tag, value), timestamp: toBeamInstant(at), windows: [toBeamWindow(w)], pane: NO_PANE });
    };
    const pending = fn.finishBundle({
      output: (v, at, w) => emit('main', v, at, w),
      outputTo: (tag, v, at, w) => emit(tag, v, at, w),
    });
    open = false;
    if (pending instanceof Promise) {
      // A flush that completed synchronously (the local masker) already emitted everything. One that really
      // waits would lose its output: crash the worker instead, so Dataflow retries the bundle and reports it.
      pending.catch((error: unknown) =>
        setImmediate(() => {
          throw error;
        }),
      );
    }
    return out;
  }
}

/** An element with the timestamp it should get; AssignTimestamps reads `t`, UnwrapTimestamped drops it. */
export interface Timestamped {
  readonly v: unknown;
  readonly t: number;
}

/** For apache-beam's assignTimestamps: the timestamp an envelope carries. */
export function timestampOfEnvelope(element: Timestamped): Long {
  return toBeamInstant(element.t);
}

export class UnwrapTimestamped {
  readonly beamName = 'UnwrapTimestamped';
  process(element: Timestamped): unknown[] {
    return [element.v];
  }
}

/** Runs a tidemark WithTimestamps step: element → { v, t } with the new timestamp. */
export class StampFn {
  readonly beamName: string;
  __fn: ((element: unknown, current: Instant) => Instant) | undefined;

  constructor(
    readonly origin: StepOrigin,
    readonly step: string,
  ) {
    this.beamName = step;
  }

  process(element: unknown, params: Pick<BeamParams, 'timestamp'>): Timestamped[] {
    if (!this.__fn) {
      const rebuilt = rebuildStep(this.origin);
      if (rebuilt.kind !== 'withTimestamps') throw stepError(this.step, `its spec rebuilt a ${rebuilt.kind} step`);
      this.__fn = rebuilt.timestampFn;
    }
    const t = this.__fn(element, fromBeamInstant(params.timestamp.lookup()));
    if (!Number.isFinite(t)) throw stepError(this.step, `timestamp function returned ${t}`);
    return [{ v: element, t }];
  }
}

/**
 * Runs a tidemark read of a bounded source on an Impulse: every element, as { v, t } envelopes. The source comes
 * from the source's own spec (Source.spec) or from the read step's origin.
 */
export class ReadSourceFn {
  readonly beamName: string;

  constructor(
    readonly source: { readonly sourceSpec: FnSpec } | { readonly origin: StepOrigin },
    readonly step: string,
  ) {
    this.beamName = step;
  }

  private open(): Source<unknown> {
    if ('sourceSpec' in this.source)
      return loadFactory(this.source.sourceSpec)(this.source.sourceSpec.options) as unknown as Source<unknown>;
    const rebuilt = rebuildStep(this.source.origin);
    if (rebuilt.kind !== 'read') throw stepError(this.step, `its spec rebuilt a ${rebuilt.kind} step`);
    return rebuilt.source;
  }

  process(): Timestamped[] {
    const reader = this.open().open({ clock: systemClock });
    if (reader instanceof Promise)
      throw stepError(this.step, 'the source opens asynchronously; only synchronous bounded sources run on Impulse');
    const out: Timestamped[] = [];
    for (;;) {
      const batch = reader.read(10_000, 0);
      if (batch instanceof Promise)
        throw stepError(this.step, 'the source reads asynchronously; only synchronous bounded sources run on Impulse');
      for (let i = 0; i < batch.values.length; i++) out.push({ v: batch.values[i], t: batch.timestamps[i] });
      if (batch.values.length === 0 && reader.watermark() === WATERMARK_DONE) break;
    }
    const closed = reader.close();
    if (closed instanceof Promise) closed.catch(() => undefined);
    return out;
  }
}

/**
 * After a GroupByKey: the grouped values as an array (tidemark's GroupByKey output), or folded with the step's
 * combine fn (CombinePerKey). In accumulating mode the GroupByKey pane already holds every value so far.
 */
export class GroupedValuesFn {
  readonly beamName: string;
  __combine: CombineFn<unknown, unknown, unknown> | undefined;

  constructor(
    readonly origin: StepOrigin | null,
    readonly step: string,
  ) {
    this.beamName = step;
  }

  process(element: { key: unknown; value: Iterable<unknown> }): unknown[] {
    if (!this.origin) return [{ key: element.key, value: [...element.value] }];
    if (!this.__combine) {
      const rebuilt = rebuildStep(this.origin);
      if (rebuilt.kind !== 'group' || !rebuilt.combineFn) throw stepError(this.step, 'its spec rebuilt no combining step');
      this.__combine = rebuilt.combineFn;
    }
    const fn = this.__combine;
    let acc = fn.createAccumulator();
    for (const v of element.value) acc = fn.addInput(acc, v);
    return [{ key: element.key, value: fn.extractOutput(acc) }];
  }
}

/** Emits nothing: stands for a grouping's `late` output, which Dataflow does not have (it drops and counts). */
export class NoElements {
  readonly beamName = 'NoElements';
  process(): unknown[] {
    return [];
  }
}

requireForSerialization(WORKER_FNS_MODULE, {
  TidemarkDoFn,
  StampFn,
  ReadSourceFn,
  GroupedValuesFn,
  UnwrapTimestamped,
  NoElements,
  timestampOfEnvelope,
});
