/**
 * Section `runner`: map (value * 2) -> fixed 60 s windows -> sum per key over 1M elements (1,000 keys), on
 * - the tidemark direct runner (bench/cases/tidemark_fixed_window_sum.ts, written on the SDK/runner side),
 * - apache-beam 2.49's direct runner (bench/cases/apache_beam_fixed_window_sum.ts),
 * - a plain hand-written loop, the physical limit (bench/cases/plain_fixed_window_sum.ts),
 * plus a reference row that only iterates the input. All sides get the same seeded input and must produce the same
 * outputs and checksum.
 *
 * JSON keys: runner_vs_apache_beam = runner elements/s / apache-beam elements/s (> 1: tidemark is faster);
 * runner_vs_plain_loop = runner elements/s / plain-loop elements/s (the fraction of the physical limit reached).
 */
import type { Section } from '../section';
import { scaled } from '../scale';
import { benchSeed, measureSideBySide, measurementOf, num, outputsMatch, printTable, ratio } from '../harness';

const FULL_SIZE = 1_000_000;
const TIDEMARK_CASE = 'tidemark_fixed_window_sum';

export const runnerSection: Section = {
  name: 'runner',
  description: 'map -> fixed 60 s windows -> sum per key: tidemark runner vs apache-beam 2.49 direct runner vs plain loop',
  async run() {
    const n = scaled(FULL_SIZE);
    const outcomes = await measureSideBySide(
      [
        { case: 'input_fixed_window', label: 'input only (reference)', n },
        { case: 'plain_fixed_window_sum', label: 'plain loop', n },
        { case: 'apache_beam_fixed_window_sum', label: 'apache-beam 2.49 direct', n },
        { case: TIDEMARK_CASE, label: 'tidemark runner', n },
      ],
      benchSeed(),
    );
    const [input, plain, beam, tidemark] = outcomes.map(measurementOf);
    printTable(`fixed-window sum, ${n.toLocaleString('en-US')} elements`, outcomes);
    const match = outputsMatch([plain, beam, tidemark]);
    return {
      elements: n,
      runner_vs_apache_beam: ratio(tidemark?.eventsPerS, beam?.eventsPerS),
      runner_vs_plain_loop: ratio(tidemark?.eventsPerS, plain?.eventsPerS),
      runner_events_per_s: num(tidemark?.eventsPerS),
      apache_beam_events_per_s: num(beam?.eventsPerS),
      plain_loop_events_per_s: num(plain?.eventsPerS),
      runner_rss_mb: num(tidemark?.peakRssMb, 1),
      apache_beam_rss_mb: num(beam?.peakRssMb, 1),
      plain_loop_rss_mb: num(plain?.peakRssMb, 1),
      input_rss_mb: num(input?.peakRssMb, 1),
      outputs_match: match,
    };
  },
};
