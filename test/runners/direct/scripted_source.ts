/**
 * A hand-written source (sdk Source/SourceReader) that follows a script: read n returns the
 * elements of step n and the watermark becomes that step's watermark. After the script it either
 * ends (+Infinity) or stays quiet at its last watermark. It counts reads and closes.
 */
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceReader } from '../../../sdk/source';
import { type Instant, WATERMARK_DONE, WATERMARK_START } from '../../../sdk/time';

export interface ScriptStep<T> {
  readonly elements?: readonly { readonly value: T; readonly timestamp: Instant }[];
  readonly watermark: Instant;
}

export class ScriptedSource<T> implements Source<T> {
  readonly bounded = false;
  readonly description = 'scripted source';
  reads = 0;
  closed = 0;

  constructor(
    private readonly script: readonly ScriptStep<T>[],
    private readonly endAfterScript = true,
  ) {}

  open(): SourceReader<T> {
    let step = -1;
    const script = this.script;
    return {
      read: (): ReadBatch<T> => {
        this.reads++;
        step++;
        const s = script[step];
        if (!s) return EMPTY_BATCH;
        const elements = s.elements ?? [];
        return { values: elements.map((e) => e.value), timestamps: elements.map((e) => e.timestamp) };
      },
      watermark: () => {
        if (step < 0) return WATERMARK_START;
        if (step >= script.length)
          return this.endAfterScript ? WATERMARK_DONE : (script[script.length - 1]?.watermark ?? WATERMARK_START);
        return script[step].watermark;
      },
      close: () => {
        this.closed++;
      },
    };
  }
}
