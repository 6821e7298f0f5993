/**
 * Benchmark case for section `pii`: the Cloud DLP connector masking generated events, as tables, through the REAL
 * DlpServiceClient against the local gRPC DLP test server (test/emulators/dlp_server.ts). No network beyond
 * 127.0.0.1: what it measures is the connector's batching (requests per 100k events, how full the requests are,
 * measured on the wire by the server) and its overhead, not Cloud DLP's latency.
 *
 * Events become rows of the PII columns the masking configuration addresses (config/deidentify.json), one table
 * per `tableRows` events — the size of a bundle the pipeline masks at once.
 *
 * JSON keys: dlp_requests_per_100k, dlp_request_fill (mean bytes / 524,000 over the answered requests, target
 * ≥ 0.9), plus rows per request, events/s through the connector, retries, splits, failed rows.
 */
import { grpc } from 'google-gax';
import { DlpConnector } from '../../io/dlp/dlp_connector';
import { DLP_LIMITS } from '../../io/dlp/request_batches';
import type { DlpTable, DlpValue } from '../../io/dlp/table';
import { generateMessages } from '../../io/generator';
import { type DeidentifyHandler, DlpTestServer } from '../../test/emulators/dlp_server';
import { replaceEmailsHandler } from '../../test/emulators/email_handler';

/** The event fields the masking configuration transforms, in column order. `user_key` is the id pseudonymized. */
export const PII_COLUMNS = [
  'user_key',
  'user_id',
  'anonymous_id',
  'email',
  'name',
  'phone',
  'ip',
  'note',
  'page',
  'referrer',
] as const;

const HEADERS = PII_COLUMNS.map((name) => ({ name }));

/** One event as a row: a string cell per column, an empty cell (no kind) where the event has no such field. */
export function eventRow(event: Record<string, unknown>): { values: DlpValue[] } {
  const userKey = event.user_id ?? event.anonymous_id;
  return {
    values: PII_COLUMNS.map((column) => {
      const value = column === 'user_key' ? userKey : event[column];
      return typeof value === 'string' ? { stringValue: value } : {};
    }),
  };
}

export interface DlpConnectorMeasurement {
  readonly events: number;
  readonly dlp_requests_per_100k: number;
  readonly dlp_request_fill: number;
  readonly dlp_rows_per_request: number;
  readonly dlp_events_per_s: number;
  readonly dlp_retries: number;
  readonly dlp_splits: number;
  readonly dlp_failed_rows: number;
}

export interface DlpConnectorBenchOptions {
  readonly seed?: number;
  /** Events per table (one pipeline bundle). Default 20,000. */
  readonly tableRows?: number;
  /** What the test server does with the content; default: email addresses replaced in every cell. */
  readonly handler?: DeidentifyHandler;
}

export async function measureDlpConnector(
  events: number,
  options: DlpConnectorBenchOptions = {},
): Promise<DlpConnectorMeasurement> {
  const tableRows = options.tableRows ?? 20_000;
  const savedDetection = process.env.METADATA_SERVER_DETECTION;
  process.env.METADATA_SERVER_DETECTION = 'none';
  const server = await DlpTestServer.start({ handler: options.handler ?? replaceEmailsHandler, recordRequests: false });
  const connector = new DlpConnector({
    parent: 'projects/tidemark-bench/locations/global',
    deidentifyConfig: {
      infoTypeTransformations: { transformations: [{ primitiveTransformation: { replaceWithInfoTypeConfig: {} } }] },
    },
    inspectConfig: { infoTypes: [{ name: 'EMAIL_ADDRESS' }] },
    clientOptions: { ...server.endpoint, sslCreds: grpc.credentials.createInsecure() },
    // The quota is Cloud DLP's; against the local server the rate limit would only measure a sleep.
    requestsPerMinute: 1_000_000,
  });
  try {
    const tables: DlpTable[] = [];
    let rows: { values: DlpValue[] }[] = [];
    for (const message of generateMessages({ events, seed: options.seed ?? 1, trackTruth: false })) {
      if (message.kind === 'malformed') continue;
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        continue;
      }
      if (typeof event !== 'object' || event === null) continue;
      rows.push(eventRow(event as Record<string, unknown>));
      if (rows.length === tableRows) {
        tables.push({ headers: HEADERS, rows });
        rows = [];
      }
    }
    if (rows.length > 0) tables.push({ headers: HEADERS, rows });
    const masked = tables.reduce((sum, t) => sum + t.rows.length, 0);

    const t0 = performance.now();
    for (const table of tables) {
      const outcomes = await connector.deidentifyRows(table);
      if (outcomes.length !== table.rows.length) throw new Error('connector lost rows');
    }
    const elapsedS = (performance.now() - t0) / 1000;

    const stats = connector.stats;
    const answered = server.calls.filter((c) => c.status === 'OK');
    // Fill as the server measured it on the wire, which is what DLP's limit applies to.
    const fill =
      answered.length === 0 ? 0 : answered.reduce((sum, c) => sum + c.bytes, 0) / answered.length / DLP_LIMITS.requestBytes;
    return {
      events: masked,
      dlp_requests_per_100k: masked === 0 ? 0 : round((stats.requests * 100_000) / masked, 1),
      dlp_request_fill: round(fill, 3),
      dlp_rows_per_request: stats.requests === 0 ? 0 : Math.round(masked / stats.requests),
      dlp_events_per_s: elapsedS === 0 ? 0 : Math.round(masked / elapsedS),
      dlp_retries: stats.retries,
      dlp_splits: stats.splits,
      dlp_failed_rows: stats.failedRows,
    };
  } finally {
    await connector.close();
    await server.stop();
    if (savedDetection === undefined) delete process.env.METADATA_SERVER_DETECTION;
    else process.env.METADATA_SERVER_DETECTION = savedDetection;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (require.main === module) {
  const events = Number(process.argv[2] ?? 100_000);
  measureDlpConnector(events).then(
    (m) => process.stdout.write(`${JSON.stringify(m)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
