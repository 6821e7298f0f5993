/**
 * Case: apache-beam 2.49 direct runner, map -> fixed 60 s -> sum per key, input through impulse + flatMap over the
 * in-memory prepared input (see bench/baselines/apache_beam_fixed_window_sum.ts for why not beam.create).
 * elapsedMs = pipeline construction + runner.runPipeline (construction is a few ms here).
 */
import type { CaseResult } from '../case_result';
import { prepareFixedWindowInput } from '../data';
import { apacheBeamFixedWindowSum } from '../baselines/apache_beam_fixed_window_sum';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareFixedWindowInput(n, seed); // setup, not timed
  const r = await apacheBeamFixedWindowSum(input, 'memory');
  return { elements: n, outputs: r.outputs, checksum: r.checksum, elapsedMs: r.constructMs + r.runMs };
}
