/**
 * A local BigQuery REST v2 server: the subset the project uses, for pointing `new BigQuery({apiEndpoint})` at.
 *
 *   datasets: get, insert                   tables: get, list, insert, patch (PATCH or PUT)
 *   tabledata.insertAll                     jobs.query (POST /queries), jobs.insert (POST /jobs, query jobs,
 *   jobs.get, jobs.getQueryResults          dryRun), with rows read from the shared store (query_engine.ts)
 *
 * Paths are under /bigquery/v2 (what the client sends with an `apiEndpoint`). Errors have BigQuery's shape
 * (`{error: {code, message, errors: [{reason, message}]}}`) so the client raises them as it would in the cloud.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type BigQueryFaults } from './faults';
import { type QueryParameter, type QueryResult, runQuery } from './query_engine';
import { type BigQueryStore, type Cell, type FieldSchema, StoreError, type StoredRow, type TableResource } from './store';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

interface JobRecord {
  readonly resource: Record<string, unknown>;
  readonly result: QueryResult;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new StoreError(413, 'invalid', `request body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new StoreError(400, 'parseError', 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** A JSON cell of insertAll as the store keeps it. */
function storedCell(field: FieldSchema, value: unknown): Cell {
  if (value === undefined || value === null) {
    if (field.mode === 'REQUIRED') throw new Error(`Missing required field: ${field.name}.`);
    return null;
  }
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
      return BigInt(String(value));
    case 'FLOAT':
    case 'FLOAT64':
      return Number(value);
    case 'BOOLEAN':
    case 'BOOL':
      return value === true || value === 'true';
    case 'TIMESTAMP': {
      if (typeof value === 'number') return BigInt(Math.round(value * 1e6));
      const ms = Date.parse(String(value));
      if (Number.isNaN(ms)) throw new Error(`Could not parse '${String(value)}' as a timestamp.`);
      return BigInt(ms) * 1000n;
    }
    case 'DATE':
      return Math.floor(Date.parse(`${String(value)}T00:00:00Z`) / 86_400_000);
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return String(value);
  }
}

