/**
 * Window functions, side-input window mapping, and the checks that refuse a wrong pipeline at
 * construction time. Explicit UTC timestamps; Beam semantics (programming guide sections 8 and 9):
 * a window is the half-open interval [start, end), so an element exactly at the end of a window
 * belongs to the next one.
 */
import assert from 'node:assert/strict';
import {
  GLOBAL_WINDOW,
  Pipeline,
  PipelineConstructionError,
  type Window,
  afterAll,
  afterCount,
  afterEach,
  afterFirst,
  afterProcessingTime,
  afterWatermark,
  asList,
  asMap,
  asMultimap,
  asSingleton,
  assignWindows,
  boundedOutOfOrderness,
  combinePerKey,
  composite,
  create,
  defaultTrigger,
  filter,
  fixedWindowStart,
  fixedWindows,
  flatten,
  flattenAll,
  globalWindows,
  groupByKey,
  hours,
  isMerging,
  keyBy,
  map,
  mapToKV,
  maxTimestamp,
  minutes,
  never,
  parDo,
  repeatedly,
  sessions,
  sideInputWindow,
  slidingWindows,
  sum,
  topK,
  windowContains,
  windowInto,
  windowingStrategy,
  withName,
} from '../../sdk';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const at = (iso: string) => Date.parse(iso);
const w = (startIso: string, endIso: string): Window => ({ start: at(startIso), end: at(endIso) });

/** The windows an element at `t` belongs to, by brute force over window starts: what sliding windows mean. */
function bruteForceSliding(sizeMs: number, periodMs: number, offsetMs: number, t: number): Window[] {
  const out: Window[] = [];
  const first = Math.floor((t - sizeMs - offsetMs) / periodMs) * periodMs + offsetMs;
  for (let s = first; s <= t; s += periodMs) if (s <= t && t < s + sizeMs) out.push({ start: s, end: s + sizeMs });
  return out.sort((a, b) => b.start - a.start);
}

