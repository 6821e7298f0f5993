/**
 * Watermarks on the direct runner: monotonic, +Infinity at the end of bounded input, estimated by
 * withTimestamps (bounded out-of-orderness, idle sources), late output, and draining. Sources in
 * this file implement sdk Source/SourceReader directly. Times are seconds from T0 =
 * 2026-03-01T09:00:00Z; processing time is a ManualClock starting at 0.
 */
import assert from 'node:assert/strict';
import { type Clock, ManualClock } from '../../../sdk/clock';
import { sum } from '../../../sdk/combine_fns';
import { type DoFn, type ProcessContext } from '../../../sdk/do_fn';
import { RunnerInvariantError } from '../../../sdk/errors';
import { type LateElement } from '../../../sdk/graph';
import { type KV, kv } from '../../../sdk/kv';
import { type PaneInfo } from '../../../sdk/pane';
import { type PCollection } from '../../../sdk/pcollection';
import { Pipeline } from '../../../sdk/pipeline';
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceContext, type SourceReader } from '../../../sdk/source';
import { TestStream, capture, testStream, tv } from '../../../sdk/testing';
import { type Instant, WATERMARK_DONE, WATERMARK_START, minutes, seconds } from '../../../sdk/time';
import { afterWatermark } from '../../../sdk/triggers';
import { mapToKV, parDo } from '../../../sdk/transforms/element_wise';
import { combinePerKey, lateElementsOf } from '../../../sdk/transforms/group';
import { read } from '../../../sdk/transforms/read';
import { windowInto } from '../../../sdk/transforms/window_into';
import { withTimestamps } from '../../../sdk/transforms/with_timestamps';
import { GLOBAL_WINDOW } from '../../../sdk/window';
import { fixedWindows } from '../../../sdk/window_fns';
import { WatermarkEstimator, boundedOutOfOrderness } from '../../../sdk/watermark_estimator';
import { type WindowingOptions } from '../../../sdk/windowing_strategy';
import { runPipeline } from '../../../runners/direct';
import { ScriptedSource } from './scripted_source';
import { type Input, el, paneOf, rel, runGrouping, sec } from './grouping_harness';

const MINUTE = fixedWindows(minutes(1));

/**
 * An unbounded source that emits `burst` once and then goes quiet forever; every later read moves
 * the ManualClock on by `tickMs`, as if waiting for data that never comes. Its own watermark says
 * nothing (WATERMARK_START): the watermark comes from withTimestamps' estimate. It stops the run by
 * aborting `controller` once the clock reaches `giveUpAt`, so that a broken idle policy cannot hang.
 */
class QuietSource implements Source<Input<number>> {
  readonly bounded = false;
  readonly description = 'quiet source';

  constructor(
    private readonly burst: readonly { readonly value: Input<number>; readonly timestamp: Instant }[],
    private readonly tickMs: number,
    private readonly giveUpAt: Instant,
    private readonly controller: AbortController,
  ) {}

  open(context: SourceContext): SourceReader<Input<number>> {
    const clock = context.clock as ManualClock;
    let sent = false;
    return {
      read: (): ReadBatch<Input<number>> => {
        if (!sent) {
          sent = true;
          return { values: this.burst.map((e) => e.value), timestamps: this.burst.map((e) => e.timestamp) };
        }
        clock.advanceBy(this.tickMs);
        if (clock.now() >= this.giveUpAt) this.controller.abort();
        return EMPTY_BATCH;
      },
      watermark: () => WATERMARK_START,
      close() {},
    };
  }
}

/** Records each pane with the processing time at which it arrived; optionally aborts the run on the first. */
class PaneClockFn implements DoFn<KV<string, number>, never> {
  readonly seen: { value: number; now: Instant; timing: PaneInfo['timing']; start: number; end: number }[] = [];
  constructor(
    private readonly clock: Clock,
    private readonly abortOnFirst?: AbortController,
  ) {}
  process(e: KV<string, number>, ctx: ProcessContext<never>): void {
    this.seen.push({
      value: e.value,
      now: this.clock.now(),
      timing: ctx.pane.timing,
      start: rel(ctx.window.start),
      end: rel(ctx.window.end),
    });
    this.abortOnFirst?.abort();
  }
}

function sumPerKey(pc: PCollection<Input<number>>, options: WindowingOptions = {}) {
  return pc
    .apply(windowInto(MINUTE, options))
    .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
    .apply(combinePerKey<string, number, number, number>(sum(), 'Combine'));
}

