/**
 * The local BigQuery servers themselves, through the real clients: the protocol rules the sink tests rely on
 * (commit of an unfinalized stream refused, offsets refused on the default stream, BUFFERED streams visible only
 * after FlushRows, GetWriteStream), and the REST paths the sink does not use (insertAll, jobs.insert + getQueryResults).
 */
import assert from 'node:assert/strict';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { appendRequest, AppendError } from '../../io/bigquery/append';
import { bigQueryClient, tablePath, writerClient } from '../../io/bigquery/clients';
import { rowEncoder } from '../../io/bigquery/row_encoding';
import { ensureTables } from '../../io/bigquery/tables';
import { EventsTable } from '../../schemas';
import { eventRow } from '../io/warehouse/fixtures';
import { PROJECT, connectionTo, freshDataset, withoutMetadataServer } from '../io/bigquery/helpers';
import { startBigQueryEmulator, type BigQueryEmulator } from './bigquery';

describe('local BigQuery servers', () => {
  withoutMetadataServer();
  let emulator: BigQueryEmulator;
  let dataset: string;
  let client: managedwriter.WriterClient;
  const encoder = rowEncoder(EventsTable, false);
  before(async () => {
    emulator = await startBigQueryEmulator();
    dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    await ensureTables(bigQueryClient(connection), connection, { createTables: true }, [EventsTable]);
    client = writerClient(connection);
  });
  after(async () => {
    client.close();
    await emulator.stop();
  });

  async function open(streamType: string) {
    const connection = await client.createStreamConnection({
      streamType: streamType as typeof managedwriter.PendingStream,
      destinationTable: tablePath(connectionTo(emulator, dataset), 'events'),
    });
    connection.onConnectionError(() => undefined);
    return { connection, writer: new managedwriter.Writer({ connection, protoDescriptor: encoder.descriptor }) };
  }

  it('a PENDING stream is invisible until committed; committing it unfinalized is refused; twice is refused', async () => {
    const { connection, writer } = await open(managedwriter.PendingStream);
    await appendRequest(writer, [encoder.encode(eventRow(1))], 0);
    const parent = tablePath(connectionTo(emulator, dataset), 'events');
    const early = await client.batchCommitWriteStream({ parent, writeStreams: [connection.getStreamId()] });
    assert.equal(early.streamErrors?.length, 1);
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 0);
    await connection.finalize();
    const stream = await client.getWriteStream({ streamId: connection.getStreamId() });
    assert.equal(stream.type, 'PENDING');
    const committed = await client.batchCommitWriteStream({ parent, writeStreams: [connection.getStreamId()] });
    assert.deepEqual(committed.streamErrors ?? [], []);
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 1);
    const again = await client.batchCommitWriteStream({ parent, writeStreams: [connection.getStreamId()] });
    assert.equal(again.streamErrors?.length, 1);
    writer.close();
    connection.close();
    emulator.store.table(PROJECT, dataset, 'events').rows.length = 0;
  });

  it('the default stream refuses explicit offsets', async () => {
    const connection = await client.createStreamConnection({
      streamId: managedwriter.DefaultStream,
      destinationTable: tablePath(connectionTo(emulator, dataset), 'events'),
    });
    connection.onConnectionError(() => undefined);
    const writer = new managedwriter.Writer({ connection, protoDescriptor: encoder.descriptor });
    await assert.rejects(
      appendRequest(writer, [encoder.encode(eventRow(2))], 0),
      (e: unknown) => e instanceof AppendError && e.code === 3,
    );
    writer.close();
    connection.close();
  });

  it('a BUFFERED stream shows rows up to the flushed offset only', async () => {
    const { connection, writer } = await open(managedwriter.BufferedStream);
    await appendRequest(
      writer,
      [0, 1, 2].map((i) => encoder.encode(eventRow(i, 7))),
      0,
    );
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 0);
    await connection.flushRows({ offset: 1 });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 2);
    writer.close();
    connection.close();
    emulator.store.table(PROJECT, dataset, 'events').rows.length = 0;
  });

  it('insertAll through table.insert lands rows that jobs.insert + getQueryResults read back', async () => {
    const bigquery = bigQueryClient(connectionTo(emulator, dataset));
    await bigquery
      .dataset(dataset)
      .table('events')
      .insert([eventRow(1, 9), eventRow(2, 9)]);
    const [job] = await bigquery.createQueryJob({ query: `SELECT COUNT(*) AS n FROM \`${PROJECT}.${dataset}.events\`` });
    const [rows] = await job.getQueryResults();
    assert.deepEqual(rows, [{ n: 2 }]);
    await assert.rejects(
      bigquery
        .dataset(dataset)
        .table('events')
        .insert([{ event_id: 'only-an-id' }]),
      /PartialFailureError|event_type/,
    );
    emulator.store.table(PROJECT, dataset, 'events').rows.length = 0;
  });
});
