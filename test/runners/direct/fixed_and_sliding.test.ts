/**
 * Fixed and sliding windows on the direct runner, and the panes they emit: timing (EARLY, ON_TIME,
 * LATE), index, nonSpeculativeIndex, isFirst, isLast, under each trigger, accumulation mode,
 * on-time and closing behaviour, and timestamp combiner. Times are seconds from T0 =
 * 2026-03-01T09:00:00Z; one-minute windows unless said otherwise. Beam programming guide sections
 * 8 and 9 are the reference.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../sdk/clock';
import { combineFn, sum, toList } from '../../../sdk/combine_fns';
import { Pipeline } from '../../../sdk/pipeline';
import { TestStream, capture, testStream } from '../../../sdk/testing';
import { minutes, seconds } from '../../../sdk/time';
import { afterCount, afterEach, afterFirst, afterProcessingTime, afterWatermark, never, repeatedly } from '../../../sdk/triggers';
import { mapToKV } from '../../../sdk/transforms/element_wise';
import { combinePerKey } from '../../../sdk/transforms/group';
import { windowInto } from '../../../sdk/transforms/window_into';
import { fixedWindows, globalWindows, slidingWindows } from '../../../sdk/window_fns';
import { type AccumulationMode } from '../../../sdk/windowing_strategy';
import { runPipeline } from '../../../runners/direct';
import { type Input, T0, el, paneOf, rel, runGrouping, sec } from './grouping_harness';
import { runIsolated } from './isolated';
import { letters } from './trigger_scenarios';

const MINUTE = fixedWindows(minutes(1));
const END = 60; // end of the first one-minute window, in seconds from T0

describe('fixed windows: sums in on-time panes', () => {
  it('timestamps exactly on boundaries: 09:00:00.000 and 09:00:59.999 are in the first minute, 09:01:00.000 in the second', async () => {
    const values = [el('k', 1, 0), el('k', 2, 59.999), el('k', 4, 60), el('k', 8, 119.999), el('k', 16, 120)];
    const { rows } = await runGrouping({ values }, MINUTE, {}, sum());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 3, 0, 60, 'ON_TIME', 0, 0, true, true],
      ['k', 12, 60, 120, 'ON_TIME', 0, 0, true, true],
      ['k', 16, 120, 180, 'ON_TIME', 0, 0, true, true],
    ]);
    assert.deepEqual(
      rows.map((r) => r.ts),
      [59.999, 119.999, 179.999],
      'END_OF_WINDOW: every pane is stamped with its window’s last millisecond',
    );
  });

  it('keys are grouped separately within the same window', async () => {
    const values = [el('red', 1, 5), el('blue', 10, 6), el('red', 2, 7), el('blue', 20, 8)];
    const { rows } = await runGrouping({ values }, MINUTE, {}, sum());
    assert.deepEqual(rows.map((r) => [r.key, r.value, r.start, r.end]).sort(), [
      ['blue', 30, 0, 60],
      ['red', 3, 0, 60],
    ]);
  });

  it('negative timestamps: elements before the epoch sum into windows before the epoch', async () => {
    const values = [-1, -60_000, -60_001, 0].map((t, i) => ({ value: { key: 'k', value: 10 ** i }, timestamp: t }));
    const { rows } = await runGrouping({ values }, MINUTE, {}, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.start * 1000 + T0, r.end * 1000 + T0]).sort((a, b) => a[1] - b[1]),
      [
        [100, -120_000, -60_000],
        [11, -60_000, 0],
        [1000, 0, 60_000],
      ],
    );
  });

  it('offset windows: hourly windows offset 30 minutes split 09:29:59.999 from 09:30:00', async () => {
    const values = [el('k', 1, 29 * 60 + 59.999), el('k', 2, 30 * 60), el('k', 4, 89 * 60)];
    const { rows } = await runGrouping({ values }, fixedWindows(minutes(60), minutes(30)), {}, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.start / 60, r.end / 60]),
      [
        [1, -30, 30],
        [6, 30, 90],
      ],
    );
  });
});

describe('sliding windows', () => {
  it('each element is counted in each of its size/period windows (3-minute windows every minute)', async () => {
    const values = [el('k', 1, 30), el('k', 10, 90), el('k', 100, 120)];
    const { rows } = await runGrouping({ values }, slidingWindows(minutes(3), minutes(1)), {}, sum());
    assert.deepEqual(
      rows
        .map((r) => [r.start / 60, r.end / 60, r.value, r.timing, r.isLast])
        .sort((a, b) => (a[0] as number) - (b[0] as number)),
      [
        [-2, 1, 1, 'ON_TIME', true],
        [-1, 2, 11, 'ON_TIME', true],
        [0, 3, 111, 'ON_TIME', true],
        [1, 4, 110, 'ON_TIME', true],
        [2, 5, 100, 'ON_TIME', true],
      ],
    );
    assert.equal(
      rows.reduce((a, r) => a + r.value, 0),
      3 * 111,
      'each element counted exactly size/period = 3 times',
    );
  });

  it('an element exactly at a window end is not in the window ending there', async () => {
    const values = [el('k', 1, 60)];
    const { rows } = await runGrouping({ values }, slidingWindows(minutes(2), minutes(1)), {}, sum());
    assert.deepEqual(
      rows.map((r) => [r.start / 60, r.end / 60]).sort((a, b) => a[0] - b[0]),
      [
        [0, 2],
        [1, 3],
      ],
    );
  });

  it('period == size behaves exactly like fixed windows', async () => {
    const values = [el('k', 1, 0), el('k', 2, 59.999), el('k', 4, 60)];
    const sliding = await runGrouping({ values }, slidingWindows(minutes(1), minutes(1)), {}, sum());
    const fixed = await runGrouping({ values }, MINUTE, {}, sum());
    assert.deepEqual(sliding.rows, fixed.rows);
    assert.equal(sliding.rows.length, 2);
  });

  it('late data for sliding windows: an element is refused per window that has expired and kept in the others', async () => {
    const s = TestStream.create<Input<number>>()
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 1, 90))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, slidingWindows(minutes(3), minutes(1)), {}, sum());
    // 1:30 is in [-1, 2), [0, 3), [1, 4); only [-1, 2) has expired (its last instant 1:59.999 < 2:00).
    assert.deepEqual(
      rows.map((r) => [r.start / 60, r.end / 60, r.value]).sort((a, b) => a[0] - b[0]),
      [
        [0, 3, 1],
        [1, 4, 1],
      ],
    );
    assert.deepEqual(
      late.map((l) => [rel(l.windowStart) / 60, rel(l.windowEnd) / 60, l.reason]),
      [[-1, 2, 'expired']],
    );
  });
});

describe('panes with the default trigger', () => {
  it('allowed lateness 0: the ON_TIME pane is also the last (isLast = true)', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(END))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, {}, sum());
    assert.deepEqual(rows.map(paneOf), [['k', 3, 0, 60, 'ON_TIME', 0, 0, true, true]]);
  });

  it('the watermark at exactly the window end - 1 does not fire the window; at the end it does', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(59.999))
      .addElements(el('k', 2, 59.999))
      .advanceWatermarkTo(sec(60))
      .addElements(el('k', 4, 59))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, {}, sum());
    // At watermark 59.999 the window is still open, so the element at 59.999 is on time.
    assert.deepEqual(rows.map(paneOf), [['k', 3, 0, 60, 'ON_TIME', 0, 0, true, true]]);
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason]),
      [[4, 'expired']],
    );
  });

  it('allowed lateness > 0: ON_TIME is not last; each late element within lateness fires a LATE pane at once', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 4, 30))
      .advanceWatermarkTo(sec(180))
      .addElements(el('k', 8, 40))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(10) }, sum());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 3, 0, 60, 'ON_TIME', 0, 0, true, false],
      ['k', 4, 0, 60, 'LATE', 1, 1, false, false],
      ['k', 8, 0, 60, 'LATE', 2, 2, false, false],
    ]);
    assert.equal(late.length, 0);
  });

  it('accumulating with lateness: each LATE pane restates the whole window', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 4, 30))
      .addElements(el('k', 8, 40))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(10), accumulationMode: 'accumulating' }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.index]),
      [
        [3, 'ON_TIME', 0],
        [7, 'LATE', 1],
        [15, 'LATE', 2],
      ],
    );
  });

  it('closingBehavior FIRE_ALWAYS: an empty final pane at garbage collection, LATE and isLast', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 4, 30))
      .advanceWatermarkTo(sec(END + 600))
      .advanceWatermarkTo(sec(END + 601))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(10), closingBehavior: 'FIRE_ALWAYS' }, sum());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 1, 0, 60, 'ON_TIME', 0, 0, true, false],
      ['k', 4, 0, 60, 'LATE', 1, 1, false, false],
      ['k', 0, 0, 60, 'LATE', 2, 2, false, true],
    ]);
  });

  it('closingBehavior FIRE_IF_NON_EMPTY (default): no pane at garbage collection when nothing is new', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 4, 30))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(10) }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.isLast]),
      [
        [1, 'ON_TIME', false],
        [4, 'LATE', false],
      ],
    );
  });

  it('closingBehavior FIRE_ALWAYS with lateness 0: the ON_TIME pane is already last, no extra pane', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { closingBehavior: 'FIRE_ALWAYS' }, sum());
    assert.deepEqual(rows.map(paneOf), [['k', 1, 0, 60, 'ON_TIME', 0, 0, true, true]]);
  });

  it('a late element for a window that never had data before still gets a LATE pane (within lateness)', async () => {
    const s = TestStream.create<Input<number>>()
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 5, 30))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(10) }, sum());
    assert.deepEqual(rows.map(paneOf), [['k', 5, 0, 60, 'LATE', 0, 0, true, false]]);
  });
});

describe('onTimeBehavior', () => {
  const earlyByTwo = afterWatermark({ early: afterCount(2) });

  it('FIRE_ALWAYS in accumulating mode: after an early pane consumed everything, the ON_TIME pane still comes and restates it', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(
      s,
      MINUTE,
      { trigger: earlyByTwo, accumulationMode: 'accumulating', onTimeBehavior: 'FIRE_ALWAYS' },
      sum(),
    );
    assert.deepEqual(rows.map(paneOf), [
      ['k', 3, 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 3, 0, 60, 'ON_TIME', 1, 0, false, true],
    ]);
  });

  it('FIRE_IF_NON_EMPTY: no ON_TIME pane when nothing arrived since the early pane', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(
      s,
      MINUTE,
      { trigger: earlyByTwo, accumulationMode: 'accumulating', onTimeBehavior: 'FIRE_IF_NON_EMPTY' },
      sum(),
    );
    assert.deepEqual(rows.map(paneOf), [['k', 3, 0, 60, 'EARLY', 0, -1, true, false]]);
  });

  it('FIRE_ALWAYS in discarding mode: the empty ON_TIME pane holds the empty accumulator', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 10), el('k', 'b', 20))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { trigger: earlyByTwo }, toList<string>());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.index, r.nonSpeculativeIndex, r.isLast, r.ts]),
      [
        [['a', 'b'], 'EARLY', 0, -1, false, 59.999],
        [[], 'ON_TIME', 1, 0, true, 59.999],
      ],
    );
  });

  it('FIRE_IF_NON_EMPTY still fires ON_TIME when new data arrived after the early pane', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .addElements(el('k', 4, 30))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { trigger: earlyByTwo, onTimeBehavior: 'FIRE_IF_NON_EMPTY' }, sum());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 3, 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 4, 0, 60, 'ON_TIME', 1, 0, false, true],
    ]);
  });
});

describe('the full pane sequence: EARLY*, ON_TIME, LATE*', () => {
  it('indices count every pane, nonSpeculativeIndex counts ON_TIME and LATE only (-1 for EARLY)', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 10))
      .addElements(el('k', 'b', 20))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 'c', 30))
      .addElements(el('k', 'd', 40))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(
      s,
      MINUTE,
      {
        trigger: afterWatermark({ early: afterCount(1), late: afterCount(1) }),
        allowedLatenessMs: minutes(10),
        closingBehavior: 'FIRE_ALWAYS',
      },
      letters(),
    );
    assert.deepEqual(rows.map(paneOf), [
      ['k', 'a', 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 'b', 0, 60, 'EARLY', 1, -1, false, false],
      ['k', '', 0, 60, 'ON_TIME', 2, 0, false, false],
      ['k', 'c', 0, 60, 'LATE', 3, 1, false, false],
      ['k', 'd', 0, 60, 'LATE', 4, 2, false, false],
      ['k', '', 0, 60, 'LATE', 5, 3, false, true],
    ]);
  });
});

describe('count-based and composite triggers', () => {
  it('afterCount(2) alone fires once, EARLY and last; later elements are refused as closed_window', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 10), el('k', 'b', 20))
      .addElements(el('k', 'c', 30))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { trigger: afterCount(2) }, letters());
    assert.deepEqual(rows.map(paneOf), [['k', 'ab', 0, 60, 'EARLY', 0, -1, true, true]]);
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason, rel(l.windowStart), rel(l.windowEnd)]),
      [['c', 'closed_window', 0, 60]],
    );
  });

  it('repeatedly(afterCount(2)): a pane every two elements, the remainder at the end of the window', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2), el('k', 'c', 3))
      .addElements(el('k', 'd', 4), el('k', 'e', 5))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { trigger: repeatedly(afterCount(2)) }, letters());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 'ab', 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 'cd', 0, 60, 'EARLY', 1, -1, false, false],
      ['k', 'e', 0, 60, 'ON_TIME', 2, 0, false, true],
    ]);
    assert.equal(late.length, 0);
  });

  it('repeatedly(afterCount(2)) with nothing left at the end of the window: an empty ON_TIME pane under FIRE_ALWAYS only', async () => {
    // Beam's ReduceFnRunner.needToEmit: an empty pane is emitted when it is ON_TIME and onTimeBehavior
    // is FIRE_ALWAYS (the default), even when the trigger itself does not look at the watermark.
    const stream = () =>
      TestStream.create<Input<string>>()
        .addElements(el('k', 'a', 1), el('k', 'b', 2))
        .advanceWatermarkToInfinity();
    const always = await runGrouping(stream(), MINUTE, { trigger: repeatedly(afterCount(2)) }, letters());
    assert.deepEqual(always.rows.map(paneOf), [
      ['k', 'ab', 0, 60, 'EARLY', 0, -1, true, false],
      ['k', '', 0, 60, 'ON_TIME', 1, 0, false, true],
    ]);
    const ifNonEmpty = await runGrouping(
      stream(),
      MINUTE,
      { trigger: repeatedly(afterCount(2)), onTimeBehavior: 'FIRE_IF_NON_EMPTY' },
      letters(),
    );
    assert.deepEqual(ifNonEmpty.rows.map(paneOf), [['k', 'ab', 0, 60, 'EARLY', 0, -1, true, false]]);
  });

  it('afterFirst(afterCount(3), afterProcessingTime(1 min)): processing time wins, once; then the window is closed', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2))
      .advanceProcessingTime(minutes(1))
      .addElements(el('k', 'c', 3))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(
      s,
      MINUTE,
      { trigger: afterFirst(afterCount(3), afterProcessingTime(minutes(1))) },
      letters(),
    );
    assert.deepEqual(rows.map(paneOf), [['k', 'ab', 0, 60, 'EARLY', 0, -1, true, true]]);
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason]),
      [['c', 'closed_window']],
    );
  });

  it('afterFirst(afterCount(3), afterProcessingTime(1 min)): the count wins when three arrive first', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2), el('k', 'c', 3))
      .advanceProcessingTime(minutes(1))
      .addElements(el('k', 'd', 4))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(
      s,
      MINUTE,
      { trigger: afterFirst(afterCount(3), afterProcessingTime(minutes(1))) },
      letters(),
    );
    assert.deepEqual(rows.map(paneOf), [['k', 'abc', 0, 60, 'EARLY', 0, -1, true, true]]);
    assert.deepEqual(
      late.map((l) => l.value.value),
      ['d'],
    );
  });

  it('afterAll(afterCount(2), afterProcessingTime(1 min)): fires only once both have fired (child process, 10 s deadline)', async function () {
    this.timeout(30_000);
    const r = await runIsolated<{ panes: unknown[]; late: unknown[] }>(
      require.resolve('./trigger_scenarios'),
      'afterAllCountAndProcessingTime',
    );
    assert.equal(r.timedOut, false, 'the run did not finish within 10 s: the runner loops forever');
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.value?.panes, [['k', 'ab', 0, 60, 'EARLY', 0, -1, true, true]]);
    assert.deepEqual(r.value?.late, [['c', 'closed_window']]);
  });

  it('repeatedly(afterAll(afterCount(2), afterProcessingTime(1 min))): a pane each time both are satisfied (child process)', async function () {
    this.timeout(30_000);
    const r = await runIsolated<{ panes: unknown[] }>(require.resolve('./trigger_scenarios'), 'repeatedlyAfterAll', 10_000);
    assert.equal(r.timedOut, false, 'the run did not finish within 10 s: the runner loops forever');
    assert.equal(r.error, undefined, r.error);
    // The trigger never looks at the watermark; at the end of the window the empty ON_TIME pane
    // comes because onTimeBehavior is FIRE_ALWAYS by default.
    assert.deepEqual(r.value?.panes, [
      ['k', 'ab', 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 'cd', 0, 60, 'EARLY', 1, -1, false, false],
      ['k', '', 0, 60, 'ON_TIME', 2, 0, false, true],
    ]);
  });

  it('afterEach(afterCount(2), afterCount(1)): first two, then one, then the window is closed', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2))
      .addElements(el('k', 'c', 3))
      .addElements(el('k', 'd', 4))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { trigger: afterEach(afterCount(2), afterCount(1)) }, letters());
    assert.deepEqual(rows.map(paneOf), [
      ['k', 'ab', 0, 60, 'EARLY', 0, -1, true, false],
      ['k', 'c', 0, 60, 'EARLY', 1, -1, false, true],
    ]);
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason]),
      [['d', 'closed_window']],
    );
  });

  it('never: nothing is emitted before garbage collection, then one pane with everything', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2))
      .advanceWatermarkTo(sec(30))
      .addElements(el('k', 'c', 3))
      .advanceProcessingTime(minutes(60))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { trigger: never() }, letters());
    assert.deepEqual(rows.map(paneOf), [['k', 'abc', 0, 60, 'ON_TIME', 0, 0, true, true]]);
  });

  it('never with allowed lateness: late data within lateness joins the single pane at garbage collection', async () => {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2))
      .advanceWatermarkTo(sec(120))
      .addElements(el('k', 'c', 3))
      .advanceWatermarkTo(sec(END + 300))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { trigger: never(), allowedLatenessMs: minutes(10) }, letters());
    assert.deepEqual(
      rows.map((r) => [r.value, r.index, r.isFirst, r.isLast, r.ts]),
      [['abc', 0, true, true, 59.999]],
    );
    assert.equal(late.length, 0);
  });

  it('a pane held until garbage collection (never, lateness 10 min) holds the output watermark: ON_TIME, and on time downstream', async () => {
    // Beam holds the output watermark at the end of the window for buffered elements (WatermarkHold:
    // element hold = END_OF_WINDOW), so the GC pane stamped 00:59.999 is ON_TIME and not late for
    // the next grouping, which has no allowed lateness.
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const inner = p
      .apply(testStream(s))
      .apply(windowInto(MINUTE, { trigger: never(), allowedLatenessMs: minutes(10) }, 'Buffered'))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Inner'));
    const outer = inner
      .apply(windowInto(MINUTE, {}, 'Rewindow'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Outer'));
    const innerOut = capture(inner);
    const outerOut = capture(outer);
    const result = await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      {
        inner: innerOut.elements.map((e) => [e.value.value, e.pane.timing, e.pane.isLast, rel(e.timestamp)]),
        outer: outerOut.elements.map((e) => [e.value.value, e.pane.timing]),
        lateDropped: result.lateDropped,
      },
      { inner: [[3, 'ON_TIME', true, 59.999]], outer: [[3, 'ON_TIME']], lateDropped: 0 },
    );
  });
});

describe('accumulation modes', () => {
  // The speculative case of Beam's LeaderBoardTest (see leader_board.test.ts), in discarding mode.
  async function leaderBoardSpeculative(mode: AccumulationMode) {
    const s = TestStream.create<Input<number>>()
      .advanceWatermarkTo(T0)
      .addElements(el('blue', 3, 3), el('blue', 2, 60))
      .advanceProcessingTime(minutes(10))
      .addElements(el('red', 5, 180))
      .advanceProcessingTime(minutes(12))
      .addElements(el('blue', 3, 22))
      .advanceProcessingTime(minutes(10))
      .addElements(el('red', 4, 240), el('blue', 2, 120))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(
      s,
      fixedWindows(minutes(20)),
      {
        trigger: afterWatermark({ early: afterProcessingTime(minutes(5)), late: afterProcessingTime(minutes(10)) }),
        allowedLatenessMs: minutes(60),
        accumulationMode: mode,
      },
      sum(),
    );
    const byTeam = (team: string) =>
      rows.filter((r) => r.key === team).map((r) => [r.value, r.timing, r.index, r.nonSpeculativeIndex]);
    return { blue: byTeam('blue'), red: byTeam('red') };
  }

  it('discarding: each speculative pane holds only what arrived since the previous pane (the deltas)', async () => {
    const { blue, red } = await leaderBoardSpeculative('discarding');
    assert.deepEqual(blue, [
      [5, 'EARLY', 0, -1],
      [3, 'EARLY', 1, -1],
      [2, 'ON_TIME', 2, 0],
    ]);
    assert.deepEqual(red, [
      [5, 'EARLY', 0, -1],
      [4, 'ON_TIME', 1, 0],
    ]);
  });

  it('accumulating: the same panes restate the running totals', async () => {
    const { blue, red } = await leaderBoardSpeculative('accumulating');
    assert.deepEqual(blue, [
      [5, 'EARLY', 0, -1],
      [8, 'EARLY', 1, -1],
      [10, 'ON_TIME', 2, 0],
    ]);
    assert.deepEqual(red, [
      [5, 'EARLY', 0, -1],
      [9, 'ON_TIME', 1, 0],
    ]);
  });

  it('the sum over discarding panes equals the last accumulating pane', async () => {
    const d = await leaderBoardSpeculative('discarding');
    const a = await leaderBoardSpeculative('accumulating');
    for (const team of ['blue', 'red'] as const) {
      const total = d[team].reduce((n, r) => n + (r[0] as number), 0);
      assert.equal(total, a[team][a[team].length - 1][0]);
    }
  });
});

describe('timestamp combiners', () => {
  const stream = () =>
    TestStream.create<Input<number>>()
      .addElements(el('k', 1, 40), el('k', 2, 10), el('k', 4, 25))
      .advanceWatermarkToInfinity();

  it('END_OF_WINDOW: the pane is stamped with the window’s last millisecond', async () => {
    const { rows } = await runGrouping(stream(), MINUTE, { timestampCombiner: 'END_OF_WINDOW' }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.ts]),
      [[7, 59.999]],
    );
  });

  it('EARLIEST: the pane is stamped with the earliest input timestamp', async () => {
    const { rows } = await runGrouping(stream(), MINUTE, { timestampCombiner: 'EARLIEST' }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.ts]),
      [[7, 10]],
    );
  });

  it('LATEST: the pane is stamped with the latest input timestamp', async () => {
    const { rows } = await runGrouping(stream(), MINUTE, { timestampCombiner: 'LATEST' }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.ts]),
      [[7, 40]],
    );
  });

  it('EARLIEST with early panes in discarding mode: each pane is stamped with its own earliest element', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 30), el('k', 2, 20))
      .addElements(el('k', 4, 50), el('k', 8, 40))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { timestampCombiner: 'EARLIEST', trigger: repeatedly(afterCount(2)) }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.ts]),
      [
        [3, 'EARLY', 20],
        [12, 'EARLY', 40],
        // The empty ON_TIME pane (FIRE_ALWAYS) has no element to take a timestamp from: end of window.
        [0, 'ON_TIME', 59.999],
      ],
    );
  });

  it('EARLIEST holds the output watermark: a downstream grouping gets the pane on time', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10), el('k', 2, 30))
      .advanceWatermarkTo(sec(90))
      .advanceWatermarkTo(sec(200))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const inner = p
      .apply(testStream(s))
      .apply(windowInto(MINUTE, { timestampCombiner: 'EARLIEST' }))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Inner'));
    const outer = inner.apply(combinePerKey<string, number, number, number>(sum(), 'Outer'));
    const innerOut = capture(inner);
    const outerOut = capture(outer);
    const result = await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      innerOut.elements.map((e) => [e.value.value, rel(e.timestamp), e.pane.timing]),
      [[3, 10, 'ON_TIME']],
    );
    assert.deepEqual(
      outerOut.elements.map((e) => [e.value.value, rel(e.timestamp), e.pane.timing]),
      [[3, 10, 'ON_TIME']],
    );
    assert.equal(result.lateDropped, 0);
  });
});

describe('the global window with a trigger', () => {
  it('repeatedly(afterCount(2)) over a bounded input: EARLY panes of two, the rest ON_TIME at the end', async () => {
    const values = ['a', 'b', 'c', 'd', 'e'].map((x, i) => el('k', x, i));
    const { rows } = await runGrouping({ values }, globalWindows(), { trigger: repeatedly(afterCount(2)) }, toList<string>());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.index, r.nonSpeculativeIndex, r.isFirst, r.isLast]),
      [
        [['a', 'b'], 'EARLY', 0, -1, true, false],
        [['c', 'd'], 'EARLY', 1, -1, false, false],
        [['e'], 'ON_TIME', 2, 0, false, true],
      ],
    );
  });

  it('the default trigger on the global window over a bounded input: one ON_TIME pane at the end', async () => {
    const values = [el('k', 1, -3600), el('k', 2, 0), el('k', 4, 86_400)];
    const { rows } = await runGrouping({ values }, globalWindows(), {}, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.index, r.isFirst, r.isLast]),
      [[7, 'ON_TIME', 0, true, true]],
    );
  });

  it('a custom combine fn sees every element once per pane (accumulating, repeatedly(afterCount(3)) on the global window)', async () => {
    const maxMinusMin = combineFn<number, { lo: number; hi: number }, number>({
      name: 'range',
      createAccumulator: () => ({ lo: Infinity, hi: -Infinity }),
      addInput: (a, x) => ({ lo: Math.min(a.lo, x), hi: Math.max(a.hi, x) }),
      mergeAccumulators: (as) =>
        as.reduce((a, b) => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }), { lo: Infinity, hi: -Infinity }),
      extractOutput: (a) => a.hi - a.lo,
    });
    const values = [5, 3, 9, 1, 20, 4].map((x, i) => el('k', x, i));
    const { rows } = await runGrouping(
      { values },
      globalWindows(),
      { trigger: repeatedly(afterCount(3)), accumulationMode: 'accumulating' },
      maxMinusMin,
    );
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing]),
      [
        [6, 'EARLY'],
        [19, 'EARLY'],
        [19, 'ON_TIME'],
      ],
    );
  });
});

describe('processing-time early firings', () => {
  it('afterProcessingTime early firings count from the first element of each pane', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceProcessingTime(seconds(30))
      .addElements(el('k', 2, 20))
      .advanceProcessingTime(seconds(30))
      .addElements(el('k', 4, 30))
      .advanceProcessingTime(seconds(59))
      .advanceProcessingTime(seconds(1))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(s, MINUTE, { trigger: afterWatermark({ early: afterProcessingTime(minutes(1)) }) }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing, r.index]),
      [
        [3, 'EARLY', 0],
        [4, 'EARLY', 1],
        [0, 'ON_TIME', 2],
      ],
    );
  });
});
