/**
 * A local BigQuery Storage Write API server (gRPC, served from the .proto files inside
 * @google-cloud/bigquery-storage), for pointing the real `WriterClient` at in tests and benchmarks.
 *
 * Implements CreateWriteStream, AppendRows (bidirectional, proto rows), GetWriteStream, FinalizeWriteStream,
 * BatchCommitWriteStreams and FlushRows with the semantics the sink relies on:
 * - offsets on PENDING/COMMITTED/BUFFERED streams: an append at an offset below the stream's end is answered
 *   ALREADY_EXISTS (and stores nothing), beyond the end OUT_OF_RANGE; the default stream takes no offsets;
 * - rows are checked against the table schema (REQUIRED present, TIMESTAMP in BigQuery's range, JSON parses, no
 *   unknown fields); a bad row fails the whole request with INVALID_ARGUMENT and `row_errors` naming each bad row,
 *   as the service does, so the client must drop those rows and append the rest again;
 * - PENDING rows become visible only at BatchCommitWriteStreams, all streams of one call at once; COMMITTED and
 *   default-stream rows at once, with `_CHANGE_TYPE`/`_CHANGE_SEQUENCE_NUMBER` applied as CDC (store.ts).
 * Faults (faults.ts): UNAVAILABLE before or after storing, slow responses, row rejections.
 */
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protobuf } from 'google-gax';
import { type BigQueryFaults } from './faults';
import { type BigQueryStore, type Cell, type FieldSchema, StoreError, type StoredRow } from './store';

const STORAGE_PROTOS = join(dirname(require.resolve('@google-cloud/bigquery-storage')), '..', '..', 'build', 'protos');
const GAX_PROTOS = join(dirname(require.resolve('google-gax')), '..', '..', 'build', 'protos');

const Status = grpc.status;
const MIN_TIMESTAMP_MICROS = -62135596800000000n; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_MICROS = 253402300799999999n; // 9999-12-31T23:59:59.999999Z
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

type StreamType = 'COMMITTED' | 'PENDING' | 'BUFFERED';

interface WriteStreamState {
  readonly name: string;
  readonly project: string;
  readonly dataset: string;
  readonly table: string;
  readonly type: StreamType | 'DEFAULT';
  readonly createdMs: number;
  /** Rows appended (the next offset). */
  rowCount: number;
  /** PENDING: rows waiting for the commit. */
  readonly buffered: StoredRow[];
  finalized: boolean;
  committedMs?: number;
}

interface DescriptorField {
  readonly name: string;
  readonly number: number;
  readonly label?: string;
  readonly type?: string;
}
interface Descriptor {
  readonly name?: string;
  readonly field?: readonly DescriptorField[];
}

interface AppendRowsRequest {
  writeStream?: string;
  offset?: { value?: string | number };
  protoRows?: { writerSchema?: { protoDescriptor?: Descriptor }; rows?: { serializedRows?: Buffer[] } };
}

const PROTO_TYPES: Readonly<Record<string, string>> = {
  TYPE_DOUBLE: 'double',
  TYPE_FLOAT: 'float',
  TYPE_INT64: 'int64',
  TYPE_UINT64: 'uint64',
  TYPE_INT32: 'int32',
  TYPE_BOOL: 'bool',
  TYPE_STRING: 'string',
  TYPE_BYTES: 'bytes',
  TYPE_SINT64: 'sint64',
  TYPE_SINT32: 'sint32',
};

/** A protobufjs message type from a flat DescriptorProto (the sink's rows have no nested messages). */
function messageType(descriptor: Descriptor): protobuf.Type {
  const type = new protobuf.Type(descriptor.name ?? 'row');
  for (const f of descriptor.field ?? []) {
    const t = PROTO_TYPES[f.type ?? ''];
    if (t === undefined) throw new Error(`field ${f.name}: unsupported proto type ${f.type}`);
    // Every field optional here: REQUIRED is checked against the table schema, with a row error, as BigQuery does.
    type.add(new protobuf.Field(f.name, f.number, t, f.label === 'LABEL_REPEATED' ? 'repeated' : 'optional'));
  }
  new protobuf.Root().define('emulator').add(type);
  return type;
}

function grpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function parseTableName(name: string): { project: string; dataset: string; table: string } | undefined {
  const m = /^projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(name);
  return m === null ? undefined : { project: m[1], dataset: m[2], table: m[3] };
}

/** One decoded cell, checked against its field; a string is the row error. */
function cellOf(field: FieldSchema, value: unknown): Cell | { readonly problem: string } {
  if (value === undefined || value === null) {
    return field.mode === 'REQUIRED' ? { problem: `Field ${field.name} is REQUIRED but missing` } : null;
  }
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
      return BigInt(String(value));
    case 'TIMESTAMP': {
      const micros = BigInt(String(value));
      if (micros < MIN_TIMESTAMP_MICROS || micros > MAX_TIMESTAMP_MICROS) {
        return { problem: `Field ${field.name}: timestamp ${micros} is outside 0001-01-01 .. 9999-12-31` };
      }
      return micros;
    }
    case 'DATE':
      return Number(value);
    case 'FLOAT':
    case 'FLOAT64':
      return Number(value);
    case 'BOOLEAN':
    case 'BOOL':
      return Boolean(value);
    case 'JSON':
      try {
        JSON.parse(String(value));
      } catch {
        return { problem: `Field ${field.name}: invalid JSON text` };
      }
      return String(value);
    default:
      return String(value);
  }
}

export interface StorageWriteServer {
  readonly port: number;
  /** host:port to give the client as apiEndpoint/port. */
  readonly address: string;
  /** Streams by name, for assertions (a stream's type, its row count, whether it was committed). */
  readonly streams: ReadonlyMap<string, Readonly<WriteStreamState>>;
  stop(): Promise<void>;
}

