/**
 * Section `pii`: PII masking throughput.
 *   - the local DLP-compatible engine (bench/cases/pii_local.ts): generated events masked with
 *     config/deidentify.json through the pipeline's masker, one core, batches of 1,000; target ≥ 100k events/s.
 *   - the Cloud DLP connector (bench/cases/dlp_connector.ts) through the real DlpServiceClient against the DLP
 *     test server, tables of 20,000 events: how many requests 100k events take, and how full they are against
 *     DLP's 524,000-byte request limit, measured on the wire by the server; target fill ≥ 0.9.
 *
 * JSON keys: pii_events_per_s (local engine, 200k events at full scale), pii_events (the count measured),
 * dlp_requests_per_100k, dlp_request_fill (100k events at full scale), dlp_events.
 */
import { measureDlpConnector } from '../cases/dlp_connector';
import type { Section } from '../section';
import { scaled } from '../scale';
import { benchSeed, measureSideBySide, measurementOf, num, printTable } from '../harness';

const EVENTS = 200_000;

export const piiSection: Section = {
  name: 'pii',
  description: 'PII masking: local DLP-compatible engine events/s; DLP connector requests and request fill',
  async run() {
    const seed = benchSeed();
    const n = scaled(EVENTS);
    const outcomes = await measureSideBySide([{ case: 'pii_local', label: 'local engine', n }], seed);
    printTable(`PII masking, ${n.toLocaleString('en-US')} generated messages`, outcomes);
    const [local] = outcomes.map(measurementOf);
    const dlp = await measureDlpConnector(scaled(100_000), { seed });
    console.log(
      `\nDLP connector → test server, ${dlp.events.toLocaleString('en-US')} events in tables of 20,000: ` +
        `${dlp.dlp_requests_per_100k} requests per 100k events, mean request fill ${dlp.dlp_request_fill}, ` +
        `${dlp.dlp_rows_per_request} rows per request`,
    );
    return {
      pii_events: local?.elements ?? null,
      pii_events_per_s: num(local?.eventsPerS),
      dlp_events: dlp.events,
      dlp_requests_per_100k: dlp.dlp_requests_per_100k,
      dlp_request_fill: dlp.dlp_request_fill,
    };
  },
};
