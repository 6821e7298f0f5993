/**
 * Session windows and triggers, which apache-beam's direct runner cannot execute, are checked on the translation:
 * the windowing strategy of the collection a GroupByKey reads must be exactly the Runner API value Dataflow
 * needs (window fn, trigger tree, allowed lateness, accumulation mode, output time, closing/on-time behaviour).
 */
import assert from 'node:assert/strict';
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { SessionWindowsPayload } from 'apache-beam/proto/standard_window_fns';
import {
  Pipeline,
  type Trigger,
  type WindowFn,
  type WindowingOptions,
  afterAll,
  afterCount,
  afterEach,
  afterFirst,
  afterProcessingTime,
  afterWatermark,
  fixedWindows,
  groupByKey,
  hours,
  minutes,
  never,
  read,
  repeatedly,
  sessions,
  windowInto,
} from '../../../sdk';
import { translate } from '../../../runners/dataflow/translate';
import { triggerProto } from '../../../runners/dataflow/windowing_proto';
import { keyByShop, salesSource, stampSales } from './fixtures/conformance_transforms';

/** The windowing strategy (as proto JSON) of the collection the pipeline's GroupByKey reads. */
function groupedStrategy(windowFn: WindowFn, options: WindowingOptions): Record<string, unknown> {
  const p = new Pipeline();
  p.apply(read(salesSource({ sales: [] }), 'ReadSales'))
    .apply(stampSales())
    .apply(windowInto(windowFn, options, 'Window'))
    .apply(keyByShop({ factor: 1 }))
    .apply(groupByKey<string, number>('Group'));
  const { proto } = translate(p);
  const c = proto.components!;
  const gbk = Object.values(c.transforms).find((t) => t.uniqueName === 'Group/GroupByKey');
  assert.ok(gbk, 'the GroupByKey is named Group/GroupByKey');
  const input = c.pcollections[Object.values(gbk.inputs)[0]];
  const ws = c.windowingStrategies[input.windowingStrategyId];
  const json = runnerApi.WindowingStrategy.toJson(ws) as Record<string, unknown>;
  const windowCoder = c.coders[ws.windowCoderId];
  return { ...json, windowCoderId: windowCoder.spec!.urn, environmentId: ws.environmentId ? 'set' : 'missing' };
}

const json = (t: Trigger): unknown => runnerApi.Trigger.toJson(triggerProto(t));

describe('windowing strategies and triggers as Runner API protos', () => {
  it('sessions (gap 30 min), LeaderBoard-style early/late firings, 1 h lateness, accumulating: the exact strategy', () => {
    const strategy = groupedStrategy(sessions(minutes(30)), {
      trigger: afterWatermark({ early: afterProcessingTime(minutes(5)), late: afterProcessingTime(minutes(10)) }),
      allowedLatenessMs: hours(1),
      accumulationMode: 'accumulating',
      timestampCombiner: 'EARLIEST',
    });
    assert.deepEqual(strategy, {
      windowFn: {
        urn: 'beam:window_fn:session_windows:v1',
        payload: Buffer.from(SessionWindowsPayload.toBinary({ gapSize: { seconds: 1800n, nanos: 0 } })).toString('base64'),
      },
      mergeStatus: 'NEEDS_MERGE',
      windowCoderId: 'beam:coder:interval_window:v1',
      trigger: {
        afterEndOfWindow: {
          earlyFirings: { afterProcessingTime: { timestampTransforms: [{ delay: { delayMillis: '300000' } }] } },
          lateFirings: { afterProcessingTime: { timestampTransforms: [{ delay: { delayMillis: '600000' } }] } },
        },
      },
      accumulationMode: 'ACCUMULATING',
      outputTime: 'EARLIEST_IN_PANE',
      closingBehavior: 'EMIT_IF_NONEMPTY',
      allowedLateness: '3600000',
      onTimeBehavior: 'FIRE_ALWAYS',
      assignsToOneWindow: true,
      environmentId: 'set',
    });
  });

  it('fixed windows with Beam defaults: default trigger, no lateness, discarding, end of window', () => {
    const strategy = groupedStrategy(fixedWindows(minutes(1)), {});
    assert.deepEqual(strategy.trigger, { default: {} });
    assert.equal(strategy.accumulationMode, 'DISCARDING');
    assert.equal(strategy.outputTime, 'END_OF_WINDOW');
    assert.equal(strategy.mergeStatus, 'NON_MERGING');
    assert.equal(strategy.allowedLateness, undefined, 'zero lateness is the proto default (omitted in JSON)');
  });

  it('closing and on-time behaviour FIRE_ALWAYS / FIRE_IF_NON_EMPTY map to EMIT_ALWAYS / FIRE_IF_NONEMPTY', () => {
    const strategy = groupedStrategy(fixedWindows(minutes(1)), {
      closingBehavior: 'FIRE_ALWAYS',
      onTimeBehavior: 'FIRE_IF_NON_EMPTY',
      timestampCombiner: 'LATEST',
    });
    assert.equal(strategy.closingBehavior, 'EMIT_ALWAYS');
    assert.equal(strategy.onTimeBehavior, 'FIRE_IF_NONEMPTY');
    assert.equal(strategy.outputTime, 'LATEST_IN_PANE');
  });

  it('composite triggers: repeatedly, afterFirst (AfterAny), afterAll, afterEach, afterCount, never', () => {
    assert.deepEqual(json(repeatedly(afterCount(100))), { repeat: { subtrigger: { elementCount: { elementCount: 100 } } } });
    assert.deepEqual(json(afterFirst(afterCount(2), afterProcessingTime(1000))), {
      afterAny: {
        subtriggers: [
          { elementCount: { elementCount: 2 } },
          { afterProcessingTime: { timestampTransforms: [{ delay: { delayMillis: '1000' } }] } },
        ],
      },
    });
    assert.deepEqual(json(afterAll(afterCount(3), never())), {
      afterAll: { subtriggers: [{ elementCount: { elementCount: 3 } }, { never: {} }] },
    });
    assert.deepEqual(json(afterEach(afterCount(1), repeatedly(afterCount(5)))), {
      afterEach: {
        subtriggers: [{ elementCount: { elementCount: 1 } }, { repeat: { subtrigger: { elementCount: { elementCount: 5 } } } }],
      },
    });
    assert.deepEqual(json(afterWatermark()), { afterEndOfWindow: {} });
    assert.deepEqual(json(afterWatermark({ late: afterCount(1) })), {
      afterEndOfWindow: { lateFirings: { elementCount: { elementCount: 1 } } },
    });
  });

  it('the trigger survives into the proto as data: a 1.5 s processing-time delay keeps its milliseconds', () => {
    assert.deepEqual(json(afterProcessingTime(1500)), {
      afterProcessingTime: { timestampTransforms: [{ delay: { delayMillis: '1500' } }] },
    });
  });
});
