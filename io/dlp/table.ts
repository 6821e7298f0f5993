/**
 * The contract between the pipeline's PII step and a de-identification engine: a table in Cloud DLP's own shape
 * (google.privacy.dlp.v2.Table, as the REST/JSON form writes it), de-identified as a whole.
 *
 * Tables, not strings, because DLP's record transformations address fields by name and its request limits count
 * table values: one request masks a whole batch of events, one row per event. The local engine and the Cloud DLP
 * connector both implement `TableDeidentifier`, so the pipeline cannot tell them apart.
 */

/** One cell. The pipeline sends strings only; the other kinds exist because DLP may return them (bucketing, dates). */
export interface DlpValue {
  readonly stringValue?: string;
  readonly integerValue?: string | number;
  readonly floatValue?: number;
  readonly booleanValue?: boolean;
}

export interface DlpTable {
  readonly headers: readonly { readonly name: string }[];
  readonly rows: readonly { readonly values: readonly DlpValue[] }[];
}

/**
 * The result of de-identifying one table: the table with the same headers and rows in the same order, or a
 * permanent failure (a request DLP refuses whatever is retried) whose rows go to the dead-letter output.
 * Transient failures (quota, unavailability) are retried inside the engine and never surface here unless retries
 * are exhausted, which rejects the promise so that the runner retries the bundle.
 */
export type DeidentifyOutcome = { readonly ok: true; readonly table: DlpTable } | { readonly ok: false; readonly reason: string };

export interface TableDeidentifier {
  /** Short name for messages and metrics, e.g. `local` or `dlp`. */
  readonly name: string;
  deidentify(table: DlpTable): Promise<DeidentifyOutcome>;
  close(): Promise<void>;
}
