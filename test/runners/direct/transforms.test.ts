/**
 * Element-wise transforms, ParDo lifecycle and outputs, errors, flatten, side inputs and combine fns
 * on the direct runner. Times are seconds from T0 = 2026-03-01T09:00:00Z.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../sdk/clock';
import { combineFn, count, max, mean, min, sum, toList, topK } from '../../../sdk/combine_fns';
import { type DoFn, type FinishBundleContext, type ProcessContext } from '../../../sdk/do_fn';
import { PipelineConstructionError } from '../../../sdk/errors';
import { type KV, kv } from '../../../sdk/kv';
import { type PCollection } from '../../../sdk/pcollection';
import { Pipeline } from '../../../sdk/pipeline';
import { composite } from '../../../sdk/ptransform';
import { asList, asMap, asMultimap, asSingleton } from '../../../sdk/side_inputs';
import { TestStream, capture, testStream, tv } from '../../../sdk/testing';
import { MIN_TIMESTAMP, type Instant, WATERMARK_DONE, minutes } from '../../../sdk/time';
import { repeatedly, afterCount } from '../../../sdk/triggers';
import { combineGlobally } from '../../../sdk/transforms/combine_globally';
import {
  filter,
  flatMap,
  keyBy,
  keys,
  map,
  mapToKV,
  parDo,
  parDoWithOutputs,
  values,
} from '../../../sdk/transforms/element_wise';
import { flattenAll } from '../../../sdk/transforms/flatten';
import { combinePerKey, groupByKey, lateElementsOf } from '../../../sdk/transforms/group';
import { InMemorySource, create, read } from '../../../sdk/transforms/read';
import { windowInto } from '../../../sdk/transforms/window_into';
import { withTimestamps } from '../../../sdk/transforms/with_timestamps';
import { GLOBAL_WINDOW, type Window } from '../../../sdk/window';
import { fixedWindows, globalWindows, sessions } from '../../../sdk/window_fns';
import { StepFailedError, runPipeline } from '../../../runners/direct';
import { type Input, T0, el, rel, runGrouping, sec } from './grouping_harness';
import { ScriptedSource } from './scripted_source';

const MINUTE = fixedWindows(minutes(1));
const clock = () => new ManualClock(0);

function rejectsWithStep(promise: Promise<unknown>, step: string, message: RegExp) {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof StepFailedError, `expected StepFailedError, got ${String(e)}`);
    assert.equal(e.stepName, step);
    assert.match(e.message, new RegExp(`^step '${step.replace(/[()]/g, '\\$&')}' failed: `));
    assert.match(e.message, message);
    return true;
  });
}

describe('ParDo lifecycle', () => {
  class LifecycleFn implements DoFn<string, string> {
    readonly log: string[] = [];
    constructor(private readonly failOn?: string) {}
    async setup(): Promise<void> {
      await new Promise<void>((r) => setImmediate(r));
      this.log.push('setup');
    }
    startBundle(): void {
      this.log.push('start');
    }
    process(x: string, ctx: ProcessContext<string>): void {
      if (this.log[0] !== 'setup') throw new Error('process before setup finished');
      if (x === this.failOn) throw new Error(`cannot handle '${x}'`);
      this.log.push(`process:${x}`);
      ctx.output(x.toUpperCase());
    }
    finishBundle(): void {
      this.log.push('finish');
    }
    teardown(): void {
      this.log.push('teardown');
    }
  }

  it('setup once (awaited), startBundle/finishBundle around every bundle, teardown once at the end', async () => {
    const fn = new LifecycleFn();
    const s = TestStream.create<string>()
      .addElements(tv('a', sec(1)), tv('b', sec(2)))
      .advanceWatermarkTo(sec(30))
      .addElements(tv('c', sec(40)))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const out = capture(p.apply(testStream(s)).apply(parDo(fn, {}, 'Upper')));
    const result = await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values(), ['A', 'B', 'C']);
    const log = fn.log;
    assert.equal(log[0], 'setup');
    assert.equal(log[log.length - 1], 'teardown');
    assert.equal(log.filter((x) => x === 'setup').length, 1);
    assert.equal(log.filter((x) => x === 'teardown').length, 1);
    // Between setup and teardown: (start process* finish)+, one pair per bundle.
    const body = log.slice(1, -1).join(' ');
    assert.match(body, /^(start( process:\w)* finish ?)+$/);
    assert.equal(log.filter((x) => x === 'start').length, result.bundles);
    assert.equal(log.filter((x) => x === 'finish').length, result.bundles);
    assert.match(body, /start process:a process:b finish/, 'one TestStream event is one bundle');
  });

  it('teardown runs once even when the pipeline fails, for the failing DoFn and the others', async () => {
    const upstream = new LifecycleFn();
    const failing = new LifecycleFn('boom');
    const p = new Pipeline();
    p.apply(create(['ok', 'boom', 'never']))
      .apply(parDo(upstream, {}, 'First'))
      .apply(map((x: string) => x.toLowerCase(), 'Lower'))
      .apply(parDo(failing, {}, 'Explode'));
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Explode', /cannot handle 'boom'/);
    assert.equal(failing.log.filter((x) => x === 'teardown').length, 1);
    assert.equal(upstream.log.filter((x) => x === 'teardown').length, 1);
    assert.ok(!failing.log.includes('process:never'), 'processing stops at the failure');
  });

  it('an error in process surfaces as StepFailedError naming the step, with the original error as cause', async () => {
    const original = new TypeError('bad payload');
    const p = new Pipeline();
    p.apply(create([1, 2])).apply(
      composite('Parse', (pc: PCollection<number>) =>
        pc.apply(
          map((x: number) => {
            if (x === 2) throw original;
            return x;
          }, 'Decode'),
        ),
      ),
    );
    await assert.rejects(runPipeline(p, { clock: clock() }), (e: unknown) => {
      assert.ok(e instanceof StepFailedError);
      assert.equal(e.stepName, 'Parse/Decode');
      assert.equal(e.message, "step 'Parse/Decode' failed: bad payload");
      assert.equal(e.cause, original);
      return true;
    });
  });

  it('an error in an async finishBundle surfaces as StepFailedError naming the step', async () => {
    const p = new Pipeline();
    p.apply(create([1])).apply(
      parDo<number, number>(
        {
          process() {},
          async finishBundle() {
            await new Promise<void>((r) => setImmediate(r));
            throw new Error('flush failed');
          },
        },
        {},
        'Flush',
      ),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Flush', /flush failed/);
  });

  it('an error in setup fails the run with StepFailedError naming the step', async () => {
    const p = new Pipeline();
    p.apply(create([1])).apply(
      parDo<number, number>(
        {
          setup() {
            throw new Error('no connection');
          },
          process() {},
        },
        {},
        'Connect',
      ),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Connect', /no connection/);
  });

  it('an error in startBundle surfaces as StepFailedError naming the step', async () => {
    const p = new Pipeline();
    p.apply(create([1])).apply(
      parDo<number, number>(
        {
          startBundle() {
            throw new Error('no session');
          },
          process() {},
        },
        {},
        'Begin',
      ),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Begin', /no session/);
  });

  it('a teardown that throws does not keep the other DoFns from being torn down', async () => {
    const other = new LifecycleFn();
    const p = new Pipeline();
    p.apply(create(['a']))
      .apply(
        parDo<string, string>(
          {
            process: (x, ctx) => ctx.output(x),
            teardown() {
              throw new Error('close failed');
            },
          },
          {},
          'BadTeardown',
        ),
      )
      .apply(parDo(other, {}, 'Other'));
    const error = await runPipeline(p, { clock: clock() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.deepEqual(
      {
        error: error instanceof StepFailedError ? [error.name, error.stepName] : String(error),
        otherTornDown: other.log.filter((x) => x === 'teardown').length,
      },
      { error: ['StepFailedError', 'BadTeardown'], otherTornDown: 1 },
    );
  });

  it('an error inside a combine fn names the grouping step', async () => {
    const p = new Pipeline();
    p.apply(create([1, 2]))
      .apply(keyBy(() => 'k', 'Key'))
      .apply(
        combinePerKey<string, number, number, number>(
          combineFn({
            name: 'picky',
            createAccumulator: () => 0,
            addInput: (a, x) => {
              if (x === 2) throw new Error('no twos');
              return a + x;
            },
            mergeAccumulators: (as) => as.reduce((a, b) => a + b, 0),
            extractOutput: (a) => a,
          }),
          'Picky',
        ),
      );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Picky', /no twos/);
  });

  it('an error thrown by a source reader surfaces as StepFailedError naming the read step', async () => {
    const p = new Pipeline();
    p.apply(
      read(
        {
          bounded: false,
          description: 'broken queue',
          open: () => ({
            read: () => {
              throw new Error('connection reset');
            },
            watermark: () => Number.NEGATIVE_INFINITY,
            close() {},
          }),
        },
        'ReadQueue',
      ),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'ReadQueue', /connection reset/);
  });

  it('a timestamp function that returns NaN fails its step with a clear message', async () => {
    const p = new Pipeline();
    p.apply(create(['2026-03-01T09:00:00Z', 'not a date'])).apply(withTimestamps((s: string) => Date.parse(s), {}, 'Stamp'));
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Stamp', /timestamp NaN is not a valid instant/);
  });
});

describe('asynchronous finishBundle', () => {
  /** Buffers every element in process and emits them, with their timestamp and window, from an async finishBundle. */
  class BufferingFn<T> implements DoFn<T, T> {
    private buffer: { value: T; timestamp: Instant; window: Window }[] = [];
    flushed = 0;
    process(value: T, ctx: ProcessContext<T>): void {
      this.buffer.push({ value, timestamp: ctx.timestamp, window: ctx.window });
    }
    async finishBundle(ctx: FinishBundleContext<T>): Promise<void> {
      const batch = this.buffer;
      this.buffer = [];
      await new Promise<void>((r) => setTimeout(r, 1));
      for (const b of batch) ctx.output(b.value, b.timestamp, b.window);
      this.flushed += batch.length;
    }
  }

  it('elements flushed in finishBundle reach a downstream window before the watermark that closes it', async () => {
    // One read brings both the elements and a watermark past their window: the flush must land first.
    const source = new ScriptedSource<Input<number>>([
      {
        elements: [
          { value: kv('k', 1), timestamp: sec(10) },
          { value: kv('k', 2), timestamp: sec(20) },
        ],
        watermark: sec(120),
      },
      { elements: [{ value: kv('k', 4), timestamp: sec(130) }], watermark: sec(300) },
    ]);
    const buffering = new BufferingFn<Input<number>>();
    const p = new Pipeline();
    const grouped = p
      .apply(read(source))
      .apply(windowInto(MINUTE))
      .apply(parDo(buffering, {}, 'Buffer'))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Sum'));
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, rel(e.window.start), e.pane.timing]),
      [
        [3, 0, 'ON_TIME'],
        [4, 120, 'ON_TIME'],
      ],
    );
    assert.deepEqual(late.values(), []);
    assert.equal(buffering.flushed, 3);
  });

  it('elements a side input held back and then released reach a downstream buffering step before the watermark passes their window', async () => {
    // The main element arrives before the (global) side input exists, so it waits. The side input
    // arrives and ends in the same read in which the main watermark passes the element's window.
    const main = new ScriptedSource<Input<number>>([
      { elements: [{ value: kv('k', 5), timestamp: sec(10) }], watermark: sec(0) },
      { watermark: sec(120) },
      { watermark: sec(120) },
    ]);
    const side = new ScriptedSource<number>([
      { watermark: sec(0) },
      { elements: [{ value: 100, timestamp: sec(0) }], watermark: sec(0) },
    ]);
    const p = new Pipeline();
    const m = p.apply(read(main, 'Main')).apply(windowInto(MINUTE, {}, 'Window'));
    const bonus = asSingleton(p.apply(read(side, 'Side')));
    const buffering = new BufferingFn<Input<number>>();
    const grouped = m
      .apply(
        parDo<Input<number>, Input<number>>(
          { process: (x, ctx) => ctx.output(kv(x.key, x.value + ctx.sideInput(bonus))) },
          { sideInputs: [bonus] },
          'AddBonus',
        ),
      )
      .apply(parDo(buffering, {}, 'Buffer'))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Sum'));
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      {
        panes: out.elements.map((e) => [e.value.value, rel(e.window.start), e.pane.timing]),
        late: late.values().map((l) => [l.value.value, l.reason]),
      },
      { panes: [[105, 0, 'ON_TIME']], late: [] },
    );
  });

  it('a DoFn that reads a side input and buffers: elements released from waiting are flushed before the watermark passes their window', async () => {
    const main = new ScriptedSource<Input<number>>([
      { elements: [{ value: kv('k', 5), timestamp: sec(10) }], watermark: sec(0) },
      { watermark: sec(120) },
      { watermark: sec(120) },
    ]);
    const side = new ScriptedSource<number>([
      { watermark: sec(0) },
      { elements: [{ value: 100, timestamp: sec(0) }], watermark: WATERMARK_DONE },
    ]);
    const p = new Pipeline();
    const bonus = asSingleton(p.apply(read(side, 'Side')));
    class AddBonusBuffered implements DoFn<Input<number>, Input<number>> {
      private buffer: { value: Input<number>; timestamp: Instant; window: Window }[] = [];
      process(x: Input<number>, ctx: ProcessContext<Input<number>>): void {
        this.buffer.push({ value: kv(x.key, x.value + ctx.sideInput(bonus)), timestamp: ctx.timestamp, window: ctx.window });
      }
      async finishBundle(ctx: FinishBundleContext<Input<number>>): Promise<void> {
        await new Promise<void>((r) => setImmediate(r));
        for (const b of this.buffer.splice(0)) ctx.output(b.value, b.timestamp, b.window);
      }
    }
    const grouped = p
      .apply(read(main, 'Main'))
      .apply(windowInto(MINUTE, {}, 'Window'))
      .apply(parDo(new AddBonusBuffered(), { sideInputs: [bonus] }, 'AddBonusBuffered'))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Sum'));
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      {
        panes: out.elements.map((e) => [e.value.value, rel(e.window.start), e.pane.timing]),
        late: late.values().map((l) => [l.value.value, l.reason]),
      },
      { panes: [[105, 0, 'ON_TIME']], late: [] },
    );
  });

  it('a buffering DoFn that directly reads a held-back side input does not lose elements at the end of the run', async () => {
    // The side input arrives and ends in the same read as the main input ends: the held-back
    // element is processed in that last bundle, and its buffered output must still be flushed.
    const main = new ScriptedSource<number>([{ elements: [{ value: 1, timestamp: sec(10) }], watermark: sec(0) }]);
    const side = new ScriptedSource<number>([
      { watermark: sec(0) },
      { elements: [{ value: 100, timestamp: sec(0) }], watermark: WATERMARK_DONE },
    ]);
    const p = new Pipeline();
    const bonus = asSingleton(p.apply(read(side, 'Side')));
    const emitted: number[] = [];
    class BufferWithSide implements DoFn<number, number> {
      private buffer: number[] = [];
      process(x: number, ctx: ProcessContext<number>): void {
        this.buffer.push(x + ctx.sideInput(bonus));
      }
      async finishBundle(ctx: FinishBundleContext<number>): Promise<void> {
        await new Promise<void>((r) => setImmediate(r));
        for (const v of this.buffer.splice(0)) {
          emitted.push(v);
          ctx.output(v, sec(10), GLOBAL_WINDOW);
        }
      }
    }
    p.apply(read(main, 'Main')).apply(parDo(new BufferWithSide(), { sideInputs: [bonus] }, 'BufferWithSide'));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(emitted, [101]);
  });
});