describe('watermarks never move backwards', () => {
  it('a source whose reader reports a lower watermark after a higher one fails the run with RunnerInvariantError', async () => {
    const source = new ScriptedSource<Input<number>>(
      [
        { elements: [{ value: kv('k', 1), timestamp: sec(10) }], watermark: sec(100) },
        { elements: [{ value: kv('k', 2), timestamp: sec(110) }], watermark: sec(50) },
        { watermark: sec(200) },
      ],
      true,
    );
    const p = new Pipeline();
    sumPerKey(p.apply(read(source, 'Backwards')));
    await assert.rejects(runPipeline(p, { clock: new ManualClock(0) }), (e: unknown) => {
      assert.ok(e instanceof RunnerInvariantError, `expected RunnerInvariantError, got ${String(e)}`);
      assert.match(e.message, /'Backwards'.*moved backwards from 2026-03-01T09:01:40.000Z to 2026-03-01T09:00:50.000Z/);
      return true;
    });
    assert.equal(source.closed, 1, 'the reader is closed even though the run failed');
  });

  it('a watermark that stays the same is fine', async () => {
    const source = new ScriptedSource<Input<number>>(
      [
        { elements: [{ value: kv('k', 1), timestamp: sec(10) }], watermark: sec(30) },
        { elements: [{ value: kv('k', 2), timestamp: sec(40) }], watermark: sec(30) },
      ],
      true,
    );
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source, 'Flat'))));
    await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, e.pane.timing]),
      [[3, 'ON_TIME']],
    );
  });

  it('the watermark reported after each bundle never decreases', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(30))
      .addElements(el('k', 1, 40))
      .advanceWatermarkTo(sec(90))
      .advanceWatermarkTo(sec(90))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    sumPerKey(p.apply(testStream(s)));
    const seen: Instant[] = [];
    await runPipeline(p, { clock: new ManualClock(0), onBundle: (progress) => seen.push(progress.watermark) });
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `watermark went from ${seen[i - 1]} to ${seen[i]}`);
    assert.equal(seen[seen.length - 1], WATERMARK_DONE);
    assert.ok(seen.includes(sec(30)) && seen.includes(sec(90)));
  });

  it('the watermark estimate never goes down, whatever arrives', () => {
    const est = new WatermarkEstimator(boundedOutOfOrderness(seconds(5)));
    assert.equal(est.estimate(0), WATERMARK_START);
    est.observe(sec(100), 0);
    assert.equal(est.estimate(0), sec(95));
    est.observe(sec(20), 1);
    assert.equal(est.estimate(1), sec(95), 'an old element does not pull the estimate back');
    est.observe(sec(120), 2);
    assert.equal(est.estimate(2), sec(115));
  });
});

describe('the end of a bounded source', () => {
  it('moves the watermark to +Infinity, so every window of every key fires ON_TIME and last', async () => {
    const values = [el('red', 1, 10), el('blue', 2, 70), el('red', 4, 130), el('blue', 8, 15), el('red', 16, 3600)];
    const { rows, result } = await runGrouping({ values }, MINUTE, {}, sum());
    assert.deepEqual(
      rows.map(paneOf).sort((a, b) => (a[2] as number) - (b[2] as number) || String(a[0]).localeCompare(String(b[0]))),
      [
        ['blue', 8, 0, 60, 'ON_TIME', 0, 0, true, true],
        ['red', 1, 0, 60, 'ON_TIME', 0, 0, true, true],
        ['blue', 2, 60, 120, 'ON_TIME', 0, 0, true, true],
        ['red', 4, 120, 180, 'ON_TIME', 0, 0, true, true],
        ['red', 16, 3600, 3660, 'ON_TIME', 0, 0, true, true],
      ],
    );
    for (const [name, m] of Object.entries(result.steps)) assert.equal(m.outputWatermark, WATERMARK_DONE, `step ${name}`);
  });

  it('a bounded source read over many bundles in reverse time order has no late data: its watermark waits for the end', async () => {
    const values = Array.from({ length: 10 }, (_, i) => el('k', 1, 600 - i * 60));
    const { rows, late, result } = await runGrouping({ values }, MINUTE, {}, sum(), { maxBundleSize: 2 });
    assert.equal(late.length, 0);
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.timing === 'ON_TIME' && r.value === 1));
    assert.ok(result.bundles >= 5);
  });

  it('a hand-written bounded source that ends by reporting +Infinity fires its windows and ends the run', async () => {
    const source = new ScriptedSource<Input<number>>(
      [
        { elements: [{ value: kv('k', 1), timestamp: sec(10) }], watermark: sec(0) },
        { elements: [{ value: kv('k', 2), timestamp: sec(20) }], watermark: sec(5) },
      ],
      true,
    );
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source))));
    const result = await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, e.pane.timing, e.pane.isLast]),
      [[3, 'ON_TIME', true]],
    );
    assert.equal(result.elementsRead, 2);
  });
});

