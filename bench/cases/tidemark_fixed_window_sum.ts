/**
 * Case: map (value * 2) -> fixed 60 s windows -> sum per key on tidemark's direct runner, over the same input as
 * the plain loop and apache-beam; source watermark = max timestamp seen (the input is in order).
 */
import { runPipeline } from '../../runners/direct';
import {
  type DoFn,
  type KV,
  Pipeline,
  type ReadBatch,
  type Source,
  type SourceReader,
  WATERMARK_DONE,
  WATERMARK_START,
  combinePerKey,
  fixedWindows,
  mapToKV,
  parDo,
  read,
  sum,
  windowInto,
} from '../../sdk';
import type { CaseResult } from '../case_result';
import { type FixedWindowElement, type PreparedFixedWindowInput, prepareFixedWindowInput } from '../data';

class PreparedFixedWindowSource implements Source<FixedWindowElement> {
  readonly bounded = true;
  readonly description = 'prepared fixed-window elements';
  constructor(private readonly input: PreparedFixedWindowInput) {}

  open(): SourceReader<FixedWindowElement> {
    const all = this.input.toArray();
    let position = 0;
    let maxSeen = WATERMARK_START;
    return {
      read(max: number): ReadBatch<FixedWindowElement> {
        const end = Math.min(all.length, position + max);
        const values = all.slice(position, end);
        const timestamps = new Array<number>(values.length);
        for (let i = 0; i < values.length; i++) timestamps[i] = values[i].timestamp;
        if (values.length) maxSeen = Math.max(maxSeen, timestamps[values.length - 1]);
        position = end;
        return { values, timestamps };
      },
      watermark: () => (position >= all.length ? WATERMARK_DONE : maxSeen),
      close() {},
    };
  }
}

class Summarize implements DoFn<KV<string, number>, never> {
  outputs = 0;
  checksum = 0;
  process(kv: KV<string, number>): void {
    this.outputs++;
    this.checksum += kv.value;
  }
}

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareFixedWindowInput(n, seed); // setup, not timed
  const p = new Pipeline();
  const summary = new Summarize();
  p.apply(read(new PreparedFixedWindowSource(input), 'ReadElements'))
    .apply(mapToKV((e: FixedWindowElement) => ({ key: e.key, value: e.value * 2 }), 'Double'))
    .apply(windowInto(fixedWindows(60_000), {}, 'Minutes'))
    .apply(combinePerKey(sum(), 'SumPerKey'))
    .apply(parDo(summary, {}, 'Summarize'));
  const t0 = performance.now();
  await runPipeline(p);
  const elapsedMs = performance.now() - t0;
  return { elements: n, outputs: summary.outputs, checksum: summary.checksum, elapsedMs };
}
