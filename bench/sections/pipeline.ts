/**
 * Section `pipeline`: the full marketing pipeline (generator → parse → consent → mask → dedupe → sessions,
 * campaign metrics, user features → DuckDB) on one core:
 * - throughput and peak RSS at 1M and 5M generated messages (child processes, side by side with generating only);
 * - event→warehouse latency percentiles in streaming mode, the generator paced at 10k messages/s.
 *
 * JSON keys: pipeline_events_per_s, latency_p50_ms, latency_p99_ms, pipeline_rss_mb_1m, pipeline_rss_mb_5m, plus
 * the generator's own rate and the 5M rate.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Section } from '../section';
import { scaled } from '../scale';
import { BENCH_DIR, PROJECT_ROOT, benchSeed, measureSideBySide, measurementOf, num, printTable } from '../harness';

const SIZES = [1_000_000, 5_000_000] as const;
const LATENCY_RATE = 10_000;
const LATENCY_SECONDS = 30;

interface LatencyOutput {
  readonly events_per_s: number;
  readonly latency_ms?: { readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number };
}

function measureLatency(seed: number): LatencyOutput | undefined {
  const seconds = Math.max(3, Math.round(scaled(LATENCY_SECONDS * 1000) / 1000));
  const r = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', join(BENCH_DIR, 'pipeline_latency.ts'), String(LATENCY_RATE), String(seconds), String(seed)],
    { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: (seconds + 120) * 1000 },
  );
  if (r.status !== 0) {
    process.stdout.write(`  latency run failed (exit ${r.status ?? r.signal})\n`);
    return undefined;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as LatencyOutput;
  const l = out.latency_ms;
  process.stdout.write(
    `\nstreaming at ${LATENCY_RATE.toLocaleString('en-US')} messages/s for ${seconds} s: ` +
      (l
        ? `latency p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms over ${l.samples.toLocaleString('en-US')} events\n`
        : 'no samples\n'),
  );
  return out;
}

export const pipelineSection: Section = {
  name: 'pipeline',
  description: 'the full marketing pipeline into DuckDB: throughput and RSS at 1M and 5M messages, latency at 10k/s',
  async run() {
    const seed = benchSeed();
    const [n1, n5] = SIZES.map(scaled);
    const results = [];
    for (const n of [n1, n5]) {
      // The 5M run takes many minutes at today's throughput: measure it once unless BENCH_RUNS says otherwise.
      const runsBefore = process.env.BENCH_RUNS;
      if (n === n5 && runsBefore === undefined) process.env.BENCH_RUNS = '1';
      const outcomes = await measureSideBySide(
        [
          { case: 'generator_only', label: 'generating only (reference)', n },
          { case: 'pipeline_full', label: 'full pipeline', n },
        ],
        seed,
      );
      if (runsBefore === undefined) delete process.env.BENCH_RUNS;
      printTable(`marketing pipeline, ${n.toLocaleString('en-US')} generated messages`, outcomes);
      results.push(outcomes.map(measurementOf));
    }
    const [[gen1, full1], [, full5]] = results;
    const latency = measureLatency(seed);
    return {
      elements_1m: n1,
      elements_5m: n5,
      pipeline_events_per_s: num(full1?.eventsPerS),
      pipeline_events_per_s_5m: num(full5?.eventsPerS),
      generator_events_per_s: num(gen1?.eventsPerS),
      pipeline_rss_mb_1m: num(full1?.peakRssMb, 1),
      pipeline_rss_mb_5m: num(full5?.peakRssMb, 1),
      latency_p50_ms: num(latency?.latency_ms?.p50),
      latency_p99_ms: num(latency?.latency_ms?.p99),
      latency_rate_per_s: LATENCY_RATE,
    };
  },
};
