/**
 * Beam's LeaderBoardTest (apache/beam examples/java/.../complete/game/LeaderBoardTest.java),
 * written anew for this runner: team scores in 20-minute fixed windows, allowed lateness 1 hour,
 * early firings 5 minutes of processing time after the first element of a pane, late firings 10
 * minutes after the first late element, accumulating panes. Same inputs, same expected panes.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../sdk/clock';
import { type KV } from '../../../sdk/kv';
import { Pipeline } from '../../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../../sdk/testing';
import { hours, minutes, seconds } from '../../../sdk/time';
import { afterProcessingTime, afterWatermark } from '../../../sdk/triggers';
import { combinePerKey } from '../../../sdk/transforms/group';
import { mapToKV } from '../../../sdk/transforms/element_wise';
import { windowInto } from '../../../sdk/transforms/window_into';
import { sum } from '../../../sdk/combine_fns';
import { fixedWindows } from '../../../sdk/window_fns';
import { type AccumulationMode } from '../../../sdk/windowing_strategy';
import { runPipeline } from '../../../runners/direct';

interface GameAction {
  readonly user: string;
  readonly team: string;
  readonly score: number;
}

const USERS = {
  RED_ONE: { user: 'scarlet', team: 'red' },
  RED_TWO: { user: 'burgundy', team: 'red' },
  BLUE_ONE: { user: 'navy', team: 'blue' },
  BLUE_TWO: { user: 'sky', team: 'blue' },
} as const;

const BASE = 0;
const TEAM_WINDOW = minutes(20);
const ALLOWED_LATENESS = hours(1);
const WINDOW = { start: BASE, end: BASE + TEAM_WINDOW };

function event(u: keyof typeof USERS, score: number, offset: number) {
  return tv<GameAction>({ ...USERS[u], score }, BASE + offset);
}

async function teamScores(stream: TestStream<GameAction>, mode: AccumulationMode = 'accumulating') {
  const p = new Pipeline();
  const scores = p
    .apply(testStream(stream))
    .apply(
      windowInto(fixedWindows(TEAM_WINDOW), {
        trigger: afterWatermark({ early: afterProcessingTime(minutes(5)), late: afterProcessingTime(minutes(10)) }),
        allowedLatenessMs: ALLOWED_LATENESS,
        accumulationMode: mode,
      }),
    )
    .apply(mapToKV((a: GameAction) => ({ key: a.team, value: a.score }), 'ExtractTeamScore'))
    .apply(combinePerKey<string, number, number, number>(sum(), 'SumTeamScore'));
  const out = capture(scores);
  const result = await runPipeline(p, { clock: new ManualClock(0) });
  return { out, result };
}

const FIRST_WINDOW_CLOSES = BASE + ALLOWED_LATENESS + TEAM_WINDOW;

/** The onTime case's input. */
function onTime(): TestStream<GameAction> {
  return TestStream.create<GameAction>()
    .advanceWatermarkTo(BASE)
    .addElements(
      event('BLUE_ONE', 3, seconds(3)),
      event('BLUE_ONE', 2, minutes(1)),
      event('RED_TWO', 3, seconds(22)),
      event('BLUE_TWO', 5, minutes(3)),
    )
    .advanceWatermarkTo(BASE + minutes(3))
    .addElements(event('RED_ONE', 1, minutes(4)), event('BLUE_ONE', 2, seconds(270)))
    .advanceWatermarkToInfinity();
}

/** The speculative case's input. */
function speculative(): TestStream<GameAction> {
  return TestStream.create<GameAction>()
    .advanceWatermarkTo(BASE)
    .addElements(event('BLUE_ONE', 3, seconds(3)), event('BLUE_ONE', 2, minutes(1)))
    .advanceProcessingTime(minutes(10))
    .addElements(event('RED_TWO', 5, minutes(3)))
    .advanceProcessingTime(minutes(12))
    .addElements(event('BLUE_TWO', 3, seconds(22)))
    .advanceProcessingTime(minutes(10))
    .addElements(event('RED_ONE', 4, minutes(4)), event('BLUE_TWO', 2, minutes(2)))
    .advanceWatermarkToInfinity();
}

