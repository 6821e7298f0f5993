import { RunnerInvariantError } from '../../sdk/errors';
import { type PaneInfo } from '../../sdk/pane';
import { type Instant, WATERMARK_START, formatInstant } from '../../sdk/time';
import { type Window } from '../../sdk/window';

/**
 * Receives elements pushed by an upstream step. Elements travel as four arguments, not as an object
 * per element: the runner's throughput depends on allocating as little as possible per element.
 */
export interface Receiver {
  process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void;
}

/** Pushes to every consumer of one output. */
export class Emitter implements Receiver {
  private readonly receivers: Receiver[] = [];
  count = 0;

  connect(r: Receiver): void {
    this.receivers.push(r);
  }

  process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void {
    this.count++;
    const rs = this.receivers;
    for (let i = 0; i < rs.length; i++) rs[i].process(value, timestamp, window, pane);
  }
}

/** What a checkpoint keeps of a step: its watermarks, and whatever state it holds between bundles. */
export interface ExecutorSnapshot {
  readonly inputWatermark: Instant;
  readonly outputWatermark: Instant;
  readonly state: unknown;
}

/**
 * One primitive step at run time. Watermarks arrive in topological order after each bundle: the
 * step fires what the new input watermark makes due (pushing results downstream, where the old
 * watermark still holds), then publishes its output watermark, which never moves backwards.
 */
export abstract class Executor implements Receiver {
  inputWatermark: Instant = WATERMARK_START;
  private outputWm: Instant = WATERMARK_START;
  readonly outputs = new Map<string, Emitter>();
  elementsIn = 0;

  constructor(readonly stepName: string) {}

  emitter(tag: string): Emitter {
    let e = this.outputs.get(tag);
    if (!e) {
      e = new Emitter();
      this.outputs.set(tag, e);
    }
    return e;
  }

  get outputWatermark(): Instant {
    return this.outputWm;
  }

  abstract process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void;

  /** Called once per bundle before its elements arrive, with the bundle's processing time. */
  startBundle(_now: Instant): void {}

  /** Called right before finishBundle: a step releases work it held back (elements waiting for side inputs). */
  beforeFinishBundle(): void {}

  /** Called once per bundle after its elements and firings; may be asynchronous. */
  finishBundle(): void | Promise<void> {}

  /** Takes a new input watermark, fires what it makes due, then updates the output watermark. */
  advanceWatermark(inputWatermark: Instant): void {
    if (inputWatermark < this.inputWatermark) {
      throw new RunnerInvariantError(
        `step '${this.stepName}': input watermark moved backwards from ${formatInstant(this.inputWatermark)} to ${formatInstant(inputWatermark)}`,
      );
    }
    this.inputWatermark = inputWatermark;
    this.onWatermark();
    this.setOutputWatermark(this.computeOutputWatermark());
  }

  /** Fire processing-time timers due at `now`. */
  onProcessingTime(_now: Instant): void {}

  /** The earliest processing time at which this step has something to do; +Infinity when none. */
  nextProcessingTime(): Instant {
    return Number.POSITIVE_INFINITY;
  }

  setup(): void | Promise<void> {}
  teardown(): void | Promise<void> {}

  protected onWatermark(): void {}

  /**
   * Taken between bundles, when nothing is in flight: the step's watermarks and its own state (structured-cloneable
   * data; `v8.serialize` writes it).
   */
  snapshot(): ExecutorSnapshot {
    return { inputWatermark: this.inputWatermark, outputWatermark: this.outputWm, state: this.snapshotState() };
  }

  /** Resumes from a snapshot before the first bundle; `now` is the processing time of the restart. */
  restore(snapshot: ExecutorSnapshot, now: Instant): void {
    this.inputWatermark = snapshot.inputWatermark;
    this.outputWm = snapshot.outputWatermark;
    this.restoreState(snapshot.state, now);
  }

  /** A stateless step keeps nothing but its watermarks. */
  protected snapshotState(): unknown {
    return undefined;
  }

  protected restoreState(_state: unknown, _now: Instant): void {}

  /** By default a step holds nothing back. */
  protected computeOutputWatermark(): Instant {
    return this.inputWatermark;
  }

  private setOutputWatermark(w: Instant): void {
    if (w < this.outputWm) {
      throw new RunnerInvariantError(
        `step '${this.stepName}': output watermark moved backwards from ${formatInstant(this.outputWm)} to ${formatInstant(w)}`,
      );
    }
    this.outputWm = w;
  }
}

/** Wraps a failure inside user code with the step that raised it. */
export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
  constructor(
    readonly stepName: string,
    cause: unknown,
  ) {
    super(`step '${stepName}' failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
