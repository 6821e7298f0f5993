/**
 * The local BigQuery: a Storage Write gRPC server and a REST v2 server over one store, with fault injection.
 * `startBigQueryEmulator()` starts both on 127.0.0.1 with free ports; `endpoints` is what the sink and the query
 * command take (`--bigquery-endpoint`, `--bigquery-storage-endpoint`).
 */
import { BigQueryFaults } from './faults';
import { startRestServer, type RestServer } from './rest_server';
import { startStorageWriteServer, type StorageWriteServer } from './storage_write_server';
import { BigQueryStore, type StoredRow } from './store';

export { BigQueryFaults } from './faults';
export { BigQueryStore, type StoredRow } from './store';

export interface BigQueryEmulator {
  readonly store: BigQueryStore;
  readonly faults: BigQueryFaults;
  readonly rest: RestServer;
  readonly storage: StorageWriteServer;
  /** REST endpoint (http://127.0.0.1:P) and Storage Write endpoint (127.0.0.1:P). */
  readonly endpoints: { readonly rest: string; readonly storage: string };
  /** A table's rows as the warehouse reads them: timestamps RFC 3339 (ms, or µs when present), integers as numbers. */
  rowsOf(project: string, dataset: string, table: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

function microsText(micros: bigint): string {
  const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
  const rest = Number(((micros % 1000n) + 1000n) % 1000n);
  const iso = new Date(ms).toISOString();
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

export async function startBigQueryEmulator(): Promise<BigQueryEmulator> {
  const store = new BigQueryStore();
  const faults = new BigQueryFaults();
  const rest = await startRestServer(store, faults);
  const storage = await startStorageWriteServer(store, faults);
  return {
    store,
    faults,
    rest,
    storage,
    endpoints: { rest: rest.endpoint, storage: storage.address },
    rowsOf(project, dataset, table) {
      const fields = store.table(project, dataset, table).resource.schema.fields;
      return store.rows(project, dataset, table).map((row: StoredRow) => {
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const cell = row[f.name] ?? null;
          if (cell === null) out[f.name] = null;
          else if (f.type === 'TIMESTAMP') out[f.name] = microsText(BigInt(cell));
          else if (f.type === 'INTEGER') out[f.name] = Number(cell);
          else if (f.type === 'JSON') out[f.name] = JSON.parse(String(cell)) as unknown;
          else if (f.type === 'DATE') out[f.name] = new Date(Number(cell) * 86_400_000).toISOString().slice(0, 10);
          else out[f.name] = cell;
        }
        return out;
      });
    },
    async stop() {
      await Promise.all([rest.stop(), storage.stop()]);
    },
  };
}
