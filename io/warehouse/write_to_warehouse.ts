/**
 * The pipeline's sink: `records.apply(writeToWarehouse(warehouse))` writes every record to its table.
 *
 * Records are buffered in `process` and written as one batch per bundle in `finishBundle`, which the runner awaits
 * before the bundle counts as done and before sources acknowledge what they read: so an acknowledged message has
 * everything derived from it durable in the warehouse (at-least-once delivery plus idempotent upserts = exactly
 * once in the tables). Within a bundle the records keep their arrival-order meaning (batch_builder.ts): the last
 * row of a key wins (for sessions, the highest pane_index), and a delete removes earlier upserts of its key but not
 * later ones.
 *
 * Huge bundles: `process` is synchronous and cannot wait for a write, and the runner bounds what sources put in a
 * bundle, but not what a grouping fires into it (every open session window closes at once when a bounded input
 * ends). So when `flushEveryRecords` records are buffered, that part is written in the background, the buffer
 * starts over, and `finishBundle` waits for every such write as well as the last one. The warehouse applies writes
 * in call order, so splitting a bundle changes nothing in the tables; it only bounds the size of one transaction.
 */
import { type DoFn } from '../../sdk/do_fn';
import { type PCollection } from '../../sdk/pcollection';
import { type PTransform } from '../../sdk/ptransform';
import { parDo } from '../../sdk/transforms/element_wise';
import { TABLES, type TableName } from '../../schemas';
import { BatchBuilder } from './batch_builder';
import { type Warehouse, type WarehouseBatch, type WarehouseRow, type WriteResult } from './warehouse';

/** One row for one table, with the keys of rows it replaces (sessions merged away by late data). */
export interface WarehouseRecord {
  readonly table: TableName;
  readonly row: WarehouseRow;
  /** Keys (as `rowKey` renders them) of rows of the same table to delete in the same write, before this row. */
  readonly deleteKeys?: readonly string[];
}

export interface WriteToWarehouseOptions {
  /** Buffered records (after merging repeated keys) that start a background write mid-bundle. Default 50,000. */
  readonly flushEveryRecords?: number;
  /** Called once a batch is durable, with what it wrote (for latency measurements and live displays). */
  readonly onDurable?: (batch: WarehouseBatch) => void;
}

export interface WarehouseWriteCounters {
  /** Records received. */
  readonly records: number;
  /** Writes (transactions) completed. */
  readonly batches: number;
  /** Rows inserted or replaced, per table (a stale session pane that was ignored is not counted). */
  readonly upserted: Readonly<Record<TableName, number>>;
  /** Stored rows deleted, per table. */
  readonly deleted: Readonly<Record<TableName, number>>;
}

/** The sink transform, with its counters for the run summary. */
export interface WriteToWarehouse extends PTransform<PCollection<WarehouseRecord>, PCollection<never>> {
  /** The counters so far (a snapshot); after the run, the totals. */
  readonly counters: WarehouseWriteCounters;
}

const DEFAULT_FLUSH_EVERY = 50_000;

const zeroPerTable = (): Record<TableName, number> =>
  Object.fromEntries(Object.keys(TABLES).map((name) => [name, 0])) as Record<TableName, number>;

/** Buffers a bundle's records and writes them as one batch when the bundle finishes (see the module comment). */
export class WriteToWarehouseFn implements DoFn<WarehouseRecord, never> {
  private readonly builder = new BatchBuilder();
  private readonly inFlight: Promise<void>[] = [];
  private failure: { readonly error: unknown } | undefined;
  private records = 0;
  private batches = 0;
  private readonly upserted = zeroPerTable();
  private readonly deleted = zeroPerTable();

  constructor(
    private readonly warehouse: Warehouse,
    private readonly flushEveryRecords: number = DEFAULT_FLUSH_EVERY,
    private readonly onDurable?: (batch: WarehouseBatch) => void,
  ) {}

  get counters(): WarehouseWriteCounters {
    return { records: this.records, batches: this.batches, upserted: { ...this.upserted }, deleted: { ...this.deleted } };
  }

  process(record: WarehouseRecord): void {
    this.records++;
    this.builder.add(record.table, record.row, record.deleteKeys);
    if (this.builder.size >= this.flushEveryRecords) this.startWrite();
  }

  async finishBundle(): Promise<void> {
    if (this.builder.size > 0) this.startWrite();
    const writes = this.inFlight.splice(0);
    await Promise.all(writes);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure.error;
  }

  /** Hands the buffer to the warehouse; the write's outcome is collected by finishBundle. */
  private startWrite(): void {
    const batch = this.builder.takeBatch();
    this.inFlight.push(
      this.warehouse.write(batch).then(
        (result) => {
          this.count(result);
          this.onDurable?.(batch);
        },
        // Kept, not thrown here: nothing awaits this promise until finishBundle, which rethrows it.
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  private count(result: WriteResult): void {
    this.batches++;
    for (const [table, counts] of Object.entries(result.tables)) {
      this.upserted[table as TableName] += counts.upserted;
      this.deleted[table as TableName] += counts.deleted;
    }
  }
}

/** Writes a collection of records to `warehouse`, one transaction per bundle. */
export function writeToWarehouse(warehouse: Warehouse, name?: string, options: WriteToWarehouseOptions = {}): WriteToWarehouse {
  const fn = new WriteToWarehouseFn(warehouse, options.flushEveryRecords, options.onDurable);
  const transform = parDo<WarehouseRecord, never>(fn, {}, name ?? 'WriteToWarehouse');
  return {
    name: transform.name,
    // A generated name may take a numeric suffix on collision; only a chosen one must be unique.
    explicitName: name !== undefined,
    expand: (input) => transform.expand(input),
    get counters() {
      return fn.counters;
    },
  };
}
