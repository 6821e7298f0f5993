/**
 * The README's example: team scores in 20-minute windows with early, on-time and late panes, driven
 * step by step by a TestStream. Run it with `npx tsx examples/team_scores.ts`.
 */
import { runPipeline } from '../runners/direct';
import {
  Pipeline,
  afterProcessingTime,
  afterWatermark,
  combinePerKey,
  fixedWindows,
  hours,
  mapToKV,
  minutes,
  sum,
  windowInto,
} from '../sdk';
import { ManualClock } from '../sdk/clock';
import { type CapturedElement, TestStream, capture, testStream, tv } from '../sdk/testing';
import { type KV } from '../sdk/kv';

interface Score {
  readonly team: string;
  readonly points: number;
}

export async function teamScores(): Promise<CapturedElement<KV<string, number>>[]> {
  const scores = TestStream.create<Score>()
    .addElements(tv({ team: 'red', points: 3 }, 0), tv({ team: 'blue', points: 5 }, minutes(2)))
    .advanceProcessingTime(minutes(6)) // an early pane fires: 5 minutes after the first element
    .advanceWatermarkTo(minutes(25)) // the 20-minute window closes: ON_TIME pane
    .addElements(tv({ team: 'red', points: 4 }, minutes(1))) // late, within the allowed hour
    .advanceWatermarkToInfinity(); // LATE pane at garbage collection

  const p = new Pipeline();
  const totals = p
    .apply(testStream(scores))
    .apply(
      windowInto(fixedWindows(minutes(20)), {
        trigger: afterWatermark({ early: afterProcessingTime(minutes(5)), late: afterProcessingTime(minutes(10)) }),
        allowedLatenessMs: hours(1),
        accumulationMode: 'accumulating',
      }),
    )
    .apply(mapToKV((s: Score) => ({ key: s.team, value: s.points })))
    .apply(combinePerKey(sum()));
  const panes = capture(totals);
  await runPipeline(p, { clock: new ManualClock() });
  return panes.elements;
}

if (require.main === module) {
  teamScores().then((panes) => {
    for (const e of panes) {
      console.log(
        `${e.value.key.padEnd(5)} ${String(e.value.value).padStart(3)}  ${e.pane.timing.padEnd(7)} pane #${e.pane.index}${e.pane.isLast ? ' (last)' : ''}`,
      );
    }
  });
}
