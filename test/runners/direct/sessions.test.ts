/**
 * Session windows per key: gap 10 minutes unless said otherwise, explicit UTC timestamps.
 * Beam semantics: an element opens [t, t + gap); overlapping windows of a key merge; touching
 * windows (exactly one gap apart) do not.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../sdk/clock';
import { toList } from '../../../sdk/combine_fns';
import { type LateElement } from '../../../sdk/graph';
import { type KV } from '../../../sdk/kv';
import { Pipeline } from '../../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../../sdk/testing';
import { minutes } from '../../../sdk/time';
import { afterCount, afterWatermark, repeatedly } from '../../../sdk/triggers';
import { mapToKV } from '../../../sdk/transforms/element_wise';
import { combinePerKey, groupByKey, lateElementsOf } from '../../../sdk/transforms/group';
import { windowInto } from '../../../sdk/transforms/window_into';
import { sessions } from '../../../sdk/window_fns';
import { type WindowingOptions } from '../../../sdk/windowing_strategy';
import { runPipeline } from '../../../runners/direct';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const GAP = minutes(10);
const at = (m: number) => T0 + minutes(m);

interface Click {
  readonly user: string;
  readonly page: string;
}

async function sessionize(stream: TestStream<Click>, options: WindowingOptions = {}) {
  const p = new Pipeline();
  const grouped = p
    .apply(testStream(stream))
    .apply(windowInto(sessions(GAP), options))
    .apply(mapToKV((c: Click) => ({ key: c.user, value: c.page }), 'ByUser'))
    .apply(combinePerKey<string, string, string[], string[]>(toList(), 'Pages'));
  const out = capture(grouped);
  const late = capture(lateElementsOf(grouped));
  const result = await runPipeline(p, { clock: new ManualClock(0) });
  const rows = out.elements.map((e) => ({
    user: e.value.key,
    pages: [...e.value.value].sort().join(','),
    start: (e.window.start - T0) / 60_000,
    end: (e.window.end - T0) / 60_000,
    timing: e.pane.timing,
    index: e.pane.index,
    isLast: e.pane.isLast,
    supersedes: e.pane.supersedes.map((w) => [(w.start - T0) / 60_000, (w.end - T0) / 60_000]),
  }));
  return { rows, late: late.values() as LateElement<KV<string, string>>[], result };
}

const click = (user: string, page: string, minute: number) => tv<Click>({ user, page }, at(minute));

describe('session windows', () => {
  it('within gap: events 9 minutes apart are one session [first, last + gap)', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'b', 9), click('ann', 'c', 18))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s);
    assert.deepEqual(
      rows.map((r) => [r.user, r.pages, r.start, r.end, r.timing]),
      [['ann', 'a,b,c', 0, 28, 'ON_TIME']],
    );
  });

  it('exact gap: events exactly one gap apart are two sessions (touching windows do not merge)', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'b', 10))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s);
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end]),
      [
        ['a', 0, 10],
        ['b', 10, 20],
      ],
    );
  });

  it('sessions are per key: the same times for two users never merge', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('bob', 'b', 5))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s);
    assert.deepEqual(rows.map((r) => [r.user, r.start, r.end]).sort(), [
      ['ann', 0, 10],
      ['bob', 5, 15],
    ]);
  });

  it('bridging merge: an out-of-order event between two sessions merges them before either fires', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'c', 15))
      .addElements(click('ann', 'b', 8))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s);
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end, r.timing, r.supersedes]),
      [['a,b,c', 0, 25, 'ON_TIME', []]],
    );
  });

  it('late bridging merge: a late event within lateness joins two emitted sessions; the pane says which windows it replaces', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'c', 15))
      .advanceWatermarkTo(at(30))
      .addElements(click('ann', 'b', 8))
      .advanceWatermarkToInfinity();
    const { rows, late } = await sessionize(s, { allowedLatenessMs: minutes(60), accumulationMode: 'accumulating' });
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end, r.timing, r.index]),
      [
        ['a', 0, 10, 'ON_TIME', 0],
        ['c', 15, 25, 'ON_TIME', 0],
        ['a,b,c', 0, 25, 'LATE', 1],
      ],
    );
    assert.deepEqual(rows[2].supersedes, [
      [0, 10],
      [15, 25],
    ]);
    assert.equal(late.length, 0);
  });

  it('late extension: a late event that stretches one emitted session replaces its row', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0))
      .advanceWatermarkTo(at(12))
      .addElements(click('ann', 'b', 5))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s, { allowedLatenessMs: minutes(60), accumulationMode: 'accumulating' });
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end, r.timing, r.supersedes]),
      [
        ['a', 0, 10, 'ON_TIME', []],
        ['a,b', 0, 15, 'LATE', [[0, 10]]],
      ],
    );
  });

  it('late beyond lateness: an event whose own session window has expired goes to the late output', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'c', 15))
      .advanceWatermarkTo(at(100))
      .addElements(click('ann', 'b', 8))
      .advanceWatermarkToInfinity();
    const { rows, late, result } = await sessionize(s, { allowedLatenessMs: minutes(30) });
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end]),
      [
        ['a', 0, 10],
        ['c', 15, 25],
      ],
    );
    assert.equal(late.length, 1);
    assert.equal(late[0].value.value, 'b');
    assert.equal(late[0].reason, 'expired');
    assert.equal(late[0].windowEnd, at(18));
    assert.equal(late[0].watermark, at(100));
    assert.equal(result.lateDropped, 1);
  });

  it('late with zero allowed lateness: dropped to the late output even when it would bridge', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0), click('ann', 'c', 15))
      .advanceWatermarkTo(at(30))
      .addElements(click('ann', 'b', 8))
      .advanceWatermarkToInfinity();
    const { rows, late } = await sessionize(s);
    assert.equal(rows.length, 2);
    assert.equal(late.length, 1);
  });

  it('late extension in discarding mode: the late pane holds only the new data, over the extended window', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0))
      .advanceWatermarkTo(at(12))
      .addElements(click('ann', 'b', 5))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s, { allowedLatenessMs: minutes(60) });
    assert.deepEqual(
      rows.map((r) => [r.pages, r.start, r.end, r.timing]),
      [
        ['a', 0, 10, 'ON_TIME'],
        ['b', 0, 15, 'LATE'],
      ],
    );
  });

  it('closed window: without late firings the trigger finishes on time and later data is refused as closed_window', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0))
      .advanceWatermarkTo(at(12))
      .addElements(click('ann', 'b', 5))
      .advanceWatermarkToInfinity();
    const { rows, late } = await sessionize(s, { trigger: afterWatermark(), allowedLatenessMs: minutes(60) });
    assert.deepEqual(
      rows.map((r) => [r.pages, r.timing, r.isLast]),
      [['a', 'ON_TIME', true]],
    );
    assert.deepEqual(
      late.map((l) => [l.value.value, l.reason]),
      [['b', 'closed_window']],
    );
  });

  it('early panes by count merge their counts when sessions merge', async () => {
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'a', 0))
      .addElements(click('ann', 'c', 15))
      .addElements(click('ann', 'b', 8))
      .advanceWatermarkToInfinity();
    const { rows } = await sessionize(s, {
      trigger: afterWatermark({ early: repeatedly(afterCount(3)) }),
      accumulationMode: 'accumulating',
    });
    // a and c alone never reach 3; merged with b, the count reaches 3 and fires early.
    assert.deepEqual(
      rows.map((r) => [r.pages, r.timing, r.index]),
      [
        ['a,b,c', 'EARLY', 0],
        ['a,b,c', 'ON_TIME', 1],
      ],
    );
  });

  it('groupByKey over sessions emits every value of the merged session', async () => {
    const p = new Pipeline();
    const s = TestStream.create<Click>()
      .addElements(click('ann', 'x', 0), click('ann', 'y', 4), click('bob', 'z', 1))
      .advanceWatermarkToInfinity();
    const grouped = p
      .apply(testStream(s))
      .apply(windowInto(sessions(GAP)))
      .apply(mapToKV((c: Click) => ({ key: c.user, value: c.page })))
      .apply(groupByKey<string, string>());
    const out = capture(grouped);
    await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      out
        .values()
        .map((kv) => `${kv.key}:${[...kv.value].sort().join('')}`)
        .sort(),
      ['ann:xy', 'bob:z'],
    );
  });
});

describe('session state is garbage collected', () => {
  it('open windows stay bounded while the watermark follows the data, and none remain at the end', async () => {
    let s = TestStream.create<Click>();
    for (let i = 0; i < 200; i++) {
      // One click every 15 minutes: each is its own session (gap 10), expiring 10 minutes later.
      s = s.addElements(click('ann', `p${i}`, i * 15), click('bob', `q${i}`, i * 15 + 1)).advanceWatermarkTo(at(i * 15 - 5));
    }
    const p = new Pipeline();
    p.apply(testStream(s.advanceWatermarkToInfinity()))
      .apply(windowInto(sessions(GAP)))
      .apply(mapToKV((c: Click) => ({ key: c.user, value: c.page })))
      .apply(groupByKey<string, string>('GroupByUser'));
    let maxOpen = 0;
    const result = await runPipeline(p, {
      clock: new ManualClock(0),
      onBundle: (progress) => {
        maxOpen = Math.max(maxOpen, progress.step('GroupByUser')?.openWindows ?? 0);
      },
    });
    // 400 sessions in all; at any time a user has at most three open (the newest, and up to two the watermark has
    // not yet passed by more than the gap).
    assert.ok(maxOpen <= 6, `open sessions must stay bounded, saw ${maxOpen}`);
    assert.equal(result.steps.GroupByUser.openWindows, 0);
  });
});
