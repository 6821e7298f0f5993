/**
 * The BigQuery warehouse: the `Warehouse` the pipeline writes through, on the Storage Write API's managed writer,
 * with queries through the REST client.
 *
 * Two write modes (`mode`), both idempotent by each table's key (io/warehouse/row_identity.ts):
 *
 * - `upsert` (default; at-least-once delivery, idempotent result): every table is written on its default stream
 *   with BigQuery CDC: each row is an UPSERT by the table's primary key, each merged-away session a DELETE, and
 *   `sessions` rows carry `_CHANGE_SEQUENCE_NUMBER` = pane_index, so a replayed older pane never replaces a newer
 *   one. A retried append may be stored twice, and a redelivered batch is written again; both converge to the same
 *   table, because a change applied twice leaves what it left once. Lowest latency, no stream bookkeeping; rows
 *   are queryable within the table's `max_staleness`.
 *
 * - `exactly-once`: tables whose rows are facts written once per key (events, late_events, dead_letter,
 *   audit_log, campaign_metrics — a pane is its own key) go through a PENDING stream per write: appends at
 *   explicit offsets, so an append retried after a lost acknowledgement is answered ALREADY_EXISTS and stored once;
 *   then finalize and BatchCommitWriteStreams, so nothing of a table's share of the batch is visible before all of
 *   it is. The tables that a later row rewrites (sessions, user_features) need upserts and deletes, which only CDC
 *   on the default stream offers, so they are written as in `upsert` mode. Guarantee: every append of a write lands
 *   exactly once; a whole write that is redone (a redelivery after a crash) appends its fact rows again, so the
 *   pipeline's de-duplication (event_id) and acknowledgement order remain what keeps those tables duplicate-free.
 *
 * In both modes a write is atomic per table, not across tables (the Storage Write API commits per table), and
 * resolves once everything is durable. Requests are cut by bytes (`maxRequestBytes`, under the API's 10 MB
 * request limit) and by rows. Transient errors are retried with backoff (append.ts). Rows the service refuses
 * (row errors) are not dropped: they are written to `dead_letter` with the service's message, the table and the
 * row; a row whose value cannot be encoded at all refuses the whole batch (like the DuckDB warehouse).
 */
