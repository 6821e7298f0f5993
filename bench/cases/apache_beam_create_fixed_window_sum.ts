/**
 * Case: the same apache-beam pipeline fed through beam.create(array), the textbook source. apache-beam serializes
 * the whole array into the pipeline proto and reshuffles it, so this measures that overhead on top of
 * apache_beam_fixed_window_sum. elapsedMs = construction (serializing the elements) + runPipeline; the split is
 * printed on stderr. Not part of the `runner` section: apache-beam 2.49's construction (serialize-closures over the
 * element array) is quadratic in the number of elements. Measured here (2 cores): 10k elements 1.6 s
 * (construct 1.1 s + run 0.5 s), 30k 9.7 s (7.4 + 2.4), 100k 169 s (150 + 20); 1M would take hours. Run it by
 * hand, small: `npx tsx bench/worker.ts apache_beam_create_fixed_window_sum 30000 1`.
 */
import type { CaseResult } from '../case_result';
import { prepareFixedWindowInput } from '../data';
import { apacheBeamFixedWindowSum } from '../baselines/apache_beam_fixed_window_sum';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const input = prepareFixedWindowInput(n, seed); // setup, not timed
  const r = await apacheBeamFixedWindowSum(input, 'create');
  process.stderr.write(`apache-beam create: construct ${r.constructMs.toFixed(0)} ms, runPipeline ${r.runMs.toFixed(0)} ms\n`);
  return { elements: n, outputs: r.outputs, checksum: r.checksum, elapsedMs: r.constructMs + r.runMs };
}
