/**
 * The apache-beam side of section `runner`: map (value * 2) -> fixed 60 s windows -> sum per key, on apache-beam
 * 2.49's own direct runner, in-process (no Python, no Java, no network).
 *
 * Constraints of apache-beam 2.49 that shape this file (see /work/shared/FACTS.md):
 * - `apache-beam` must be imported before `apache-beam/runners/direct_runner` (circular import in pvalue.js).
 * - User functions are shipped through serialize-closures even on the direct runner: the pipeline proto holds
 *   their SOURCE, and the worker side re-evaluates it. Without Beam's ts-closure-transform plugin (we run through
 *   tsx/esbuild) captured variables are lost ("x is not defined"). So every function handed to Beam below is a
 *   module-level function that uses only its arguments, literals and `globalThis`.
 * - Data cannot travel through closures either, so the in-memory source is handed over through a `globalThis` slot
 *   and results come back the same way (counted, not stored).
 * - `Instant` is a `long` Long. Instead of importing `long` (not our dependency) the timestamp function builds the
 *   Long through the class of the timestamp Beam passes in (`existing.constructor.fromNumber`), i.e. with the exact
 *   Long class apache-beam uses.
 */
import * as beam from 'apache-beam';
import { directRunner } from 'apache-beam/runners/direct_runner';
import { sum } from 'apache-beam/transforms/combiners';
import { Pipeline } from 'apache-beam/internal/pipeline';
import type { FixedWindowElement } from '../data';

/** How the input gets into the pipeline. */
export type BeamSourceMode =
  /**
   * impulse -> flatMap over an in-memory iterable (reached through globalThis). The fair comparison: it is what a
   * source reading an in-memory stream costs, and all sides iterate the same prepared input.
   */
  | 'memory'
  /**
   * beam.create(array): the textbook way, but apache-beam serializes the whole array into the pipeline proto (as
   * JSON through serialize-closures), parses it back in the worker, then reshuffles it (a GroupByKey on random
   * keys). Measured separately because that cost is construction overhead, not windowed summing.
   */
  | 'create';

export interface BeamFixedWindowSumResult {
  outputs: number;
  /** Sum of the per-(key, window) sums. */
  checksum: number;
  /** Time to build the pipeline proto (for 'create': includes serializing every element). */
  constructMs: number;
  /** Time inside runner.runPipeline (for 'create': includes deserializing and reshuffling the elements). */
  runMs: number;
}

/** The globalThis slot through which data enters and results leave the Beam functions. */
interface BeamBenchSlot {
  input: Iterable<FixedWindowElement>;
  outputs: number;
  checksum: number;
}
interface BeamBenchGlobal {
  __tidemarkBenchBeam?: BeamBenchSlot;
}

/** The Long-like surface we use; typed locally so that we need no `long` import. */
interface LongClass {
  fromNumber(value: number): unknown;
}

// ---- Functions shipped to Beam: no captured variables, see the header comment. ------------------------------------

function readInMemoryInput(_impulse: unknown): Iterable<FixedWindowElement> {
  const slot = (globalThis as BeamBenchGlobal).__tidemarkBenchBeam;
  if (slot === undefined) throw new Error('apache-beam bench: input slot is not set');
  return slot.input;
}

function eventTimeOf(element: FixedWindowElement, existing: unknown): unknown {
  return (existing as { constructor: LongClass }).constructor.fromNumber(element.timestamp);
}

function doubleValue(element: FixedWindowElement): { key: string; value: number } {
  return { key: element.key, value: element.value * 2 };
}

function countOutput(output: { key: string; sum: number }): number {
  const slot = (globalThis as BeamBenchGlobal).__tidemarkBenchBeam;
  if (slot === undefined) throw new Error('apache-beam bench: output slot is not set');
  slot.outputs++;
  slot.checksum += output.sum;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------------

/**
 * Runs the pipeline once over `input` (consumed exactly once) and returns the counted outputs and the timings.
 * For 'create' the input is materialised into an array first, before the clock (that copy is not Beam's fault).
 */
export async function apacheBeamFixedWindowSum(
  input: Iterable<FixedWindowElement>,
  mode: BeamSourceMode = 'memory',
): Promise<BeamFixedWindowSumResult> {
  const g = globalThis as BeamBenchGlobal;
  const array = mode === 'create' ? Array.from(input) : undefined;
  g.__tidemarkBenchBeam = { input: array ?? input, outputs: 0, checksum: 0 };
  try {
    const t0 = performance.now();
    const pipeline = new Pipeline();
    const root = new beam.Root(pipeline);
    const source: beam.PCollection<FixedWindowElement> =
      array !== undefined
        ? root.apply(beam.create(array))
        : root.apply(beam.impulse()).flatMap(beam.withName('readInMemoryInput', readInMemoryInput));
    // The casts adapt our precise signatures to apache-beam's loosely typed (any) callback parameters.
    (
      source.apply(
        beam.assignTimestamps(eventTimeOf as (element: unknown, existing: unknown) => never),
      ) as beam.PCollection<FixedWindowElement>
    )
      .map(beam.withName('doubleValue', doubleValue))
      .apply(beam.windowInto(beam.fixedWindows(60)))
      .apply(beam.groupBy('key').combining('value', sum, 'sum'))
      .map(beam.withName('countOutput', countOutput as (o: unknown) => number));
    const proto = pipeline.getProto();
    const t1 = performance.now();
    await directRunner().runPipeline(proto);
    const t2 = performance.now();
    const slot = g.__tidemarkBenchBeam;
    return { outputs: slot.outputs, checksum: slot.checksum, constructMs: t1 - t0, runMs: t2 - t1 };
  } finally {
    delete g.__tidemarkBenchBeam;
  }
}