import { createHash } from 'node:crypto';
import { type BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { type DeadLetterRow, type TableDef, type TableName } from '../../schemas';
import { normalizeBatch, type TableWrite } from '../warehouse/batch_builder';
import { WarehouseQueryError, WarehouseWriteError, shortMessage } from '../warehouse/errors';
import { keyParts, tableDef } from '../warehouse/row_identity';
import { parseRfc3339 } from '../warehouse/timestamps';
import {
  type TableWriteResult,
  type Warehouse,
  type WarehouseBatch,
  type WarehouseRow,
  type WriteResult,
} from '../warehouse/warehouse';
import { AppendError, appendRequest, type RetryPolicy } from './append';
import { type BigQueryConnection, bigQueryClient, tablePath, writerClient } from './clients';
import { queryRows, type QueryParam } from './query';
import { type RowEncoder, rowEncoder } from './row_encoding';
import { ensureTables, type TableOptions } from './tables';

export type WriteMode = 'upsert' | 'exactly-once';
export const WRITE_MODES: readonly WriteMode[] = ['upsert', 'exactly-once'];

/** The Storage Write API refuses requests of 10 MB or more; this leaves room for the descriptor and framing. */
export const DEFAULT_MAX_REQUEST_BYTES = 9 * 1024 * 1024;
export const DEFAULT_MAX_REQUEST_ROWS = 50_000;
/** Serialized bytes a row adds to a request beyond its own (the `serialized_rows` tag and length). */
const ROW_OVERHEAD_BYTES = 4;

/**
 * NOTE: which tables a later row rewrites is a property of the pipeline's writes (sessions by pane, user features
 * by update), not of the columns; those go through CDC in both modes.
 */
const REWRITTEN_TABLES: ReadonlySet<TableName> = new Set(['sessions', 'user_features']);

/** Step name of dead letters for rows BigQuery refused. */
export const SINK_STEP = 'WriteToBigQuery';

export interface BigQueryWarehouseOptions extends TableOptions {
  readonly connection: BigQueryConnection;
  readonly mode?: WriteMode;
  /** Largest append request in serialized row bytes. Default 9 MiB (the API's limit is 10 MB). */
  readonly maxRequestBytes?: number;
  /** Most rows in one append request. Default 50,000. */
  readonly maxRequestRows?: number;
  readonly retry?: RetryPolicy;
  /** Clock for dead letters' error_time. */
  readonly now?: () => number;
}

/** What went over the wire, for the benchmark and for tests. */
export interface SinkStats {
  requests: number;
  /** Serialized row bytes sent in successful requests. */
  bytes: number;
  rows: number;
  retries: number;
  alreadyExisted: number;
  /** Rows refused by the service and dead-lettered. */
  rejected: number;
  /** Pending streams committed. */
  commits: number;
}

export interface BigQueryWarehouse extends Warehouse {
  readonly mode: WriteMode;
  readonly stats: Readonly<SinkStats>;
  /** Mean request size over `maxRequestBytes` (0..1): how full the append requests were. */
  requestFill(): number;
  /** `query` with named parameters (`@name`), as `tidemark query --target bigquery` runs it. */
  queryNamed(sql: string, params: readonly QueryParam[]): Promise<Record<string, unknown>[]>;
}

interface EncodedRow {
  readonly bytes: Uint8Array;
  /** The row, for a dead letter if the service refuses it. */
  readonly row: WarehouseRow;
}

interface DefaultStreamWriter {
  readonly connection: Awaited<ReturnType<managedwriter.WriterClient['createStreamConnection']>>;
  readonly writer: managedwriter.Writer;
}

/** A table's share of a write, ready to send. */
interface TablePlan {
  readonly write: TableWrite;
  readonly encoder: RowEncoder;
  readonly viaPending: boolean;
  readonly deletes: readonly EncodedRow[];
  readonly upserts: readonly EncodedRow[];
  readonly oversize: readonly EncodedRow[];
}

/** Longest payload of a dead letter for a refused row, in characters. */
const MAX_DEAD_LETTER_PAYLOAD_CHARS = 1_000_000;
/** BigQuery's TIMESTAMP range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z. */
const MIN_TIMESTAMP_MS = -62_135_596_800_000;
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

function inBigQueryRange(value: unknown): boolean {
  const parsed = typeof value === 'string' ? parseRfc3339(value) : null;
  return parsed !== null && parsed.epochMs >= MIN_TIMESTAMP_MS && parsed.epochMs <= MAX_TIMESTAMP_MS;
}

/** Typed key values from a key's canonical text parts, for a CDC DELETE. */
function keyRow(table: TableDef, key: string): WarehouseRow {
  const parts = keyParts(table, key);
  const row: Record<string, unknown> = {};
  table.key.forEach((column, i) => {
    const type = table.columns[column].type;
    row[column] = type === 'INT64' ? Number(parts[i]) : type === 'BOOL' ? parts[i] === 'true' : parts[i];
  });
  return row;
}

function chunks(rows: readonly EncodedRow[], maxBytes: number, maxRows: number): EncodedRow[][] {
  const out: EncodedRow[][] = [];
  let current: EncodedRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = row.bytes.length + ROW_OVERHEAD_BYTES;
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxRows)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

class StorageWriteWarehouse implements BigQueryWarehouse {
  readonly stats: SinkStats = { requests: 0, bytes: 0, rows: 0, retries: 0, alreadyExisted: 0, rejected: 0, commits: 0 };
  private readonly encoders = new Map<TableName, RowEncoder>();
  private readonly defaultStreams = new Map<TableName, Promise<DefaultStreamWriter>>();
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private readonly maxBytes: number;
  private readonly maxRows: number;

  constructor(
    private readonly bigquery: BigQuery,
    private readonly writerClient: managedwriter.WriterClient,
    private readonly options: BigQueryWarehouseOptions,
  ) {
    this.maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.maxRows = options.maxRequestRows ?? DEFAULT_MAX_REQUEST_ROWS;
    if (!(this.maxBytes > 0) || !(this.maxRows > 0)) throw new Error('maxRequestBytes and maxRequestRows must be positive');
  }

  get mode(): WriteMode {
    return this.options.mode ?? 'upsert';
  }

  requestFill(): number {
    return this.stats.requests === 0 ? 0 : this.stats.bytes / this.stats.requests / this.maxBytes;
  }

  write(batch: WarehouseBatch): Promise<WriteResult> {
    if (this.closing !== undefined) return Promise.reject(new WarehouseWriteError({}, 'the BigQuery warehouse is closed'));
    let plans: TablePlan[];
    try {
      // Everything is checked and encoded before anything is sent: a bad row refuses the batch, nothing written.
      plans = normalizeBatch(batch).map((w) => this.plan(w));
    } catch (e) {
      return Promise.reject(e);
    }
    // Writes apply in call order (the Warehouse contract): each waits for the one before.
    const result = this.tail.then(() => this.apply(plans));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private encoder(name: TableName): RowEncoder {
    let encoder = this.encoders.get(name);
    if (encoder === undefined) {
      const pending = this.mode === 'exactly-once' && !REWRITTEN_TABLES.has(name);
      encoder = rowEncoder(tableDef(name), !pending);
      this.encoders.set(name, encoder);
    }
    return encoder;
  }

  private plan(write: TableWrite): TablePlan {
    const encoder = this.encoder(write.name);
    const viaPending = !encoder.cdc;
    if (viaPending && write.deletes.length > 0) {
      throw new WarehouseWriteError(
        { table: write.name },
        'deletes need CDC (upsert mode); this table is written through pending streams',
      );
    }
    // A key both deleted and upserted in one batch ends up upserted (Warehouse contract): the UPSERT replaces the
    // row, so its DELETE is left out (with sequence numbers the DELETE would otherwise win).
    const upsertedKeys = new Set(write.keys);
    const deletes = write.deletes
      .filter((key) => !upsertedKeys.has(key))
      .map((key) => {
        const row = keyRow(write.table, key);
        return { bytes: encoder.encodeDelete(row), row };
      });
    const upserts: EncodedRow[] = [];
    const oversize: EncodedRow[] = [];
    for (const row of write.rows) {
      const encoded = { bytes: encoder.encode(row), row };
      (encoded.bytes.length + ROW_OVERHEAD_BYTES > this.maxBytes ? oversize : upserts).push(encoded);
    }
    return { write, encoder, viaPending, deletes, upserts, oversize };
  }

  private async apply(plans: readonly TablePlan[]): Promise<WriteResult> {
    const tables: Partial<Record<TableName, TableWriteResult>> = {};
    const refused: { table: TableName; row: WarehouseRow; reason: string }[] = [];
    const pendingStreams: { table: TableName; stream: string }[] = [];
    await Promise.all(
      plans.map(async (plan) => {
        for (const { row, bytes } of plan.oversize) {
          refused.push({
            table: plan.write.name,
            row,
            reason: `row is ${bytes.length} bytes serialized, over the ${this.maxBytes}-byte request limit`,
          });
        }
        const sent = plan.viaPending
          ? await this.appendPending(plan, refused, pendingStreams)
          : await this.appendDefault(plan, refused);
        tables[plan.write.name] = { upserted: sent.upserted, deleted: sent.deleted };
      }),
    );
    // Every table's appends are in and finalized before any is committed, so a failure above commits nothing.
    for (const { table, stream } of pendingStreams) {
      const response = await this.writerClient.batchCommitWriteStream({
        parent: tablePath(this.options.connection, table),
        writeStreams: [stream],
      });
      const errors = response.streamErrors ?? [];
      if (errors.length > 0) {
        throw new WarehouseWriteError(
          { table },
          `commit refused: ${errors.map((e) => `${String(e.code)} ${e.errorMessage ?? ''}`).join('; ')}`,
        );
      }
      this.stats.commits++;
    }
    if (refused.length > 0) {
      this.stats.rejected += refused.length;
      const deadLetters = refused.map((r) => this.deadLetter(r.table, r.row, r.reason));
      if (refused.some((r) => r.table === 'dead_letter')) {
        const r = refused.find((x) => x.table === 'dead_letter') as (typeof refused)[number];
        throw new WarehouseWriteError({ table: 'dead_letter' }, `BigQuery refused a dead letter: ${r.reason}`);
      }
      const result = await this.apply(normalizeBatch({ rows: { dead_letter: deadLetters } }).map((w) => this.plan(w)));
      const dl = tables.dead_letter ?? { upserted: 0, deleted: 0 };
      tables.dead_letter = { upserted: dl.upserted + result.upserted, deleted: dl.deleted };
    }
    let upserted = 0;
    let deleted = 0;
    for (const t of Object.values(tables)) {
      upserted += t.upserted;
      deleted += t.deleted;
    }
    return { upserted, deleted, tables };
  }

  /** A dead letter for a row the service refused: the row itself (already masked) as the payload. */
  private deadLetter(table: TableName, row: WarehouseRow, reason: string): DeadLetterRow {
    const full = JSON.stringify({ table, row });
    // A row refused for its size would be refused again as a payload: keep its head, and say so.
    const cap = Math.min(MAX_DEAD_LETTER_PAYLOAD_CHARS, Math.floor(this.maxBytes / 4));
    const payload = full.length <= cap ? full : `${full.slice(0, cap)}…`;
    const cut = full.length <= cap ? '' : ` (payload cut to its first ${cap} of ${full.length} characters)`;
    const def = tableDef(table);
    const eventTime = row[def.partitionBy];
    return {
      id: createHash('sha256').update(full).digest('hex'),
      reason: `BigQuery refused the row for table ${table}: ${reason}${cut}`,
      step: SINK_STEP,
      payload,
      payload_encoding: 'masked',
      attributes: { table },
      error_time: new Date((this.options.now ?? Date.now)()).toISOString(),
      // Only an instant BigQuery can hold: the dead letter must not be refused for the reason its row was.
      event_time: def.columns[def.partitionBy].type === 'TIMESTAMP' && inBigQueryRange(eventTime) ? (eventTime as string) : null,
    };
  }

  private count(requestBytes: number, rows: number, retries: number, alreadyExisted: boolean): void {
    this.stats.requests++;
    this.stats.bytes += requestBytes;
    this.stats.rows += rows;
    this.stats.retries += retries;
    if (alreadyExisted) this.stats.alreadyExisted++;
  }

  private async appendAll(
    writer: managedwriter.Writer,
    table: TableName,
    rows: readonly EncodedRow[],
    refused: { table: TableName; row: WarehouseRow; reason: string }[],
    offsets: { next: number } | undefined,
  ): Promise<number> {
    let stored = 0;
    for (const chunk of chunks(rows, this.maxBytes, this.maxRows)) {
      let outcome;
      try {
        outcome = await appendRequest(
          writer,
          chunk.map((r) => r.bytes),
          offsets?.next,
          this.options.retry,
        );
      } catch (e) {
        if (e instanceof AppendError) throw new WarehouseWriteError({ table }, e.message, { cause: e });
        throw e;
      }
      for (const [index, reason] of outcome.rejected) refused.push({ table, row: chunk[index].row, reason });
      const sentBytes = chunk.reduce((n, r, i) => (outcome.rejected.has(i) ? n : n + r.bytes.length + ROW_OVERHEAD_BYTES), 0);
      this.count(sentBytes, outcome.stored, outcome.retries, outcome.alreadyExisted);
      stored += outcome.stored;
      if (offsets !== undefined) offsets.next += outcome.stored;
    }
    return stored;
  }

  private defaultStream(table: TableName, encoder: RowEncoder): Promise<DefaultStreamWriter> {
    let stream = this.defaultStreams.get(table);
    if (stream === undefined) {
      stream = this.writerClient
        .createStreamConnection({
          streamId: managedwriter.DefaultStream,
          destinationTable: tablePath(this.options.connection, table),
        })
        .then((connection) => {
          // Errors reach the pending writes; without a listener, a non-transient one would be thrown by the emitter.
          connection.onConnectionError(() => undefined);
          return { connection, writer: new managedwriter.Writer({ connection, protoDescriptor: encoder.descriptor }) };
        });
      // A failed open is not kept: the next write tries again.
      stream.catch(() => this.defaultStreams.delete(table));
      this.defaultStreams.set(table, stream);
    }
    return stream;
  }

  private async appendDefault(
    plan: TablePlan,
    refused: { table: TableName; row: WarehouseRow; reason: string }[],
  ): Promise<{ upserted: number; deleted: number }> {
    const { writer } = await this.defaultStream(plan.write.name, plan.encoder);
    // Deletes first, then upserts: the batch's meaning (a delete removes the stored row, an upsert then writes).
    const deleted = await this.appendAll(writer, plan.write.name, plan.deletes, refused, undefined);
    const upserted = await this.appendAll(writer, plan.write.name, plan.upserts, refused, undefined);
    return { upserted, deleted };
  }

  private async appendPending(
    plan: TablePlan,
    refused: { table: TableName; row: WarehouseRow; reason: string }[],
    pendingStreams: { table: TableName; stream: string }[],
  ): Promise<{ upserted: number; deleted: number }> {
    if (plan.upserts.length === 0) return { upserted: 0, deleted: 0 };
    const table = plan.write.name;
    const connection = await this.writerClient.createStreamConnection({
      streamType: managedwriter.PendingStream,
      destinationTable: tablePath(this.options.connection, table),
    });
    connection.onConnectionError(() => undefined);
    const writer = new managedwriter.Writer({ connection, protoDescriptor: plan.encoder.descriptor });
    try {
      const offsets = { next: 0 };
      const upserted = await this.appendAll(writer, table, plan.upserts, refused, offsets);
      const finalized = await connection.finalize();
      const rowCount = Number(finalized?.rowCount ?? NaN);
      if (rowCount !== offsets.next) {
        throw new WarehouseWriteError(
          { table },
          `stream ${connection.getStreamId()} holds ${rowCount} rows after finalize, expected ${offsets.next}`,
        );
      }
      pendingStreams.push({ table, stream: connection.getStreamId() });
      return { upserted, deleted: 0 };
    } finally {
      writer.close();
      connection.close();
    }
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    if (params.length > 0) {
      return Promise.reject(
        new WarehouseQueryError('positional parameters are not supported by the BigQuery warehouse; use queryNamed'),
      );
    }
    return this.queryNamed(sql, []);
  }

  async queryNamed(sql: string, params: readonly QueryParam[]): Promise<Record<string, unknown>[]> {
    if (this.closing !== undefined) throw new WarehouseQueryError('the BigQuery warehouse is closed');
    try {
      return await queryRows(this.bigquery, this.options.connection, sql, params);
    } catch (e) {
      throw new WarehouseQueryError(`query failed: ${shortMessage(e, 500)}`, { cause: e });
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.tail;
      for (const stream of this.defaultStreams.values()) {
        try {
          const { writer, connection } = await stream;
          writer.close();
          connection.close();
        } catch {
          // A stream that never opened has nothing to close.
        }
      }
      this.writerClient.close();
    })();
    return this.closing;
  }
}

/** Opens the warehouse: checks (and with `createTables`, creates or extends) the dataset and tables first. */
export async function openBigQueryWarehouse(options: BigQueryWarehouseOptions): Promise<BigQueryWarehouse> {
  const bigquery = bigQueryClient(options.connection);
  await ensureTables(bigquery, options.connection, options);
  const writer = writerClient(options.connection);
  return new StorageWriteWarehouse(bigquery, writer, options);
}
