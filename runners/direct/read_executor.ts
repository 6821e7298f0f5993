import { NO_FIRING, type PaneInfo } from '../../sdk/pane';
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceContext, type SourceReader } from '../../sdk/source';
import { type Instant, WATERMARK_DONE } from '../../sdk/time';
import { GLOBAL_WINDOW, type Window } from '../../sdk/window';
import { type Emitter, Executor, StepFailedError } from './executor';

/** Pulls batches from a source reader; its watermark is the reader's (or +Infinity once drained). */
export class ReadExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');
  private reader: SourceReader<unknown> | undefined;
  draining = false;

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
    try {
      this.reader = await this.source.open(context);
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
    if (this.draining || !this.reader) return this.draining ? WATERMARK_DONE : Number.NEGATIVE_INFINITY;
    return this.reader.watermark();
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
