/**
 * The BigQuery options of `tidemark run --sink bigquery` and `tidemark query --target bigquery`, and what they turn
 * into. Kept apart from main.ts so that the BigQuery surface of the command line is one file.
 *
 *   --project P                  project of the dataset (else GOOGLE_CLOUD_PROJECT)
 *   --dataset D                  dataset of the tables (required)
 *   --location L                 dataset and job location (e.g. US, europe-west1)
 *   --bigquery-endpoint URL      REST endpoint of a local server, e.g. http://127.0.0.1:9050
 *                                (else TIDEMARK_BIGQUERY_ENDPOINT; unset = the real service over TLS)
 *   --bigquery-storage-endpoint H:P   Storage Write endpoint of a local plaintext gRPC server
 *                                (else TIDEMARK_BIGQUERY_STORAGE_ENDPOINT)
 * run only:
 *   --write-mode upsert|exactly-once   see docs/bigquery.md (default upsert)
 *   --create-tables              create the dataset and missing tables from schemas/
 *   --partition-expiration-days N   with --create-tables: drop partitions older than N days
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type BigQueryConnection, withEnvironmentEndpoints } from '../io/bigquery/clients';
import { type BigQueryWarehouseOptions, WRITE_MODES, type WriteMode } from '../io/bigquery/bigquery_warehouse';
import { QueryParamError, parseParam, type QueryParam } from '../io/bigquery/query';
import { positiveNumber } from './options';

export interface BigQueryFlags {
  project?: string;
  dataset?: string;
  location?: string;
  bigqueryEndpoint?: string;
  bigqueryStorageEndpoint?: string;
}

export interface BigQueryRunFlags extends BigQueryFlags {
  writeMode?: WriteMode;
  createTables?: boolean;
  partitionExpirationDays?: number;
}

export interface BigQueryQueryFlags extends BigQueryFlags {
  param?: QueryParam[];
  dryRun?: boolean;
}

/** Adds an option unless the command has it already (another connector may define --project too). */
function addOnce(cmd: Command, option: Option): void {
  if (!cmd.options.some((o) => o.long === option.long)) cmd.addOption(option);
}

function addConnectionOptions(cmd: Command): Command {
  addOnce(cmd, new Option('--project <id>', 'Google Cloud project (else GOOGLE_CLOUD_PROJECT)'));
  addOnce(cmd, new Option('--dataset <id>', 'BigQuery dataset of the tables'));
  addOnce(cmd, new Option('--location <location>', 'BigQuery location of the dataset and jobs (e.g. US, europe-west1)'));
  addOnce(cmd, new Option('--bigquery-endpoint <url>', 'BigQuery REST endpoint of a local server (http://host:port)'));
  addOnce(
    cmd,
    new Option('--bigquery-storage-endpoint <host:port>', 'Storage Write API endpoint of a local plaintext gRPC server'),
  );
  return cmd;
}

export function addBigQueryRunOptions(cmd: Command): Command {
  addConnectionOptions(cmd);
  cmd.addOption(
    new Option('--write-mode <mode>', 'BigQuery write mode (with --sink bigquery)').choices([...WRITE_MODES]).default('upsert'),
  );
  cmd.addOption(new Option('--create-tables', 'create the BigQuery dataset and missing tables from schemas/'));
  cmd.addOption(
    new Option('--partition-expiration-days <days>', 'with --create-tables: drop partitions older than this').argParser(
      positiveNumber,
    ),
  );
  return cmd;
}

export function addBigQueryQueryOptions(cmd: Command): Command {
  addConnectionOptions(cmd);
  cmd.addOption(
    new Option(
      '--param <name=value[:TYPE]>',
      'named query parameter @name (repeatable; TYPE: STRING (default), INT64, FLOAT64, BOOL, TIMESTAMP, DATE, NUMERIC)',
    ).argParser((value: string, previous: QueryParam[] | undefined) => {
      try {
        return [...(previous ?? []), parseParam(value)];
      } catch (e) {
        // Commander reports an InvalidArgumentError as bad usage (exit 2) with the option named.
        if (e instanceof QueryParamError) throw new InvalidArgumentError(e.message);
        throw e;
      }
    }),
  );
  cmd.addOption(new Option('--dry-run', 'validate the query and print the bytes it would process, without running it'));
  return cmd;
}

/** The connection the flags name; `usage` builds the error for a missing or bad flag (exit code 2). */
export function bigQueryConnection(flags: BigQueryFlags, usage: (message: string) => Error): BigQueryConnection {
  const projectId = flags.project ?? process.env.GOOGLE_CLOUD_PROJECT;
  if (projectId === undefined || projectId === '') throw usage('BigQuery needs --project P (or GOOGLE_CLOUD_PROJECT)');
  if (flags.dataset === undefined || flags.dataset === '') throw usage('BigQuery needs --dataset D');
  if (!/^[A-Za-z0-9_]{1,1024}$/.test(flags.dataset))
    throw usage(`--dataset ${JSON.stringify(flags.dataset)}: letters, digits and underscores only`);
  if (flags.bigqueryEndpoint !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(flags.bigqueryEndpoint)) {
    throw usage(`--bigquery-endpoint must be http(s)://host:port, got ${JSON.stringify(flags.bigqueryEndpoint)}`);
  }
  if (flags.bigqueryStorageEndpoint !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(flags.bigqueryStorageEndpoint)) {
    throw usage(`--bigquery-storage-endpoint must be host:port, got ${JSON.stringify(flags.bigqueryStorageEndpoint)}`);
  }
  return withEnvironmentEndpoints({
    projectId,
    datasetId: flags.dataset,
    ...(flags.location !== undefined && { location: flags.location }),
    ...(flags.bigqueryEndpoint !== undefined && { restEndpoint: flags.bigqueryEndpoint.replace(/\/$/, '') }),
    ...(flags.bigqueryStorageEndpoint !== undefined && { storageEndpoint: flags.bigqueryStorageEndpoint }),
  });
}

/** The sink options of `run --sink bigquery`. */
export function bigQuerySinkOptions(flags: BigQueryRunFlags, usage: (message: string) => Error): BigQueryWarehouseOptions {
  if (flags.partitionExpirationDays !== undefined && flags.createTables !== true) {
    throw usage('--partition-expiration-days goes with --create-tables');
  }
  return {
    connection: bigQueryConnection(flags, usage),
    mode: flags.writeMode ?? 'upsert',
    createTables: flags.createTables === true,
    ...(flags.partitionExpirationDays !== undefined && { partitionExpirationDays: flags.partitionExpirationDays }),
  };
}