export interface RestServer {
  readonly port: number;
  /** What to give the client as `apiEndpoint`. */
  readonly endpoint: string;
  /** Requests served, by "METHOD route", for assertions. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startRestServer(store: BigQueryStore, faults: BigQueryFaults): Promise<RestServer> {
  const jobs = new Map<string, JobRecord>();
  const requests: string[] = [];

  const jobResource = (
    project: string,
    jobId: string,
    location: string,
    body: Record<string, unknown>,
    result: QueryResult,
    dryRun: boolean,
  ) => ({
    kind: 'bigquery#job',
    id: `${project}:${location}.${jobId}`,
    jobReference: { projectId: project, jobId, location },
    configuration: { ...((body.configuration as Record<string, unknown>) ?? {}), ...(dryRun && { dryRun: true }) },
    status: { state: 'DONE' },
    statistics: {
      creationTime: String(Date.now()),
      totalBytesProcessed: result.totalBytesProcessed,
      query: { totalBytesProcessed: result.totalBytesProcessed, statementType: 'SELECT', cacheHit: false },
    },
  });

  const queryResponse = (project: string, jobId: string, location: string, result: QueryResult) => ({
    kind: 'bigquery#queryResponse',
    jobReference: { projectId: project, jobId, location },
    jobComplete: true,
    schema: result.schema,
    rows: result.rows,
    totalRows: result.totalRows,
    totalBytesProcessed: result.totalBytesProcessed,
    cacheHit: false,
  });

  async function route(method: string, path: string, body: Record<string, unknown>): Promise<unknown> {
    const m = /^\/bigquery\/v2\/projects\/([^/]+)(\/.*)?$/.exec(path);
    if (m === null) throw new StoreError(404, 'notFound', `no such route ${path}`);
    const project = decodeURIComponent(m[1]);
    const rest = m[2] ?? '';
    let r: RegExpExecArray | null;
    if (method === 'POST' && rest === '/datasets') {
      const ref = body.datasetReference as { datasetId?: string } | undefined;
      return store.createDataset(project, String(ref?.datasetId ?? ''), String(body.location ?? 'US'));
    }
    if ((r = /^\/datasets\/([^/]+)$/.exec(rest)) && method === 'GET') return store.getDataset(project, decodeURIComponent(r[1]));
    if ((r = /^\/datasets\/([^/]+)\/tables$/.exec(rest))) {
      const dataset = decodeURIComponent(r[1]);
      if (method === 'POST') return store.createTable(project, dataset, body as Partial<TableResource>);
      if (method === 'GET') {
        const tables = store
          .listTables(project, dataset)
          .map((t) => ({ kind: 'bigquery#table', id: t.resource.id, tableReference: t.resource.tableReference, type: 'TABLE' }));
        return { kind: 'bigquery#tableList', tables, totalItems: tables.length };
      }
    }
    if ((r = /^\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(rest))) {
      const [dataset, table] = [decodeURIComponent(r[1]), decodeURIComponent(r[2])];
      if (method === 'GET') return store.table(project, dataset, table).resource;
      if (method === 'PATCH' || method === 'PUT')
        return store.patchTable(project, dataset, table, body as Partial<TableResource>);
    }
    if ((r = /^\/datasets\/([^/]+)\/tables\/([^/]+)\/insertAll$/.exec(rest)) && method === 'POST') {
      const [dataset, table] = [decodeURIComponent(r[1]), decodeURIComponent(r[2])];
      const fields = store.table(project, dataset, table).resource.schema.fields;
      const insertErrors: { index: number; errors: { reason: string; message: string }[] }[] = [];
      const good: StoredRow[] = [];
      ((body.rows as { json?: Record<string, unknown> }[] | undefined) ?? []).forEach((entry, index) => {
        try {
          const row: StoredRow = {};
          for (const f of fields) row[f.name] = storedCell(f, entry.json?.[f.name]);
          const extra = Object.keys(entry.json ?? {}).filter((k) => !fields.some((f) => f.name === k));
          if (extra.length > 0 && body.ignoreUnknownValues !== true) throw new Error(`no such field: ${extra[0]}.`);
          good.push(row);
        } catch (e) {
          insertErrors.push({ index, errors: [{ reason: 'invalid', message: (e as Error).message }] });
        }
      });
      // Like the service: with any bad row and no skipInvalidRows, nothing is inserted.
      if (insertErrors.length === 0 || body.skipInvalidRows === true) store.applyRows(project, dataset, table, good);
      return insertErrors.length > 0
        ? { kind: 'bigquery#tableDataInsertAllResponse', insertErrors }
        : { kind: 'bigquery#tableDataInsertAllResponse' };
    }
    if (rest === '/queries' && method === 'POST') {
      const location = String(body.location ?? 'US');
      const dataset = (body.defaultDataset as { datasetId?: string } | undefined)?.datasetId;
      const result = await runQuery(store, project, String(body.query ?? ''), {
        ...(dataset !== undefined && { defaultDataset: dataset }),
        params: (body.queryParameters as QueryParameter[] | undefined) ?? [],
        dryRun: body.dryRun === true,
      });
      const jobId = `job_${randomUUID().replace(/-/g, '')}`;
      jobs.set(jobId, {
        resource: jobResource(project, jobId, location, { configuration: { query: body } }, result, false),
        result,
      });
      return queryResponse(project, jobId, location, result);
    }
    if (rest === '/jobs' && method === 'POST') {
      const configuration = (body.configuration ?? {}) as { query?: Record<string, unknown>; dryRun?: boolean };
      const query = configuration.query;
      if (query === undefined) throw new StoreError(400, 'invalid', 'only query jobs are supported here');
      const ref = (body.jobReference ?? {}) as { jobId?: string; location?: string };
      const jobId = ref.jobId ?? `job_${randomUUID().replace(/-/g, '')}`;
      const location = ref.location ?? 'US';
      const dataset = (query.defaultDataset as { datasetId?: string } | undefined)?.datasetId;
      const dryRun = configuration.dryRun === true;
      const result = await runQuery(store, project, String(query.query ?? ''), {
        ...(dataset !== undefined && { defaultDataset: dataset }),
        params: (query.queryParameters as QueryParameter[] | undefined) ?? [],
        dryRun,
      });
      const resource = jobResource(project, jobId, location, body, result, dryRun);
      if (!dryRun) jobs.set(jobId, { resource, result });
      return resource;
    }
    if ((r = /^\/jobs\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const job = jobs.get(decodeURIComponent(r[1]));
      if (job === undefined) throw new StoreError(404, 'notFound', `Not found: Job ${project}:${r[1]}`);
      return job.resource;
    }
    if ((r = /^\/queries\/([^/]+)$/.exec(rest)) && method === 'GET') {
      const jobId = decodeURIComponent(r[1]);
      const job = jobs.get(jobId);
      if (job === undefined) throw new StoreError(404, 'notFound', `Not found: Job ${project}:${jobId}`);
      return { ...queryResponse(project, jobId, 'US', job.result), kind: 'bigquery#getQueryResultsResponse' };
    }
    throw new StoreError(404, 'notFound', `no such route ${method} ${path}`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, payload: unknown): void => {
      const text = JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    if (faults.restUnavailable > 0) {
      faults.restUnavailable--;
      faults.seen.restUnavailableInjected++;
      req.resume();
      send(503, {
        error: {
          code: 503,
          message: 'injected: backend error',
          status: 'UNAVAILABLE',
          errors: [{ reason: 'backendError', message: 'injected' }],
        },
      });
      return;
    }
    readBody(req)
      .then((body) => route(method, url.pathname, (body ?? {}) as Record<string, unknown>))
      .then(
        (payload) => send(200, payload),
        (e: unknown) => {
          const status = e instanceof StoreError ? e.httpStatus : 500;
          const reason = e instanceof StoreError ? e.reason : 'internalError';
          const message = e instanceof Error ? e.message : String(e);
          send(status, { error: { code: status, message, errors: [{ reason, message }] } });
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