/** The unobservablyLate case's input. */
function unobservablyLate(): TestStream<GameAction> {
  return TestStream.create<GameAction>()
    .advanceWatermarkTo(BASE)
    .addElements(
      event('BLUE_ONE', 3, seconds(3)),
      event('BLUE_TWO', 5, minutes(8)),
      event('RED_ONE', 4, minutes(2)),
      event('BLUE_ONE', 3, minutes(5)),
    )
    .advanceWatermarkTo(BASE + TEAM_WINDOW - minutes(1))
    .addElements(
      event('RED_TWO', 2, 0),
      event('RED_TWO', 5, minutes(1)),
      event('BLUE_TWO', 2, seconds(90)),
      event('RED_TWO', 3, minutes(3)),
    )
    .advanceWatermarkTo(BASE + TEAM_WINDOW + minutes(1))
    .advanceWatermarkToInfinity();
}

/** The observablyLate case's input. */
function observablyLate(): TestStream<GameAction> {
  return TestStream.create<GameAction>()
    .advanceWatermarkTo(BASE)
    .addElements(event('BLUE_ONE', 3, seconds(3)), event('BLUE_TWO', 5, minutes(8)))
    .advanceProcessingTime(minutes(10))
    .advanceWatermarkTo(BASE + minutes(3))
    .addElements(event('RED_ONE', 3, minutes(1)), event('RED_ONE', 4, minutes(2)), event('BLUE_ONE', 3, minutes(5)))
    .advanceWatermarkTo(FIRST_WINDOW_CLOSES - minutes(1))
    .addElements(event('RED_TWO', 2, 0), event('RED_TWO', 5, minutes(1)), event('RED_TWO', 3, minutes(3)))
    .advanceProcessingTime(minutes(12))
    .addElements(event('RED_TWO', 9, minutes(1)), event('RED_TWO', 1, minutes(3)))
    .advanceWatermarkToInfinity();
}

/** The droppablyLate case's input. */
function droppablyLate(): TestStream<GameAction> {
  return TestStream.create<GameAction>()
    .addElements(event('BLUE_ONE', 12, 0), event('RED_ONE', 3, 0))
    .advanceWatermarkTo(WINDOW.end - 1)
    .addElements(event('RED_ONE', 4, minutes(2)), event('BLUE_TWO', 3, 0), event('BLUE_ONE', 3, minutes(3)))
    .advanceWatermarkTo(BASE + TEAM_WINDOW)
    .advanceWatermarkTo(BASE + ALLOWED_LATENESS + TEAM_WINDOW + minutes(1))
    .addElements(event('BLUE_TWO', 3, TEAM_WINDOW - seconds(5)), event('RED_ONE', 7, minutes(4)))
    .advanceWatermarkToInfinity();
}

const pairs = (xs: readonly KV<string, number>[]) => xs.map((x) => `${x.key}:${x.value}`).sort();

