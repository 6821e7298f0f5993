/** Reference case for section `pipeline`: only generating the messages the pipeline reads. */
import { generateMessages } from '../../io/generator';
import type { CaseResult } from '../case_result';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const t0 = performance.now();
  let bytes = 0;
  let count = 0;
  for (const m of generateMessages({ events: n, seed, trackTruth: false })) {
    bytes += m.data.length;
    count++;
  }
  return { elements: count, outputs: 0, checksum: bytes, elapsedMs: performance.now() - t0 };
}
