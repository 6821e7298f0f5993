/**
 * Packing the rows of a table into DeidentifyContent requests that stay under Cloud DLP's content limits.
 *
 * DLP refuses a request over 0.5 MB, over 50,000 table values, or producing over 3,000 findings. The first two are
 * known before the call, so batches are packed greedily to them: rows are taken in order while the request — its
 * configuration, the table's headers and the rows so far, measured as protobuf bytes on the wire — still fits.
 * Greedy in-order packing closes a batch only when the next row does not fit, so every batch but the last is
 * filled to at least (limit − largest row); with rows of a few hundred bytes against 524,000 that is > 99%.
 * Findings are known only after the call: the caller splits a refused batch in halves (`splitBatch`) and may cap
 * the rows per batch from what it has learnt (`FindingsBudget`).
 *
 * Sizes are computed, not encoded: a row's size is exact protobuf arithmetic on its values (verified against the
 * client's own protobuf types in the tests), so packing 100k rows costs no encoding. The fixed part of a request
 * (parent, configs, headers) is encoded once with the client's `DeidentifyContentRequest` type.
 */
import { protos } from '@google-cloud/dlp';
import type { DlpTable, DlpValue } from './table';

const dlp = protos.google.privacy.dlp.v2;

export interface DlpLimits {
  /** Largest request, in protobuf bytes. */
  readonly requestBytes: number;
  /** Most table values (cells) in one request. */
  readonly tableValues: number;
  /** Most findings one request may produce. */
  readonly findings: number;
}

/**
 * DLP's documented limits. 524,000 bytes is what Beam's DLP transforms use for "0.5 MB": a little under 0.5 MiB,
 * leaving room for whatever DLP counts beyond the message itself.
 */
export const DLP_LIMITS: DlpLimits = { requestBytes: 524_000, tableValues: 50_000, findings: 3_000 };

/** Bytes of a base-128 varint holding `n` (a non-negative length). */
export function varintBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}

/** A length-delimited field with a one-byte tag (field numbers ≤ 15): tag + length + payload. */
function delimited(payload: number): number {
  return 1 + varintBytes(payload) + payload;
}

/** Encoded size of one Value message (without its own tag and length). */
export function valueBytes(value: DlpValue): number {
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.stringValue === 'string') {
    // The common case, computed directly: field 3 (string_value), length-delimited UTF-8.
    return delimited(Buffer.byteLength(value.stringValue, 'utf8'));
  }
  return dlp.Value.encode(dlp.Value.fromObject(value)).finish().length;
}

/** Encoded size of a row as an element of Table.rows: tag, length, then each value as an element of Row.values. */
export function rowBytes(values: readonly DlpValue[]): number {
  let payload = 0;
  for (const value of values) payload += delimited(valueBytes(value));
  return delimited(payload);
}

/**
 * The size of a DeidentifyContent request as a function of the rows it carries. The fixed part (everything but the
 * table's rows) is encoded once; a request with rows of total size R then takes
 * base + item field(table field(headers + R)), where only the two length prefixes grow with R.
 */
export class RequestSizer {
  /** Encoded size of the request without its item. */
  readonly baseBytes: number;
  /** Encoded size of the table's headers (Table.headers elements). */
  readonly headerBytes: number;

  constructor(requestWithoutItem: protos.google.privacy.dlp.v2.IDeidentifyContentRequest, headers: DlpTable['headers']) {
    if (requestWithoutItem.item) throw new Error('RequestSizer takes the request without its item');
    const request = dlp.DeidentifyContentRequest;
    this.baseBytes = request.encode(request.fromObject(requestWithoutItem)).finish().length;
    this.headerBytes = dlp.Table.encode(dlp.Table.fromObject({ headers })).finish().length;
  }

  /** Encoded size of the whole request carrying rows whose `rowBytes` add up to `rowsBytes`. */
  requestBytes(rowsBytes: number): number {
    const table = this.headerBytes + rowsBytes;
    const item = delimited(table); // ContentItem.table = 4
    return this.baseBytes + delimited(item); // DeidentifyContentRequest.item = 4
  }
}

/** A batch: the indexes of the rows it carries (ascending), with its request size and value count. */
export interface RowBatch {
  readonly rows: readonly number[];
  readonly requestBytes: number;
  readonly values: number;
}

