/**
 * The Google clients the BigQuery sink and `tidemark query --target bigquery` use, built from one set of connection
 * options. In the cloud nothing is set (Application Default Credentials, the public endpoints, TLS). Against local
 * servers the endpoints are named explicitly, and only then is the Storage Write channel plaintext:
 *
 * - REST (`@google-cloud/bigquery`): `apiEndpoint` with its scheme, e.g. `http://127.0.0.1:9050`; the client adds
 *   `/bigquery/v2` (FACTS.md). Env: `TIDEMARK_BIGQUERY_ENDPOINT`.
 * - Storage Write (`@google-cloud/bigquery-storage`): `host:port` of a plaintext gRPC server, e.g. `127.0.0.1:9060`.
 *   Env: `TIDEMARK_BIGQUERY_STORAGE_ENDPOINT`.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { grpc } from 'google-gax';

export interface BigQueryConnection {
  /** Project of the dataset (and, by default, of query jobs). Else GOOGLE_CLOUD_PROJECT. */
  readonly projectId: string;
  /** Dataset holding the tables. */
  readonly datasetId: string;
  /** Location of the dataset and of query jobs, e.g. 'US' or 'europe-west1'. */
  readonly location?: string;
  /** REST endpoint of a local server (`http://127.0.0.1:PORT`); unset in the cloud. */
  readonly restEndpoint?: string;
  /** Storage Write endpoint of a local plaintext gRPC server (`127.0.0.1:PORT`); unset in the cloud. */
  readonly storageEndpoint?: string;
}

/** The connection with the endpoints from the environment filled in where the options leave them unset. */
export function withEnvironmentEndpoints(
  connection: BigQueryConnection,
  env: NodeJS.ProcessEnv = process.env,
): BigQueryConnection {
  const rest = connection.restEndpoint ?? env.TIDEMARK_BIGQUERY_ENDPOINT;
  const storage = connection.storageEndpoint ?? env.TIDEMARK_BIGQUERY_STORAGE_ENDPOINT;
  return { ...connection, ...(rest && { restEndpoint: rest }), ...(storage && { storageEndpoint: storage }) };
}

export function bigQueryClient(connection: BigQueryConnection): BigQuery {
  return new BigQuery({
    projectId: connection.projectId,
    ...(connection.location !== undefined && { location: connection.location }),
    ...(connection.restEndpoint !== undefined && { apiEndpoint: connection.restEndpoint }),
  });
}

/** `host:port` split, with a clear error for anything else. */
export function hostAndPort(endpoint: string): { host: string; port: number } {
  const m = /^([^:/\s]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(endpoint);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port < 1 || port > 65535) {
    throw new Error(`Storage Write endpoint must be host:port (e.g. 127.0.0.1:9060), got ${JSON.stringify(endpoint)}`);
  }
  return { host: m[1], port };
}

export function writerClient(connection: BigQueryConnection): managedwriter.WriterClient {
  if (connection.storageEndpoint === undefined) return new managedwriter.WriterClient({ projectId: connection.projectId });
  const { host, port } = hostAndPort(connection.storageEndpoint);
  // NOTE: grpc from google-gax, so that the credentials object comes from the same @grpc/grpc-js the client uses.
  return new managedwriter.WriterClient({
    projectId: connection.projectId,
    apiEndpoint: host,
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
}

/** `projects/P/datasets/D/tables/T`, the name the Storage Write API uses for a table. */
export function tablePath(connection: BigQueryConnection, table: string): string {
  return `projects/${connection.projectId}/datasets/${connection.datasetId}/tables/${table}`;
}
