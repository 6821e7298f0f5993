/**
 * Fault injection for the local BigQuery servers. Tests arm a fault, the next matching requests suffer it, and the
 * counters say what happened, so a test can assert that every fault was met and survived.
 */
import { type StoredRow } from './store';

export interface RowRejection {
  /** Rows for which this returns a message are refused with that message (a Storage Write row error). */
  readonly reject: (table: string, row: StoredRow) => string | undefined;
}

export class BigQueryFaults {
  /** AppendRows requests to fail with UNAVAILABLE before anything is stored (the rows never arrive). */
  unavailableBeforeAppend = 0;
  /**
   * AppendRows requests to fail with UNAVAILABLE after their rows were stored (the acknowledgement is lost: a
   * client that retries at the same offset must get ALREADY_EXISTS, not a second copy).
   */
  unavailableAfterAppend = 0;
  /** REST requests to answer with 503 backendError. */
  restUnavailable = 0;
  /** Delay before every AppendRows response, in ms. */
  appendDelayMs = 0;
  /** Row-level refusals (partial row errors). */
  rowRejection: RowRejection | undefined;

  /** What happened, for assertions. */
  readonly seen = {
    appendRequests: 0,
    appendRowsReceived: 0,
    unavailableInjected: 0,
    alreadyExists: 0,
    outOfRange: 0,
    rowErrors: 0,
    restUnavailableInjected: 0,
  };

  reset(): void {
    this.unavailableBeforeAppend = 0;
    this.unavailableAfterAppend = 0;
    this.restUnavailable = 0;
    this.appendDelayMs = 0;
    this.rowRejection = undefined;
  }
}
