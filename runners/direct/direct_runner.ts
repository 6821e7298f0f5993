import { tmpdir } from 'node:os';
import { type Clock, systemClock } from '../../sdk/clock';
import { PipelineConstructionError } from '../../sdk/errors';
import { type PrimitiveStep } from '../../sdk/graph';
import { type PCollection } from '../../sdk/pcollection';
import { type Pipeline } from '../../sdk/pipeline';
import { type PCollectionView } from '../../sdk/side_inputs';
import { type ReadBatch } from '../../sdk/source';
import { type Instant, WATERMARK_DONE } from '../../sdk/time';
import { CHECKPOINT_FORMAT, type Checkpoint, CheckpointError, type CheckpointStore } from './checkpoint_store';
import { type Executor } from './executor';
import { FlattenExecutor } from './flatten_executor';
import { GroupExecutor, type SpillPolicy } from './group_executor';
import { ParDoExecutor } from './par_do_executor';
import { ReadExecutor } from './read_executor';
import { SideInputStore } from './side_input_store';
import { InMemoryStateBackend, type StateBackend } from './state';
import { WindowIntoExecutor } from './window_into_executor';
import { WithTimestampsExecutor } from './with_timestamps_executor';

export interface DirectRunnerOptions {
  /** Processing time; a ManualClock makes runs deterministic (TestStream requires one). */
  readonly clock?: Clock;
  /** Where grouping state lives; in memory by default. */
  readonly state?: StateBackend;
  /** Most elements read from one source per bundle. */
  readonly maxBundleSize?: number;
  /** How long an idle source may wait for data before the runner checks timers again. */
  readonly idlePollMs?: number;
  /**
   * Stops the run: sources stop reading and the watermark moves to +Infinity, so that every open
   * window fires and closes, as draining a Dataflow job does. The run then ends normally.
   */
  readonly signal?: AbortSignal;
  /** Called after every bundle, for progress displays. */
  readonly onBundle?: (progress: RunProgress) => void;
  /**
   * Makes the run survive a crash. The run resumes from the store's checkpoint when there is one; it takes a
   * checkpoint (every step's state and watermarks, every source's position) at most every `intervalMs` of
   * processing time, between bundles, and sources commit (acknowledge) only right after a checkpoint, so that
   * what they acknowledge is never lost. Without it sources commit after every bundle.
   * When the run ends normally, the checkpoint is removed: nothing is left to resume.
   */
  readonly checkpoint?: CheckpointOptions;
  /**
   * Keys of global-window groupings (per-user features, lifetime aggregates) that are at rest — no pending data, no
   * processing-time timer — go to a local spill file beyond a number kept in memory, and come back when their key gets
   * an element or the input ends, with the same results (docs/state.md). On by default; `false` keeps all in memory.
   */
  readonly spill?: SpillOptions | false;
}

export interface SpillOptions {
  /** Folder for spill files (each grouping makes a fresh subfolder, removed when the run ends); default the OS temp dir. */
  readonly dir?: string;
  /** States at rest each grouping keeps in memory before spilling the one at rest longest; default 20 000. */
  readonly afterRestingKeys?: number;
  /** Garbage bytes in a spill file that start a compaction (when also more than the live bytes); default 64 MiB. */
  readonly compactAfterGarbageBytes?: number;
}

const DEFAULT_RESTING_KEYS = 20_000;
const DEFAULT_COMPACTION_FLOOR = 64 * 1024 * 1024;

export interface CheckpointOptions {
  readonly store: CheckpointStore;
  /**
   * Processing time between checkpoints; default 1000 ms. The gap grows to nine times what the last checkpoint took
   * when that is longer, so that checkpointing never takes more than a tenth of the run's time.
   */
  readonly intervalMs?: number;
}

export interface RunProgress {
  readonly elementsRead: number;
  /** Counters and output watermark of a step so far, by full step name (undefined for an unknown name). */
  step(name: string): StepMetrics | undefined;
  /** The lowest source watermark: how far event time has advanced. */
  readonly watermark: Instant;
  readonly bundles: number;
}

export interface StepMetrics {
  readonly kind: PrimitiveStep['kind'];
  readonly elementsIn: number;
  /** Elements emitted per output tag. */
  readonly outputs: Readonly<Record<string, number>>;
  readonly lateDropped?: number;
  readonly panesEmitted?: number;
  /** Groupings: (key, window) states open now (at the end of a bounded run: 0). */
  readonly openWindows?: number;
  /** Global-window groupings that spill: keys whose state is in the spill file now (counted in `openWindows`). */
  readonly spilledKeys?: number;
  /** ... and states at rest still in memory (at most `afterRestingKeys` between elements). */
  readonly restingKeys?: number;
  /** ... and how many times a state was written to the spill file so far. */
  readonly spills?: number;
  readonly outputWatermark: Instant;
}