describe('tagged outputs', () => {
  interface Parsed {
    readonly user: string;
    readonly amount: number;
  }
  interface Failure {
    readonly raw: string;
    readonly error: string;
  }

  it('parDoWithOutputs routes bad records to a dead-letter tag, keeping timestamps and windows', async () => {
    const raw = ['ann,3', 'garbage', 'bob,4', 'cy,x'];
    const p = new Pipeline();
    const outs = p
      .apply(create(raw, { timestamps: [sec(1), sec(2), sec(61), sec(62)] }))
      .apply(windowInto(MINUTE))
      .apply(
        parDoWithOutputs<string, Parsed, { dead_letter: Failure; audit: string }>(
          {
            process(line, ctx) {
              ctx.outputTo('audit', `seen ${line}`);
              const [user, amount] = line.split(',');
              const n = Number(amount);
              if (!user || amount === undefined || Number.isNaN(n))
                ctx.outputTo('dead_letter', { raw: line, error: 'unparseable' });
              else ctx.output({ user, amount: n });
            },
          },
          ['dead_letter', 'audit'],
          {},
          'Parse',
        ),
      );
    const good = capture(outs.main, 'Good');
    const dead = capture(outs.dead_letter, 'Dead');
    const audit = capture(outs.audit, 'Audit');
    const result = await runPipeline(p, { clock: clock() });
    assert.deepEqual(good.values(), [
      { user: 'ann', amount: 3 },
      { user: 'bob', amount: 4 },
    ]);
    assert.deepEqual(
      dead.elements.map((e) => [e.value.raw, rel(e.timestamp), rel(e.window.start)]),
      [
        ['garbage', 2, 0],
        ['cy,x', 62, 60],
      ],
    );
    assert.equal(audit.values().length, 4);
    assert.equal(outs.dead_letter.name, 'Parse.dead_letter');
    assert.deepEqual(result.steps['Parse'].outputs, { main: 2, dead_letter: 2, audit: 4 });
  });

  it('emitting to a tag that was not declared fails the step', async () => {
    const p = new Pipeline();
    p.apply(create([1])).apply(
      parDoWithOutputs<number, number, { errors: string }>(
        { process: (_x, ctx) => (ctx as unknown as ProcessContext<number, { other: string }>).outputTo('other', 'x') },
        ['errors'],
        {},
        'Route',
      ),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Route', /output tag 'other' was not declared/);
  });

  it('output with a timestamp earlier than its input fails the step (Beam’s default allowed timestamp skew is 0)', async () => {
    const p = new Pipeline();
    p.apply(create(['a'], { timestamps: [sec(30)] }))
      .apply(windowInto(MINUTE))
      .apply(parDo<string, string>({ process: (x, ctx) => ctx.output(x, ctx.timestamp - 5000) }, {}, 'Backdate'));
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Backdate', /timestamp/i);
  });

  it('output with an explicit timestamp re-stamps the element (same window)', async () => {
    const p = new Pipeline();
    const out = capture(
      p
        .apply(create(['a'], { timestamps: [sec(30)] }))
        .apply(windowInto(MINUTE))
        .apply(parDo<string, string>({ process: (x, ctx) => ctx.output(x, ctx.timestamp + 5000) }, {}, 'Shift')),
    );
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out.elements.map((e) => [e.value, rel(e.timestamp), rel(e.window.start), e.pane.timing]),
      [['a', 35, 0, 'UNKNOWN']],
    );
  });
});

