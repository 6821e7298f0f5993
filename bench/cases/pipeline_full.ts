/**
 * Case: the whole marketing pipeline (bench section `pipeline`) on n generated messages into a fresh DuckDB file,
 * as `tidemark run --events n` does. Generation is part of the timed run (the generator is the source); the
 * `generator_only` case measures its share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMarketingEvents } from '../../pipelines/run_marketing_events';
import type { CaseResult } from '../case_result';

export async function run(n: number, seed: number): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-'));
  try {
    const t0 = performance.now();
    const s = await runMarketingEvents({
      source: { kind: 'generator', options: { events: n, seed } },
      warehousePath: join(dir, 'bench.duckdb'),
    });
    const elapsedMs = performance.now() - t0;
    if (s.events_written + s.late + s.dead_letter + s.duplicates_dropped !== n) {
      throw new Error(`pipeline lost or duplicated messages: ${JSON.stringify(s)}`);
    }
    return { elements: n, outputs: s.events_written, checksum: s.sessions, elapsedMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