/** A row that no request can carry, whatever the batching: a permanent failure for that row only. */
export interface UnsendableRow {
  readonly row: number;
  readonly reason: string;
}

/**
 * Plans the requests for one table, lazily: `next(maxRows)` packs the next batch greedily from where the last one
 * ended, so a caller that learns (from findings) to send fewer rows applies it to the batches still to come.
 */
export class BatchPacker {
  readonly unsendable: UnsendableRow[] = [];
  private readonly sizes: number[];
  private readonly counts: number[];
  private cursor = 0;

  constructor(
    private readonly table: DlpTable,
    private readonly sizer: RequestSizer,
    private readonly limits: DlpLimits = DLP_LIMITS,
  ) {
    this.sizes = table.rows.map((row) => rowBytes(row.values));
    this.counts = table.rows.map((row) => row.values.length);
  }

  /** Encoded size of row `i` within Table.rows. */
  rowBytes(i: number): number {
    return this.sizes[i];
  }

  /** The next batch of at most `maxRows` rows, or undefined when every row has been planned. */
  next(maxRows = Infinity): RowBatch | undefined {
    if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
    const rows: number[] = [];
    let rowsBytes = 0;
    let values = 0;
    while (this.cursor < this.table.rows.length && rows.length < maxRows) {
      const i = this.cursor;
      const size = this.sizes[i];
      const count = this.counts[i];
      const alone = this.sizer.requestBytes(size);
      if (alone > this.limits.requestBytes || count > this.limits.tableValues) {
        // Whatever else is batched, this row can never be sent: it goes to the dead letter on its own.
        this.unsendable.push({
          row: i,
          reason:
            alone > this.limits.requestBytes
              ? `row too large for one DLP request: ${alone} bytes with the configuration, limit ${this.limits.requestBytes}`
              : `row has ${count} values, over DLP's limit of ${this.limits.tableValues} table values per request`,
        });
        this.cursor++;
        continue;
      }
      if (this.sizer.requestBytes(rowsBytes + size) > this.limits.requestBytes || values + count > this.limits.tableValues) {
        break;
      }
      rows.push(i);
      rowsBytes += size;
      values += count;
      this.cursor++;
    }
    return rows.length === 0 ? undefined : { rows, requestBytes: this.sizer.requestBytes(rowsBytes), values };
  }

  /** Splits a refused batch into two halves by row count (each smaller on every measure). */
  split(batch: RowBatch): [RowBatch, RowBatch] {
    if (batch.rows.length < 2) throw new RangeError('a batch of one row cannot be split');
    const middle = Math.ceil(batch.rows.length / 2);
    return [this.batchOf(batch.rows.slice(0, middle)), this.batchOf(batch.rows.slice(middle))];
  }

  /** The table a batch sends: the headers and the batch's rows. */
  tableOf(batch: RowBatch): DlpTable {
    return { headers: this.table.headers, rows: batch.rows.map((i) => this.table.rows[i]) };
  }

  private batchOf(rows: readonly number[]): RowBatch {
    let bytes = 0;
    let values = 0;
    for (const i of rows) {
      bytes += this.sizes[i];
      values += this.counts[i];
    }
    return { rows, requestBytes: this.sizer.requestBytes(bytes), values };
  }
}

/**
 * What the connector has learnt about findings per row, to keep batches under the findings limit before DLP
 * refuses them. Unknown at first (no cap). Each response's findings (from its transformation overview) and each
 * findings refusal (at least limit/rows per row) update a density estimate that decays slowly, so a burst of
 * PII-heavy rows tightens batches at once and relaxes them over the following calls.
 */
export class FindingsBudget {
  private perRow = 0;

  constructor(
    private readonly limit: number = DLP_LIMITS.findings,
    /** Share of the limit a batch aims at, leaving room for variation between batches. */
    private readonly target = 0.8,
    private readonly decay = 0.9,
  ) {}

  observe(rows: number, findings: number): void {
    if (rows <= 0) return;
    this.perRow = Math.max(findings / rows, this.perRow * this.decay);
  }

  observeRefusal(rows: number): void {
    if (rows <= 0) return;
    this.perRow = Math.max(this.perRow, this.limit / rows);
  }

  /** Most rows per batch, from the current estimate (Infinity while nothing suggests a cap). */
  maxRows(): number {
    if (this.perRow === 0) return Infinity;
    return Math.max(1, Math.floor((this.target * this.limit) / this.perRow));
  }
}
