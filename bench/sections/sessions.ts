/**
 * Section `sessions`: session windows (gap 30 min) per user over 100k users, input out of order by up to 5 min,
 * watermark = max event time - 5 min, at 1M and 5M events, on
 * - the tidemark direct runner (bench/cases/tidemark_sessions.ts, written on the SDK/runner side),
 * - a plain hand-written sessionizer, the physical limit (bench/cases/plain_sessions.ts),
 * plus a reference row that only iterates the input (its RSS is the floor: node + tsx + packed input).
 * apache-beam is absent on purpose: its direct runner rejects merging windows (see FACTS.md).
 *
 * JSON keys: sessions_vs_plain_loop = tidemark events/s / plain-loop events/s at 1M; sessions_events_per_s (1M);
 * rss_mb_1m / rss_mb_5m = peak RSS of the tidemark sessions case at 1M / 5M events; the plain loop's and the
 * input's figures alongside.
 */
import type { Section } from '../section';
import { scaled } from '../scale';
import { benchSeed, measureSideBySide, measurementOf, num, outputsMatch, printTable, ratio } from '../harness';
import { benchSessionUsers } from '../data';

const SIZES = [1_000_000, 5_000_000] as const;
const TIDEMARK_CASE = 'tidemark_sessions';

export const sessionsSection: Section = {
  name: 'sessions',
  description: 'session windows (gap 30 min, 5 min out of order): tidemark runner vs plain loop, 1M and 5M events',
  async run() {
    const seed = benchSeed();
    const users = benchSessionUsers();
    const [n1, n5] = SIZES.map(scaled);
    const bySize = [];
    for (const n of [n1, n5]) {
      const outcomes = await measureSideBySide(
        [
          { case: 'input_sessions', label: 'input only (reference)', n },
          { case: 'plain_sessions', label: 'plain loop', n },
          { case: TIDEMARK_CASE, label: 'tidemark runner', n },
        ],
        seed,
      );
      printTable(`sessions, ${n.toLocaleString('en-US')} events, ${users.toLocaleString('en-US')} users`, outcomes);
      const [input, plain, tidemark] = outcomes.map(measurementOf);
      bySize.push({ input, plain, tidemark, match: outputsMatch([plain, tidemark]) });
    }
    const [at1, at5] = bySize;
    return {
      elements_1m: n1,
      elements_5m: n5,
      users,
      sessions_vs_plain_loop: ratio(at1.tidemark?.eventsPerS, at1.plain?.eventsPerS),
      sessions_events_per_s: num(at1.tidemark?.eventsPerS),
      rss_mb_1m: num(at1.tidemark?.peakRssMb, 1),
      rss_mb_5m: num(at5.tidemark?.peakRssMb, 1),
      sessions_events_per_s_5m: num(at5.tidemark?.eventsPerS),
      plain_loop_events_per_s: num(at1.plain?.eventsPerS),
      plain_loop_events_per_s_5m: num(at5.plain?.eventsPerS),
      plain_loop_rss_mb_1m: num(at1.plain?.peakRssMb, 1),
      plain_loop_rss_mb_5m: num(at5.plain?.peakRssMb, 1),
      input_rss_mb_1m: num(at1.input?.peakRssMb, 1),
      input_rss_mb_5m: num(at5.input?.peakRssMb, 1),
      outputs_match: at1.match === null && at5.match === null ? null : at1.match !== false && at5.match !== false,
    };
  },
};
