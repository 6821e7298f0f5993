import assert from 'node:assert/strict';
import { ManualClock } from '../../sdk/clock';
import { Pipeline } from '../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../sdk/testing';
import { runPipeline } from '../../runners/direct';
import { campaignMetrics } from '../../transforms/campaign_metrics';
import { type PipelineEvent } from '../../transforms/records';
import { T0, minute, pipelineEvent } from './event_fixtures';

const at = (e: PipelineEvent) => tv(e, e.eventTimeMs);

describe('campaignMetrics', () => {
  it('early panes every 10 s of processing time, then ON_TIME, then a LATE pane; rows accumulate', async () => {
    const s = TestStream.create<PipelineEvent>()
      .advanceWatermarkTo(T0)
      .addElements(
        at(pipelineEvent({ at: 0.1, utm_campaign: 'spring', user: 'u1' })),
        at(pipelineEvent({ at: 0.2, utm_campaign: 'spring', event_type: 'click', user: 'u2' })),
      )
      .advanceProcessingTime(11_000)
      .addElements(
        at(pipelineEvent({ at: 0.5, utm_campaign: 'spring', event_type: 'purchase', value: 30, currency: 'EUR', user: 'u1' })),
      )
      .advanceWatermarkTo(T0 + 2 * minute)
      .addElements(at(pipelineEvent({ at: 0.9, utm_campaign: 'spring', user: 'u3' })))
      .advanceProcessingTime(11_000)
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const out = p.apply(testStream(s)).apply(campaignMetrics());
    const rows = capture(out.metrics);
    await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      rows.values().map((r) => [r.campaign, r.pane.timing, r.pane.index, r.events, r.users, r.clicks, r.conversions, r.revenue]),
      [
        ['spring', 'EARLY', 0, 2, 2, 1, 0, 0],
        ['spring', 'ON_TIME', 1, 3, 2, 1, 1, 30],
        ['spring', 'LATE', 2, 4, 3, 1, 1, 30],
      ],
    );
    assert.equal(rows.values()[0].windowStart, T0);
    assert.equal(rows.values()[0].windowEnd, T0 + minute);
  });

  it('events without a campaign count under "(not set)"; users without consent are not counted as users', async () => {
    const p = new Pipeline();
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(pipelineEvent({ at: 1.5, user: null })), at(pipelineEvent({ at: 1.6, user: 'u9' })))
      .advanceWatermarkToInfinity();
    const out = p.apply(testStream(s)).apply(campaignMetrics());
    const rows = capture(out.metrics);
    await runPipeline(p, { clock: new ManualClock(0) });
    assert.deepEqual(
      rows.values().map((r) => [r.campaign, r.events, r.users, r.pane.isLast]),
      [['(not set)', 2, 1, true]],
    );
  });
});
