/**
 * Case: session windows (gap 30 min) per user on tidemark's direct runner, over the same input as the plain
 * sessionizer: source watermark = max event time seen - 5 min, read in bundles; count per session.
 */
import { runPipeline } from '../../runners/direct';
import {
  type DoFn,
  type KV,
  Pipeline,
  type ProcessContext,
  type ReadBatch,
  type Source,
  type SourceReader,
  WATERMARK_DONE,
  WATERMARK_START,
  combinePerKey,
  count,
  mapToKV,
  parDo,
  read,
  sessions,
  windowInto,
} from '../../sdk';
import type { CaseResult } from '../case_result';
import {
  type PreparedSessionInput,
  SESSION_GAP_MS,
  SESSION_MAX_DELAY_MS,
  type SessionEvent,
  benchSessionUsers,
  prepareSessionInput,
} from '../data';

/** Replays the prepared input in arrival order with a bounded out-of-orderness watermark. */
class PreparedSessionSource implements Source<SessionEvent> {
  readonly bounded = true;
  readonly description = 'prepared session events';
  constructor(private readonly input: PreparedSessionInput) {}

  open(): SourceReader<SessionEvent> {
    const input = this.input;
    let position = 0;
    let maxSeen = WATERMARK_START;
    return {
      read(max: number): ReadBatch<SessionEvent> {
        const end = Math.min(input.length, position + max);
        const values: SessionEvent[] = new Array(end - position);
        const timestamps: number[] = new Array(end - position);
        for (let i = position; i < end; i++) {
          const e = input.at(i);
          values[i - position] = e;
          timestamps[i - position] = e.timestamp;
          if (e.timestamp > maxSeen) maxSeen = e.timestamp;
        }
        position = end;
        return { values, timestamps };
      },
      watermark: () => (position >= input.length ? WATERMARK_DONE : maxSeen - SESSION_MAX_DELAY_MS),
      close() {},
    };
  }
}

/** Sums session lengths and counts, the bench's checksum convention. */
class Summarize implements DoFn<KV<string, number>, never> {
  outputs = 0;
  checksum = 0;
  events = 0;
  process(kv: KV<string, number>, ctx: ProcessContext<never>): void {
    this.outputs++;
    this.events += kv.value;
    this.checksum += ctx.window.end - ctx.window.start;
  }
}

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareSessionInput(n, benchSessionUsers(), seed); // setup, not timed
  const p = new Pipeline();
  const summary = new Summarize();
  p.apply(read(new PreparedSessionSource(input), 'ReadEvents'))
    .apply(windowInto(sessions(SESSION_GAP_MS), {}, 'Sessions'))
    .apply(mapToKV((e: SessionEvent) => ({ key: e.user, value: 1 }), 'ByUser'))
    .apply(combinePerKey(count<number>(), 'CountPerSession'))
    .apply(parDo(summary, {}, 'Summarize'));
  const t0 = performance.now();
  const result = await runPipeline(p);
  const elapsedMs = performance.now() - t0;
  if (summary.events !== n || result.lateDropped !== 0) {
    throw new Error(`tidemark sessions: ${summary.events} of ${n} events in sessions, ${result.lateDropped} late`);
  }
  return { elements: n, outputs: summary.outputs, checksum: summary.checksum, elapsedMs };
}