describe('withTimestamps with a bounded out-of-orderness watermark', () => {
  interface Event {
    readonly id: string;
    readonly at: Instant;
  }
  const event = (id: string, s: number) => tv<Event>({ id, at: sec(s) }, 0);

  async function eventTimeSums(stream: TestStream<Event>, maxDelayMs: number, idleTimeoutMs?: number) {
    const p = new Pipeline();
    const grouped = p
      .apply(testStream(stream))
      .apply(
        withTimestamps((e: Event) => e.at, {
          watermark: boundedOutOfOrderness(maxDelayMs, idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
        }),
      )
      .apply(windowInto(MINUTE))
      .apply(mapToKV((e: Event) => kv('k', e.id), 'Keyed'))
      .apply(
        combinePerKey<string, string, string[], string>(
          {
            name: 'ids',
            createAccumulator: () => [],
            addInput: (a, x) => [...a, x],
            mergeAccumulators: (as) => ([] as string[]).concat(...as),
            extractOutput: (a) => [...a].sort().join(''),
          },
          'Combine',
        ),
      );
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: new ManualClock(0) });
    return {
      panes: out.elements.map((e) => [e.value.value, rel(e.window.start), e.pane.timing]),
      late: late.values().map((l) => [l.value.value, rel(l.timestamp), rel(l.watermark), l.reason]),
    };
  }

  it('elements older than (max seen - delay) are late downstream; newer out-of-order ones are not', async () => {
    const s = TestStream.create<Event>()
      .addElements(event('a', 10))
      .addElements(event('b', 70)) // watermark 65 s: [0, 60) fires
      .addElements(event('c', 50)) // its window has closed: late
      .addElements(event('d', 62)) // behind the watermark but its window [60, 120) is open: on time
      .addElements(event('e', 66))
      .advanceWatermarkToInfinity();
    const { panes, late } = await eventTimeSums(s, seconds(5));
    assert.deepEqual(panes, [
      ['a', 0, 'ON_TIME'],
      ['bde', 60, 'ON_TIME'],
    ]);
    assert.deepEqual(late, [['c', 50, 65, 'expired']]);
  });

  it('within the delay nothing is late: out of order by less than maxDelay stays in its window', async () => {
    const s = TestStream.create<Event>()
      .addElements(event('a', 58))
      .addElements(event('b', 64)) // watermark 59 s: [0, 60) still open
      .addElements(event('c', 59.5))
      .advanceWatermarkToInfinity();
    const { panes, late } = await eventTimeSums(s, seconds(5));
    assert.deepEqual(panes, [
      ['ac', 0, 'ON_TIME'],
      ['b', 60, 'ON_TIME'],
    ]);
    assert.deepEqual(late, []);
  });

  it('idle handling with TestStream.advanceProcessingTime: after the idle timeout the watermark moves with processing time', async () => {
    const stream = () =>
      TestStream.create<Event>()
        .addElements(event('a', 10), event('b', 20))
        .advanceProcessingTime(seconds(60)) // idle: estimate 20 + 60 - 5 = 75 s, past the window
        .addElements(event('c', 30))
        .advanceWatermarkToInfinity();
    const idle = await eventTimeSums(stream(), seconds(5), seconds(30));
    assert.deepEqual(idle.panes, [['ab', 0, 'ON_TIME']]);
    assert.deepEqual(idle.late, [['c', 30, 75, 'expired']]);
    const noIdle = await eventTimeSums(stream(), seconds(5));
    assert.deepEqual(noIdle.panes, [['abc', 0, 'ON_TIME']], 'without an idle timeout the window waits for data');
    assert.deepEqual(noIdle.late, []);
  });

  it('idle handling with a quiet source: the window fires with no new data, at the processing time the policy predicts', async () => {
    // Last elements at 10 s and 20 s arrive at processing time 0; delay 5 s; idle after 30 s. Once idle,
    // the estimate is 20 s + (now - 0) - 5 s, which passes the window's last instant 59.999 s at now = 45 s.
    const controller = new AbortController();
    const clock = new ManualClock(0);
    const source = new QuietSource(
      [
        { value: kv('k', 1), timestamp: sec(10) },
        { value: kv('k', 2), timestamp: sec(20) },
      ],
      seconds(1),
      minutes(10),
      controller,
    );
    const p = new Pipeline();
    const grouped = sumPerKey(
      p.apply(read(source)).apply(
        withTimestamps((_x: Input<number>, t: Instant) => t, {
          watermark: boundedOutOfOrderness(seconds(5), { idleTimeoutMs: seconds(30) }),
        }),
      ),
    );
    const probe = new PaneClockFn(clock, controller);
    grouped.apply(parDo(probe, {}, 'Probe'));
    await runPipeline(p, { clock, signal: controller.signal });
    assert.deepEqual(probe.seen, [{ value: 3, now: seconds(45), timing: 'ON_TIME', start: 0, end: 60 }]);
  });

  it('without an idle timeout the same quiet source holds the window open until the run is drained', async () => {
    const controller = new AbortController();
    const clock = new ManualClock(0);
    const source = new QuietSource([{ value: kv('k', 1), timestamp: sec(10) }], seconds(1), minutes(10), controller);
    const p = new Pipeline();
    const grouped = sumPerKey(
      p
        .apply(read(source))
        .apply(withTimestamps((_x: Input<number>, t: Instant) => t, { watermark: boundedOutOfOrderness(seconds(5)) })),
    );
    const probe = new PaneClockFn(clock);
    grouped.apply(parDo(probe, {}, 'Probe'));
    await runPipeline(p, { clock, signal: controller.signal });
    assert.deepEqual(probe.seen, [{ value: 1, now: minutes(10), timing: 'ON_TIME', start: 0, end: 60 }]);
  });

  it('at the end of a bounded input the estimated watermark still goes to +Infinity', async () => {
    const p = new Pipeline();
    const values = [
      { id: 'a', at: sec(10) },
      { id: 'b', at: sec(3600) },
    ];
    const grouped = p
      .apply(
        read(
          new (class implements Source<{ id: string; at: number }> {
            readonly bounded = true;
            readonly description = 'two events';
            open(): SourceReader<{ id: string; at: number }> {
              let done = false;
              return {
                read: () => {
                  if (done) return EMPTY_BATCH;
                  done = true;
                  return { values, timestamps: [0, 0] };
                },
                watermark: () => (done ? WATERMARK_DONE : WATERMARK_START),
                close() {},
              };
            }
          })(),
        ),
      )
      .apply(withTimestamps((e: { id: string; at: number }) => e.at, { watermark: boundedOutOfOrderness(minutes(120)) }))
      .apply(windowInto(MINUTE))
      .apply(mapToKV((e: { id: string; at: number }) => kv(e.id, 1), 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Combine'));
    const out = capture(grouped);
    const result = await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      out
        .values()
        .map((x) => x.key)
        .sort(),
      ['a', 'b'],
    );
    assert.equal(result.steps['WithTimestamps'].outputWatermark, WATERMARK_DONE);
  });
});