export interface PipelineResult {
  readonly steps: Readonly<Record<string, StepMetrics>>;
  readonly elementsRead: number;
  /** Elements refused by groupings as too late, over all steps. */
  readonly lateDropped: number;
  readonly bundles: number;
  readonly elapsedMs: number;
  /** Checkpoints this run took (0 without checkpointing). */
  readonly checkpoints: number;
  /** The run resumed from a checkpoint. */
  readonly resumed: boolean;
}

/**
 * Runs a pipeline in this process with Beam's event-time semantics on bounded and unbounded input.
 *
 * Each bundle: read a batch from every source and push it through the graph; fire processing-time
 * timers that are due; then, in topological order, let each step finish its bundle (asynchronous
 * DoFns flush here) and take its new input watermark (which fires event-time timers: panes and
 * garbage collection). Sources commit (acknowledge) once all of that is done. The run ends when
 * every watermark has reached +Infinity.
 */
export class DirectRunner {
  constructor(private readonly options: DirectRunnerOptions = {}) {}

  async run(pipeline: Pipeline): Promise<PipelineResult> {
    const started = Date.now();
    const clock = this.options.clock ?? systemClock;
    const graph = buildExecutors(
      pipeline,
      clock,
      this.options.state ?? new InMemoryStateBackend(),
      spillPolicyOf(this.options.spill),
    );
    const { executors, reads } = graph;
    const maxBundle = this.options.maxBundleSize ?? 4096;
    const idlePollMs = this.options.idlePollMs ?? 50;
    let bundles = 0;
    let elementsRead = 0;
    const signal = this.options.signal;
    const checkpointing = this.options.checkpoint;
    const checkpointIntervalMs = checkpointing?.intervalMs ?? 1000;
    const fingerprint = fingerprintOf(pipeline);
    let checkpointSequence = 0;
    let checkpoints = 0;
    let resumed = false;

    // For progress callbacks: a step's executor by name, built once rather than per bundle.
    const byName = new Map(executors.map((e) => [e.stepName, e]));
    const drain = (): void => {
      for (const r of reads) r.draining = true;
    };
    signal?.addEventListener('abort', drain, { once: true });
    if (signal?.aborted) drain();

    let setupDone = 0;
    /** Closes readers and tears every step down, even when one teardown fails (the first failure is thrown). */
    const cleanup = async (): Promise<void> => {
      signal?.removeEventListener('abort', drain);
      for (const r of reads) await r.close().catch(() => undefined);
      let teardownError: unknown;
      for (const e of executors.slice(0, setupDone)) {
        try {
          await e.teardown();
        } catch (err) {
          teardownError ??= err;
        }
      }
      if (teardownError !== undefined) throw teardownError;
    };
    try {
      for (const e of executors) {
        await e.setup();
        setupDone++;
      }
      if (checkpointing) {
        const last = await checkpointing.store.load();
        if (last) {
          resumeFrom(last, fingerprint, executors, clock.now(), checkpointing.store.description);
          checkpointSequence = last.sequence;
          resumed = true;
        }
      }
      for (const r of reads) await r.open({ clock });
      let lastCheckpointAt = clock.now();
      let checkpointGapMs = checkpointIntervalMs;

      for (;;) {
        bundles++;
        const batches: ReadBatch<unknown>[] = [];
        let readNow = 0;
        for (const r of reads) {
          const batch = await r.fetch(maxBundle, readNow > 0 ? 0 : idlePollMs);
          batches.push(batch);
          readNow += batch.values.length;
        }
        // One processing time per bundle: elements of a bundle arrive together.
        const now = clock.now();
        for (const e of executors) e.startBundle(now);
        reads.forEach((r, i) => r.push(batches[i]));
        elementsRead += readNow;
        for (const e of executors) if (e.nextProcessingTime() <= now) e.onProcessingTime(now);
        for (const e of executors) {
          e.beforeFinishBundle();
          await e.finishBundle();
          e.advanceWatermark(graph.inputWatermarkOf(e));
        }
        const finished = executors.every((e) => e.outputWatermark === WATERMARK_DONE);
        if (!checkpointing) {
          for (const r of reads) await r.commit();
        } else if (finished || clock.now() - lastCheckpointAt >= checkpointGapMs) {
          // Everything read so far is now either durable downstream (sinks finished their bundles) or in the
          // checkpoint: only now may sources acknowledge it.
          const startedAt = clock.now();
          await checkpointing.store.save({
            format: CHECKPOINT_FORMAT,
            steps: fingerprint,
            takenAt: startedAt,
            sequence: ++checkpointSequence,
            snapshots: Object.fromEntries(executors.map((e) => [e.stepName, e.snapshot()])),
          });
          checkpoints++;
          // A full snapshot costs time in proportion to the state: keep checkpointing under a tenth of the run's time
          // (large state checkpoints less often, at the price of more redelivery after a crash).
          lastCheckpointAt = clock.now();
          checkpointGapMs = Math.max(checkpointIntervalMs, (lastCheckpointAt - startedAt) * CHECKPOINT_COST_FACTOR);
          for (const r of reads) await r.commit();
        }
        if (this.options.onBundle) {
          this.options.onBundle({
            elementsRead,
            watermark: minSourceWatermark(reads),
            bundles,
            step: (name) => {
              const e = byName.get(name);
              return e && metricsOf(e, graph.kindOf(e));
            },
          });
        }

        if (finished) break;
        if (readNow === 0 && clock === systemClock) {
          const nextTimer = Math.min(...executors.map((e) => e.nextProcessingTime()));
          const wait = Math.max(0, Math.min(idlePollMs, nextTimer - clock.now()));
          if (wait > 0 && reads.every((r) => r.exhausted)) await sleep(wait);
        } else if (readNow === 0) {
          // Let I/O callbacks run when sources are idle under a manual clock.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } catch (e) {
      // The run's own failure is what the caller needs; a failing cleanup must not replace it.
      await cleanup().catch(() => undefined);
      throw e;
    }
    await cleanup();
    await checkpointing?.store.clear();

    const steps: Record<string, StepMetrics> = {};
    let lateDropped = 0;
    for (const e of executors) {
      const m = metricsOf(e, graph.kindOf(e));
      lateDropped += m.lateDropped ?? 0;
      steps[e.stepName] = m;
    }
    return { steps, elementsRead, lateDropped, bundles, elapsedMs: Date.now() - started, checkpoints, resumed };
  }
}

/** Runs a pipeline on the direct runner. */
export function runPipeline(pipeline: Pipeline, options: DirectRunnerOptions = {}): Promise<PipelineResult> {
  return new DirectRunner(options).run(pipeline);
}

function metricsOf(e: Executor, kind: PrimitiveStep['kind']): StepMetrics {
  const outputs: Record<string, number> = {};
  for (const [tag, em] of e.outputs) outputs[tag] = em.count;
  const group = e instanceof GroupExecutor ? e : undefined;
  return {
    kind,
    elementsIn: e.elementsIn,
    outputs,
    outputWatermark: e.outputWatermark,
    ...(group && { lateDropped: group.lateDropped, panesEmitted: group.panesEmitted, openWindows: group.openWindows }),
    ...(group?.spillable && { spilledKeys: group.spilledKeys, restingKeys: group.restingKeys, spills: group.spills }),
  };
}

function spillPolicyOf(options: SpillOptions | false | undefined): SpillPolicy | undefined {
  if (options === false) return undefined;
  const afterRestingKeys = options?.afterRestingKeys ?? DEFAULT_RESTING_KEYS;
  const compactAfterGarbageBytes = options?.compactAfterGarbageBytes ?? DEFAULT_COMPACTION_FLOOR;
  if (!Number.isInteger(afterRestingKeys) || afterRestingKeys < 0) {
    throw new RangeError(`spill.afterRestingKeys must be a whole number ≥ 0, got ${afterRestingKeys}`);
  }
  if (!(compactAfterGarbageBytes >= 0)) {
    throw new RangeError(`spill.compactAfterGarbageBytes must be ≥ 0, got ${compactAfterGarbageBytes}`);
  }
  return { dir: options?.dir ?? tmpdir(), afterRestingKeys, compactAfterGarbageBytes };
}

/** The gap after a checkpoint is at least this many times what taking it cost: checkpoints take ≤ 10% of the time. */
const CHECKPOINT_COST_FACTOR = 9;

/** What identifies a pipeline's shape for its checkpoints: its steps, by kind and full name, in order. */
function fingerprintOf(pipeline: Pipeline): string[] {
  return pipeline.steps.map((s) => `${s.kind} ${s.name}`);
}

/** Restores every step from a checkpoint, after checking that the checkpoint was written by this pipeline. */
function resumeFrom(
  checkpoint: Checkpoint,
  ours: readonly string[],
  executors: readonly Executor[],
  now: Instant,
  where: string,
): void {
  const theirs = checkpoint.steps;
  if (ours.length !== theirs.length || ours.some((s, i) => s !== theirs[i])) {
    const missing = theirs.filter((s) => !ours.includes(s));
    const added = ours.filter((s) => !theirs.includes(s));
    throw new CheckpointError(
      `the checkpoint in ${where} was written by a different pipeline` +
        (missing.length ? `; steps no longer here: ${missing.join(', ')}` : '') +
        (added.length ? `; new steps: ${added.join(', ')}` : '') +
        (!missing.length && !added.length ? '; the steps are in a different order' : '') +
        '. Resume with the pipeline that wrote it, or move the checkpoint away to start afresh.',
    );
  }
  for (const e of executors) e.restore(checkpoint.snapshots[e.stepName], now);
}

function minSourceWatermark(reads: readonly ReadExecutor[]): Instant {
  let w = Number.POSITIVE_INFINITY;
  for (const r of reads) w = Math.min(w, r.outputWatermark);
  return w;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface ExecutorGraph {
  readonly executors: readonly Executor[];
  readonly reads: readonly ReadExecutor[];
  inputWatermarkOf(e: Executor): Instant;
  kindOf(e: Executor): PrimitiveStep['kind'];
}

function buildExecutors(pipeline: Pipeline, clock: Clock, state: StateBackend, spill: SpillPolicy | undefined): ExecutorGraph {
  const executors: Executor[] = [];
  const reads: ReadExecutor[] = [];
  const producers = new Map<PCollection<unknown>, { executor: Executor; tag: string }>();
  const mainInputs = new Map<Executor, Executor[]>();
  const kinds = new Map<Executor, PrimitiveStep['kind']>();

  const producerOf = (pc: PCollection<unknown>, step: PrimitiveStep): { executor: Executor; tag: string } => {
    const p = producers.get(pc);
    if (!p) throw new PipelineConstructionError(`step '${step.name}' reads '${pc.name}', which no earlier step produces`);
    return p;
  };

  for (const step of pipeline.steps) {
    let ex: Executor;
    switch (step.kind) {
      case 'read': {
        const r = new ReadExecutor(step.name, step.source);
        reads.push(r);
        ex = r;
        break;
      }
      case 'parDo': {
        const stores = new Map<PCollectionView<unknown>, SideInputStore>();
        for (const view of step.sideInputs) {
          const p = producerOf(view.pcollection, step);
          const store = new SideInputStore(() => p.executor.outputWatermark);
          p.executor.emitter(p.tag).connect(store);
          stores.set(view, store);
        }
        ex = new ParDoExecutor(step.name, step.doFn, stores, step.inputs[0].windowing.allowedLatenessMs);
        break;
      }
      case 'windowInto':
        ex = new WindowIntoExecutor(step.name, step.strategy.windowFn);
        break;
      case 'withTimestamps':
        ex = new WithTimestampsExecutor(step.name, step.timestampFn, step.watermark, clock);
        break;
      case 'group':
        ex = new GroupExecutor(step.name, step.inputs[0].windowing, step.combineFn, state, clock, spill);
        break;
      case 'flatten':
        ex = new FlattenExecutor(step.name);
        break;
    }
    const ins: Executor[] = [];
    for (const input of step.inputs) {
      const p = producerOf(input, step);
      p.executor.emitter(p.tag).connect(ex);
      ins.push(p.executor);
    }
    mainInputs.set(ex, ins);
    kinds.set(ex, step.kind);
    for (const [tag, pc] of Object.entries(step.outputs)) {
      producers.set(pc, { executor: ex, tag });
      ex.emitter(tag);
    }
    executors.push(ex);
  }

  return {
    executors,
    reads,
    inputWatermarkOf(e: Executor): Instant {
      if (e instanceof ReadExecutor) return e.sourceWatermark();
      let w = Number.POSITIVE_INFINITY;
      for (const p of mainInputs.get(e) ?? []) if (p.outputWatermark < w) w = p.outputWatermark;
      return w;
    },
    kindOf: (e) => kinds.get(e) ?? 'parDo',
  };
}
