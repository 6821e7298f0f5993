/**
 * The Cloud DLP connector: de-identifies tables with `DeidentifyContent` (Table items) through the real
 * `DlpServiceClient` from @google-cloud/dlp.
 *
 * For one table:
 *   1. rows that no request could carry (too big alone, too many values, wrong number of cells) fail on their own;
 *   2. the others are packed greedily into requests under DLP's byte and value limits (request_batches.ts), at most
 *      as many rows as the findings learnt so far allow;
 *   3. each request goes through the rate limiter (requests/minute, bounded concurrency) and is retried with
 *      jittered exponential backoff on RESOURCE_EXHAUSTED, UNAVAILABLE and DEADLINE_EXCEEDED (retry_policy.ts);
 *      the client library's own retries are switched off so that every attempt is counted and rate-limited here;
 *   4. a request DLP refuses for a limit (most often findings, which cannot be known in advance) is split in
 *      halves and the halves are sent; a single row that still breaks a limit fails on its own;
 *   5. any other permanent refusal fails the rows of that request; the rest of the table is unaffected.
 * Every row comes back exactly once, in order, masked or with the reason it could not be.
 *
 * One connector holds one client for its lifetime: create one per worker and reuse it (a client per bundle, as
 * the DLP Dataflow template does, pays channel set-up and authentication on every bundle).
 *
 * Nothing here logs; reasons name limits and statuses, never cell values. The client library's own debug logging
 * (GOOGLE_SDK_NODE_LOGGING) prints whole requests, so the connector refuses to start while it is enabled for DLP.
 */
import { DlpServiceClient, type protos } from '@google-cloud/dlp';
import { BatchPacker, DLP_LIMITS, type DlpLimits, FindingsBudget, RequestSizer, type RowBatch } from './request_batches';
import { RateLimiter, type TimerClock } from './rate_limiter';
import {
  type ClassifiedDlpError,
  callWithRetries,
  newRetryCounters,
  type RetryCounters,
  type RetryOptions,
} from './retry_policy';
import type { DeidentifyOutcome, DlpTable, DlpValue, TableDeidentifier } from './table';

export type DeidentifyConfig = protos.google.privacy.dlp.v2.IDeidentifyConfig;
export type InspectConfig = protos.google.privacy.dlp.v2.IInspectConfig;
export type DlpClientOptions = NonNullable<ConstructorParameters<typeof DlpServiceClient>[0]>;
type DeidentifyContentRequest = protos.google.privacy.dlp.v2.IDeidentifyContentRequest;
type DeidentifyContentResponse = protos.google.privacy.dlp.v2.IDeidentifyContentResponse;
type ResponseValue = protos.google.privacy.dlp.v2.IValue;
type ProtoTable = protos.google.privacy.dlp.v2.ITable;

export interface DlpConnectorOptions {
  /** Where requests are processed: `projects/P/locations/L` (or `projects/P`, DLP's global location). */
  readonly parent: string;
  /** The de-identification to apply, with crypto keys already resolved (kmsWrapped). Or a template name. */
  readonly deidentifyConfig?: DeidentifyConfig;
  /** `projects/P/locations/L/deidentifyTemplates/T`. Exclusive with deidentifyConfig. */
  readonly deidentifyTemplateName?: string;
  readonly inspectConfig?: InspectConfig;
  /** Exclusive with inspectConfig. */
  readonly inspectTemplateName?: string;
  /** Options for the client it creates: apiEndpoint, port, sslCreds, projectId, credentials, … */
  readonly clientOptions?: DlpClientOptions;
  /** A client to use instead of creating one (the connector then does not close it). */
  readonly client?: DlpServiceClient;
  /** Default 600, DLP's default quota per region. */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once, across all tables. Default 4. */
  readonly maxConcurrency?: number;
  readonly retry?: RetryOptions;
  /** Deadline of one attempt, in ms; past it the attempt fails with DEADLINE_EXCEEDED and is retried. Default 60,000. */
  readonly attemptTimeoutMs?: number;
  /** DLP's limits, lowered for tests or a stricter deployment. */
  readonly limits?: Partial<DlpLimits>;
  /** Time source of the rate limiter. */
  readonly clock?: TimerClock;
}

/** One row's result. */
export type RowOutcome =
  | { readonly ok: true; readonly values: readonly DlpValue[] }
  | { readonly ok: false; readonly reason: string };

