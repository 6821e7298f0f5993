/**
 * Spilling keys at rest of global-window groupings: results are the same with spilling on (threshold 0: every key
 * at rest leaves memory at once) and off, a spilled key resumes exactly, a spilled closed window still refuses data,
 * memory holds at most the threshold of resting keys, the spill folder is removed after a run (good or failed), and
 * a run crashed and resumed from checkpoints taken while keys were spilled equals an uninterrupted one.
 *
 * Times are offsets from T0 = 2026-03-01T09:00:00Z; processing time is a ManualClock moved by TestStream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { ManualClock } from '../../../sdk/clock';
import { type CombineFn, combineFn, sum } from '../../../sdk/combine_fns';
import { type DoFn, type ProcessContext } from '../../../sdk/do_fn';
import { type KV, encodeKey, kv } from '../../../sdk/kv';
import { Pipeline } from '../../../sdk/pipeline';
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceContext, type SourceReader } from '../../../sdk/source';
import { TestStream, capture, testStream, tv } from '../../../sdk/testing';
import { type Instant, WATERMARK_DONE, WATERMARK_START, seconds } from '../../../sdk/time';
import { mapToKV, parDo } from '../../../sdk/transforms/element_wise';
import { combinePerKey, lateElementsOf } from '../../../sdk/transforms/group';
import { read } from '../../../sdk/transforms/read';
import { windowInto } from '../../../sdk/transforms/window_into';
import {
  type Trigger,
  afterCount,
  afterEach as inSequence,
  afterFirst,
  afterProcessingTime,
  repeatedly,
} from '../../../sdk/triggers';
import { GLOBAL_WINDOW } from '../../../sdk/window';
import { fixedWindows, globalWindows } from '../../../sdk/window_fns';
import { type AccumulationMode, type TimestampCombiner, type WindowingOptions } from '../../../sdk/windowing_strategy';
import {
  type Checkpoint,
  type CheckpointStore,
  type PipelineResult,
  type RunProgress,
  type SpillOptions,
  StepFailedError,
  runPipeline,
} from '../../../runners/direct';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const sec = (s: number): Instant => T0 + s * 1000;

let spillDir: string;
beforeEach(() => {
  spillDir = mkdtempSync(join(tmpdir(), 'spill-test-'));
});
afterEach(() => {
  rmSync(spillDir, { recursive: true, force: true });
});

/** Ids of a pane, sorted, with their total: an object accumulator with an array inside, as features have. */
const idsAndTotal = (): CombineFn<number, { ids: number[]; total: number }, string> =>
  combineFn<number, { ids: number[]; total: number }, string>({
    name: 'idsAndTotal',
    createAccumulator: () => ({ ids: [], total: 0 }),
    addInput: (a, x) => {
      a.ids.push(x);
      a.total += x;
      return a;
    },
    mergeAccumulators: (as) => ({ ids: as.flatMap((a) => a.ids), total: as.reduce((n, a) => n + a.total, 0) }),
    extractOutput: (a) => `${[...a.ids].sort((x, y) => x - y).join(',')}=${a.total}`,
  });

interface Pane {
  readonly key: unknown;
  readonly value: unknown;
  readonly timing: string;
  readonly index: number;
  readonly nonSpeculativeIndex: number;
  readonly isFirst: boolean;
  readonly isLast: boolean;
  /** Output timestamp in seconds from T0 (the global window's end is a large number). */
  readonly ts: number;
}

interface GlobalRun {
  readonly panes: Pane[];
  readonly late: { key: unknown; value: number; reason: string }[];
  readonly result: PipelineResult;
  readonly progress: { restingKeys: number; spilledKeys: number; openWindows: number; folders: number }[];
}

/** A stable, type-aware name for a key, to sort panes of any key type (1 and "1" differ). */
const keyName = (k: unknown) => `${typeof k}:${String(encodeKey(k))}`;

/** Panes by key, then pane index: order across keys is not a promise of the runner, order within a key is. */
const byKeyThenIndex = (a: Pane, b: Pane) => {
  const ka = keyName(a.key);
  const kb = keyName(b.key);
  return ka < kb ? -1 : ka > kb ? 1 : a.index - b.index;
};