describe('flatten', () => {
  it('the watermark of a flatten is the minimum of its inputs: a slow input’s data is not late', async () => {
    const fast = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const slow = TestStream.create<Input<number>>()
      .advanceWatermarkTo(sec(0))
      .advanceWatermarkTo(sec(0))
      .addElements(el('k', 2, 20))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const grouped = flattenAll([p.apply(testStream(fast, 'Fast')), p.apply(testStream(slow, 'Slow'))], 'Both')
      .apply(windowInto(MINUTE))
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Sum'));
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    const watermarks: number[] = [];
    const result = await runPipeline(p, { clock: clock(), onBundle: (pr) => watermarks.push(pr.watermark) });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, e.pane.timing]),
      [[3, 'ON_TIME']],
    );
    assert.deepEqual(late.values(), []);
    assert.equal(result.steps['Both'].outputWatermark, WATERMARK_DONE);
    assert.ok(watermarks.includes(sec(0)), 'the slow input held the minimum watermark at 0 while the fast one was at 2:00');
  });

  it('flatten of two bounded collections contains every element of both', async () => {
    const p = new Pipeline();
    const a = p.apply(create([1, 2], {}, 'A'));
    const b = p.apply(create([3], {}, 'B'));
    const out = capture(flattenAll([a, b]));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values().sort(), [1, 2, 3]);
  });

  it('flatten of the same collection twice contains each element twice (Beam Flatten is a bag union)', async () => {
    const p = new Pipeline();
    const a = p.apply(create(['x', 'y']));
    const out = capture(flattenAll([a, a], 'Twice'));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values().sort(), ['x', 'x', 'y', 'y']);
  });
});