/** What the connector has done since it was created. */
export interface DlpConnectorStats {
  readonly tables: number;
  readonly rows: number;
  /** Requests DLP answered with a table (the ones that count toward `fill`). */
  readonly requests: number;
  /** Attempts in all, failed ones and retries included. */
  readonly attempts: number;
  readonly retries: number;
  /** Batches split because DLP said a limit was broken. */
  readonly splits: number;
  /** Rows failed permanently (dead letter). */
  readonly failedRows: number;
  /** Protobuf bytes of the answered requests. */
  readonly requestBytes: number;
  /** Mean of requestBytes / limit over the answered requests. */
  readonly meanFill: number;
  readonly failuresByStatus: Readonly<Record<string, number>>;
}

const PARENT = /^projects\/[^/\s]+(\/locations\/[^/\s]+)?$/;
const TEMPLATE = (kind: string) => new RegExp(`^(projects|organizations)/[^/\\s]+(/locations/[^/\\s]+)?/${kind}/[^/\\s]+$`);

/** The filter syntax of google-logging-utils (like NODE_DEBUG): comma-separated, `*` wildcards, case-insensitive. */
function clientLoggingCoversDlp(filters: string | undefined): boolean {
  if (!filters) return false;
  const pattern = filters
    .replace(/[|\\{}()[\]^$+?.]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/,/g, '$|^');
  return new RegExp(`^${pattern}$`, 'i').test('dlp');
}

/** Paths of crypto keys left `transient` anywhere in a config. */
function transientKeyPaths(node: unknown, path: string, found: string[]): string[] {
  if (Array.isArray(node)) node.forEach((item, i) => transientKeyPaths(item, `${path}[${i}]`, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'cryptoKey' && typeof value === 'object' && value !== null && 'transient' in value)
        found.push(`${path}.${key}`);
      transientKeyPaths(value, `${path}.${key}`, found);
    }
  }
  return found;
}

/** Refuses, with every problem named, options that would fail every request or give wrong results. */
export function validateDlpConnectorOptions(options: DlpConnectorOptions): void {
  const problems: string[] = [];
  if (!PARENT.test(options.parent)) problems.push(`parent must be projects/PROJECT/locations/LOCATION, got "${options.parent}"`);
  if (!!options.deidentifyConfig === !!options.deidentifyTemplateName) {
    problems.push('give exactly one of deidentifyConfig and deidentifyTemplateName');
  }
  if (options.inspectConfig && options.inspectTemplateName)
    problems.push('give at most one of inspectConfig and inspectTemplateName');
  if (options.deidentifyTemplateName && !TEMPLATE('deidentifyTemplates').test(options.deidentifyTemplateName)) {
    problems.push(
      `deidentifyTemplateName must be projects/P/locations/L/deidentifyTemplates/T, got "${options.deidentifyTemplateName}"`,
    );
  }
  if (options.inspectTemplateName && !TEMPLATE('inspectTemplates').test(options.inspectTemplateName)) {
    problems.push(`inspectTemplateName must be projects/P/locations/L/inspectTemplates/T, got "${options.inspectTemplateName}"`);
  }
  const suppressions = options.deidentifyConfig?.recordTransformations?.recordSuppressions;
  if (suppressions && suppressions.length > 0) {
    problems.push('recordSuppressions drop rows, so rows could no longer be matched to their events: not supported');
  }
  // A transient key is a new random key per request: the same user would get a different pseudonym per batch.
  for (const path of transientKeyPaths(options.deidentifyConfig, 'deidentifyConfig', [])) {
    problems.push(
      `${path} is transient (a new key for every request, so pseudonyms would differ between batches); resolve it to kmsWrapped first`,
    );
  }
  if (clientLoggingCoversDlp(process.env.GOOGLE_SDK_NODE_LOGGING)) {
    problems.push(
      "GOOGLE_SDK_NODE_LOGGING enables the DLP client's debug log, which prints every request with its cells; unset it",
    );
  }
  if (problems.length > 0) throw new Error(`invalid DLP connector options: ${problems.join('; ')}`);
}

