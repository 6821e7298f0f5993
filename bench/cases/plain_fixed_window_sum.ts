/** Case: the plain-loop fixed-window sum (section `runner`'s "physical limit"). */
import type { CaseResult } from '../case_result';
import { prepareFixedWindowInput } from '../data';
import { plainFixedWindowSum } from '../baselines/plain_fixed_window_sum';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareFixedWindowInput(n, seed); // setup, not timed
  const t0 = performance.now();
  const summary = plainFixedWindowSum(input);
  const elapsedMs = performance.now() - t0;
  return { elements: summary.elements, outputs: summary.outputs, checksum: summary.checksum, elapsedMs };
}