describe('the late output', () => {
  it('an element behind an expired window carries its window, the watermark, the reason and the step', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(90))
      .addElements(el('k', 7, 30))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const grouped = sumPerKey(p.apply(testStream(s)));
    const late = capture(lateElementsOf(grouped));
    const result = await runPipeline(p, { clock: new ManualClock(0) });
    assert.equal(late.elements.length, 1);
    const [l] = late.elements;
    const expected: LateElement<Input<number>> = {
      value: kv('k', 7),
      timestamp: sec(30),
      windowStart: sec(0),
      windowEnd: sec(60),
      watermark: sec(90),
      reason: 'expired',
      step: 'Combine',
    };
    assert.deepEqual(l.value, expected);
    assert.equal(l.timestamp, sec(30), 'the late record keeps the element’s timestamp');
    assert.deepEqual(l.window, GLOBAL_WINDOW, 'the late output is globally windowed');
    assert.equal(result.lateDropped, 1);
    assert.equal(result.steps['Combine'].lateDropped, 1);
  });

  it('an element for a window whose trigger has finished is refused as closed_window, even within lateness', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(90))
      .addElements(el('k', 7, 30))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const grouped = sumPerKey(p.apply(testStream(s)), { trigger: afterWatermark(), allowedLatenessMs: minutes(10) });
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, e.pane.timing, e.pane.isLast]),
      [[1, 'ON_TIME', true]],
    );
    assert.deepEqual(
      late.values().map((l) => [l.value.value, l.reason, rel(l.watermark), rel(l.windowStart), rel(l.windowEnd), l.step]),
      [[7, 'closed_window', 90, 0, 60, 'Combine']],
    );
  });

  it('an element behind the watermark but within allowed lateness is not in the late output', async () => {
    const s = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(90))
      .addElements(el('k', 7, 30))
      .advanceWatermarkToInfinity();
    const { rows, late, result } = await runGrouping(s, MINUTE, { allowedLatenessMs: minutes(1) }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing]),
      [
        [1, 'ON_TIME'],
        [7, 'LATE'],
      ],
    );
    assert.equal(late.length, 0);
    assert.equal(result.lateDropped, 0);
  });

  it('lateness is judged by window, not by element: allowed lateness ends at window end + lateness exactly', async () => {
    // Window [0, 60) with 30 s lateness expires once the watermark passes 59.999 + 30 = 89.999 s.
    const s = TestStream.create<Input<number>>()
      .advanceWatermarkTo(sec(89.999))
      .addElements(el('k', 1, 0))
      .advanceWatermarkTo(sec(90))
      .addElements(el('k', 2, 59.999))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(s, MINUTE, { allowedLatenessMs: seconds(30) }, sum());
    assert.deepEqual(
      rows.map((r) => [r.value, r.timing]),
      [[1, 'LATE']],
    );
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason, rel(l.watermark)]),
      [[2, 'expired', 90]],
    );
  });
});