/** A response value as a table cell: only the kind that is set (the client decodes oneofs with a `type` marker). */
function cellOf(value: ResponseValue & { type?: string }): DlpValue | string {
  const kind = value.type;
  if (kind === undefined || kind === null) {
    if (value.stringValue != null) return { stringValue: value.stringValue };
    return {};
  }
  switch (kind) {
    case 'stringValue':
      return { stringValue: value.stringValue ?? '' };
    case 'integerValue':
      return { integerValue: String(value.integerValue) };
    case 'floatValue':
      return { floatValue: Number(value.floatValue) };
    case 'booleanValue':
      return { booleanValue: Boolean(value.booleanValue) };
    default:
      return `DLP returned a ${kind}, which the pipeline's tables do not carry`;
  }
}

export class DlpConnector implements TableDeidentifier {
  readonly name = 'dlp';
  private readonly client: DlpServiceClient;
  private readonly ownsClient: boolean;
  private readonly limiter: RateLimiter;
  private readonly limits: DlpLimits;
  private readonly budget: FindingsBudget;
  private readonly counters: RetryCounters = newRetryCounters();
  private readonly baseRequest: DeidentifyContentRequest;
  private readonly attemptTimeoutMs: number;
  private tally = { tables: 0, rows: 0, requests: 0, splits: 0, failedRows: 0, requestBytes: 0, fillSum: 0 };
  private closed = false;

  constructor(private readonly options: DlpConnectorOptions) {
    validateDlpConnectorOptions(options);
    this.limits = { ...DLP_LIMITS, ...options.limits };
    this.limiter = new RateLimiter({
      requestsPerMinute: options.requestsPerMinute,
      maxConcurrency: options.maxConcurrency,
      clock: options.clock,
    });
    this.budget = new FindingsBudget(this.limits.findings);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
    this.baseRequest = {
      parent: options.parent,
      ...(options.deidentifyConfig ? { deidentifyConfig: options.deidentifyConfig } : {}),
      ...(options.deidentifyTemplateName ? { deidentifyTemplateName: options.deidentifyTemplateName } : {}),
      ...(options.inspectConfig ? { inspectConfig: options.inspectConfig } : {}),
      ...(options.inspectTemplateName ? { inspectTemplateName: options.inspectTemplateName } : {}),
    };
    // Encoding the fixed part once also checks that the configs are well-formed protobuf, before any data flows.
    new RequestSizer(this.baseRequest, []);
    this.ownsClient = !options.client;
    this.client = options.client ?? new DlpServiceClient(options.clientOptions);
  }

  get stats(): DlpConnectorStats {
    const t = this.tally;
    return {
      tables: t.tables,
      rows: t.rows,
      requests: t.requests,
      attempts: this.counters.attempts,
      retries: this.counters.retries,
      splits: t.splits,
      failedRows: t.failedRows,
      requestBytes: t.requestBytes,
      meanFill: t.requests === 0 ? 0 : t.fillSum / t.requests,
      failuresByStatus: { ...this.counters.failuresByStatus },
    };
  }

  /**
   * The table de-identified as a whole: every row masked, or `{ ok: false }` when any row failed permanently
   * (the reason counts them and quotes the first). Use `deidentifyRows` to keep the good rows of a partial failure.
   */
  async deidentify(table: DlpTable): Promise<DeidentifyOutcome> {
    const outcomes = await this.deidentifyRows(table);
    const rows: { values: readonly DlpValue[] }[] = [];
    let failed = 0;
    let firstReason = '';
    for (const outcome of outcomes) {
      if (outcome.ok) rows.push({ values: outcome.values });
      else if (failed++ === 0) firstReason = outcome.reason;
    }
    if (failed > 0) return { ok: false, reason: `${failed} of ${outcomes.length} rows refused by DLP; first: ${firstReason}` };
    return { ok: true, table: { headers: table.headers, rows } };
  }