export async function startStorageWriteServer(store: BigQueryStore, faults: BigQueryFaults): Promise<StorageWriteServer> {
  const definition = protoLoader.loadSync('google/cloud/bigquery/storage/v1/storage.proto', {
    includeDirs: [STORAGE_PROTOS, GAX_PROTOS],
    // NOTE: defaults false (FACTS.md): with defaults, unset oneof members come through and confuse the rows' type.
    defaults: false,
    enums: String,
    longs: String,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { bigquery: { storage: { v1: { BigQueryWrite: grpc.ServiceClientConstructor } } } } };
  };
  const service = loaded.google.cloud.bigquery.storage.v1.BigQueryWrite.service;
  const streams = new Map<string, WriteStreamState>();
  let nextStream = 0;

  const streamResource = (s: WriteStreamState): Record<string, unknown> => ({
    name: s.name,
    type: s.type === 'DEFAULT' ? 'COMMITTED' : s.type,
    createTime: { seconds: String(Math.floor(s.createdMs / 1000)), nanos: (s.createdMs % 1000) * 1e6 },
    ...(s.committedMs !== undefined && {
      commitTime: { seconds: String(Math.floor(s.committedMs / 1000)), nanos: (s.committedMs % 1000) * 1e6 },
    }),
    writeMode: 'INSERT',
  });

  /** A stream by name; `_default` streams exist for every table. */
  const streamOf = (name: string): WriteStreamState => {
    const found = streams.get(name);
    if (found !== undefined) return found;
    const m = /^(projects\/[^/]+\/datasets\/[^/]+\/tables\/[^/]+)\/streams\/_default$/.exec(name);
    const table = m === null ? undefined : parseTableName(m[1]);
    if (table === undefined) throw grpcError(Status.NOT_FOUND, `Requested entity was not found: stream ${name}`);
    store.table(table.project, table.dataset, table.table);
    const created: WriteStreamState = {
      name,
      ...table,
      type: 'DEFAULT',
      createdMs: Date.now(),
      rowCount: 0,
      buffered: [],
      finalized: false,
    };
    streams.set(name, created);
    return created;
  };

  const unary =
    <Req, Res>(fn: (req: Req) => Res) =>
    (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
      try {
        callback(null, fn(call.request));
      } catch (e) {
        if (e instanceof StoreError)
          callback(grpcError(e.httpStatus === 404 ? Status.NOT_FOUND : Status.INVALID_ARGUMENT, e.message));
        else callback(e as grpc.ServiceError);
      }
    };

  const handlers: grpc.UntypedServiceImplementation = {
    CreateWriteStream: unary((req: { parent: string; writeStream?: { type?: string } }) => {
      const table = parseTableName(req.parent);
      if (table === undefined) throw grpcError(Status.INVALID_ARGUMENT, `bad parent ${req.parent}`);
      store.table(table.project, table.dataset, table.table);
      const type = (req.writeStream?.type ?? 'TYPE_UNSPECIFIED') as StreamType;
      if (!['COMMITTED', 'PENDING', 'BUFFERED'].includes(type))
        throw grpcError(Status.INVALID_ARGUMENT, `bad stream type ${type}`);
      const name = `${req.parent}/streams/s${++nextStream}`;
      const state: WriteStreamState = {
        name,
        ...table,
        type,
        createdMs: Date.now(),
        rowCount: 0,
        buffered: [],
        finalized: false,
      };
      streams.set(name, state);
      return streamResource(state);
    }),
    GetWriteStream: unary((req: { name: string }) => {
      const s = streamOf(req.name);
      const fields = store.table(s.project, s.dataset, s.table).resource.schema.fields;
      return {
        ...streamResource(s),
        tableSchema: {
          fields: fields.map((f) => ({
            name: f.name,
            type: f.type === 'INTEGER' ? 'INT64' : f.type === 'FLOAT' ? 'DOUBLE' : f.type === 'BOOLEAN' ? 'BOOL' : f.type,
            mode: f.mode ?? 'NULLABLE',
          })),
        },
      };
    }),
    FinalizeWriteStream: unary((req: { name: string }) => {
      const s = streamOf(req.name);
      if (s.type === 'DEFAULT') throw grpcError(Status.INVALID_ARGUMENT, 'Finalize is not supported on the default stream');
      s.finalized = true;
      return { rowCount: String(s.rowCount) };
    }),
    FlushRows: unary((req: { writeStream: string; offset?: { value?: string } }) => {
      const s = streamOf(req.writeStream);
      if (s.type !== 'BUFFERED') throw grpcError(Status.INVALID_ARGUMENT, 'FlushRows is only for BUFFERED streams');
      const offset = Number(req.offset?.value ?? s.rowCount - 1);
      if (offset >= s.rowCount) throw grpcError(Status.OUT_OF_RANGE, `offset ${offset} is beyond the stream end ${s.rowCount}`);
      const rows = s.buffered.splice(0, offset + 1 - (s.rowCount - s.buffered.length));
      store.applyRows(s.project, s.dataset, s.table, rows);
      return { offset: String(offset) };
    }),
    BatchCommitWriteStreams: unary((req: { parent: string; writeStreams?: string[] }) => {
      const names = req.writeStreams ?? [];
      const errors: Record<string, unknown>[] = [];
      for (const name of names) {
        const s = streams.get(name);
        if (s === undefined) errors.push({ code: 'STREAM_NOT_FOUND', entity: name, errorMessage: 'stream not found' });
        else if (`projects/${s.project}/datasets/${s.dataset}/tables/${s.table}` !== req.parent)
          errors.push({ code: 'INVALID_STREAM_STATE', entity: name, errorMessage: 'stream belongs to another table' });
        else if (!s.finalized)
          errors.push({ code: 'INVALID_STREAM_STATE', entity: name, errorMessage: 'stream is not finalized' });
        else if (s.committedMs !== undefined)
          errors.push({ code: 'STREAM_ALREADY_COMMITTED', entity: name, errorMessage: 'already committed' });
      }
      // All or nothing: any error and no stream is committed.
      if (errors.length > 0) return { streamErrors: errors };
      const now = Date.now();
      for (const name of names) {
        const s = streams.get(name) as WriteStreamState;
        store.applyRows(s.project, s.dataset, s.table, s.buffered.splice(0));
        s.committedMs = now;
      }
      return { commitTime: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1e6 } };
    }),
    AppendRows: (call: grpc.ServerDuplexStream<AppendRowsRequest, Record<string, unknown>>) => {
      let streamName: string | undefined;
      let type: protobuf.Type | undefined;
      let broken = false;
      let chain = Promise.resolve();
      const fail = (code: grpc.status, details: string): void => {
        broken = true;
        call.emit('error', grpcError(code, details));
      };
      const handle = async (req: AppendRowsRequest): Promise<void> => {
        if (broken) return;
        faults.seen.appendRequests++;
        if (faults.appendDelayMs > 0) await new Promise((r) => setTimeout(r, faults.appendDelayMs));
        if (faults.unavailableBeforeAppend > 0) {
          faults.unavailableBeforeAppend--;
          faults.seen.unavailableInjected++;
          fail(Status.UNAVAILABLE, 'injected: the service is unavailable (before append)');
          return;
        }
        if (req.writeStream) streamName = req.writeStream;
        const descriptor = req.protoRows?.writerSchema?.protoDescriptor;
        if (descriptor !== undefined) type = messageType(descriptor);
        if (streamName === undefined || type === undefined) {
          fail(Status.INVALID_ARGUMENT, 'the first request of a connection needs write_stream and writer_schema');
          return;
        }
        const respond = (body: Record<string, unknown>): void => {
          call.write({ ...body, writeStream: streamName });
        };
        let stream: WriteStreamState;
        let fields: readonly FieldSchema[];
        try {
          stream = streamOf(streamName);
          fields = store.table(stream.project, stream.dataset, stream.table).resource.schema.fields;
        } catch (e) {
          respond({ error: { code: Status.NOT_FOUND, message: (e as Error).message } });
          return;
        }
        const serialized = req.protoRows?.rows?.serializedRows ?? [];
        const bytes = serialized.reduce((n, b) => n + b.length, 0);
        if (bytes > MAX_REQUEST_BYTES) {
          respond({
            error: {
              code: Status.INVALID_ARGUMENT,
              message: `AppendRows request too large: ${bytes} bytes, limit ${MAX_REQUEST_BYTES}`,
            },
          });
          return;
        }
        if (stream.finalized) {
          respond({ error: { code: Status.INVALID_ARGUMENT, message: `Stream is finalized: ${stream.name}` } });
          return;
        }
        const known = new Set(fields.map((f) => f.name));
        const extra = type.fieldsArray
          .map((f) => f.name)
          .filter((n) => !known.has(n) && n !== '_CHANGE_TYPE' && n !== '_CHANGE_SEQUENCE_NUMBER');
        if (extra.length > 0) {
          respond({
            error: {
              code: Status.INVALID_ARGUMENT,
              message: `Input schema has more fields than BigQuery schema, extra fields: '${extra.join(',')}'`,
            },
          });
          return;
        }
        const rows: StoredRow[] = [];
        const rowErrors: { index: number; code: string; message: string }[] = [];
        serialized.forEach((buffer, index) => {
          let decoded: Record<string, unknown>;
          try {
            decoded = type!.toObject(type!.decode(buffer), { longs: String }) as Record<string, unknown>;
          } catch (e) {
            rowErrors.push({ index, code: 'FIELDS_ERROR', message: `cannot decode row: ${(e as Error).message}` });
            return;
          }
          const changeType = decoded._CHANGE_TYPE;
          const row: StoredRow = {};
          const problems: string[] = [];
          for (const field of fields) {
            // A DELETE names its row by the primary key; other columns may be absent.
            const cell = changeType === 'DELETE' && decoded[field.name] === undefined ? null : cellOf(field, decoded[field.name]);
            if (cell !== null && typeof cell === 'object') problems.push(cell.problem);
            else row[field.name] = cell;
          }
          if (changeType !== undefined) {
            if (changeType !== 'UPSERT' && changeType !== 'DELETE')
              problems.push(`_CHANGE_TYPE must be UPSERT or DELETE, got ${String(changeType)}`);
            row._CHANGE_TYPE = String(changeType);
            if (decoded._CHANGE_SEQUENCE_NUMBER !== undefined)
              row._CHANGE_SEQUENCE_NUMBER = String(decoded._CHANGE_SEQUENCE_NUMBER);
          }
          const injected = problems.length === 0 ? faults.rowRejection?.reject(stream.table, row) : undefined;
          if (injected !== undefined) problems.push(injected);
          if (problems.length > 0) rowErrors.push({ index, code: 'FIELDS_ERROR', message: problems.join('; ') });
          else rows.push(row);
        });
        if (rowErrors.length > 0) {
          faults.seen.rowErrors += rowErrors.length;
          respond({
            error: {
              code: Status.INVALID_ARGUMENT,
              message: `Errors found while processing rows: ${rowErrors.length} bad rows; no rows of the request were appended`,
            },
            rowErrors: rowErrors.map((e) => ({ ...e, index: String(e.index) })),
          });
          return;
        }
        const offsetValue = req.offset?.value;
        const start = stream.rowCount;
        if (offsetValue !== undefined) {
          if (stream.type === 'DEFAULT') {
            respond({ error: { code: Status.INVALID_ARGUMENT, message: 'offsets are not supported on the default stream' } });
            return;
          }
          const offset = Number(offsetValue);
          if (offset < stream.rowCount) {
            faults.seen.alreadyExists++;
            respond({
              error: {
                code: Status.ALREADY_EXISTS,
                message: `Offset ${offset} already exists; the stream has ${stream.rowCount} rows`,
              },
            });
            return;
          }
          if (offset > stream.rowCount) {
            faults.seen.outOfRange++;
            respond({
              error: {
                code: Status.OUT_OF_RANGE,
                message: `Offset ${offset} is beyond the end of the stream (${stream.rowCount})`,
              },
            });
            return;
          }
        }
        faults.seen.appendRowsReceived += rows.length;
        stream.rowCount += rows.length;
        try {
          if (stream.type === 'PENDING' || stream.type === 'BUFFERED') stream.buffered.push(...rows);
          else store.applyRows(stream.project, stream.dataset, stream.table, rows);
        } catch (e) {
          stream.rowCount -= rows.length;
          respond({ error: { code: Status.INVALID_ARGUMENT, message: (e as Error).message } });
          return;
        }
        if (faults.unavailableAfterAppend > 0) {
          faults.unavailableAfterAppend--;
          faults.seen.unavailableInjected++;
          fail(Status.UNAVAILABLE, 'injected: the service is unavailable (after append; the rows were stored)');
          return;
        }
        respond({ appendResult: stream.type === 'DEFAULT' ? {} : { offset: { value: String(start) } } });
      };
      call.on('data', (req: AppendRowsRequest) => {
        chain = chain.then(() => handle(req)).catch((e: unknown) => fail(Status.INTERNAL, (e as Error).message));
      });
      call.on('end', () => {
        void chain.then(() => {
          if (!broken) call.end();
        });
      });
      call.on('error', () => undefined);
    },
  };

  const server = new grpc.Server({
    'grpc.max_receive_message_length': 2 * MAX_REQUEST_BYTES,
    'grpc.max_send_message_length': 2 * MAX_REQUEST_BYTES,
  });
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    address: `127.0.0.1:${port}`,
    streams,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Open AppendRows connections would hold a graceful shutdown forever.
        setTimeout(() => server.forceShutdown(), 200).unref();
      }),
  };
}
