/** Case: the plain-loop sessionizer (section `sessions`'s "physical limit"). */
import type { CaseResult } from '../case_result';
import { benchSessionUsers, prepareSessionInput } from '../data';
import { plainSessionizer } from '../baselines/plain_sessionizer';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareSessionInput(n, benchSessionUsers(), seed); // setup, not timed
  const t0 = performance.now();
  const summary = plainSessionizer(input);
  const elapsedMs = performance.now() - t0;
  if (summary.totalCount !== summary.elements) {
    // Would mean the generator broke its out-of-orderness bound, i.e. the comparison is no longer apples to apples.
    throw new Error(`plain sessionizer: ${summary.elements - summary.totalCount} events were not in any session`);
  }
  return { elements: summary.elements, outputs: summary.outputs, checksum: summary.checksum, elapsedMs };
}