  /**
   * One outcome per row, in the table's order. Rejects only when transient errors outlast the retries
   * (`DlpRetriesExhaustedError`) or DLP refuses the configuration itself (`DlpConfigurationError`).
   */
  async deidentifyRows(table: DlpTable): Promise<RowOutcome[]> {
    if (this.closed) throw new Error('DLP connector is closed');
    this.tally.tables++;
    this.tally.rows += table.rows.length;
    const outcomes: (RowOutcome | undefined)[] = new Array(table.rows.length);
    const width = table.headers.length;
    // Rows whose width differs from the headers' would be refused by DLP together with their whole batch.
    const wellFormed: number[] = [];
    table.rows.forEach((row, i) => {
      if (row.values.length === width) wellFormed.push(i);
      else outcomes[i] = { ok: false, reason: `row has ${row.values.length} values for ${width} headers` };
    });
    const sendable: DlpTable = { headers: table.headers, rows: wellFormed.map((i) => table.rows[i]) };
    const sizer = new RequestSizer(this.baseRequest, table.headers);
    const packer = new BatchPacker(sendable, sizer, this.limits);
    const settle = (rows: readonly number[], outcome: (k: number) => RowOutcome) => {
      rows.forEach((r, k) => {
        const o = outcome(k);
        if (!o.ok) this.tally.failedRows++;
        outcomes[wellFormed[r]] = o;
      });
    };

    const send = async (batch: RowBatch): Promise<void> => {
      // The table contract is read-only; the client only reads the request, so the cast drops `readonly` alone.
      const request: DeidentifyContentRequest = { ...this.baseRequest, item: { table: packer.tableOf(batch) as ProtoTable } };
      const result = await callWithRetries(
        this.limiter,
        async () => {
          // retryCodes [] switches off the library's own retries: attempts are counted and paced here.
          const [response] = await this.client.deidentifyContent(request, {
            timeout: this.attemptTimeoutMs,
            retry: { retryCodes: [] },
          });
          return response;
        },
        this.options.retry,
        this.counters,
      );
      if (result.ok) {
        this.accept(batch, result.value, settle);
        return;
      }
      await this.refused(batch, result.error, packer, send, settle);
    };

    // As many pullers as the limiter admits at once: batches are planned one at a time, so what the findings
    // budget learns from one response already shapes the next batch.
    // After a rejection (retries exhausted) the other pullers stop taking batches: the bundle will be retried.
    let failed = false;
    const pull = async (): Promise<void> => {
      for (let batch = packer.next(this.budget.maxRows()); batch && !failed; batch = packer.next(this.budget.maxRows())) {
        await send(batch).catch((error: unknown) => {
          failed = true;
          throw error;
        });
      }
    };
    await Promise.all(Array.from({ length: this.limiter.maxConcurrency }, pull));
    for (const { row, reason } of packer.unsendable) settle([row], () => ({ ok: false, reason }));
    return outcomes.map((o, i) => o ?? { ok: false, reason: `internal error: row ${i} got no outcome` });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  private accept(
    batch: RowBatch,
    response: DeidentifyContentResponse,
    settle: (rows: readonly number[], outcome: (k: number) => RowOutcome) => void,
  ): void {
    const rows = response.item?.table?.rows ?? [];
    if (rows.length !== batch.rows.length) {
      // Rows can no longer be matched to events: fail the batch rather than guess.
      const reason = `DLP answered ${rows.length} rows for ${batch.rows.length}`;
      settle(batch.rows, () => ({ ok: false, reason }));
      return;
    }
    this.tally.requests++;
    this.tally.requestBytes += batch.requestBytes;
    this.tally.fillSum += batch.requestBytes / this.limits.requestBytes;
    this.budget.observe(batch.rows.length, findingsOf(response));
    settle(batch.rows, (k) => {
      const values: DlpValue[] = [];
      for (const value of rows[k].values ?? []) {
        const cell = cellOf(value);
        if (typeof cell === 'string') return { ok: false, reason: cell };
        values.push(cell);
      }
      return { ok: true, values };
    });
  }

  private async refused(
    batch: RowBatch,
    error: ClassifiedDlpError,
    packer: BatchPacker,
    send: (batch: RowBatch) => Promise<void>,
    settle: (rows: readonly number[], outcome: (k: number) => RowOutcome) => void,
  ): Promise<void> {
    if (error.kind === 'limit' && batch.rows.length > 1) {
      this.tally.splits++;
      if (error.limit === 'findings') this.budget.observeRefusal(batch.rows.length);
      const [first, second] = packer.split(batch);
      await Promise.all([send(first), send(second)]);
      return;
    }
    settle(batch.rows, () => ({ ok: false, reason: error.reason }));
  }
}

/** Findings behind a response: the counts of its infoType transformation summaries (record ones have no infoType). */
function findingsOf(response: DeidentifyContentResponse): number {
  let findings = 0;
  for (const summary of response.overview?.transformationSummaries ?? []) {
    if (!summary.infoType?.name) continue;
    for (const result of summary.results ?? []) findings += Number(result.count ?? 0);
  }
  return findings;
}
