/**
 * Properties of the direct runner's groupings, checked with fast-check against straightforward
 * reference computations:
 *
 *  (a) arrival order does not matter while the watermark is held back: any permutation (and any
 *      split into bundles) of the same timestamped elements gives the panes of the sorted input,
 *      for fixed, sliding and session windows;
 *  (b) with watermark advances interleaved at random (TestStream, non-decreasing), every element is
 *      accounted for exactly once per window it belongs to: in exactly one discarding pane or in
 *      the late output, whatever the trigger;
 *  (c) session windows written to a sink that applies each pane's `supersedes` deletions and then
 *      upserts never overlap, and equal the sessions a reference sessionizer computes over the
 *      elements that were not refused as late.
 *
 * Times are offsets from T0 = 2026-03-01T09:00:00Z.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type CombineFn, count, sum } from '../../../sdk/combine_fns';
import { kv } from '../../../sdk/kv';
import { TestStream } from '../../../sdk/testing';
import { minutes, seconds } from '../../../sdk/time';
import {
  type Trigger,
  afterCount,
  afterEach,
  afterFirst,
  afterWatermark,
  defaultTrigger,
  never,
  repeatedly,
} from '../../../sdk/triggers';
import { type Window } from '../../../sdk/window';
import { type WindowFn, assignWindows, fixedWindows, sessions, slidingWindows } from '../../../sdk/window_fns';
import { type AccumulationMode } from '../../../sdk/windowing_strategy';
import { type Input, type Row, T0, runGrouping } from './grouping_harness';

const KEYS = ['a', 'b', 'c'] as const;
const GAP = seconds(45);

interface Element {
  readonly id: number;
  readonly key: string;
  /** Milliseconds from T0. */
  readonly offset: number;
}

/** The ids of a pane, sorted, as one string: order of arrival inside a pane does not matter. */
const ids = (): CombineFn<number, number[], string> => ({
  name: 'ids',
  createAccumulator: () => [],
  addInput: (a, x) => {
    a.push(x);
    return a;
  },
  mergeAccumulators: (as) => ([] as number[]).concat(...as),
  extractOutput: (a) => [...a].sort((x, y) => x - y).join(','),
});

const windowFns: Record<string, WindowFn> = {
  fixed: fixedWindows(minutes(1)),
  sliding: slidingWindows(minutes(2), seconds(30)),
  sessions: sessions(GAP),
};

/** Distinct ids, keys from KEYS, timestamps within ten minutes after T0 (some sharing a millisecond). */
const elementsArb = fc
  .array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      offset: fc.oneof(fc.integer({ min: 0, max: minutes(10) }), fc.constantFrom(0, 30_000, 45_000, 59_999, 60_000, 90_000)),
    }),
    {
      minLength: 1,
      maxLength: 24,
    },
  )
  .map((xs) => xs.map((x, id): Element => ({ id, ...x })));

const toTv = (e: Element) => ({ value: kv(e.key, e.id), timestamp: T0 + e.offset });

/** A pane as a comparable string: key, window, contents, timing, index, last. */
const paneKey = (r: Row<string | number>) => JSON.stringify([r.key, r.start, r.end, r.value, r.timing, r.index, r.isLast]);

/** The reference: what each (key, window) should hold, by brute force over the window function. */
function referencePanes(elements: readonly Element[], fnName: string): string[] {
  const groups = new Map<string, { key: string; w: Window; ids: number[] }>();
  const add = (key: string, w: Window, id: number) => {
    const k = JSON.stringify([key, w.start, w.end]);
    const g = groups.get(k) ?? { key, w, ids: [] };
    g.ids.push(id);
    groups.set(k, g);
  };
  if (fnName === 'sessions') {
    for (const key of KEYS) {
      for (const s of referenceSessions(elements.filter((e) => e.key === key))) for (const id of s.ids) add(key, s.window, id);
    }
  } else {
    for (const e of elements) for (const w of assignWindows(windowFns[fnName], T0 + e.offset)) add(e.key, w, e.id);
  }
  return [...groups.values()]
    .map((g) =>
      JSON.stringify([
        g.key,
        (g.w.start - T0) / 1000,
        (g.w.end - T0) / 1000,
        [...g.ids].sort((x, y) => x - y).join(','),
        'ON_TIME',
        0,
        true,
      ]),
    )
    .sort();
}

