/**
 * `tidemark query --target bigquery "SQL"`: runs the query through @google-cloud/bigquery and prints it in the same
 * formats as the DuckDB query (io/warehouse/format.ts). Unqualified table names resolve in --dataset. With
 * --dry-run nothing runs: the query is validated and the bytes it would process (the on-demand cost basis) are
 * printed, as a line for people or, with --format json, as `{"dry_run":true,"total_bytes_processed":N}`.
 */
import { bigQueryClient } from '../io/bigquery/clients';
import { dryRun, formatBytes, queryRows } from '../io/bigquery/query';
import { formatRows, type OutputFormat } from '../io/warehouse/format';
import { type BigQueryQueryFlags, bigQueryConnection } from './bigquery_options';

export interface QueryIo {
  readonly out: (text: string) => void;
}

export async function runBigQueryQuery(
  sql: string,
  flags: BigQueryQueryFlags & { format: OutputFormat },
  io: QueryIo,
  usage: (message: string) => Error,
): Promise<void> {
  const connection = bigQueryConnection(flags, usage);
  const bigquery = bigQueryClient(connection);
  const params = flags.param ?? [];
  if (flags.dryRun === true) {
    const { totalBytesProcessed } = await dryRun(bigquery, connection, sql, params);
    if (flags.format === 'json') io.out(`${JSON.stringify({ dry_run: true, total_bytes_processed: totalBytesProcessed })}\n`);
    else if (flags.format === 'csv') io.out(`total_bytes_processed\r\n${totalBytesProcessed}\n`);
    else io.out(`dry run: this query would process ${formatBytes(totalBytesProcessed)} (${totalBytesProcessed} bytes)\n`);
    return;
  }
  io.out(`${formatRows(await queryRows(bigquery, connection, sql, params), flags.format)}\n`);
}
