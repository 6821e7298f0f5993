import assert from 'node:assert/strict';
import { ManualClock } from '../../sdk/clock';
import { Pipeline } from '../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../sdk/testing';
import { runPipeline } from '../../runners/direct';
import { dedupe } from '../../transforms/dedupe';
import { type PipelineEvent } from '../../transforms/records';
import { T0, minute, pipelineEvent } from './event_fixtures';

function run(stream: TestStream<PipelineEvent>, horizonMinutes = 10) {
  const p = new Pipeline();
  const out = p.apply(testStream(stream)).apply(dedupe({ horizonMs: horizonMinutes * minute }));
  const kept = capture(out.main);
  const dups = capture(out.duplicates);
  const late = capture(out.late);
  return { p, kept, dups, late, done: runPipeline(p, { clock: new ManualClock(0) }) };
}

const at = (e: PipelineEvent) => tv(e, e.eventTimeMs);

describe('dedupe', () => {
  it('keeps the first copy of an event id and splits later copies off as duplicates', async () => {
    const a = pipelineEvent({ at: 1, event_id: 'a' });
    const b = pipelineEvent({ at: 2, event_id: 'b' });
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(a), at(b))
      .addElements(at(a))
      .addElements(at(a), at(b))
      .advanceWatermarkToInfinity();
    const r = run(s);
    await r.done;
    assert.deepEqual(
      r.kept
        .values()
        .map((e) => e.event.event_id)
        .sort(),
      ['a', 'b'],
    );
    assert.deepEqual(
      r.dups
        .values()
        .map((e) => e.event.event_id)
        .sort(),
      ['a', 'a', 'b'],
    );
  });

  it('gives kept events their own event time back (not the pane time)', async () => {
    const a = pipelineEvent({ at: 3.5, event_id: 'a' });
    const s = TestStream.create<PipelineEvent>().advanceWatermarkTo(T0).addElements(at(a)).advanceWatermarkToInfinity();
    const r = run(s);
    await r.done;
    assert.equal(r.kept.elements[0].timestamp, a.eventTimeMs);
  });

  it('two copies in the same bundle: one kept, one duplicate', async () => {
    const a = pipelineEvent({ at: 1, event_id: 'same' });
    const s = TestStream.create<PipelineEvent>().addElements(at(a), at(a)).advanceWatermarkToInfinity();
    const r = run(s);
    await r.done;
    assert.equal(r.kept.elements.length, 1);
    assert.equal(r.dups.elements.length, 1);
  });

  it('a copy arriving within the horizon after its window is still recognised', async () => {
    const a = pipelineEvent({ at: 0.5, event_id: 'a' });
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(a))
      .advanceWatermarkTo(T0 + 9 * minute)
      .addElements(at(a))
      .advanceWatermarkToInfinity();
    const r = run(s);
    await r.done;
    assert.equal(r.kept.elements.length, 1);
    assert.equal(r.dups.elements.length, 1);
    assert.equal(r.late.elements.length, 0);
  });

  it('an event whose window expired beyond the horizon goes to late, not to the output', async () => {
    const early = pipelineEvent({ at: 0.5, event_id: 'late-one' });
    const s = TestStream.create<PipelineEvent>()
      .advanceWatermarkTo(T0 + 12 * minute)
      .addElements(at(early))
      .advanceWatermarkToInfinity();
    const r = run(s);
    await r.done;
    assert.equal(r.kept.elements.length, 0);
    assert.equal(r.late.elements.length, 1);
    assert.equal(r.late.elements[0].value.value.value.event.event_id, 'late-one');
    assert.equal(r.late.elements[0].value.reason, 'expired');
  });

  it('state is bounded: ids are forgotten once the watermark passes window end + horizon', async () => {
    // After the window of 'a' is collected a redelivery is too late to compare with anything: it goes to
    // late, never to the output twice.
    const a = pipelineEvent({ at: 0.5, event_id: 'a' });
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(a))
      .advanceWatermarkTo(T0 + 20 * minute)
      .addElements(at(a))
      .advanceWatermarkToInfinity();
    const r = run(s);
    const result = await r.done;
    assert.equal(r.kept.elements.length, 1);
    assert.equal(r.late.elements.length, 1);
    const group = result.steps['DedupeEvents/GroupByEventId'];
    assert.equal(group.lateDropped, 1);
  });

  it('every input is accounted for once: kept + duplicates + late = in', async () => {
    // 20 distinct events, each redelivered (same payload, same event time) up to three times, in a shuffled order.
    const originals = Array.from({ length: 20 }, (_, i) => pipelineEvent({ at: i * 0.7, event_id: `id${i}` }));
    const events = Array.from({ length: 50 }, (_, i) => originals[(i * 7) % 20]);
    let s = TestStream.create<PipelineEvent>();
    events.forEach((e, i) => {
      s = s.addElements(at(e));
      if (i % 10 === 9) s = s.advanceWatermarkTo(T0 + (i * 0.3 - 1) * minute);
    });
    const r = run(s.advanceWatermarkToInfinity(), 2);
    await r.done;
    assert.equal(r.kept.elements.length + r.dups.elements.length + r.late.elements.length, events.length);
    assert.equal(new Set(r.kept.values().map((e) => e.event.event_id)).size, r.kept.elements.length);
  });
});
