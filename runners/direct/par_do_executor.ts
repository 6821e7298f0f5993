import { type DoFn, type FinishBundleContext, type OutputTags, type ProcessContext } from '../../sdk/do_fn';
import { NO_FIRING, type PaneInfo } from '../../sdk/pane';
import { type PCollectionView } from '../../sdk/side_inputs';
import { type Instant } from '../../sdk/time';
import { GLOBAL_WINDOW, type Window } from '../../sdk/window';
import { type Emitter, Executor, StepFailedError } from './executor';
import { type SideInputSnapshot, type SideInputStore } from './side_input_store';

interface PushedBack {
  readonly value: unknown;
  readonly timestamp: Instant;
  readonly window: Window;
  readonly pane: PaneInfo;
}

interface ParDoSnapshot {
  readonly pushedBack: readonly PushedBack[];
  readonly sideInputs: readonly SideInputSnapshot[];
}

/**
 * Runs a DoFn. Its context object is reused for every element (fields overwritten), which is why
 * DoFns must not keep it. Elements whose side inputs are not ready yet are held back, and hold the
 * output watermark at their timestamp until they run.
 */
export class ParDoExecutor
  extends Executor
  implements ProcessContext<unknown, OutputTags>, FinishBundleContext<unknown, OutputTags>
{
  timestamp: Instant = 0;
  window: Window = GLOBAL_WINDOW;
  pane: PaneInfo = NO_FIRING;
  private readonly main: Emitter = this.emitter('main');
  private readonly pushedBack: PushedBack[] = [];

  constructor(
    stepName: string,
    private readonly doFn: DoFn<unknown, unknown, OutputTags>,
    private readonly sideInputs: ReadonlyMap<PCollectionView<unknown>, SideInputStore>,
    private readonly allowedLatenessMs: number,
  ) {
    super(stepName);
  }

  override async setup(): Promise<void> {
    try {
      await this.doFn.setup?.();
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  override async teardown(): Promise<void> {
    try {
      await this.doFn.teardown?.();
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  override startBundle(_now: Instant): void {
    if (!this.doFn.startBundle) return;
    try {
      this.doFn.startBundle();
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  override async finishBundle(): Promise<void> {
    if (!this.doFn.finishBundle) return;
    // Outputs from finishBundle belong to no element, so they carry no pane.
    this.pane = NO_FIRING;
    try {
      await this.doFn.finishBundle(this);
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void {
    this.elementsIn++;
    if (this.sideInputs.size > 0 && !this.sideInputsReady(window)) {
      this.pushedBack.push({ value, timestamp, window, pane });
      return;
    }
    this.invoke(value, timestamp, window, pane);
  }

  private invoke(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void {
    this.timestamp = timestamp;
    this.window = window;
    this.pane = pane;
    try {
      this.doFn.process(value, this);
    } catch (e) {
      throw e instanceof StepFailedError ? e : new StepFailedError(this.stepName, e);
    }
  }

  output(value: unknown, timestamp?: Instant, window?: Window): void {
    this.main.process(value, this.checkedTimestamp(timestamp, window), window ?? this.window, this.pane);
  }

  outputTo(tag: string, value: unknown, timestamp?: Instant, window?: Window): void {
    const e = this.outputs.get(tag);
    if (!e) throw new StepFailedError(this.stepName, new Error(`output tag '${tag}' was not declared`));
    e.process(value, this.checkedTimestamp(timestamp, window), window ?? this.window, this.pane);
  }

  /**
   * An element's outputs may not be older than the element (Beam's allowed timestamp skew is 0):
   * that would make the step's own output late. Re-stamping belongs in withTimestamps. Outputs from
   * finishBundle name their window and are not checked.
   */
  private checkedTimestamp(timestamp: Instant | undefined, window: Window | undefined): Instant {
    if (timestamp === undefined) return this.timestamp;
    if (window === undefined && timestamp < this.timestamp) {
      throw new StepFailedError(
        this.stepName,
        new RangeError(
          `cannot output with timestamp ${timestamp}, earlier than the input's ${this.timestamp}; use withTimestamps to re-stamp`,
        ),
      );
    }
    return timestamp;
  }

  sideInput<S>(view: PCollectionView<S>): S {
    const store = this.sideInputs.get(view as PCollectionView<unknown>);
    if (!store) throw new Error(`side input '${view.pcollection.name}' was not declared in this ParDo's options`);
    return store.valueFor(view, this.window);
  }

  /** Runs the held-back elements whose side inputs became ready, before the bundle finishes. */
  override beforeFinishBundle(): void {
    if (this.pushedBack.length === 0) return;
    const waiting = this.pushedBack.splice(0);
    for (const p of waiting) {
      if (this.sideInputsReady(p.window)) this.invoke(p.value, p.timestamp, p.window, p.pane);
      else this.pushedBack.push(p);
    }
  }

  protected override onWatermark(): void {
    for (const store of this.sideInputs.values()) store.collectGarbage(this.inputWatermark, this.allowedLatenessMs);
  }

  /**
   * Elements waiting for side inputs, and the side inputs received so far (in the order the step declares its views):
   * a bounded side source that has already ended is not read again after a restart.
   */
  protected override snapshotState(): ParDoSnapshot {
    return { pushedBack: this.pushedBack, sideInputs: [...this.sideInputs.values()].map((store) => store.snapshot()) };
  }

  protected override restoreState(state: unknown): void {
    const s = state as ParDoSnapshot;
    this.pushedBack.push(...s.pushedBack);
    [...this.sideInputs.values()].forEach((store, i) => store.restore(s.sideInputs[i]));
  }

  protected override computeOutputWatermark(): Instant {
    let w = this.inputWatermark;
    for (const p of this.pushedBack) if (p.timestamp < w) w = p.timestamp;
    // A late element held back cannot pull the watermark below where it already is.
    return Math.max(w, this.outputWatermark);
  }

  private sideInputsReady(window: Window): boolean {
    for (const [view, store] of this.sideInputs) if (!store.isReady(view, window)) return false;
    return true;
  }
}
