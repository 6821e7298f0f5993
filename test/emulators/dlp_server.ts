/**
 * A protocol-level Cloud DLP test server: gRPC on 127.0.0.1, serving `google.privacy.dlp.v2.DlpService` from the
 * dlp.proto shipped inside @google-cloud/dlp, so the REAL `DlpServiceClient` talks to it exactly as it talks to
 * dlp.googleapis.com (same protobuf encoding, same status codes).
 *
 * Only DeidentifyContent is answered (the other methods get UNIMPLEMENTED from grpc-js). What the content becomes
 * is decided by an injected `DeidentifyHandler` — the local DLP-compatible engine in the pipeline's tests, a small
 * honest handler in the connector's tests — while the server itself does what Cloud DLP does around it:
 *   - enforces DLP's content limits (request size measured on the wire, table values, findings) with
 *     INVALID_ARGUMENT and a DLP-like message, before (size, values) or after (findings) running the handler;
 *   - records every call (wire bytes, rows, values, findings, status, concurrency) for assertions;
 *   - injects faults on demand: a status code (RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, …), a slow
 *     response, or an oversize refusal, for the next N calls or a share of calls (seeded, so runs repeat).
 */
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { protos } from '@google-cloud/dlp';

export type DeidentifyContentRequest = protos.google.privacy.dlp.v2.IDeidentifyContentRequest;
export type DeidentifyContentResponse = protos.google.privacy.dlp.v2.IDeidentifyContentResponse;

/** What a handler returns: the response, and how many findings (inspection matches) producing it took. */
export interface DeidentifyHandlerResult {
  readonly response: DeidentifyContentResponse;
  /** Compared with the findings limit: over it, the server answers INVALID_ARGUMENT instead of the response. */
  readonly findings: number;
}

/**
 * The de-identification behind the server. The request arrives decoded by @grpc/proto-loader with camelCase field
 * names, enums as strings, int64 as strings, bytes as base64 strings, and no defaults filled in — the same JSON shape as
 * config/deidentify.json. Throw a `DlpServerError` to answer with a status (e.g. INVALID_ARGUMENT for a config the
 * engine refuses); any other exception becomes INTERNAL.
 */
export type DeidentifyHandler = (request: DeidentifyContentRequest) => DeidentifyHandlerResult | Promise<DeidentifyHandlerResult>;

export class DlpServerError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'DlpServerError';
  }
}

export interface DlpServerLimits {
  /** Largest request accepted, in bytes on the wire. DLP documents "0.5 MB"; 524,288 is read here as 0.5 MiB. */
  readonly requestBytes: number;
  readonly tableValues: number;
  readonly findings: number;
}

export const DLP_SERVER_LIMITS: DlpServerLimits = { requestBytes: 524_288, tableValues: 50_000, findings: 3_000 };

/** A fault to inject. `times` applies it to the next N calls; `share` to that fraction of calls (seeded). */
export type DlpFault =
  | {
      readonly kind: 'status';
      readonly code: grpc.status;
      readonly message?: string;
      readonly times?: number;
      readonly share?: number;
    }
  /** Answer normally, but only after `ms` (with a short client timeout this is a real DEADLINE_EXCEEDED). */
  | { readonly kind: 'delay'; readonly ms: number; readonly times?: number; readonly share?: number }
  /** Refuse as too large whatever the size: DLP's own accounting may differ from the client's. */
  | { readonly kind: 'oversize'; readonly times?: number; readonly share?: number };

/** One call as the server saw it. */
export interface RecordedCall {
  readonly index: number;
  /** Size of the request message on the wire, in bytes. */
  readonly bytes: number;
  readonly rows: number;
  readonly values: number;
  /** Findings the handler reported; undefined when the call was refused before the handler ran. */
  readonly findings: number | undefined;
  /** 'OK' or the name of the status code answered. */
  readonly status: string;
  /** Calls in progress on the server when this one arrived, itself included. */
  readonly concurrent: number;
  /** The decoded request; kept only with `recordRequests: true` (tests asserting on content). */
  readonly request: DeidentifyContentRequest | undefined;
}

export interface DlpTestServerOptions {
  readonly handler: DeidentifyHandler;
  readonly limits?: Partial<DlpServerLimits>;
  /** Keep each decoded request in `calls` (memory grows with traffic; off for benchmarks). Default true. */
  readonly recordRequests?: boolean;
  /** Seed of the generator that picks which calls a `share` fault hits. */
  readonly seed?: number;
}

const WIRE_BYTES = Symbol('wireBytes');

function dlpProtoRoots(): { dlp: string; gax: string } {
  const dlpPackage = dirname(require.resolve('@google-cloud/dlp/package.json'));
  // google-gax exports no package.json; its entry point is build/src/index.js, next to build/protos.
  const gaxEntry = require.resolve('google-gax', { paths: [dlpPackage] });
  return { dlp: join(dlpPackage, 'build', 'protos'), gax: join(dirname(gaxEntry), '..', 'protos') };
}

interface ServiceMethod {
  requestDeserialize: (buffer: Buffer) => object;
}

function loadDlpService(): grpc.ServiceDefinition {
  const roots = dlpProtoRoots();
  // defaults:false, as for the other local servers: a decoded message holds only what the client sent.
  const definition = protoLoader.loadSync('google/privacy/dlp/v2/dlp.proto', {
    includeDirs: [roots.dlp, roots.gax],
    keepCase: false,
    longs: String,
    enums: String,
    // bytes as base64 text, as DLP's JSON form writes them (kmsWrapped.wrappedKey, unwrapped.key)
    bytes: String,
    defaults: false,
    oneofs: false,
  });
  const service = definition['google.privacy.dlp.v2.DlpService'] as grpc.ServiceDefinition;
  // Measure each request on the wire: wrap the deserializer and tag the decoded object with the buffer's length.
  const method = service.DeidentifyContent as unknown as ServiceMethod;
  const decode = method.requestDeserialize;
  const measured: ServiceMethod = {
    ...method,
    requestDeserialize: (buffer: Buffer) => {
      const message = decode(buffer);
      Object.defineProperty(message, WIRE_BYTES, { value: buffer.length, enumerable: false });
      return message;
    },
  };
  return { ...service, DeidentifyContent: measured as unknown as grpc.MethodDefinition<object, object> };
}

