import { NO_FIRING, type PaneInfo } from '../../sdk/pane';
import {
  EMPTY_BATCH,
  type ReadBatch,
  type Source,
  type SourceContext,
  type SourcePosition,
  type SourceReader,
} from '../../sdk/source';
import { type Instant, WATERMARK_DONE } from '../../sdk/time';
import { GLOBAL_WINDOW, type Window } from '../../sdk/window';
import { type Emitter, Executor, type ExecutorSnapshot, StepFailedError } from './executor';

interface ReadSnapshot {
  /** The reader's position; undefined for a reader that relies on redelivery (Pub/Sub). */
  readonly position: SourcePosition | undefined;
  readonly ended: boolean;
}

/** Pulls batches from a source reader; its watermark is the reader's (or +Infinity once drained). */
export class ReadExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');
  private reader: SourceReader<unknown> | undefined;
  draining = false;
  /** Set by a restore: where the reader resumes, and whether the source had already ended. */
  private resumeFrom: SourcePosition | undefined;
  private endedBeforeRestart = false;
  private restoredWatermark: Instant = Number.NEGATIVE_INFINITY;

  constructor(
    stepName: string,
    readonly source: Source<unknown>,
  ) {
    super(stepName);
  }

  process(_value: unknown, _timestamp: Instant, _window: Window, _pane: PaneInfo): void {
    throw new Error(`read step '${this.stepName}' has no input`);
  }

  async open(context: SourceContext): Promise<void> {
    // A source that had ended before a restart is not read again: everything it gave is in the restored state.
    if (this.endedBeforeRestart) return;
    try {
      this.reader = await this.source.open(this.resumeFrom === undefined ? context : { ...context, resumeFrom: this.resumeFrom });
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  /** True once the source has nothing more to give (or the run is draining). */
  get exhausted(): boolean {
    return this.draining || this.sourceWatermark() === WATERMARK_DONE;
  }

  /** Reads one batch (nothing when exhausted). */
  async fetch(maxElements: number, waitMs: number): Promise<ReadBatch<unknown>> {
    if (!this.reader || this.exhausted) return EMPTY_BATCH;
    try {
      return await this.reader.read(maxElements, waitMs);
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  /** Pushes a fetched batch downstream. */
  push(batch: ReadBatch<unknown>): void {
    const { values, timestamps } = batch;
    const out = this.out;
    for (let i = 0; i < values.length; i++) out.process(values[i], timestamps[i], GLOBAL_WINDOW, NO_FIRING);
    this.elementsIn += values.length;
  }

  sourceWatermark(): Instant {
    if (this.endedBeforeRestart) return WATERMARK_DONE;
    if (this.draining || !this.reader) return this.draining ? WATERMARK_DONE : Number.NEGATIVE_INFINITY;
    // After a restart the reader starts afresh, but the watermark resumes where the checkpoint left it: it never
    // goes back (a restart alone must not make an event late, nor a step see its watermark retreat).
    // (A reader that goes back on its own word is still caught by the executor's monotonicity check.)
    const w = this.reader.watermark();
    return w < this.restoredWatermark ? this.restoredWatermark : w;
  }

  protected override snapshotState(): ReadSnapshot {
    return {
      position: this.reader?.checkpoint?.(),
      ended: this.endedBeforeRestart || (this.reader !== undefined && this.reader.watermark() === WATERMARK_DONE),
    };
  }

  override restore(snapshot: ExecutorSnapshot, now: Instant): void {
    super.restore(snapshot, now);
    this.restoredWatermark = snapshot.inputWatermark;
  }

  protected override restoreState(state: unknown): void {
    const s = state as ReadSnapshot;
    this.resumeFrom = s.position;
    this.endedBeforeRestart = s.ended;
  }

  async commit(): Promise<void> {
    try {
      await this.reader?.commit?.();
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
  }

  async close(): Promise<void> {
    await this.reader?.close();
  }
}