function throwsConstruction(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PipelineConstructionError, `expected PipelineConstructionError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

describe('fixed windows', () => {
  const fn = fixedWindows(minutes(1));

  it('an element at the start of a window belongs to that window', () => {
    assert.deepEqual(assignWindows(fn, at('2026-03-01T09:00:00Z')), [w('2026-03-01T09:00:00Z', '2026-03-01T09:01:00Z')]);
  });

  it('an element at the last millisecond of a window (end - 1) still belongs to it', () => {
    assert.deepEqual(assignWindows(fn, at('2026-03-01T09:00:59.999Z')), [w('2026-03-01T09:00:00Z', '2026-03-01T09:01:00Z')]);
  });

  it('an element at exactly the window end belongs to the next window (half-open intervals)', () => {
    const [win] = assignWindows(fn, at('2026-03-01T09:01:00Z'));
    assert.deepEqual(win, w('2026-03-01T09:01:00Z', '2026-03-01T09:02:00Z'));
    assert.equal(windowContains(w('2026-03-01T09:00:00Z', '2026-03-01T09:01:00Z'), at('2026-03-01T09:01:00Z')), false);
  });

  it('maxTimestamp of a window is its end minus one millisecond', () => {
    assert.equal(maxTimestamp(w('2026-03-01T09:00:00Z', '2026-03-01T09:01:00Z')), at('2026-03-01T09:00:59.999Z'));
  });

  it('negative timestamps: one millisecond before the epoch is in [-size, 0), not [0, size)', () => {
    assert.deepEqual(assignWindows(fn, -1), [{ start: -60_000, end: 0 }]);
    assert.deepEqual(assignWindows(fn, at('1969-12-31T23:59:00Z')), [{ start: -60_000, end: 0 }]);
    assert.deepEqual(assignWindows(fn, -60_001), [{ start: -120_000, end: -60_000 }]);
    assert.equal(fixedWindowStart(fn, 0), 0);
  });

  it('offset: hourly windows offset by 15 minutes run [hh:15, hh+1:15)', () => {
    const fn15 = fixedWindows(hours(1), minutes(15));
    assert.deepEqual(assignWindows(fn15, at('2026-03-01T09:10:00Z')), [w('2026-03-01T08:15:00Z', '2026-03-01T09:15:00Z')]);
    assert.deepEqual(assignWindows(fn15, at('2026-03-01T09:15:00Z')), [w('2026-03-01T09:15:00Z', '2026-03-01T10:15:00Z')]);
    assert.deepEqual(assignWindows(fn15, at('2026-03-01T09:14:59.999Z')), [w('2026-03-01T08:15:00Z', '2026-03-01T09:15:00Z')]);
  });

  it('offset with negative timestamps: size 10, offset 3 puts -8 in [-17, -7) and -7 in [-7, 3)', () => {
    const f = fixedWindows(10, 3);
    assert.deepEqual(assignWindows(f, -8), [{ start: -17, end: -7 }]);
    assert.deepEqual(assignWindows(f, -7), [{ start: -7, end: 3 }]);
    assert.deepEqual(assignWindows(f, 2), [{ start: -7, end: 3 }]);
    assert.deepEqual(assignWindows(f, 3), [{ start: 3, end: 13 }]);
  });

  it('every timestamp in a range lands in exactly one window that contains it', () => {
    const f = fixedWindows(7, 2);
    for (let t = -50; t <= 50; t++) {
      const ws = assignWindows(f, t);
      assert.equal(ws.length, 1);
      assert.ok(windowContains(ws[0], t), `t=${t} in ${JSON.stringify(ws[0])}`);
      assert.equal((((ws[0].start - 2) % 7) + 7) % 7, 0, `window start ${ws[0].start} is aligned to offset 2`);
    }
  });
});

describe('sliding windows', () => {
  it('an element lands in size/period windows, most recent first', () => {
    const fn = slidingWindows(minutes(3), minutes(1));
    assert.deepEqual(assignWindows(fn, at('2026-03-01T09:01:30Z')), [
      w('2026-03-01T09:01:00Z', '2026-03-01T09:04:00Z'),
      w('2026-03-01T09:00:00Z', '2026-03-01T09:03:00Z'),
      w('2026-03-01T08:59:00Z', '2026-03-01T09:02:00Z'),
    ]);
  });

  it('an element exactly on a period boundary: the window ending there does not hold it', () => {
    const fn = slidingWindows(minutes(3), minutes(1));
    const ws = assignWindows(fn, at('2026-03-01T09:01:00Z'));
    assert.deepEqual(ws, [
      w('2026-03-01T09:01:00Z', '2026-03-01T09:04:00Z'),
      w('2026-03-01T09:00:00Z', '2026-03-01T09:03:00Z'),
      w('2026-03-01T08:59:00Z', '2026-03-01T09:02:00Z'),
    ]);
    assert.ok(!ws.some((x) => x.end === at('2026-03-01T09:01:00Z')));
  });

  it('period == size: exactly one window, the same as fixed windows of that size', () => {
    const sliding = slidingWindows(minutes(5), minutes(5));
    const fixed = fixedWindows(minutes(5));
    for (const t of [T0, T0 + 1, T0 + minutes(5) - 1, T0 + minutes(5), -1, -minutes(5)]) {
      assert.deepEqual(assignWindows(sliding, t), assignWindows(fixed, t), `t=${t}`);
    }
  });

  it('size not a multiple of period: 2 or 3 windows (size 5, period 2) and always the brute-force set', () => {
    const fn = slidingWindows(5, 2);
    assert.deepEqual(assignWindows(fn, 0), [
      { start: 0, end: 5 },
      { start: -2, end: 3 },
      { start: -4, end: 1 },
    ]);
    assert.deepEqual(assignWindows(fn, 1), [
      { start: 0, end: 5 },
      { start: -2, end: 3 },
    ]);
    for (let t = -30; t <= 30; t++) assert.deepEqual(assignWindows(fn, t), bruteForceSliding(5, 2, 0, t), `t=${t}`);
  });

  it('offset: 10-minute windows every 5 minutes offset 2 minutes start at :x2 and :x7', () => {
    const fn = slidingWindows(minutes(10), minutes(5), minutes(2));
    assert.deepEqual(assignWindows(fn, at('2026-03-01T09:00:00Z')), [
      w('2026-03-01T08:57:00Z', '2026-03-01T09:07:00Z'),
      w('2026-03-01T08:52:00Z', '2026-03-01T09:02:00Z'),
    ]);
    for (let t = -40; t <= 40; t++) {
      assert.deepEqual(assignWindows(slidingWindows(10, 5, 2), t), bruteForceSliding(10, 5, 2, t), `t=${t}`);
    }
  });

  it('negative timestamps: -1 with size 3 min, period 1 min is in the three windows ending at 0, 1 and 2 minutes', () => {
    assert.deepEqual(assignWindows(slidingWindows(minutes(3), minutes(1)), -1), [
      { start: -minutes(1), end: minutes(2) },
      { start: -minutes(2), end: minutes(1) },
      { start: -minutes(3), end: 0 },
    ]);
  });
});

describe('session windows and the global window', () => {
  it('sessions: an element gets its proto-session [t, t + gap); merging is the runner’s job', () => {
    const fn = sessions(minutes(10));
    assert.deepEqual(assignWindows(fn, T0), [{ start: T0, end: T0 + minutes(10) }]);
    assert.deepEqual(assignWindows(fn, -5), [{ start: -5, end: -5 + minutes(10) }]);
    assert.equal(isMerging(fn), true);
    assert.equal(isMerging(fixedWindows(1000)), false);
    assert.equal(isMerging(slidingWindows(1000, 500)), false);
    assert.equal(isMerging(globalWindows()), false);
  });

  it('global: every timestamp, including the extremes, is in the one global window', () => {
    for (const t of [T0, -1, -8.64e15, 8.64e15 - 86_400_001])
      assert.deepEqual(assignWindows(globalWindows(), t), [GLOBAL_WINDOW]);
  });
});

describe('side input window mapping', () => {
  const main = w('2026-03-01T09:00:00Z', '2026-03-01T09:05:00Z');

  it('a global side input maps every main window to the global window', () => {
    assert.deepEqual(sideInputWindow(globalWindows(), main), GLOBAL_WINDOW);
    assert.deepEqual(sideInputWindow(globalWindows(), GLOBAL_WINDOW), GLOBAL_WINDOW);
  });

  it('same fixed windows on both sides: a main window reads the identical side window', () => {
    assert.deepEqual(sideInputWindow(fixedWindows(minutes(5)), main), main);
  });

  it('hourly side input, minutely main input: the side hour holding the main window’s last instant', () => {
    const hourly = fixedWindows(hours(1));
    assert.deepEqual(
      sideInputWindow(hourly, w('2026-03-01T09:59:00Z', '2026-03-01T10:00:00Z')),
      w('2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z'),
    );
    assert.deepEqual(
      sideInputWindow(hourly, w('2026-03-01T10:00:00Z', '2026-03-01T10:01:00Z')),
      w('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'),
    );
  });

  it('sliding side input: the EARLIEST side window containing the end of the main window (Beam SlidingWindows.getSideInputWindow)', () => {
    // Main [09:00, 09:05) ends at 09:04:59.999, which is in side windows [08:55, 09:05) and [09:00, 09:10).
    // Beam picks the earliest: it is complete when the main window is, and holds no data from after it.
    assert.deepEqual(
      sideInputWindow(slidingWindows(minutes(10), minutes(5)), main),
      w('2026-03-01T08:55:00Z', '2026-03-01T09:05:00Z'),
    );
  });

  it('a session-windowed side input cannot be mapped', () => {
    throwsConstruction(() => sideInputWindow(sessions(minutes(10)), main), /side input.*sessions/);
  });

  it('a globally windowed main input cannot read a fixed-windowed side input (Beam: no window to map to)', () => {
    assert.throws(() => sideInputWindow(fixedWindows(minutes(5)), GLOBAL_WINDOW));
  });
});

describe('construction errors: window functions', () => {
  it('session gap zero, negative or fractional is refused with the value in the message', () => {
    throwsConstruction(() => sessions(0), /session window gap.*got 0/);
    throwsConstruction(() => sessions(-minutes(1)), /session window gap.*got -60000/);
    throwsConstruction(() => sessions(1.5), /session window gap.*got 1.5/);
    throwsConstruction(() => sessions(Number.NaN), /session window gap/);
  });

  it('a sliding period longer than the size is refused (elements would fall between windows)', () => {
    throwsConstruction(
      () => slidingWindows(minutes(1), minutes(2)),
      /period \(120000 ms\) must not exceed its size \(60000 ms\)/,
    );
  });

  it('zero or negative sizes and periods are refused', () => {
    throwsConstruction(() => fixedWindows(0), /fixed window size.*got 0/);
    throwsConstruction(() => fixedWindows(-10), /fixed window size.*got -10/);
    throwsConstruction(() => slidingWindows(0, 0), /sliding window size/);
    throwsConstruction(() => slidingWindows(minutes(1), 0), /sliding window period.*got 0/);
  });

  it('fixed window offsets outside [0, size) or fractional are refused', () => {
    throwsConstruction(() => fixedWindows(minutes(1), minutes(1)), /offset must be in \[0, size\), got 60000 for size 60000/);
    throwsConstruction(() => fixedWindows(minutes(1), -1), /offset must be in \[0, size\), got -1/);
    throwsConstruction(() => fixedWindows(minutes(1), 0.5), /offset/);
    assert.deepEqual(fixedWindows(minutes(1), minutes(1) - 1).offsetMs, minutes(1) - 1);
  });

  it('sliding window offsets outside [0, period) are refused', () => {
    throwsConstruction(
      () => slidingWindows(minutes(10), minutes(5), minutes(5)),
      /sliding window offset must be in \[0, period\), got 300000/,
    );
    throwsConstruction(() => slidingWindows(minutes(10), minutes(5), -1), /sliding window offset/);
  });
});

describe('construction errors: windowing strategies and triggers', () => {
  it('allowed lateness on the global window is refused and says what to do instead', () => {
    throwsConstruction(
      () => windowingStrategy(globalWindows(), { allowedLatenessMs: 1 }),
      /global window.*fixed, sliding or session/,
    );
    throwsConstruction(
      () => windowInto(globalWindows(), { allowedLatenessMs: minutes(5) }),
      /allowed lateness is meaningless on the global window/,
    );
    assert.equal(windowingStrategy(globalWindows(), { allowedLatenessMs: 0 }).allowedLatenessMs, 0);
  });

  it('negative, NaN or infinite allowed lateness is refused', () => {
    throwsConstruction(() => windowInto(fixedWindows(minutes(1)), { allowedLatenessMs: -1 }), /allowed lateness.*got -1/);
    throwsConstruction(() => windowingStrategy(fixedWindows(minutes(1)), { allowedLatenessMs: Number.NaN }), /allowed lateness/);
    throwsConstruction(() => windowingStrategy(fixedWindows(minutes(1)), { allowedLatenessMs: Infinity }), /allowed lateness/);
  });

  it('the default strategy is Beam’s: default trigger, no lateness, discarding, END_OF_WINDOW, FIRE_ALWAYS on time', () => {
    const s = windowingStrategy(fixedWindows(minutes(1)));
    assert.deepEqual(
      [s.trigger, s.allowedLatenessMs, s.accumulationMode, s.timestampCombiner, s.onTimeBehavior, s.closingBehavior],
      [defaultTrigger(), 0, 'discarding', 'END_OF_WINDOW', 'FIRE_ALWAYS', 'FIRE_IF_NON_EMPTY'],
    );
  });

  it('afterCount(0), negative or fractional counts are refused', () => {
    throwsConstruction(() => afterCount(0), /afterCount needs a whole number of at least 1, got 0/);
    throwsConstruction(() => afterCount(-3), /afterCount.*got -3/);
    throwsConstruction(() => afterCount(2.5), /afterCount.*got 2.5/);
  });

  it('afterWatermark whose early firings themselves wait for the watermark is refused', () => {
    throwsConstruction(
      () => afterWatermark({ early: afterWatermark() }),
      /early firings of afterWatermark cannot themselves wait for the watermark/,
    );
    throwsConstruction(() => afterWatermark({ early: repeatedly(defaultTrigger()) }), /early firings/);
    throwsConstruction(() => afterWatermark({ early: afterFirst(afterCount(3), afterWatermark()) }), /early firings/);
    throwsConstruction(() => afterWatermark({ late: afterEach(afterCount(1), afterWatermark()) }), /late firings/);
    assert.equal(afterWatermark({ early: repeatedly(afterCount(1)), late: afterCount(1) }).kind, 'afterWatermark');
  });

  it('composite triggers need at least one sub-trigger; processing-time delays must be non-negative', () => {
    throwsConstruction(() => afterFirst(), /afterFirst needs at least one sub-trigger/);
    throwsConstruction(() => afterAll(), /afterAll needs at least one sub-trigger/);
    throwsConstruction(() => afterEach(), /afterEach needs at least one sub-trigger/);
    throwsConstruction(() => afterProcessingTime(-1), /afterProcessingTime delay.*got -1/);
    assert.equal(never().kind, 'never');
  });

  it('topK(0) and a watermark policy with a negative delay or zero idle timeout are refused', () => {
    throwsConstruction(() => topK(0, (a: number, b: number) => a - b), /topK needs k ≥ 1, got 0/);
    throwsConstruction(() => boundedOutOfOrderness(-1), /out-of-orderness.*got -1/);
    throwsConstruction(() => boundedOutOfOrderness(0, { idleTimeoutMs: 0 }), /idle timeout/);
  });
});

describe('construction errors: graph', () => {
  it('groupByKey on a map() output throws, naming the unkeyed collection and how to key it', () => {
    const p = new Pipeline();
    const pairs = p.apply(create([1, 2, 3])).apply(map((x: number) => ({ key: x % 2, value: x }), 'ToPairs'));
    throwsConstruction(
      () => pairs.apply(groupByKey<number, number>()),
      /GroupByKey needs a keyed collection.*'ToPairs' is not keyed.*keyBy\(\)/,
    );
  });

  it('combinePerKey on a map() output throws, naming the collection', () => {
    const p = new Pipeline();
    const pairs = p.apply(create([1, 2, 3])).apply(map((x: number) => ({ key: 'k', value: x }), 'Pairs'));
    throwsConstruction(
      () => pairs.apply(combinePerKey<string, number, number, number>(sum())),
      /CombinePerKey.*'Pairs' is not keyed/,
    );
  });

  it('grouping after mapToKV, keyBy or a keyed parDo is allowed', () => {
    const p = new Pipeline();
    const input = p.apply(create([1, 2, 3]));
    input.apply(mapToKV((x: number) => ({ key: x, value: x }), 'A')).apply(groupByKey<number, number>('GA'));
    input.apply(keyBy((x: number) => x, 'B')).apply(groupByKey<number, number>('GB'));
    input
      .apply(
        parDo<number, { key: number; value: number }>(
          { process: (x, c) => c.output({ key: x, value: x }) },
          { keyed: true },
          'C',
        ),
      )
      .apply(groupByKey<number, number>('GC'));
    assert.deepEqual(
      p.steps.filter((s) => s.kind === 'group').map((s) => s.name),
      ['GA', 'GB', 'GC'],
    );
  });

  it('windowInto keeps a keyed collection keyed: grouping after re-windowing is allowed', () => {
    const p = new Pipeline();
    const keyed = p.apply(create([1])).apply(keyBy((x: number) => x));
    const grouped = keyed.apply(windowInto(fixedWindows(minutes(1)))).apply(groupByKey<number, number>());
    assert.equal(grouped.keyed, true);
  });

  it('filter keeps a keyed collection keyed (Beam’s Filter keeps its input coder), so it can still be grouped', () => {
    const p = new Pipeline();
    const keyed = p.apply(create([1, 2, 3])).apply(keyBy((x: number) => x % 2, 'ByParity'));
    const filtered = keyed.apply(filter((kv: { key: number; value: number }) => kv.value > 1, 'DropOnes'));
    assert.equal(filtered.keyed, true);
    assert.doesNotThrow(() => filtered.apply(groupByKey<number, number>()));
  });

  it('the same explicit name twice through withName is refused; the message names the step', () => {
    const p = new Pipeline();
    const input = p.apply(create([1]));
    input.apply(
      withName(
        'Parse',
        map((x: number) => x + 1),
      ),
    );
    throwsConstruction(
      () =>
        input.apply(
          withName(
            'Parse',
            map((x: number) => x + 2),
          ),
        ),
      /step name 'Parse' is already used/,
    );
  });

  it('the same explicit name twice through a transform’s name argument is refused', () => {
    const p = new Pipeline();
    const input = p.apply(create([1], {}, 'Input'));
    input.apply(map((x: number) => x, 'Parse'));
    throwsConstruction(() => input.apply(filter((x: number) => x > 0, 'Parse')), /'Parse' is already used/);
    throwsConstruction(() => p.apply(create([2], {}, 'Input')), /'Input' is already used/);
  });

  it('generated names that collide get a numeric suffix instead of an error', () => {
    const p = new Pipeline();
    const input = p.apply(create([1]));
    const double = (x: number) => x * 2;
    input.apply(map(double));
    input.apply(map(double));
    input.apply(map(double));
    assert.deepEqual(
      p.steps.map((s) => s.name),
      ['Create', 'Map(double)', 'Map(double)2', 'Map(double)3'],
    );
  });

  it('the same explicit name inside two different composites is fine: full names differ', () => {
    const p = new Pipeline();
    const input = p.apply(create([1]));
    input.apply(composite('A', (pc: typeof input) => pc.apply(map((x: number) => x, 'Parse'))));
    input.apply(composite('B', (pc: typeof input) => pc.apply(map((x: number) => x, 'Parse'))));
    assert.deepEqual(
      p.steps.map((s) => s.name),
      ['Create', 'A/Parse', 'B/Parse'],
    );
    throwsConstruction(() => input.apply(composite('A', (pc: typeof input) => pc)), /step name 'A' is already used/);
  });

  it('a name that is empty or contains "/" is refused', () => {
    const p = new Pipeline();
    throwsConstruction(() => p.apply(create([1], {}, 'a/b')), /must be non-empty and contain no '\/'/);
    throwsConstruction(() => p.apply(create([1], {}, '')), /must be non-empty/);
  });

  it('flatten of differently windowed collections is refused, naming both collections and their windows', () => {
    const p = new Pipeline();
    const a = p.apply(create([1], {}, 'A')).apply(windowInto(fixedWindows(minutes(1)), {}, 'WinA'));
    const b = p.apply(create([2], {}, 'B')).apply(windowInto(fixedWindows(minutes(5)), {}, 'WinB'));
    throwsConstruction(() => flattenAll([a, b]), /'WinB' is windowed fixed\(300000 ms\) but 'WinA' fixed\(60000 ms\)/);
    const c = p.apply(create([3], {}, 'C')).apply(windowInto(fixedWindows(minutes(1), 30_000), {}, 'WinC'));
    throwsConstruction(() => flattenAll([a, c]), /flatten: 'WinC'/);
    const g = p.apply(create([4], {}, 'G'));
    throwsConstruction(() => flattenAll([a, g]), /flatten: 'G' is windowed global/);
  });

  it('flatten of alike-windowed collections works; the result is keyed only if every input is', () => {
    const p = new Pipeline();
    const a = p.apply(create([1], {}, 'A')).apply(keyBy((x: number) => x, 'KA'));
    const b = p.apply(create([2], {}, 'B')).apply(keyBy((x: number) => x, 'KB'));
    const c = p.apply(create([{ key: 3, value: 3 }], {}, 'C'));
    assert.equal(flattenAll([a, b], 'AB').keyed, true);
    const mixed = flattenAll([a, c], 'AC');
    assert.equal(mixed.keyed, false);
    throwsConstruction(() => mixed.apply(groupByKey<number, number>()), /'AC' is not keyed/);
    throwsConstruction(() => p.applyTransform(flatten<number>(), []), /at least one collection/);
  });

  it('asMap and asMultimap on an unkeyed collection throw, naming the collection', () => {
    const p = new Pipeline();
    const unkeyed = p.apply(create([{ key: 'a', value: 1 }], {}, 'Lookup'));
    throwsConstruction(() => asMap(unkeyed), /asMap needs a keyed collection, but 'Lookup' is not keyed/);
    throwsConstruction(() => asMultimap(unkeyed), /asMultimap needs a keyed collection, but 'Lookup' is not keyed/);
    assert.equal(asList(unkeyed).kind, 'list');
    assert.equal(asSingleton(unkeyed).kind, 'singleton');
    const keyed = unkeyed.apply(mapToKV((x: { key: string; value: number }) => x, 'Keyed'));
    assert.equal(asMap(keyed).kind, 'map');
  });

  it('a collection from another pipeline cannot be used (flatten across pipelines names the stranger)', () => {
    const p1 = new Pipeline();
    const p2 = new Pipeline();
    const a = p1.apply(create([1], {}, 'Mine'));
    const b = p2.apply(create([2], {}, 'Theirs'));
    throwsConstruction(() => flattenAll([a, b]), /collection 'Theirs' belongs to another pipeline/);
  });
});
