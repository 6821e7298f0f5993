/** The local BigQuery for the sink tests, with the real clients pointed at it. */
import { type BigQueryConnection } from '../../../io/bigquery/clients';
import {
  openBigQueryWarehouse,
  type BigQueryWarehouse,
  type BigQueryWarehouseOptions,
} from '../../../io/bigquery/bigquery_warehouse';
import { type BigQueryEmulator, startBigQueryEmulator } from '../../emulators/bigquery';
import { withoutMetadataServer } from '../../support/without_metadata_server';

export const PROJECT = 'tidemark-test';

export { withoutMetadataServer };

/**
 * The local BigQuery of the calling describe block: started before its tests (with the metadata server off), its
 * injected faults reset after each test, stopped after all. `onStart` receives it once it listens.
 */
export function withBigQueryEmulator(onStart: (emulator: BigQueryEmulator) => void): void {
  withoutMetadataServer();
  let emulator: BigQueryEmulator | undefined;
  before(async () => {
    emulator = await startBigQueryEmulator();
    onStart(emulator);
  });
  after(async () => emulator?.stop());
  afterEach(() => emulator?.faults.reset());
}

export function connectionTo(emulator: BigQueryEmulator, datasetId: string): BigQueryConnection {
  return { projectId: PROJECT, datasetId, restEndpoint: emulator.endpoints.rest, storageEndpoint: emulator.endpoints.storage };
}

let datasets = 0;
/** A dataset name no other test of the run uses. */
export function freshDataset(): string {
  return `ds_${process.pid}_${++datasets}`;
}

/** Opens a warehouse on a fresh dataset with its tables created; fast retries, so fault tests stay quick. */
export async function openSink(
  emulator: BigQueryEmulator,
  options: Partial<BigQueryWarehouseOptions> = {},
): Promise<{ warehouse: BigQueryWarehouse; dataset: string }> {
  const dataset = freshDataset();
  const warehouse = await openBigQueryWarehouse({
    connection: connectionTo(emulator, dataset),
    createTables: true,
    retry: { initialDelayMs: 5, maxDelayMs: 50 },
    ...options,
  });
  return { warehouse, dataset };
}

/** Rows of a table sorted by a column, for comparisons. */
export function sortedBy<T extends Record<string, unknown>>(rows: readonly T[], column: string): T[] {
  return [...rows].sort((a, b) => String(a[column]).localeCompare(String(b[column])));
}
