/**
 * Trigger scenarios that are run in a child process (see isolated.ts) because a runner bug once made
 * them loop forever. Each returns the panes as rows; the assertions live in fixed_and_sliding.test.ts.
 */
import { combineFn } from '../../../sdk/combine_fns';
import { TestStream } from '../../../sdk/testing';
import { minutes } from '../../../sdk/time';
import { afterAll, afterCount, afterProcessingTime, repeatedly } from '../../../sdk/triggers';
import { fixedWindows } from '../../../sdk/window_fns';
import { runScenarioIfMain } from './isolated';
import { type Input, el, paneOf, runGrouping } from './grouping_harness';

/** Letters of a pane, sorted, as one string ("abc"): order of arrival does not matter. */
export const letters = () =>
  combineFn<string, string[], string>({
    name: 'letters',
    createAccumulator: () => [],
    addInput: (a, x) => {
      a.push(x);
      return a;
    },
    mergeAccumulators: (as) => ([] as string[]).concat(...as),
    extractOutput: (a) => [...a].sort().join(''),
  });

export const scenarios = {
  /** afterAll(afterCount(2), afterProcessingTime(1 min)): the processing-time half is ready long before the count. */
  async afterAllCountAndProcessingTime() {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1))
      .advanceProcessingTime(minutes(1))
      .advanceProcessingTime(minutes(1))
      .addElements(el('k', 'b', 2))
      .addElements(el('k', 'c', 3))
      .advanceWatermarkToInfinity();
    const { rows, late } = await runGrouping(
      s,
      fixedWindows(minutes(1)),
      { trigger: afterAll(afterCount(2), afterProcessingTime(minutes(1))) },
      letters(),
    );
    return { panes: rows.map(paneOf), late: late.map((l) => [l.value.value, l.reason]) };
  },

  /** The same trigger repeated: a pane each time both halves are satisfied again. */
  async repeatedlyAfterAll() {
    const s = TestStream.create<Input<string>>()
      .addElements(el('k', 'a', 1), el('k', 'b', 2))
      .advanceProcessingTime(minutes(1))
      .addElements(el('k', 'c', 3))
      .advanceProcessingTime(minutes(2))
      .addElements(el('k', 'd', 4))
      .advanceWatermarkToInfinity();
    const { rows } = await runGrouping(
      s,
      fixedWindows(minutes(1)),
      { trigger: repeatedly(afterAll(afterCount(2), afterProcessingTime(minutes(1)))) },
      letters(),
    );
    return { panes: rows.map(paneOf) };
  },
};

runScenarioIfMain(module, scenarios);
