/**
 * Tidemark's windowing strategies and triggers as Beam Runner API protos. apache-beam's `windowInto(windowFn,
 * base)` keeps every field of `base` and overwrites only the window fn, its coder, merge status and
 * assignsToOneWindow (FACTS.md), so the strategy built here is what Dataflow receives.
 */
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import {
  type AccumulationMode,
  type FiringBehavior,
  type TimestampCombiner,
  type Trigger,
  type WindowingStrategy,
} from '../../sdk';

/** A trigger tree as a Runner API Trigger: the same names, with afterFirst spelled AfterAny. */
export function triggerProto(t: Trigger): runnerApi.Trigger {
  switch (t.kind) {
    case 'default':
      return { trigger: { oneofKind: 'default', default: {} } };
    case 'afterWatermark':
      // The runner (Dataflow, Java core) repeats early and late firings itself, as tidemark's runner does.
      return {
        trigger: {
          oneofKind: 'afterEndOfWindow',
          afterEndOfWindow: {
            ...(t.early && { earlyFirings: triggerProto(t.early) }),
            ...(t.late && { lateFirings: triggerProto(t.late) }),
          },
        },
      };
    case 'afterProcessingTime':
      return {
        trigger: {
          oneofKind: 'afterProcessingTime',
          afterProcessingTime: {
            timestampTransforms: [{ timestampTransform: { oneofKind: 'delay', delay: { delayMillis: BigInt(t.delayMs) } } }],
          },
        },
      };
    case 'afterCount':
      return { trigger: { oneofKind: 'elementCount', elementCount: { elementCount: t.count } } };
    case 'repeatedly':
      return { trigger: { oneofKind: 'repeat', repeat: { subtrigger: triggerProto(t.trigger) } } };
    case 'afterFirst':
      return { trigger: { oneofKind: 'afterAny', afterAny: { subtriggers: t.triggers.map(triggerProto) } } };
    case 'afterAll':
      return { trigger: { oneofKind: 'afterAll', afterAll: { subtriggers: t.triggers.map(triggerProto) } } };
    case 'afterEach':
      return { trigger: { oneofKind: 'afterEach', afterEach: { subtriggers: t.triggers.map(triggerProto) } } };
    case 'never':
      return { trigger: { oneofKind: 'never', never: {} } };
  }
}

const ACCUMULATION: Record<AccumulationMode, runnerApi.AccumulationMode_Enum> = {
  discarding: runnerApi.AccumulationMode_Enum.DISCARDING,
  accumulating: runnerApi.AccumulationMode_Enum.ACCUMULATING,
};
const OUTPUT_TIME: Record<TimestampCombiner, runnerApi.OutputTime_Enum> = {
  END_OF_WINDOW: runnerApi.OutputTime_Enum.END_OF_WINDOW,
  EARLIEST: runnerApi.OutputTime_Enum.EARLIEST_IN_PANE,
  LATEST: runnerApi.OutputTime_Enum.LATEST_IN_PANE,
};
const CLOSING: Record<FiringBehavior, runnerApi.ClosingBehavior_Enum> = {
  FIRE_ALWAYS: runnerApi.ClosingBehavior_Enum.EMIT_ALWAYS,
  FIRE_IF_NON_EMPTY: runnerApi.ClosingBehavior_Enum.EMIT_IF_NONEMPTY,
};
const ON_TIME: Record<FiringBehavior, runnerApi.OnTimeBehavior_Enum> = {
  FIRE_ALWAYS: runnerApi.OnTimeBehavior_Enum.FIRE_ALWAYS,
  FIRE_IF_NON_EMPTY: runnerApi.OnTimeBehavior_Enum.FIRE_IF_NONEMPTY,
};

/**
 * Everything of a strategy except the window fn (which `windowInto` fills in from the apache-beam window fn):
 * trigger, allowed lateness, accumulation mode, timestamp combiner (output time), closing and on-time behaviour.
 */
export function windowingStrategyBase(s: WindowingStrategy, environmentId: string): runnerApi.WindowingStrategy {
  return runnerApi.WindowingStrategy.create({
    trigger: triggerProto(s.trigger),
    accumulationMode: ACCUMULATION[s.accumulationMode],
    outputTime: OUTPUT_TIME[s.timestampCombiner],
    closingBehavior: CLOSING[s.closingBehavior],
    onTimeBehavior: ON_TIME[s.onTimeBehavior],
    allowedLateness: BigInt(s.allowedLatenessMs),
    environmentId,
  });
}
