/**
 * What to do with a failed DLP call, decided by its gRPC status, and the retry loop that applies it.
 *
 * - transient (RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED): retried with jittered exponential backoff
 *   (full jitter, from `exponential-backoff`), each attempt going through the rate limiter again. When the attempts
 *   run out the call rejects with `DlpRetriesExhaustedError`, so the runner retries the whole bundle later: a
 *   transient outage never sends good rows to the dead letter.
 * - limit (INVALID_ARGUMENT saying a request, value or findings limit was broken): not retried as is; the connector
 *   splits the batch and sends the halves.
 * - permanent (any other INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION, errors without a status, …): an
 *   `{ ok: false }` outcome, whose rows go to the dead-letter output.
 * - configuration (PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND, UNIMPLEMENTED): rejects with
 *   `DlpConfigurationError`. These say nothing about the rows — a missing IAM role or template would otherwise
 *   empty the whole stream into the dead letter — so the pipeline stops and says why.
 *
 * Reasons carry DLP's status and message, cut short; they never include cell values (the connector never puts
 * any in a message, and DLP's messages describe the request, not its content).
 */
import { backOff } from 'exponential-backoff';
import type { DlpLimits } from './request_batches';
import type { RateLimiter } from './rate_limiter';

/** gRPC status codes used here (google.rpc.Code), by number, so this file needs no gRPC import. */
export const GrpcCode = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INVALID_ARGUMENT: 3,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

const TRANSIENT = new Set<number>([GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.UNAVAILABLE, GrpcCode.DEADLINE_EXCEEDED]);
const CONFIGURATION = new Set<number>([
  GrpcCode.PERMISSION_DENIED,
  GrpcCode.UNAUTHENTICATED,
  GrpcCode.NOT_FOUND,
  GrpcCode.UNIMPLEMENTED,
]);
const MAX_REASON_CHARS = 300;

export type DlpErrorKind = 'transient' | 'limit' | 'permanent' | 'configuration';

export interface ClassifiedDlpError {
  readonly kind: DlpErrorKind;
  /** gRPC status code, or undefined for an error that is not a gRPC status (e.g. the client refusing a config). */
  readonly code: number | undefined;
  /** The status name (UNAVAILABLE, …), or `error` without a status. */
  readonly status: string;
  /** For kind 'limit': which limit DLP says was broken. */
  readonly limit?: keyof DlpLimits;
  /** `DLP <STATUS>: <message>`, at most a few hundred characters. */
  readonly reason: string;
}

function statusOf(error: unknown): { code: number | undefined; message: string } {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; details?: unknown; message?: unknown };
    const message =
      typeof e.details === 'string' && e.details !== '' ? e.details : typeof e.message === 'string' ? e.message : '';
    return { code: typeof e.code === 'number' ? e.code : undefined, message };
  }
  return { code: undefined, message: String(error) };
}

/** Which content limit an INVALID_ARGUMENT message names, if any. */
function limitNamedBy(message: string): keyof DlpLimits | undefined {
  if (/findings/i.test(message)) return 'findings';
  if (/table values|values per request|too many values/i.test(message)) return 'tableValues';
  if (/payload size|request size|too large|exceeds the limit.*bytes|bytes.*limit/i.test(message)) return 'requestBytes';
  return undefined;
}

export function classifyDlpError(error: unknown): ClassifiedDlpError {
  const { code, message } = statusOf(error);
  const status = code === undefined ? 'error' : (CODE_NAMES[code] ?? `code ${code}`);
  const text = message.length > MAX_REASON_CHARS ? `${message.slice(0, MAX_REASON_CHARS)}…` : message;
  const reason = `DLP ${status}: ${text}`;
  if (code !== undefined && TRANSIENT.has(code)) return { kind: 'transient', code, status, reason };
  if (code !== undefined && CONFIGURATION.has(code)) return { kind: 'configuration', code, status, reason };
  if (code === GrpcCode.INVALID_ARGUMENT) {
    const limit = limitNamedBy(message);
    if (limit) return { kind: 'limit', code, status, limit, reason };
  }
  return { kind: 'permanent', code, status, reason };
}

/** Transient errors persisted through every attempt; the bundle should be retried later. */
export class DlpRetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly last: ClassifiedDlpError,
  ) {
    super(`Cloud DLP still failing after ${attempts} attempts: ${last.reason}`);
    this.name = 'DlpRetriesExhaustedError';
  }
}

/** DLP refused the project, credentials or template: nothing to do with the rows. */
export class DlpConfigurationError extends Error {
  constructor(readonly last: ClassifiedDlpError) {
    super(`Cloud DLP refused the configuration (${last.reason}); check the project, location, template names and IAM roles`);
    this.name = 'DlpConfigurationError';
  }
}

export interface RetryOptions {
  /** Attempts in all, the first included. Default 8. */
  readonly maxAttempts?: number;
  /** Delay bound before the first retry, in ms; each retry doubles it (full jitter draws in [0, bound]). Default 500. */
  readonly initialDelayMs?: number;
  /** Cap of the delay bound, in ms. Default 32,000. */
  readonly maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 32_000 };

export type CallOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: ClassifiedDlpError; readonly attempts: number };

/** Counters of what the retry loop did, for metrics and benchmarks. */
export interface RetryCounters {
  attempts: number;
  retries: number;
  /** Failed attempts by status name (e.g. UNAVAILABLE). */
  failuresByStatus: Record<string, number>;
}

export function newRetryCounters(): RetryCounters {
  return { attempts: 0, retries: 0, failuresByStatus: {} };
}

/**
 * Calls `attempt` through the limiter, retrying transient failures. Resolves with the value, or with a limit or
 * permanent error as an outcome; rejects on exhausted retries and on configuration errors.
 */
export async function callWithRetries<T>(
  limiter: RateLimiter,
  attempt: () => Promise<T>,
  options: RetryOptions = {},
  counters: RetryCounters = newRetryCounters(),
): Promise<CallOutcome<T>> {
  const { maxAttempts, initialDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options };
  let attempts = 0;
  try {
    const value = await backOff(
      () => {
        attempts++;
        counters.attempts++;
        return limiter.run(attempt);
      },
      {
        numOfAttempts: maxAttempts,
        startingDelay: initialDelayMs,
        timeMultiple: 2,
        maxDelay: maxDelayMs,
        jitter: 'full',
        retry: (error: unknown) => {
          const classified = classifyDlpError(error);
          counters.failuresByStatus[classified.status] = (counters.failuresByStatus[classified.status] ?? 0) + 1;
          const again = classified.kind === 'transient';
          if (again && attempts < maxAttempts) counters.retries++;
          return again;
        },
      },
    );
    return { ok: true, value, attempts };
  } catch (error) {
    const classified = classifyDlpError(error);
    if (classified.kind === 'transient') throw new DlpRetriesExhaustedError(attempts, classified);
    if (classified.kind === 'configuration') throw new DlpConfigurationError(classified);
    return { ok: false, error: classified, attempts };
  }
}