/** mulberry32: a tiny seeded generator, enough to pick which calls a `share` fault hits. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ActiveFault {
  fault: DlpFault;
  remaining: number;
}

export class DlpTestServer {
  readonly calls: RecordedCall[] = [];
  private readonly server = new grpc.Server();
  private readonly limits: DlpServerLimits;
  private readonly faults: ActiveFault[] = [];
  private readonly random: () => number;
  private handler: DeidentifyHandler;
  private inFlight = 0;
  private maxInFlight = 0;
  private boundPort = 0;

  private constructor(private readonly options: DlpTestServerOptions) {
    this.handler = options.handler;
    this.limits = { ...DLP_SERVER_LIMITS, ...options.limits };
    this.random = seededRandom(options.seed ?? 1);
    this.server.addService(loadDlpService(), {
      DeidentifyContent: (
        call: grpc.ServerUnaryCall<DeidentifyContentRequest, DeidentifyContentResponse>,
        callback: grpc.sendUnaryData<DeidentifyContentResponse>,
      ) => {
        this.deidentifyContent(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(toServiceError(error)),
        );
      },
    });
  }

  /** Starts a server on 127.0.0.1 with a port chosen by the system. */
  static async start(options: DlpTestServerOptions): Promise<DlpTestServer> {
    const server = new DlpTestServer(options);
    server.boundPort = await new Promise<number>((resolve, reject) => {
      server.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Options for `new DlpServiceClient(...)`, minus `sslCreds` (take `grpc` from google-gax for those). */
  get endpoint(): { apiEndpoint: string; port: number } {
    return { apiEndpoint: '127.0.0.1', port: this.boundPort };
  }

  /** Most calls the server was handling at once since the start (or the last `resetCalls`). */
  get peakConcurrency(): number {
    return this.maxInFlight;
  }

  setHandler(handler: DeidentifyHandler): void {
    this.handler = handler;
  }

  inject(fault: DlpFault): void {
    if (fault.share !== undefined && !(fault.share >= 0 && fault.share <= 1))
      throw new RangeError(`fault share must be in [0, 1], got ${fault.share}`);
    if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times >= 0)) {
      throw new RangeError(`fault times must be a non-negative integer, got ${fault.times}`);
    }
    this.faults.push({ fault, remaining: fault.times ?? (fault.share === undefined ? 1 : Infinity) });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  resetCalls(): void {
    this.calls.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /**
   * Resolves once no call is in progress. A call the client abandoned (its deadline passed during a delay fault)
   * still runs to its end here and is recorded then, so tests wait for this before the next one resets `calls`.
   */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  private pickFault(): DlpFault | undefined {
    for (const active of this.faults) {
      if (active.remaining <= 0) continue;
      const { share } = active.fault;
      if (share !== undefined && this.random() >= share) continue;
      active.remaining--;
      return active.fault;
    }
    return undefined;
  }

  private async deidentifyContent(request: DeidentifyContentRequest): Promise<DeidentifyContentResponse> {
    const concurrent = ++this.inFlight;
    this.maxInFlight = Math.max(this.maxInFlight, concurrent);
    const bytes = (request as { [WIRE_BYTES]?: number })[WIRE_BYTES] ?? 0;
    const table = request.item?.table;
    const rows = table?.rows?.length ?? 0;
    const values = (table?.rows ?? []).reduce((sum, row) => sum + (row.values?.length ?? 0), 0);
    let findings: number | undefined;
    let status = 'OK';
    try {
      const fault = this.pickFault();
      if (fault?.kind === 'status') {
        throw new DlpServerError(fault.code, fault.message ?? `Injected fault: ${grpc.status[fault.code]}.`);
      }
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault?.kind === 'oversize' || bytes > this.limits.requestBytes) {
        throw new DlpServerError(
          grpc.status.INVALID_ARGUMENT,
          `Request payload size exceeds the limit: ${this.limits.requestBytes} bytes (request: ${bytes} bytes).`,
        );
      }
      if (values > this.limits.tableValues) {
        throw new DlpServerError(
          grpc.status.INVALID_ARGUMENT,
          `Too many table values: ${values} exceeds the maximum of ${this.limits.tableValues} values per request.`,
        );
      }
      const result = await this.handler(request);
      findings = result.findings;
      if (findings > this.limits.findings) {
        throw new DlpServerError(
          grpc.status.INVALID_ARGUMENT,
          `Too many findings to de-identify: ${findings} exceeds the maximum of ${this.limits.findings} findings per request. Retry with a smaller request.`,
        );
      }
      return result.response;
    } catch (error) {
      status = error instanceof DlpServerError ? grpc.status[error.code] : 'INTERNAL';
      throw error;
    } finally {
      this.inFlight--;
      this.calls.push({
        index: this.calls.length,
        bytes,
        rows,
        values,
        findings,
        status,
        concurrent,
        request: this.options.recordRequests === false ? undefined : request,
      });
    }
  }
}

function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof DlpServerError) return { code: error.code, details: error.message };
  return { code: grpc.status.INTERNAL, details: `handler failed: ${error instanceof Error ? error.message : String(error)}` };
}