describe('LeaderBoard team scores (Beam LeaderBoardTest)', () => {
  it('on time: everything arrives ahead of the watermark, one ON_TIME pane per team', async () => {
    const s = onTime();
    const { out } = await teamScores(s);
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:12', 'red:4']);
    assert.deepEqual(pairs(out.values()), ['blue:12', 'red:4']);
  });

  it('speculative: processing time passes and early panes refine the score', async () => {
    const s = speculative();
    const { out } = await teamScores(s);
    assert.deepEqual(pairs(out.inWindow(WINDOW).map((e) => e.value)), ['blue:10', 'blue:5', 'blue:8', 'red:5', 'red:9']);
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:10', 'red:9']);
    const early = out.inWindow(WINDOW).filter((e) => e.pane.timing === 'EARLY');
    assert.deepEqual(
      early.map((e) => [e.value.key, e.value.value, e.pane.index, e.pane.nonSpeculativeIndex]),
      [
        ['blue', 5, 0, -1],
        ['red', 5, 0, -1],
        ['blue', 8, 1, -1],
      ],
    );
  });

  it('unobservably late: behind the watermark but before the end of the window, so in the ON_TIME pane', async () => {
    const s = unobservablyLate();
    const { out, result } = await teamScores(s);
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:13', 'red:14']);
    assert.equal(result.lateDropped, 0);
  });

  it('observably late: after the end of the window but within lateness, in LATE panes', async () => {
    const s = observablyLate();
    const { out } = await teamScores(s);
    const inWindow = pairs(out.inWindow(WINDOW).map((e) => e.value));
    assert.ok(inWindow.includes('blue:11'), `blue:11 in ${inWindow}`);
    assert.ok(inWindow.includes('red:27'), `red:27 in ${inWindow}`);
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:11', 'red:7']);
    // No final pane for blue: all its updates were in earlier panes.
    assert.deepEqual(pairs(out.inFinalPane(WINDOW)), ['red:27']);
    const late = out.inWindow(WINDOW).filter((e) => e.pane.timing === 'LATE');
    assert.deepEqual(
      late.map((e) => [e.value.key, e.value.value, e.pane.index, e.pane.nonSpeculativeIndex, e.pane.isLast]),
      [
        ['red', 17, 1, 1, false],
        ['red', 27, 2, 2, true],
      ],
    );
  });

  it('droppably late: beyond the allowed lateness, refused to the late output and counted', async () => {
    const s = droppablyLate();
    const { out, result } = await teamScores(s);
    assert.deepEqual(pairs(out.inWindow(WINDOW).map((e) => e.value)), ['blue:18', 'red:7']);
    assert.deepEqual(out.inFinalPane(WINDOW), []);
    assert.equal(result.lateDropped, 2);
  });
});

describe('LeaderBoard team scores in discarding mode (each pane holds only what arrived since the last)', () => {
  it('on time: the single ON_TIME pane is the same as when accumulating', async () => {
    const s = onTime();
    const { out } = await teamScores(s, 'discarding');
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:12', 'red:4']);
  });

  it('speculative: early panes are deltas, and the ON_TIME pane holds only the rest', async () => {
    const s = speculative();
    const { out } = await teamScores(s, 'discarding');
    assert.deepEqual(
      out.inWindow(WINDOW).map((e) => `${e.value.key}:${e.value.value}:${e.pane.timing}`),
      ['blue:5:EARLY', 'red:5:EARLY', 'blue:3:EARLY', 'blue:2:ON_TIME', 'red:4:ON_TIME'],
    );
  });

  it('unobservably late: late-but-before-the-window-ends elements are in the ON_TIME pane', async () => {
    const s = unobservablyLate();
    const { out } = await teamScores(s, 'discarding');
    assert.deepEqual(pairs(out.inOnTimePane(WINDOW)), ['blue:13', 'red:14']);
  });

  it('observably late: the LATE panes carry only the late scores', async () => {
    const s = observablyLate();
    const { out } = await teamScores(s, 'discarding');
    assert.deepEqual(
      out
        .inWindow(WINDOW)
        .map((e) => `${e.value.key}:${e.value.value}:${e.pane.timing}:#${e.pane.index}${e.pane.isLast ? ':last' : ''}`)
        .sort(),
      ['blue:3:ON_TIME:#1', 'blue:8:EARLY:#0', 'red:10:LATE:#1', 'red:10:LATE:#2:last', 'red:7:ON_TIME:#0'],
    );
  });

  it('droppably late: the same single pane per team, and the too-late scores are refused', async () => {
    const s = droppablyLate();
    const { out, result } = await teamScores(s, 'discarding');
    assert.deepEqual(pairs(out.inWindow(WINDOW).map((e) => e.value)), ['blue:18', 'red:7']);
    assert.equal(result.lateDropped, 2);
  });
});
