/**
 * Child-process measurement for section `pipeline`: the pipeline in streaming mode, fed by the generator paced at
 * a fixed wall-clock rate, reporting event→warehouse latency (publish → durable) percentiles. Prints one JSON line.
 *
 *   node --require tsx/cjs bench/pipeline_latency.ts <rate per second> <seconds> <seed>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMarketingEvents } from '../pipelines/run_marketing_events';

async function main(): Promise<void> {
  const [rate, seconds, seed] = process.argv.slice(2).map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-latency-'));
  try {
    const s = await runMarketingEvents({
      source: { kind: 'generator', options: { events: Math.round(rate * seconds), seed, paceMessagesPerSecond: rate } },
      warehousePath: join(dir, 'latency.duckdb'),
      measureLatency: true,
    });
    process.stdout.write(
      `${JSON.stringify({ rate, seconds, events_in: s.events_in, events_per_s: s.events_per_s, latency_ms: s.latency_ms })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
