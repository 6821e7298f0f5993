/**
 * Section `pii`: PII masking throughput.
 *   - the local DLP-compatible engine (bench/cases/pii_local.ts): generated events masked with
 *     config/deidentify.json through the pipeline's masker, one core, batches of 1,000; target ≥ 100k events/s.
 *   - (the Cloud DLP connector against the test DLP server adds its rows and the keys `dlp_requests_per_100k`
 *     and `dlp_request_fill` here; it is built separately.)
 *
 * JSON keys: pii_events_per_s (local engine, 200k events at full scale), pii_events (the count measured).
 */
import type { Section } from '../section';
import { scaled } from '../scale';
import { benchSeed, measureSideBySide, measurementOf, num, printTable } from '../harness';

const EVENTS = 200_000;

export const piiSection: Section = {
  name: 'pii',
  description: 'PII masking: local DLP-compatible engine events/s (config/deidentify.json, batches of 1,000)',
  async run() {
    const seed = benchSeed();
    const n = scaled(EVENTS);
    const outcomes = await measureSideBySide([{ case: 'pii_local', label: 'local engine', n }], seed);
    printTable(`PII masking, ${n.toLocaleString('en-US')} generated messages`, outcomes);
    const [local] = outcomes.map(measurementOf);
    return {
      pii_events: local?.elements ?? null,
      pii_events_per_s: num(local?.eventsPerS),
    };
  },
};
