/**
 * One append request, made to land: sent through the managed writer, retried with jittered exponential backoff
 * while the failure is transient, with its bad rows taken out when the service names them.
 *
 * What each answer means (storage.proto, AppendRowsResponse):
 * - append_result: the rows are in the stream;
 * - ALREADY_EXISTS (explicit offsets only): rows are already stored at this offset. The earlier attempt landed and
 *   only its acknowledgement was lost, so this attempt is done; nothing is stored twice;
 * - OUT_OF_RANGE: the offset is beyond the stream's end, so an earlier append is missing. Appends here are sent one
 *   at a time per stream, so this never follows from a retry; it is an error (the batch fails and is redone);
 * - INVALID_ARGUMENT with row_errors: the service refused those rows and stored none of the request. The refused
 *   rows are taken out (the caller dead-letters them) and the rest is sent again at the same offset;
 * - UNAVAILABLE, ABORTED, INTERNAL, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED (in the response or as the
 *   connection's status): transient, retried after a backoff; the managed writer reopens the connection;
 * - anything else: a permanent error for the whole batch.
 */
import { type managedwriter } from '@google-cloud/bigquery-storage';
import { backOff } from 'exponential-backoff';

/** gRPC codes (google.rpc.Code) the sink reads. */
export const GrpcCode = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const TRANSIENT: ReadonlySet<number> = new Set([
  GrpcCode.CANCELLED,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.ABORTED,
  GrpcCode.INTERNAL,
  GrpcCode.UNAVAILABLE,
]);

export interface RetryPolicy {
  /** Attempts per append, the first included. Default 8. */
  readonly attempts?: number;
  /** First backoff delay in ms (doubling, full jitter). Default 100. */
  readonly initialDelayMs?: number;
  /** Longest backoff delay in ms. Default 10,000. */
  readonly maxDelayMs?: number;
}

/** An append failed for good: the batch is not written (the caller fails the write, the pipeline redoes it). */
export class AppendError extends Error {
  override readonly name = 'AppendError';
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** A failure worth another attempt. */
class TransientAppendError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export function isTransientCode(code: unknown): boolean {
  return typeof code === 'number' && TRANSIENT.has(code);
}

export interface AppendOutcome {
  /** Rows the stream now holds from this request (also when ALREADY_EXISTS said an earlier attempt stored them). */
  readonly stored: number;
  /** Refused rows: index in the request's rows → the service's message. */
  readonly rejected: ReadonlyMap<number, string>;
  /** Attempts made after transient failures. */
  readonly retries: number;
  /** ALREADY_EXISTS answers (an earlier attempt had landed). */
  readonly alreadyExisted: boolean;
}

/**
 * Appends `rows` (serialized) at `offset` (undefined on the default stream), as the module comment describes.
 * Rows refused by the service are left out and reported; the others are stored exactly once.
 */
export async function appendRequest(
  writer: managedwriter.Writer,
  rows: readonly Uint8Array[],
  offset: number | undefined,
  policy: RetryPolicy = {},
): Promise<AppendOutcome> {
  const rejected = new Map<number, string>();
  // Positions in `rows` of what is still to send.
  let remaining = rows.map((_, i) => i);
  let retries = 0;
  for (;;) {
    if (remaining.length === 0) return { stored: 0, rejected, retries, alreadyExisted: false };
    const sending = remaining;
    let attempt = 0;
    const response = await backOff(
      async () => {
        if (attempt++ > 0) retries++;
        let result;
        try {
          result = await writer.appendRows({ serializedRows: sending.map((i) => rows[i]) }, offset).getResult();
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (isTransientCode(code)) throw new TransientAppendError((e as Error).message, code as number);
          throw new AppendError(`append failed: ${(e as Error).message}`, typeof code === 'number' ? code : undefined);
        }
        const code = result.error?.code ?? undefined;
        if (code != null && isTransientCode(code)) throw new TransientAppendError(result.error?.message ?? 'transient', code);
        return result;
      },
      {
        numOfAttempts: policy.attempts ?? 8,
        startingDelay: policy.initialDelayMs ?? 100,
        maxDelay: policy.maxDelayMs ?? 10_000,
        timeMultiple: 2,
        jitter: 'full',
        retry: (e: unknown) => e instanceof TransientAppendError,
      },
    ).catch((e: unknown) => {
      if (e instanceof TransientAppendError) {
        throw new AppendError(`append failed after ${retries} retries: ${e.message}`, e.code);
      }
      throw e;
    });
    const error = response.error;
    if (error == null || error.code == null || error.code === 0) {
      return { stored: sending.length, rejected, retries, alreadyExisted: false };
    }
    if (error.code === GrpcCode.ALREADY_EXISTS && offset !== undefined) {
      // The same rows (`sending`) went out in every attempt of this round, so they are what is already stored.
      return { stored: sending.length, rejected, retries, alreadyExisted: true };
    }
    const rowErrors = response.rowErrors ?? [];
    if (error.code === GrpcCode.INVALID_ARGUMENT && rowErrors.length > 0) {
      const bad = new Set<number>();
      for (const rowError of rowErrors) {
        const index = Number(rowError.index ?? -1);
        if (!Number.isInteger(index) || index < 0 || index >= sending.length) {
          throw new AppendError(`the service named row ${String(rowError.index)} of a ${sending.length}-row request`, error.code);
        }
        bad.add(index);
        rejected.set(sending[index], rowError.message ?? 'refused by BigQuery');
      }
      remaining = sending.filter((_, i) => !bad.has(i));
      continue;
    }
    throw new AppendError(`append refused (code ${error.code}): ${error.message ?? ''}`, error.code);
  }
}