describe('draining via AbortSignal', () => {
  /** Never ends: element n has timestamp T0 + 10 s·n and the watermark trails the newest element by 30 s. */
  class EndlessSource implements Source<Input<number>> {
    readonly bounded = false;
    readonly description = 'endless';
    reads = 0;
    closed = false;
    constructor(private readonly yieldToEventLoop: boolean) {}
    open(): SourceReader<Input<number>> {
      let n = 0;
      return {
        read: async (): Promise<ReadBatch<Input<number>>> => {
          this.reads++;
          if (this.yieldToEventLoop) await new Promise<void>((r) => setImmediate(r));
          const t = sec(10 * n++);
          return { values: [kv('k', 1)], timestamps: [t] };
        },
        watermark: () => (n === 0 ? WATERMARK_START : sec(10 * (n - 1) - 30)),
        close: () => {
          this.closed = true;
        },
      };
    }
  }

  it('abort after 20 bundles: every open window fires, nothing is lost, the run resolves', async () => {
    const source = new EndlessSource(false);
    const controller = new AbortController();
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source))));
    const result = await runPipeline(p, {
      clock: new ManualClock(0),
      signal: controller.signal,
      onBundle: (progress) => {
        if (progress.bundles === 20) controller.abort();
      },
    });
    assert.equal(result.elementsRead, 20);
    // Elements at 0, 10, ..., 190 s; the watermark had reached 160 s: [0, 60) and [60, 120) fired on
    // their own, [120, 180) and [180, 240) fire because of the drain.
    assert.deepEqual(
      out.elements.map((e) => [rel(e.window.start), e.value.value, e.pane.timing, e.pane.isLast]),
      [
        [0, 6, 'ON_TIME', true],
        [60, 6, 'ON_TIME', true],
        [120, 6, 'ON_TIME', true],
        [180, 2, 'ON_TIME', true],
      ],
    );
    assert.equal(source.closed, true);
    for (const [name, m] of Object.entries(result.steps)) assert.equal(m.outputWatermark, WATERMARK_DONE, `step ${name}`);
  });

  it('abort from a timer while the source keeps producing: the run resolves and every element read is in a pane', async () => {
    const source = new EndlessSource(true);
    const controller = new AbortController();
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source))));
    setTimeout(() => controller.abort(), 30);
    const result = await runPipeline(p, { clock: new ManualClock(0), signal: controller.signal });
    assert.ok(result.elementsRead > 0);
    assert.equal(
      out.values().reduce((n, x) => n + x.value, 0),
      result.elementsRead,
    );
    assert.equal(result.lateDropped, 0);
  });

  it('a signal already aborted before the run: nothing is read and the run resolves', async () => {
    const source = new EndlessSource(false);
    const controller = new AbortController();
    controller.abort();
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source))));
    const result = await runPipeline(p, { clock: new ManualClock(0), signal: controller.signal });
    assert.equal(source.reads, 0);
    assert.equal(result.elementsRead, 0);
    assert.deepEqual(out.values(), []);
  });

  it('draining fires an open window with lateness as its ON_TIME and final pane (nothing more can come)', async () => {
    const source = new EndlessSource(false);
    const controller = new AbortController();
    const p = new Pipeline();
    const out = capture(sumPerKey(p.apply(read(source)), { allowedLatenessMs: minutes(10) }));
    await runPipeline(p, {
      clock: new ManualClock(0),
      signal: controller.signal,
      onBundle: (progress) => {
        if (progress.bundles === 3) controller.abort();
      },
    });
    assert.deepEqual(
      out.elements.map((e) => [rel(e.window.start), e.value.value, e.pane.timing, e.pane.isLast]),
      [[0, 3, 'ON_TIME', true]],
    );
  });
});
