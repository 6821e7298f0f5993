import assert from 'node:assert/strict';
import { ManualClock } from '../../sdk/clock';
import { Pipeline } from '../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../sdk/testing';
import { runPipeline } from '../../runners/direct';
import { type PipelineEvent } from '../../transforms/records';
import { userFeatures } from '../../transforms/user_features';
import { T0, minute, pipelineEvent } from './event_fixtures';

const at = (e: PipelineEvent) => tv(e, e.eventTimeMs);

describe('userFeatures', () => {
  it('computes the rolling features and re-emits after new activity', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(
        at(pipelineEvent({ at: 0, event_type: 'add_to_cart', product: { sku: 's1', category: 'shoes' } })),
        at(
          pipelineEvent({
            at: 10,
            event_type: 'purchase',
            value: 20,
            currency: 'EUR',
            product: { sku: 's1', category: 'shoes' },
          }),
        ),
      )
      .advanceProcessingTime(11_000)
      .addElements(
        at(pipelineEvent({ at: 100, event_type: 'add_to_cart', product: { sku: 'h1', category: 'hats' } })),
        at(pipelineEvent({ at: 120, event_type: 'purchase', value: 5, currency: 'EUR' })),
      )
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const rows = capture(p.apply(testStream(s)).apply(userFeatures()));
    await runPipeline(p, { clock: new ManualClock(0) });
    const [first, last] = rows.values();
    assert.equal(rows.values().length, 2);
    assert.deepEqual(
      [first.eventsLastHour, first.totalRevenue, first.lastPurchaseValue, first.topCategory, first.sessionsCount],
      [2, 20, 20, 'shoes', 1],
    );
    assert.deepEqual(
      [
        last.eventsLastHour,
        last.totalRevenue,
        last.lastPurchaseValue,
        last.lastPurchaseTime,
        last.topCategory,
        last.sessionsCount,
        last.asOf,
      ],
      [2, 25, 5, T0 + 120 * minute, 'shoes', 2, T0 + 120 * minute],
    );
  });

  it('sessions_count follows the session gap: 29 minutes apart is one session, exactly 30 apart starts another', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(
        at(pipelineEvent({ at: 0 })),
        at(pipelineEvent({ at: 29 })),
        at(pipelineEvent({ at: 59 })),
        at(pipelineEvent({ at: 89.5 })),
      )
      .advanceWatermarkToInfinity();
    const p = new Pipeline();
    const rows = capture(p.apply(testStream(s)).apply(userFeatures()));
    await runPipeline(p, { clock: new ManualClock(0) });
    // {0, 29}, {59}, {89.5}
    assert.equal(rows.values().at(-1)?.sessionsCount, 3);
  });
});