/** A straightforward sessionizer: sort by time, extend the current session while the next element starts inside it. */
function referenceSessions(elements: readonly Element[]): { window: Window; ids: number[] }[] {
  const sorted = [...elements].sort((a, b) => a.offset - b.offset);
  const out: { window: Window; ids: number[] }[] = [];
  for (const e of sorted) {
    const t = T0 + e.offset;
    const last = out[out.length - 1];
    if (last && t < last.window.end) {
      last.window = { start: last.window.start, end: Math.max(last.window.end, t + GAP) };
      last.ids.push(e.id);
    } else {
      out.push({ window: { start: t, end: t + GAP }, ids: [e.id] });
    }
  }
  return out;
}

/** Splits a sequence into consecutive chunks of the given sizes (the last chunk takes the rest). */
function chunk<T>(xs: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const s of sizes) {
    if (i >= xs.length) break;
    out.push(xs.slice(i, i + s));
    i += s;
  }
  if (i < xs.length) out.push(xs.slice(i));
  return out;
}

describe('properties of groupings', function () {
  this.timeout(20_000);

  it('(a) arrival order does not matter while the watermark is held back: fixed, sliding and session windows', async () => {
    const scenario = fc
      .record({
        elements: elementsArb,
        fnName: fc.constantFrom('fixed', 'sliding', 'sessions'),
        chunkSizes: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 24 }),
        // Watermark advances that stay far behind the data (an hour before T0), or none at all.
        heldBack: fc.array(fc.integer({ min: 0, max: minutes(30) }), { maxLength: 6 }),
        seed: fc.integer(),
      })
      .chain((s) =>
        fc.record({
          s: fc.constant(s),
          permuted: fc.shuffledSubarray(s.elements, { minLength: s.elements.length, maxLength: s.elements.length }),
        }),
      );
    const run = async (
      elements: readonly Element[],
      fnName: string,
      chunkSizes: readonly number[],
      heldBack: readonly number[],
    ) => {
      let stream = TestStream.create<Input<number>>();
      const chunks = chunk(elements, chunkSizes.length ? chunkSizes : [elements.length]);
      const marks = [...heldBack].sort((x, y) => x - y);
      chunks.forEach((c, i) => {
        stream = stream.addElements(...c.map(toTv));
        if (i < marks.length) stream = stream.advanceWatermarkTo(T0 - minutes(60) + marks[i]);
      });
      const { rows, late } = await runGrouping(stream.advanceWatermarkToInfinity(), windowFns[fnName], {}, ids());
      assert.deepEqual(late, [], 'nothing is late while the watermark is held back');
      return rows.map(paneKey).sort();
    };
    await fc.assert(
      fc.asyncProperty(scenario, async ({ s, permuted }) => {
        const sorted = [...s.elements].sort((a, b) => a.offset - b.offset || a.id - b.id);
        const fromPermuted = await run(permuted, s.fnName, s.chunkSizes, s.heldBack);
        const fromSorted = await run(sorted, s.fnName, [sorted.length], []);
        assert.deepEqual(fromPermuted, fromSorted);
        assert.deepEqual(fromSorted, referencePanes(s.elements, s.fnName));
      }),
      { numRuns: 200 },
    );
  });

  it('(a) the same holds for a numeric combine (sum per key and window)', async () => {
    await fc.assert(
      fc.asyncProperty(
        elementsArb.chain((els) =>
          fc.record({
            els: fc.constant(els),
            permuted: fc.shuffledSubarray(els, { minLength: els.length, maxLength: els.length }),
            fnName: fc.constantFrom('fixed', 'sliding', 'sessions'),
          }),
        ),
        async ({ els, permuted, fnName }) => {
          const runSum = async (xs: readonly Element[]) => {
            const s = TestStream.create<Input<number>>();
            for (const e of xs) s.addElements(toTv(e));
            const { rows } = await runGrouping(s.advanceWatermarkToInfinity(), windowFns[fnName], {}, sum());
            return rows.map((r) => JSON.stringify([r.key, r.start, r.end, r.value])).sort();
          };
          assert.deepEqual(await runSum(permuted), await runSum([...els].sort((a, b) => a.offset - b.offset)));
        },
      ),
      { numRuns: 150 },
    );
  });

  /** A script of watermark advances and element arrivals, the watermark non-decreasing. */
  type Step =
    | { readonly kind: 'watermark'; readonly by: number }
    | { readonly kind: 'elements'; readonly offsets: readonly { key: string; rel: number }[] };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('watermark' as const), by: fc.integer({ min: 0, max: minutes(3) }) }),
    fc.record({
      kind: fc.constant('elements' as const),
      // Relative to the current watermark: from 5 minutes behind (often late) to 8 minutes ahead.
      offsets: fc.array(fc.record({ key: fc.constantFrom(...KEYS), rel: fc.integer({ min: -minutes(5), max: minutes(8) }) }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
  );

  const triggers: Record<string, Trigger> = {
    default: defaultTrigger(),
    earlyCount: afterWatermark({ early: afterCount(2) }),
    earlyAndLate: afterWatermark({ early: afterCount(1), late: afterCount(1) }),
    onTimeOnly: afterWatermark(),
    repeatedCount: repeatedly(afterCount(3)),
    countOnce: afterCount(2),
    each: afterEach(afterCount(2), afterCount(1)),
    first: afterFirst(afterCount(3), afterWatermark()),
    never: never(),
  };

  it('(b) with random watermark advances every element is accounted for exactly once per window: in one pane or in the late output', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
          fnName: fc.constantFrom('fixed', 'sliding', 'sessions'),
          trigger: fc.constantFrom(...Object.keys(triggers)),
          lateness: fc.constantFrom(0, seconds(30), minutes(2)),
          closing: fc.constantFrom('FIRE_IF_NON_EMPTY' as const, 'FIRE_ALWAYS' as const),
        }),
        async ({ steps, fnName, trigger, lateness, closing }) => {
          let stream = TestStream.create<Input<number>>().advanceWatermarkTo(T0);
          let watermark = T0;
          const elements: Element[] = [];
          for (const step of steps) {
            if (step.kind === 'watermark') {
              watermark += step.by;
              stream = stream.advanceWatermarkTo(watermark);
            } else {
              const batch = step.offsets.map(
                (o, k): Element => ({ id: elements.length + k, key: o.key, offset: watermark + o.rel - T0 }),
              );
              elements.push(...batch);
              stream = stream.addElements(...batch.map(toTv));
            }
          }
          const { rows, late } = await runGrouping(
            stream.advanceWatermarkToInfinity(),
            windowFns[fnName],
            { trigger: triggers[trigger], allowedLatenessMs: lateness, closingBehavior: closing, accumulationMode: 'discarding' },
            ids(),
          );
          // How often each id should be accounted for: once per window it is assigned to.
          const expected = new Map<number, number>();
          for (const e of elements) expected.set(e.id, assignWindows(windowFns[fnName], T0 + e.offset).length);
          const seen = new Map<number, number>();
          const bump = (id: number) => seen.set(id, (seen.get(id) ?? 0) + 1);
          for (const r of rows) for (const id of r.value === '' ? [] : r.value.split(',').map(Number)) bump(id);
          for (const l of late) bump(l.value.value);
          assert.deepEqual(
            [...seen.entries()].sort((x, y) => x[0] - y[0]),
            [...expected.entries()].sort((x, y) => x[0] - y[0]),
          );
          if (fnName !== 'sessions') {
            // For fixed and sliding windows each (element, window) pair appears exactly once.
            const pairs = new Set<string>();
            for (const r of rows) {
              for (const id of r.value === '' ? [] : r.value.split(',')) {
                const k = `${id}@${r.start}`;
                assert.ok(!pairs.has(k), `element ${id} twice in window starting ${r.start}`);
                pairs.add(k);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(b) counting variant: the sum of discarding counts plus the late output equals the number of (element, window) pairs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
          fnName: fc.constantFrom('fixed', 'sliding', 'sessions'),
          trigger: fc.constantFrom(...Object.keys(triggers)),
          lateness: fc.constantFrom(0, minutes(1)),
        }),
        async ({ steps, fnName, trigger, lateness }) => {
          let stream = TestStream.create<Input<number>>().advanceWatermarkTo(T0);
          let watermark = T0;
          let pairs = 0;
          for (const step of steps) {
            if (step.kind === 'watermark') {
              watermark += step.by;
              stream = stream.advanceWatermarkTo(watermark);
            } else {
              for (const o of step.offsets) pairs += assignWindows(windowFns[fnName], watermark + o.rel).length;
              stream = stream.addElements(...step.offsets.map((o) => ({ value: kv(o.key, 1), timestamp: watermark + o.rel })));
            }
          }
          const { rows, late, result } = await runGrouping(
            stream.advanceWatermarkToInfinity(),
            windowFns[fnName],
            { trigger: triggers[trigger], allowedLatenessMs: lateness },
            count<number>(),
          );
          assert.equal(rows.reduce((n, r) => n + r.value, 0) + late.length, pairs);
          assert.equal(result.lateDropped, late.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('(c) session windows in a sink never overlap once superseded rows are deleted, and equal a reference sessionizer', async () => {
    // Elements are either in bounds (at most D behind the watermark, with allowed lateness L >= D) or
    // hopelessly late (their own session [t, t + gap) ended more than L before the watermark). In
    // between, Beam itself can accept an element after an overlapping session was garbage collected,
    // which makes a new, overlapping session: that zone is left out on purpose.
    type SessionStep =
      | { readonly kind: 'watermark'; readonly by: number }
      | { readonly kind: 'inBounds'; readonly key: string; readonly rel: number }
      | { readonly kind: 'hopeless'; readonly key: string; readonly back: number };
    const sessionStepArb: fc.Arbitrary<SessionStep> = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('watermark' as const),
          by: fc.oneof(
            fc.integer({ min: 0, max: minutes(2) }),
            fc.integer({ min: 0, max: 24 }).map((n) => n * 5000),
          ),
        }),
      },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('inBounds' as const),
          key: fc.constantFrom(...KEYS),
          // Mostly just behind the watermark (late but within lateness: merges into emitted sessions).
          // On a 5 s grid a third of the time, so that elements exactly one gap apart (touching sessions) occur.
          rel: fc.oneof(
            fc.integer({ min: -1, max: minutes(3) }),
            fc.integer({ min: -1, max: seconds(90) }),
            fc.integer({ min: 0, max: 36 }).map((n) => n * 5000),
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('hopeless' as const),
          key: fc.constantFrom(...KEYS),
          back: fc.integer({ min: 0, max: minutes(5) }),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          steps: fc.array(sessionStepArb, { minLength: 1, maxLength: 35 }),
          maxDelay: fc.constantFrom(0, seconds(30), minutes(1), minutes(2)),
          extraLateness: fc.constantFrom(0, seconds(30), minutes(5)),
          trigger: fc.constantFrom<Trigger>(defaultTrigger(), afterWatermark({ early: afterCount(2), late: afterCount(1) })),
          mode: fc.constantFrom<AccumulationMode>('accumulating'),
        }),
        async ({ steps, maxDelay, extraLateness, trigger, mode }) => {
          const lateness = maxDelay + extraLateness;
          let stream = TestStream.create<Input<number>>().advanceWatermarkTo(T0);
          let watermark = T0;
          const kept: Element[] = [];
          const hopeless: Element[] = [];
          let id = 0;
          for (const step of steps) {
            if (step.kind === 'watermark') {
              watermark += step.by;
              stream = stream.advanceWatermarkTo(watermark);
            } else if (step.kind === 'inBounds') {
              // rel = -1 means exactly maxDelay behind the watermark.
              const t = step.rel < 0 ? watermark - maxDelay : watermark - maxDelay + step.rel;
              const e = { id: id++, key: step.key, offset: t - T0 };
              kept.push(e);
              stream = stream.addElements(toTv(e));
            } else {
              const t = watermark - GAP - lateness - step.back;
              const e = { id: id++, key: step.key, offset: t - T0 };
              hopeless.push(e);
              stream = stream.addElements(toTv(e));
            }
          }
          const { rows, late } = await runGrouping(
            stream.advanceWatermarkToInfinity(),
            sessions(GAP),
            { trigger, allowedLatenessMs: lateness, accumulationMode: mode },
            ids(),
          );
          assert.deepEqual(
            late.map((l) => l.value.value).sort((x, y) => x - y),
            hopeless.map((e) => e.id),
            'exactly the hopeless elements are refused',
          );
          // The sink: one row per (key, window); a pane first deletes the rows it supersedes.
          const sink = new Map<string, { key: string; start: number; end: number; ids: string }>();
          for (const r of rows) {
            for (const w of r.supersedes) sink.delete(JSON.stringify([r.key, w.start, w.end]));
            sink.set(JSON.stringify([r.key, r.start, r.end]), { key: r.key, start: r.start, end: r.end, ids: r.value });
          }
          for (const key of KEYS) {
            const mine = [...sink.values()].filter((x) => x.key === key).sort((a, b) => a.start - b.start);
            for (let i = 1; i < mine.length; i++) {
              assert.ok(
                mine[i - 1].end <= mine[i].start,
                `key ${key}: sink rows ${JSON.stringify(mine[i - 1])} and ${JSON.stringify(mine[i])} overlap`,
              );
            }
            const reference = referenceSessions(kept.filter((e) => e.key === key)).map((s) => ({
              key,
              start: (s.window.start - T0) / 1000,
              end: (s.window.end - T0) / 1000,
              ids: [...s.ids].sort((x, y) => x - y).join(','),
            }));
            assert.deepEqual(mine, reference, `key ${key}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
