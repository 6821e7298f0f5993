/**
 * Reference case: build the packed session input and only iterate it. Its time is the input's share of every
 * sessions case's time, and its peak RSS is the floor (node + tsx + packed input: ~40 MB at 5M events) that the
 * sessionizers' RSS includes.
 */
import type { CaseResult } from '../case_result';
import { benchSessionUsers, prepareSessionInput } from '../data';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareSessionInput(n, benchSessionUsers(), seed); // setup, not timed
  const t0 = performance.now();
  let elements = 0;
  let checksum = 0;
  for (const e of input) {
    elements++;
    checksum += e.user.length + (e.timestamp % 2);
  }
  const elapsedMs = performance.now() - t0;
  return { elements, outputs: 0, checksum, elapsedMs };
}
