/**
 * Reference case: build the packed fixed-window input and only iterate it (touching every field, so the element
 * objects are really created). Its time is the input's share of every other case's time, and its peak RSS is the
 * floor every case starts from (node + tsx + input), so the table shows what the processors add on top.
 */
import type { CaseResult } from '../case_result';
import { prepareFixedWindowInput } from '../data';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareFixedWindowInput(n, seed); // setup, not timed
  const t0 = performance.now();
  let elements = 0;
  let checksum = 0;
  let keyChars = 0;
  for (const e of input) {
    elements++;
    checksum += e.value * 2;
    keyChars += e.key.length + (e.timestamp & 1);
  }
  const elapsedMs = performance.now() - t0;
  // keyChars is only there so that the loop cannot be optimised into not creating the objects.
  return { elements, outputs: keyChars > 0 ? 0 : -1, checksum, elapsedMs };
}