async function runGlobal<K, O>(
  stream: TestStream<KV<K, number>>,
  options: WindowingOptions,
  fn: CombineFn<number, unknown, O>,
  spill: SpillOptions | false,
): Promise<GlobalRun> {
  const p = new Pipeline();
  const grouped = p
    .apply(testStream(stream))
    .apply(windowInto(globalWindows(), options))
    .apply(mapToKV((x: KV<K, number>) => x, 'Keyed'))
    .apply(combinePerKey<K, number, unknown, O>(fn, 'Combine'));
  const out = capture(grouped);
  const late = capture(lateElementsOf(grouped));
  const progress: GlobalRun['progress'] = [];
  const onBundle = (p: RunProgress) => {
    const m = p.step('Combine');
    progress.push({
      restingKeys: m?.restingKeys ?? -1,
      spilledKeys: m?.spilledKeys ?? -1,
      openWindows: m?.openWindows ?? -1,
      folders: readdirSync(spillDir).length,
    });
  };
  const result = await runPipeline(p, { clock: new ManualClock(0), spill, onBundle });
  return {
    panes: out.elements.map((e) => ({
      key: e.value.key,
      value: e.value.value,
      timing: e.pane.timing,
      index: e.pane.index,
      nonSpeculativeIndex: e.pane.nonSpeculativeIndex,
      isFirst: e.pane.isFirst,
      isLast: e.pane.isLast,
      ts: (e.timestamp - T0) / 1000,
    })),
    late: late.elements.map((e) => ({ key: e.value.value.key, value: e.value.value.value, reason: e.value.reason })),
    result,
    progress,
  };
}

const spillAll = (): SpillOptions => ({ dir: spillDir, afterRestingKeys: 0 });

type StreamEvent<K> =
  | { readonly kind: 'elements'; readonly elements: { key: K; second: number }[] }
  | { readonly kind: 'processingTime'; readonly seconds: number }
  | { readonly kind: 'watermark'; readonly second: number };

/** Random streams: bursts of elements (ids in arrival order are their values), processing time and watermark moves. */
function streamsOf<K>(keys: fc.Arbitrary<K>): fc.Arbitrary<StreamEvent<K>[]> {
  return fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('elements' as const),
          elements: fc.array(fc.record({ key: keys, second: fc.integer({ min: 0, max: 600 }) }), { minLength: 1, maxLength: 4 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant('processingTime' as const), seconds: fc.integer({ min: 1, max: 40 }) }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('watermark' as const), second: fc.integer({ min: 0, max: 600 }) }) },
    ),
    { minLength: 1, maxLength: 30, size: 'large' },
  );
}

function toTestStream<K>(events: readonly StreamEvent<K>[]): () => TestStream<KV<K, number>> {
  return () => {
    const s = TestStream.create<KV<K, number>>();
    let id = 0;
    let watermark = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      if (e.kind === 'elements') s.addElements(...e.elements.map((x) => tv(kv(x.key, ++id), sec(x.second))));
      else if (e.kind === 'processingTime') s.advanceProcessingTime(seconds(e.seconds));
      else if (sec(e.second) >= watermark) {
        watermark = sec(e.second);
        s.advanceWatermarkTo(watermark);
      }
    }
    return s.advanceWatermarkToInfinity();
  };
}

function assertSameRuns(off: GlobalRun, on: GlobalRun): void {
  assert.deepEqual([...on.panes].sort(byKeyThenIndex), [...off.panes].sort(byKeyThenIndex));
  assert.deepEqual(on.late, off.late);
  assert.equal(on.result.steps.Combine.openWindows, 0);
  assert.equal(on.result.steps.Combine.spilledKeys, 0);
}