describe('side inputs', () => {
  async function withSide<S>(
    sideView: (p: Pipeline) => import('../../../sdk/side_inputs').PCollectionView<S>,
    main: readonly number[] = [1],
  ) {
    const p = new Pipeline();
    const view = sideView(p);
    const out = capture(
      p
        .apply(create(main, {}, 'Main'))
        .apply(
          parDo<number, [number, S]>(
            { process: (x, ctx) => ctx.output([x, ctx.sideInput(view)]) },
            { sideInputs: [view] },
            'Read',
          ),
        ),
    );
    await runPipeline(p, { clock: clock() });
    return out.values();
  }

  it('singleton: the one value of a global combine', async () => {
    const got = await withSide(
      (p) => asSingleton(p.apply(create([1, 2, 3], {}, 'Side')).apply(combineGlobally(sum()))),
      [10, 20],
    );
    assert.deepEqual(got, [
      [10, 6],
      [20, 6],
    ]);
  });

  it('singleton with default: an empty side input gives the default', async () => {
    const got = await withSide((p) => asSingleton(p.apply(create<number>([], {}, 'Side')), { defaultValue: 42 }));
    assert.deepEqual(got, [[1, 42]]);
  });

  it('singleton without default on an empty side input fails the reading step', async () => {
    const p = new Pipeline();
    const view = asSingleton(p.apply(create<number>([], {}, 'Side')));
    p.apply(create([1], {}, 'Main')).apply(
      parDo<number, number>({ process: (x, ctx) => ctx.output(x + ctx.sideInput(view)) }, { sideInputs: [view] }, 'Read'),
    );
    await rejectsWithStep(
      runPipeline(p, { clock: clock() }),
      'Read',
      /singleton side input 'Side' is empty in this window and has no default/,
    );
  });

  it('list: every element of the side input', async () => {
    const got = await withSide((p) => asList(p.apply(create(['x', 'y', 'z'], {}, 'Side'))));
    assert.deepEqual(
      got.map(([m, l]) => [m, [...l].sort()]),
      [[1, ['x', 'y', 'z']]],
    );
  });

  it('map: key to value; a key seen twice keeps its latest value', async () => {
    const got = await withSide((p) =>
      asMap(
        p.apply(create([kv('a', 1), kv('b', 2), kv('a', 3)], {}, 'Side')).apply(mapToKV((x: KV<string, number>) => x, 'Keyed')),
      ),
    );
    assert.deepEqual([...got[0][1].entries()].sort(), [
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('multimap: key to every value', async () => {
    const got = await withSide((p) =>
      asMultimap(
        p.apply(create([kv('a', 1), kv('b', 2), kv('a', 3)], {}, 'Side')).apply(mapToKV((x: KV<string, number>) => x, 'Keyed')),
      ),
    );
    assert.deepEqual([...got[0][1].entries()].map(([k, v]) => [k, [...v].sort()]).sort(), [
      ['a', [1, 3]],
      ['b', [2]],
    ]);
  });

  it('a side input that is not declared in the ParDo’s options fails the step', async () => {
    const p = new Pipeline();
    const view = asList(p.apply(create([1], {}, 'Side')));
    p.apply(create([1], {}, 'Main')).apply(
      parDo<number, number>({ process: (x, ctx) => ctx.output(ctx.sideInput(view).length) }, {}, 'Undeclared'),
    );
    await rejectsWithStep(runPipeline(p, { clock: clock() }), 'Undeclared', /side input 'Side' was not declared/);
  });

  it('windowed side input: a main element waits until its side window is complete (side watermark past its end)', async () => {
    const side = TestStream.create<string>()
      .advanceWatermarkTo(sec(0))
      .addElements(tv('s1', sec(20)))
      .addElements(tv('s2', sec(30)))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkToInfinity();
    const main = TestStream.create<string>()
      .addElements(tv('m1', sec(10)), tv('m2', sec(70)))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const mainIn = p.apply(testStream(main, 'MainStream')).apply(windowInto(MINUTE, {}, 'MainWindows'));
    const view = asList(p.apply(testStream(side, 'SideStream')).apply(windowInto(MINUTE, {}, 'SideWindows')));
    const out = capture(
      mainIn.apply(
        parDo<string, string>(
          { process: (x, ctx) => ctx.output(`${x}:${[...ctx.sideInput(view)].sort().join('+')}`) },
          { sideInputs: [view] },
          'Join',
        ),
      ),
    );
    await runPipeline(p, { clock: clock() });
    // m1's side window [0, 60) holds s1 and s2; m2's side window [60, 120) never gets data and is empty.
    assert.deepEqual(out.values().sort(), ['m1:s1+s2', 'm2:']);
  });

  it('windowed side input: an element waiting for its side window holds back the ParDo’s output watermark', async () => {
    const side = TestStream.create<number>()
      .advanceWatermarkTo(sec(0))
      .advanceWatermarkTo(sec(0))
      .advanceWatermarkTo(sec(0))
      .advanceWatermarkTo(sec(200))
      .advanceWatermarkToInfinity();
    const main = TestStream.create<Input<number>>()
      .addElements(el('k', 1, 10))
      .advanceWatermarkTo(sec(120))
      .advanceWatermarkTo(sec(180))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const view = asList(p.apply(testStream(side, 'SideStream')).apply(windowInto(MINUTE, {}, 'SideWindows')));
    const grouped = p
      .apply(testStream(main, 'MainStream'))
      .apply(windowInto(MINUTE, {}, 'MainWindows'))
      .apply(
        parDo<Input<number>, Input<number>>(
          { process: (x, ctx) => ctx.output(kv(x.key, x.value + ctx.sideInput(view).length)) },
          { sideInputs: [view] },
          'Join',
        ),
      )
      .apply(mapToKV((x: Input<number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Sum'));
    const out = capture(grouped);
    const late = capture(lateElementsOf(grouped));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out.elements.map((e) => [e.value.value, e.pane.timing]),
      [[1, 'ON_TIME']],
    );
    assert.deepEqual(late.values(), []);
  });

  it('global side input from a bounded source read by an unbounded, windowed main input', async () => {
    const main = TestStream.create<string>()
      .addElements(tv('m1', sec(10)))
      .advanceWatermarkTo(sec(120))
      .addElements(tv('m2', sec(130)))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const mainIn = p.apply(testStream(main, 'MainStream')).apply(windowInto(MINUTE));
    const view = asList(p.apply(create(['x', 'y', 'z'], {}, 'Lookup')));
    const out = capture(
      mainIn.apply(
        parDo<string, string>(
          { process: (x, ctx) => ctx.output(`${x}:${[...ctx.sideInput(view)].sort().join('')}`) },
          { sideInputs: [view] },
          'Join',
        ),
      ),
    );
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values().sort(), ['m1:xyz', 'm2:xyz']);
  });

  it('global side input from a bounded source read over several bundles: the main element still sees all of it', async () => {
    const main = TestStream.create<string>()
      .addElements(tv('m1', sec(10)))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const mainIn = p.apply(testStream(main, 'MainStream'));
    const view = asList(p.apply(read(new InMemorySource(['v', 'w', 'x', 'y', 'z']), 'Lookup')));
    const out = capture(
      mainIn.apply(
        parDo<string, string>(
          { process: (x, ctx) => ctx.output(`${x}:${[...ctx.sideInput(view)].sort().join('')}`) },
          { sideInputs: [view] },
          'Join',
        ),
      ),
    );
    await runPipeline(p, { clock: clock(), maxBundleSize: 2 });
    assert.deepEqual(out.values(), ['m1:vwxyz']);
  });

  it('a triggered side input: the main input reads the latest pane', async () => {
    const side = TestStream.create<number>()
      .addElements(tv(1, sec(1)))
      .addElements(tv(2, sec(2)))
      .addElements(tv(4, sec(3)))
      .advanceWatermarkToInfinity();
    // One event per bundle, side stream read first: the main element arrives in the second bundle,
    // after the side's second pane (1 + 2 = 3) and before its third (7).
    const main = TestStream.create<string>()
      .advanceWatermarkTo(sec(0))
      .addElements(tv('m', sec(5)))
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const totals = p
      .apply(testStream(side, 'SideStream'))
      .apply(windowInto(globalWindows(), { trigger: repeatedly(afterCount(1)), accumulationMode: 'accumulating' }, 'Trigger'))
      .apply(combineGlobally(sum()));
    const view = asSingleton(totals);
    const out = capture(
      p
        .apply(testStream(main, 'MainStream'))
        .apply(
          parDo<string, string>(
            { process: (x, ctx) => ctx.output(`${x}:${ctx.sideInput(view)}`) },
            { sideInputs: [view] },
            'Join',
          ),
        ),
    );
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values(), ['m:3']);
  });
});

describe('combine fns', () => {
  const numbers = [3, 1, 4, 1, 5, 9, 2, 6];
  const values = numbers.map((n, i) => el('k', n, i));
  const one = async <A, O>(fn: import('../../../sdk/combine_fns').CombineFn<number, A, O>) => {
    const { rows } = await runGrouping({ values }, MINUTE, {}, fn);
    assert.equal(rows.length, 1);
    return rows[0].value;
  };

  it('sum, count, mean, min, max over one window', async () => {
    assert.equal(await one(sum()), 31);
    assert.equal(await one(count<number>()), 8);
    assert.equal(await one(mean()), 31 / 8);
    assert.equal(await one(min()), 1);
    assert.equal(await one(max()), 9);
  });

  it('topK keeps the k largest, descending', async () => {
    assert.deepEqual(await one(topK(3, (a: number, b: number) => a - b)), [9, 6, 5]);
    assert.deepEqual(await one(topK(20, (a: number, b: number) => a - b)), [9, 6, 5, 4, 3, 2, 1, 1]);
  });

  it('topK: ties keep arrival order', async () => {
    const players = [
      { name: 'ann', score: 5 },
      { name: 'bob', score: 7 },
      { name: 'cy', score: 5 },
      { name: 'dee', score: 5 },
    ];
    const { rows } = await runGrouping(
      { values: players.map((x, i) => el('k', x, i)) },
      MINUTE,
      {},
      topK(3, (a: (typeof players)[number], b: (typeof players)[number]) => a.score - b.score),
    );
    assert.deepEqual(
      rows[0].value.map((x) => x.name),
      ['bob', 'ann', 'cy'],
    );
  });

  it('toList collects every value of the window', async () => {
    assert.deepEqual([...(await one(toList<number>()))].sort(), [...numbers].sort());
  });

  it('a custom combine fn (distinct count with a Set accumulator)', async () => {
    const distinct = combineFn<number, Set<number>, number>({
      name: 'distinct',
      createAccumulator: () => new Set(),
      addInput: (a, x) => a.add(x),
      mergeAccumulators: (as) => {
        const out = new Set<number>();
        for (const a of as) for (const x of a) out.add(x);
        return out;
      },
      extractOutput: (a) => a.size,
    });
    assert.equal(await one(distinct), 7);
  });

  it('mean over merging session windows merges accumulators correctly', async () => {
    const vals = [el('k', 2, 0), el('k', 4, 500), el('k', 9, 250)];
    const { rows } = await runGrouping({ values: vals }, sessions(minutes(5)), {}, mean());
    assert.deepEqual(
      rows.map((r) => [r.value, r.start, r.end]),
      [[5, 0, 800]],
    );
  });

  it('min and max keep per-window results apart', async () => {
    const vals = [el('k', 5, 1), el('k', -2, 2), el('k', 7, 61), el('k', 3, 62)];
    const mins = await runGrouping({ values: vals }, MINUTE, {}, min());
    const maxs = await runGrouping({ values: vals }, MINUTE, {}, max());
    assert.deepEqual(
      mins.rows.map((r) => [r.start, r.value]),
      [
        [0, -2],
        [60, 3],
      ],
    );
    assert.deepEqual(
      maxs.rows.map((r) => [r.start, r.value]),
      [
        [0, 5],
        [60, 7],
      ],
    );
  });

  it('combineGlobally: one value per window, no key', async () => {
    const p = new Pipeline();
    const out = capture(
      p
        .apply(create([1, 2, 4, 8], { timestamps: [sec(1), sec(2), sec(61), sec(62)] }))
        .apply(windowInto(MINUTE))
        .apply(combineGlobally(sum())),
    );
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out.elements.map((e) => [e.value, rel(e.window.start), e.pane.timing]),
      [
        [3, 0, 'ON_TIME'],
        [12, 60, 'ON_TIME'],
      ],
    );
  });

  it('combineGlobally of an empty input emits nothing (withoutDefaults, as documented)', async () => {
    const p = new Pipeline();
    const out = capture(p.apply(create<number>([])).apply(combineGlobally(sum())));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(out.values(), []);
  });

  it('two combineGlobally of the same fn get distinct step names', async () => {
    const p = new Pipeline();
    const input = p.apply(create([1, 2]));
    const a = capture(input.apply(combineGlobally(sum())), 'A');
    const b = capture(input.apply(combineGlobally(sum())), 'B');
    await runPipeline(p, { clock: clock() });
    assert.deepEqual([a.values(), b.values()], [[3], [3]]);
    assert.ok(p.steps.some((s) => s.name === 'CombineGlobally(sum)2/Combine'));
  });
});

describe('element-wise transforms', () => {
  it('keyBy, values and keys', async () => {
    const p = new Pipeline();
    const keyed = p.apply(create(['apple', 'fig', 'kiwi', 'pear'])).apply(keyBy((w: string) => w.length, 'ByLength'));
    const ks = capture(keyed.apply(keys<number, string>()));
    const vs = capture(keyed.apply(values<number, string>()));
    const pairs = capture(keyed, 'Pairs');
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(pairs.values(), [kv(5, 'apple'), kv(3, 'fig'), kv(4, 'kiwi'), kv(4, 'pear')]);
    assert.deepEqual(ks.values(), [5, 3, 4, 4]);
    assert.deepEqual(vs.values(), ['apple', 'fig', 'kiwi', 'pear']);
    assert.equal(keyed.keyed, true);
  });

  it('map, flatMap and filter keep each element’s timestamp and window', async () => {
    const p = new Pipeline();
    const out = capture(
      p
        .apply(create(['a b', 'c'], { timestamps: [sec(5), sec(65)] }))
        .apply(windowInto(MINUTE))
        .apply(flatMap((s: string) => s.split(' ')))
        .apply(filter((w: string) => w !== 'b'))
        .apply(map((w: string) => w.toUpperCase())),
    );
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out.elements.map((e) => [e.value, rel(e.timestamp), rel(e.window.start)]),
      [
        ['A', 5, 0],
        ['C', 65, 60],
      ],
    );
  });

  it('grouping keys that are objects are equal by value, whatever the property order', async () => {
    const p = new Pipeline();
    const events = [
      { key: { user: 'ann', region: 'eu' }, n: 1 },
      { key: { region: 'eu', user: 'ann' }, n: 2 },
      { key: { user: 'ann', region: 'us' }, n: 4 },
      { key: { user: 'ann', region: 'eu' }, n: 8 },
    ];
    const grouped = p
      .apply(create(events))
      .apply(mapToKV((e: (typeof events)[number]) => kv(e.key as { user: string; region: string }, e.n), 'ByUserRegion'))
      .apply(combinePerKey<{ user: string; region: string }, number, number, number>(sum()));
    const out = capture(grouped);
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out
        .values()
        .map((x) => [x.key.user, x.key.region, x.value])
        .sort(),
      [
        ['ann', 'eu', 11],
        ['ann', 'us', 4],
      ],
    );
  });

  it('array keys group by value; the number 1 and the string "1" are different keys; null is a key', async () => {
    const p = new Pipeline();
    const pairs: KV<unknown, number>[] = [
      kv([1, 2], 1),
      kv([1, 2], 2),
      kv([2, 1], 4),
      kv(1, 8),
      kv('1', 16),
      kv(null, 32),
      kv(null, 64),
    ];
    const grouped = p
      .apply(create(pairs))
      .apply(mapToKV((x: KV<unknown, number>) => x, 'Keyed'))
      .apply(groupByKey<unknown, number>());
    const out = capture(grouped);
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      out
        .values()
        .map((x) => [JSON.stringify(x.key), [...x.value].sort((a, b) => a - b)])
        .sort(),
      [
        ['"1"', [16]],
        ['1', [8]],
        ['[1,2]', [1, 2]],
        ['[2,1]', [4]],
        ['null', [32, 64]],
      ],
    );
  });

  it('create with timestamps stamps each element; without them every element is at MIN_TIMESTAMP', async () => {
    const p = new Pipeline();
    const stamped = capture(p.apply(create(['a', 'b'], { timestamps: [T0, T0 - 1] }, 'Stamped')));
    const plain = capture(p.apply(create(['c'], {}, 'Plain')));
    await runPipeline(p, { clock: clock() });
    assert.deepEqual(
      stamped.elements.map((e) => [e.value, e.timestamp]),
      [
        ['a', T0],
        ['b', T0 - 1],
      ],
    );
    assert.deepEqual(
      plain.elements.map((e) => [e.value, e.timestamp]),
      [['c', MIN_TIMESTAMP]],
    );
  });

  it('create with a different number of timestamps than values is a construction error', () => {
    assert.throws(
      () => create([1, 2], { timestamps: [T0] }),
      (e: unknown) => e instanceof PipelineConstructionError && /2 values but 1 timestamps/.test(e.message),
    );
  });
});
