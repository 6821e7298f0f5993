/**
 * The one result shape every benchmark case returns, whoever wrote it (baselines here, tidemark cases in
 * bench/cases/tidemark_*.ts by the SDK/runner side). Keeping it tiny and numeric lets the worker process print it
 * as one JSON line and the parent compare sides for equality without knowing anything about the pipelines.
 *
 * Checksum conventions (every side of a comparison MUST compute them the same way, or the equality check fails):
 *
 * - Fixed-window sum (section `runner`): input from `fixedWindowInput`/`fixedWindowEvents` in bench/data.ts,
 *   map `value * 2`, fixed 60 s event-time windows (aligned to the epoch), sum per (key, window).
 *   `outputs` = number of (key, window) results; `checksum` = sum of all the per-(key, window) sums
 *   (= 2 * the sum of all input values, when nothing is dropped).
 *
 * - Sessions (section `sessions`): input from `sessionEvents`/`sessionInput` in bench/data.ts, session windows per
 *   user with a 30 min gap (Beam semantics: a session is [first, last + gap); overlapping intervals merge,
 *   intervals that only touch do not). `outputs` = number of sessions emitted; `checksum` = sum over sessions of
 *   (end - start) in milliseconds. The sum of durations is used rather than the sum of counts because the counts
 *   always add up to the number of events, so they could not catch a wrong merge; the durations do.
 */
export interface CaseResult {
  /** Number of input elements the case consumed. */
  elements: number;
  /** Number of output records (see the conventions above). */
  outputs: number;
  /** Order-independent checksum of the outputs (see the conventions above). */
  checksum: number;
  /** Wall time of the processing only (setup such as building the input is excluded), in milliseconds. */
  elapsedMs: number;
}

/** What a case module exports: bench/cases/<name>.ts. */
export interface CaseModule {
  run(n: number, seed: number): Promise<CaseResult>;
}

/** What the worker process prints (one JSON line on stdout): the case's result plus the process's peak RSS. */
export interface WorkerOutput extends CaseResult {
  case: string;
  n: number;
  seed: number;
  /** Peak resident set size of the worker process, in MB (process.resourceUsage().maxRSS is in KB). */
  peakRssMb: number;
}

/**
 * Prefix of the worker's result line on stdout. Cases may print to stdout themselves (apache-beam's direct runner
 * logs "Processing for bundle_id" through console.debug), so the parent looks for this marker, not for the last
 * line.
 */
export const RESULT_MARKER = '@@tidemark-bench-result ';