describe('spilling keys at rest of global-window groupings', () => {
  it('property: repeatedly(afterProcessingTime) accumulating, any timestamp combiner: the same panes with every resting key spilled as without spilling, final pane at the end included', async () => {
    let spills = 0;
    await fc.assert(
      fc.asyncProperty(
        streamsOf(fc.constantFrom('ann', 'bob', 'cyd', 'dan', 'eve')),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<TimestampCombiner>('END_OF_WINDOW', 'EARLIEST', 'LATEST'),
        fc.constantFrom<AccumulationMode>('accumulating', 'discarding'),
        async (events, delay, timestampCombiner, accumulationMode) => {
          const stream = toTestStream(events);
          const options: WindowingOptions = {
            trigger: repeatedly(afterProcessingTime(seconds(delay))),
            accumulationMode,
            timestampCombiner,
          };
          const off = await runGlobal(stream(), options, idsAndTotal(), false);
          const on = await runGlobal(stream(), options, idsAndTotal(), spillAll());
          assertSameRuns(off, on);
          assert.equal(off.result.steps.Combine.spills, undefined, 'no spill metrics when spilling is off');
          spills += on.result.steps.Combine.spills ?? 0;
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(spills > 0, 'keys were spilled');
  });

  it('property: afterCount triggers (repeated, finishing, in sequence), discarding: the same panes and the same closed-window refusals', async () => {
    const triggers: Trigger[] = [
      repeatedly(afterCount(1)),
      repeatedly(afterCount(2)),
      afterCount(2),
      inSequence(afterCount(1), afterCount(2)),
      repeatedly(afterFirst(afterCount(3), afterProcessingTime(seconds(5)))),
    ];
    let spills = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        streamsOf(fc.constantFrom('ann', 'bob', 'cyd')),
        fc.integer({ min: 0, max: triggers.length - 1 }),
        async (events, t) => {
          const stream = toTestStream(events);
          const options: WindowingOptions = { trigger: triggers[t], accumulationMode: 'discarding' };
          const off = await runGlobal(stream(), options, idsAndTotal(), false);
          const on = await runGlobal(stream(), options, idsAndTotal(), spillAll());
          assertSameRuns(off, on);
          spills += on.result.steps.Combine.spills ?? 0;
          refused += on.late.length;
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(spills > 0, 'keys were spilled');
    assert.ok(refused > 0, 'some runs refused data for closed windows');
  });

  it('property: keys that are not strings (numbers, "1" beside 1, objects, arrays, null, booleans, bigints) come back as themselves', async () => {
    const keys: unknown[] = [
      1,
      '1',
      { user: 'ann', n: 1 },
      { n: 1, user: 'ann', extra: [1, 2] },
      [1, 'a'],
      null,
      true,
      2n,
      0,
      '',
    ];
    let spills = 0;
    await fc.assert(
      fc.asyncProperty(streamsOf(fc.constantFrom(...keys)), async (events) => {
        const stream = toTestStream(events);
        const options: WindowingOptions = {
          trigger: repeatedly(afterProcessingTime(seconds(10))),
          accumulationMode: 'accumulating',
        };
        const off = await runGlobal(stream(), options, idsAndTotal(), false);
        const on = await runGlobal(stream(), options, idsAndTotal(), spillAll());
        assertSameRuns(off, on);
        for (const pane of on.panes)
          assert.ok(
            keys.some((k) => keyName(k) === keyName(pane.key)),
            `key ${keyName(pane.key)}`,
          );
        spills += on.result.steps.Combine.spills ?? 0;
      }),
      { numRuns: 40 },
    );
    assert.ok(spills > 0, 'keys were spilled');
  });

  it('an object key spilled and restored is emitted deep-equal to the original, with its class-free shape', async () => {
    const key = { user: 'ann', tags: ['a', 'b'] };
    const s = TestStream.create<KV<typeof key, number>>()
      .addElements(tv(kv(key, 1), sec(0)))
      .advanceProcessingTime(seconds(10))
      .addElements(tv(kv({ tags: ['a', 'b'], user: 'ann' }, 2), sec(1)))
      .advanceWatermarkToInfinity();
    const run = await runGlobal(
      s,
      { trigger: repeatedly(afterProcessingTime(seconds(10))), accumulationMode: 'accumulating' },
      sum(),
      spillAll(),
    );
    assert.deepEqual(
      run.panes.map((p) => [p.key, p.value, p.timing, p.index]),
      [
        [key, 1, 'EARLY', 0],
        [key, 3, 'ON_TIME', 1],
      ],
    );
    assert.equal(run.result.steps.Combine.spills, 1);
  });

  it('a spilled key that gets new data resumes its accumulator: 1, then 1+2, then 1+2+4 in the final pane', async () => {
    const s = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)), tv(kv('bob', 100), sec(0)))
      .advanceProcessingTime(seconds(10))
      .addElements(tv(kv('ann', 2), sec(20)))
      .advanceProcessingTime(seconds(10))
      .addElements(tv(kv('ann', 4), sec(30)))
      .advanceWatermarkToInfinity();
    const options: WindowingOptions = { trigger: repeatedly(afterProcessingTime(seconds(10))), accumulationMode: 'accumulating' };
    const run = await runGlobal(s, options, sum(), spillAll());
    const end = (GLOBAL_WINDOW.end - 1 - T0) / 1000;
    assert.deepEqual(
      [...run.panes]
        .sort(byKeyThenIndex)
        .map((p) => [p.key, p.value, p.timing, p.index, p.nonSpeculativeIndex, p.isFirst, p.isLast, p.ts]),
      [
        ['ann', 1, 'EARLY', 0, -1, true, false, end],
        ['ann', 3, 'EARLY', 1, -1, false, false, end],
        ['ann', 7, 'ON_TIME', 2, 0, false, true, end],
        ['bob', 100, 'EARLY', 0, -1, true, false, end],
        ['bob', 100, 'ON_TIME', 1, 0, false, true, end],
      ],
    );
    // ann twice (after each processing-time pane), bob once.
    assert.equal(run.result.steps.Combine.spills, 3);
    const off = await runGlobal(
      TestStream.create<KV<string, number>>()
        .addElements(tv(kv('ann', 1), sec(0)), tv(kv('bob', 100), sec(0)))
        .advanceProcessingTime(seconds(10))
        .addElements(tv(kv('ann', 2), sec(20)))
        .advanceProcessingTime(seconds(10))
        .addElements(tv(kv('ann', 4), sec(30)))
        .advanceWatermarkToInfinity(),
      options,
      sum(),
      false,
    );
    assertSameRuns(off, run);
  });

  it('a spilled closed window (afterCount(2) finished) still refuses later data as closed_window, and emits nothing more at the end', async () => {
    const s = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)), tv(kv('ann', 2), sec(1)))
      .addElements(tv(kv('ann', 4), sec(2)))
      .advanceWatermarkToInfinity();
    const run = await runGlobal(s, { trigger: afterCount(2), accumulationMode: 'discarding' }, sum(), spillAll());
    assert.deepEqual(
      run.panes.map((p) => [p.key, p.value, p.timing, p.index, p.isLast]),
      [['ann', 3, 'EARLY', 0, true]],
    );
    assert.deepEqual(run.late, [{ key: 'ann', value: 4, reason: 'closed_window' }]);
    // Spilled when it closed, brought back to refuse the third element, and spilled again.
    assert.equal(run.result.steps.Combine.spills, 2);
    assert.equal(run.result.lateDropped, 1);
  });

  it('memory holds at most the threshold: 20 keys at rest with afterRestingKeys 3 leave 3 in memory and 17 spilled', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
    const s = TestStream.create<KV<string, number>>()
      .addElements(...keys.map((k, i) => tv(kv(k, i), sec(i))))
      .advanceProcessingTime(seconds(10))
      .advanceProcessingTime(seconds(1))
      .addElements(tv(kv('user-00', 100), sec(30)), tv(kv('user-19', 100), sec(30)))
      .advanceWatermarkToInfinity();
    const run = await runGlobal(
      s,
      { trigger: repeatedly(afterProcessingTime(seconds(10))), accumulationMode: 'accumulating' },
      sum(),
      { dir: spillDir, afterRestingKeys: 3 },
    );
    assert.ok(Math.max(...run.progress.map((p) => p.restingKeys)) <= 3, 'never more than 3 resting keys in memory');
    assert.ok(
      run.progress.some((p) => p.spilledKeys === 17 && p.restingKeys === 3 && p.openWindows === 20),
      `17 spilled, 3 resting, 20 open at some bundle: ${JSON.stringify(run.progress)}`,
    );
    // Two spilled keys got new data: each comes back with its accumulator.
    const finals = run.panes.filter((p) => p.isLast);
    assert.equal(finals.length, 20);
    assert.deepEqual(
      finals
        .filter((p) => p.key === 'user-00' || p.key === 'user-19')
        .map((p) => [p.key, p.value])
        .sort(),
      [
        ['user-00', 100],
        ['user-19', 119],
      ],
    );
    assert.equal(run.result.steps.Combine.spilledKeys, 0);
    assert.equal(run.result.steps.Combine.restingKeys, 0);
  });

  it('the spill folder exists while keys are spilled and is removed when the run ends', async () => {
    const exitListeners = process.listenerCount('exit');
    const s = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)), tv(kv('bob', 2), sec(0)))
      .advanceProcessingTime(seconds(10))
      .advanceProcessingTime(seconds(1))
      .advanceWatermarkToInfinity();
    const run = await runGlobal(s, { trigger: repeatedly(afterProcessingTime(seconds(10))) }, sum(), spillAll());
    assert.ok(
      run.progress.some((p) => p.folders === 1 && p.spilledKeys === 2),
      JSON.stringify(run.progress),
    );
    assert.deepEqual(readdirSync(spillDir), []);
    assert.equal(process.listenerCount('exit'), exitListeners, 'no exit hook is left behind');
  });

  it('after a run that fails (a downstream step throws on the final panes), the spill folder is removed too', async () => {
    const p = new Pipeline();
    const stream = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)), tv(kv('bob', 2), sec(0)))
      .advanceProcessingTime(seconds(10))
      .advanceProcessingTime(seconds(1))
      .advanceWatermarkToInfinity();
    let sawSpill = false;
    const failOnFinal: DoFn<KV<string, number>, never> = {
      process(_kv: KV<string, number>, ctx: ProcessContext<never>) {
        if (ctx.pane.isLast) throw new Error('sink refused the final pane');
      },
    };
    p.apply(testStream(stream))
      .apply(windowInto(globalWindows(), { trigger: repeatedly(afterProcessingTime(seconds(10))) }))
      .apply(mapToKV((x: KV<string, number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Combine'))
      .apply(parDo(failOnFinal, {}, 'Sink'));
    await assert.rejects(
      runPipeline(p, {
        clock: new ManualClock(0),
        spill: spillAll(),
        onBundle: (progress) => {
          sawSpill ||= (progress.step('Combine')?.spilledKeys ?? 0) > 0 && readdirSync(spillDir).length === 1;
        },
      }),
      (e: unknown) => e instanceof StepFailedError && /sink refused the final pane/.test(e.message),
    );
    assert.ok(sawSpill, 'keys were on disk before the failure');
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it('an accumulator that is not plain data (a class instance) is never spilled: it would come back without its methods', async () => {
    class Tally {
      n = 0;
      add(x: number): Tally {
        this.n += x;
        return this;
      }
    }
    const tally = combineFn<number, Tally, number>({
      name: 'tally',
      createAccumulator: () => new Tally(),
      addInput: (a, x) => a.add(x),
      mergeAccumulators: (as) => as.reduce((a, b) => a.add(b.n), new Tally()),
      extractOutput: (a) => a.n,
    });
    // Two keys at rest with room for one: the first to be spilled turns spilling off, the other stays registered.
    const s = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)), tv(kv('bob', 10), sec(0)))
      .advanceProcessingTime(seconds(10))
      .addElements(tv(kv('ann', 2), sec(1)), tv(kv('bob', 20), sec(1)))
      .advanceWatermarkToInfinity();
    const run = await runGlobal(
      s,
      { trigger: repeatedly(afterProcessingTime(seconds(10))), accumulationMode: 'accumulating' },
      tally,
      { dir: spillDir, afterRestingKeys: 1 },
    );
    assert.deepEqual(
      [...run.panes].sort(byKeyThenIndex).map((p) => [p.key, p.value, p.timing]),
      [
        ['ann', 1, 'EARLY'],
        ['ann', 3, 'ON_TIME'],
        ['bob', 10, 'EARLY'],
        ['bob', 30, 'ON_TIME'],
      ],
    );
    assert.equal(run.result.steps.Combine.spills, 0);
    assert.ok(
      run.progress.every((p) => p.restingKeys >= 0 && p.spilledKeys === 0),
      JSON.stringify(run.progress),
    );
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it('a fixed-window grouping never spills (its state ends with its window) and reports no spill metrics', async () => {
    const p = new Pipeline();
    const stream = TestStream.create<KV<string, number>>()
      .addElements(tv(kv('ann', 1), sec(0)))
      .advanceProcessingTime(seconds(10))
      .advanceWatermarkToInfinity();
    p.apply(testStream(stream))
      .apply(windowInto(fixedWindows(seconds(60)), { trigger: repeatedly(afterProcessingTime(seconds(1))) }))
      .apply(mapToKV((x: KV<string, number>) => x, 'Keyed'))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Combine'));
    const result = await runPipeline(p, { clock: new ManualClock(0), spill: spillAll() });
    assert.equal(result.steps.Combine.panesEmitted, 2);
    assert.equal(result.steps.Combine.spills, undefined);
    assert.equal(result.steps.Combine.spilledKeys, undefined);
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it('bad spill options are refused before the run starts', async () => {
    const p = new Pipeline();
    p.apply(testStream(TestStream.create<number>().advanceWatermarkToInfinity()));
    for (const bad of [-1, 1.5, Number.NaN]) {
      await assert.rejects(runPipeline(p, { clock: new ManualClock(0), spill: { afterRestingKeys: bad } }), RangeError);
    }
    await assert.rejects(
      runPipeline(p, { clock: new ManualClock(0), spill: { compactAfterGarbageBytes: -5 } }),
      /compactAfterGarbageBytes must be ≥ 0/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Checkpoints taken while keys are spilled.

interface Visit {
  readonly id: number;
  readonly user: string;
}

class SimulatedCrash extends Error {}

/** Visits in arrival order, `perRead` at a time, resuming from a checkpointed position; dies on its `crashOnRead`-th read. */
class VisitSource implements Source<Visit> {
  readonly bounded = true;
  readonly description = 'visits';
  crashOnRead = Number.POSITIVE_INFINITY;

  constructor(
    private readonly visits: readonly Visit[],
    private readonly perRead: number,
  ) {}

  open(context: SourceContext): SourceReader<Visit> {
    let at = typeof context.resumeFrom === 'number' ? context.resumeFrom : 0;
    let reads = 0;
    return {
      read: (): ReadBatch<Visit> => {
        if (++reads >= this.crashOnRead) throw new SimulatedCrash(`crash on read ${reads}`);
        if (at >= this.visits.length) return EMPTY_BATCH;
        const values = this.visits.slice(at, at + this.perRead);
        at += values.length;
        return { values, timestamps: values.map((v) => sec(v.id)) };
      },
      watermark: () => (at >= this.visits.length ? WATERMARK_DONE : WATERMARK_START),
      checkpoint: () => at,
      close() {},
    };
  }
}

/** An idempotent table of the latest pane per user: a later pane replaces an earlier one. */
class FeatureTable {
  readonly rows = new Map<string, { value: string; index: number; isLast: boolean }>();
  sink(): DoFn<KV<string, string>, never> {
    const rows = this.rows;
    return {
      process(kv: KV<string, string>, ctx: ProcessContext<never>) {
        const stored = rows.get(kv.key);
        if (!stored || stored.index <= ctx.pane.index)
          rows.set(kv.key, { value: kv.value, index: ctx.pane.index, isLast: ctx.pane.isLast });
      },
    };
  }
  contents() {
    return [...this.rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
}

/** Keeps the checkpoint as bytes (nothing of the live objects survives a crash) and notes spilled records in it. */
class BytesStore implements CheckpointStore {
  readonly description = 'memory';
  bytes: Buffer | undefined;
  withSpilledKeys = 0;
  async load(): Promise<Checkpoint | undefined> {
    return this.bytes && (deserialize(this.bytes) as Checkpoint);
  }
  async save(c: Checkpoint): Promise<void> {
    this.bytes = serialize(c);
    const state = (deserialize(this.bytes) as Checkpoint).snapshots.Combine.state as { spilled?: Uint8Array };
    if (state.spilled && state.spilled.length > 0) this.withSpilledKeys++;
  }
  async clear(): Promise<void> {
    this.bytes = undefined;
  }
}

function featurePipeline(source: VisitSource, table: FeatureTable): Pipeline {
  const p = new Pipeline();
  p.apply(read(source, 'Read'))
    .apply(windowInto(globalWindows(), { trigger: repeatedly(afterCount(2)), accumulationMode: 'accumulating' }))
    .apply(mapToKV((v: Visit) => ({ key: v.user, value: v.id }), 'ByUser'))
    .apply(combinePerKey<string, number, unknown, string>(idsAndTotal(), 'Combine'))
    .apply(parDo(table.sink(), {}, 'WriteFeatures'));
  return p;
}

const visitStreams = fc
  .array(fc.constantFrom('ann', 'bob', 'cyd', 'dan', 'eve', 'fay'), { minLength: 1, maxLength: 50, size: 'large' })
  .map((users) => users.map((user, id): Visit => ({ id, user })));

describe('checkpoints with spilled keys', () => {
  it('property: a run crashed after any bundle and resumed (spilling or not after each restart) ends with the tables of an uninterrupted run without spilling', async () => {
    let checkpointsWithSpilledKeys = 0;
    await fc.assert(
      fc.asyncProperty(
        visitStreams,
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ crashOnRead: fc.integer({ min: 1, max: 20 }), spill: fc.boolean() }), { maxLength: 4 }),
        async (visits, perRead, attempts) => {
          const reference = new FeatureTable();
          await runPipeline(featurePipeline(new VisitSource(visits, perRead), reference), {
            clock: new ManualClock(0),
            maxBundleSize: perRead,
            spill: false,
          });
          const table = new FeatureTable();
          const store = new BytesStore();
          const source = new VisitSource(visits, perRead);
          for (let attempt = 0; ; attempt++) {
            const plan = attempts[attempt];
            source.crashOnRead = plan?.crashOnRead ?? Number.POSITIVE_INFINITY;
            try {
              await runPipeline(featurePipeline(source, table), {
                clock: new ManualClock(0),
                maxBundleSize: perRead,
                checkpoint: { store, intervalMs: 0 },
                spill: plan === undefined || plan.spill ? spillAll() : false,
              });
              break;
            } catch (e) {
              if (!(e instanceof Error && e.cause instanceof SimulatedCrash)) throw e;
            }
          }
          assert.deepEqual(table.contents(), reference.contents());
          assert.deepEqual(readdirSync(spillDir), [], 'crashed runs removed their spill folders too');
          checkpointsWithSpilledKeys += store.withSpilledKeys;
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(checkpointsWithSpilledKeys > 0, 'checkpoints held spilled keys');
  });

  it('a checkpoint taken with 3 keys spilled restores them: the resumed run continues each accumulator exactly', async () => {
    const visits: Visit[] = ['ann', 'ann', 'bob', 'bob', 'cyd', 'cyd', 'ann', 'bob', 'cyd'].map((user, id) => ({ id, user }));
    const table = new FeatureTable();
    const store = new BytesStore();
    const source = new VisitSource(visits, 6);
    source.crashOnRead = 2;
    await assert.rejects(
      runPipeline(featurePipeline(source, table), {
        clock: new ManualClock(0),
        maxBundleSize: 6,
        checkpoint: { store, intervalMs: 0 },
        spill: spillAll(),
      }),
      (e: unknown) => e instanceof Error && e.cause instanceof SimulatedCrash,
    );
    assert.equal(store.withSpilledKeys, 1);
    const saved = (deserialize(store.bytes as Buffer) as Checkpoint).snapshots.Combine.state as {
      keys: unknown[];
      spilled: Uint8Array;
    };
    assert.equal(saved.keys.length, 0, 'every key was at rest, so every key was spilled');
    source.crashOnRead = Number.POSITIVE_INFINITY;
    await runPipeline(featurePipeline(source, table), {
      clock: new ManualClock(0),
      maxBundleSize: 6,
      checkpoint: { store, intervalMs: 0 },
      spill: spillAll(),
    });
    assert.deepEqual(table.contents(), [
      ['ann', { value: '0,1,6=7', index: 1, isLast: true }],
      ['bob', { value: '2,3,7=12', index: 1, isLast: true }],
      ['cyd', { value: '4,5,8=17', index: 1, isLast: true }],
    ]);
  });
});
