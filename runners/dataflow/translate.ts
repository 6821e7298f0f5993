/**
 * Tidemark pipeline → apache-beam pipeline (Beam Runner API). One tidemark step becomes one top-level Beam
 * transform with the same full name, so a running job can be updated with a transform name mapping:
 *
 *   read (Pub/Sub spec)  → pubsub_read (native on Dataflow) + ParDo PubsubMessage → RawMessage
 *   read (bounded)       → Impulse + ParDo(ReadSourceFn) + AssignTimestamps + ParDo(unwrap)
 *   parDo                → ParDo(TidemarkDoFn) [+ Split into tagged outputs]
 *   windowInto           → WindowInto with the full windowing strategy (trigger, lateness, accumulation, ...)
 *   withTimestamps       → ParDo(StampFn) + AssignTimestamps + ParDo(unwrap)
 *   group                → GroupByKey + ParDo(GroupedValuesFn) (arrays, or the combine fn's fold)
 *   flatten              → Flatten
 *
 * Functions travel as specs (sdk/fn_spec.ts), never as source. A step the workers could not rebuild is refused
 * with its name and the reason, all of them at once.
 */
import * as beam from 'apache-beam';
import { Pipeline as BeamPipeline } from 'apache-beam/internal/pipeline';
import * as environments from 'apache-beam/internal/environments';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { BytesCoder } from 'apache-beam/coders/required_coders';
import { GeneralObjectCoder } from 'apache-beam/coders/js_coders';
import { KVCoder } from 'apache-beam/coders/standard_coders';
import { groupByKey, withCoderInternal } from 'apache-beam/transforms/internal';
import { createWindowingStrategyProto } from 'apache-beam/transforms/window';
import Long from 'long';
import {
  type GroupStep,
  type ParDoStep,
  type PCollection,
  type Pipeline,
  type PrimitiveStep,
  type ReadStep,
  type WindowFn,
  type WindowingStrategy,
  type WithTimestampsStep,
  DEFAULT_WINDOWING,
  describeWindowFn,
} from '../../sdk';
import {
  PUBSUB_READ_URN,
  PUBSUB_WRITE_URN,
  PubsubMessageToRaw,
  ToPubsubMessage,
  isPubsubSourceSpec,
  isPubsubWriteSpec,
} from './pubsub_io';
import { rebuildStep } from './rebuild';
import { windowingStrategyBase } from './windowing_proto';
import {
  type BeamParams,
  GroupedValuesFn,
  NoElements,
  ReadSourceFn,
  StampFn,
  TidemarkDoFn,
  UnwrapTimestamped,
  timestampOfEnvelope,
} from './worker_fns';

const FLATTEN_URN = 'beam:transform:flatten:v1';

/** The TypeScript SDK harness the workers run (override with a prebuilt image: see worker/Dockerfile). */
export const DEFAULT_WORKER_IMAGE = 'docker.io/apache/beam_typescript_sdk:2.49.0';

export class TranslationError extends Error {
  constructor(readonly refusals: readonly string[]) {
    super(`cannot translate the pipeline for Dataflow:\n${refusals.map((r) => `  - ${r}`).join('\n')}`);
    this.name = 'TranslationError';
  }
}

export interface TranslateOptions {
  /** Worker container image. Default DEFAULT_WORKER_IMAGE. */
  readonly workerImage?: string;
}

export interface Translation {
  readonly proto: runnerApi.Pipeline;
  /** Beam PCollection id of every tidemark collection (by tidemark collection name). */
  readonly collectionIds: ReadonlyMap<string, string>;
  /** The apache-beam collection of every tidemark collection (by tidemark collection name). */
  readonly collections: ReadonlyMap<string, beam.PCollection<unknown>>;
  /** Beam transform id of every tidemark step (by full step name, which is also the transform's unique name). */
  readonly stepTransformIds: ReadonlyMap<string, string>;
  /** The apache-beam pipeline, for running the translation on apache-beam's direct runner in tests. */
  readonly beamPipeline: BeamPipeline;
}

type BeamPC = beam.PCollection<unknown>;

function wholeSeconds(ms: number): boolean {
  return ms % 1000 === 0;
}

function beamWindowFn(fn: WindowFn): beam.WindowFn<beam.Window> {
  switch (fn.kind) {
    case 'global':
      return beam.globalWindows();
    case 'fixed':
      return beam.fixedWindows(fn.sizeMs / 1000, Long.fromNumber(fn.offsetMs / 1000));
    case 'sliding':
      return beam.slidingWindows(fn.sizeMs / 1000, fn.periodMs / 1000, Long.fromNumber(fn.offsetMs / 1000));
    case 'sessions':
      return beam.sessions(fn.gapMs / 1000);
  }
}

/** Why a step cannot be translated, or undefined. Checked for every step before anything is built. */
function refusal(step: PrimitiveStep): string | undefined {
  const where = `step '${step.name}'`;
  const needsOrigin = (what: string): string | undefined => {
    if (!step.origin) {
      return (
        `${where}: its ${what} is a function with no spec, which Dataflow workers cannot load. Build the step from a ` +
        'named factory with JSON options and wrap it with withSpec({ module, exportName, options }, transform)'
      );
    }
    try {
      const rebuilt = rebuildStep(step.origin);
      if (rebuilt.kind !== step.kind) return `${where}: its spec rebuilds a ${rebuilt.kind} step, not a ${step.kind} step`;
    } catch (error) {
      return `${where}: its spec cannot be rebuilt: ${(error as Error).message}`;
    }
    return undefined;
  };
  switch (step.kind) {
    case 'read':
      if (isPubsubSourceSpec(step.source.spec)) return undefined;
      if (!step.source.bounded) {
        return `${where}: reads an unbounded source (${step.source.description}) that Dataflow cannot run; read Pub/Sub with pubsubSource()`;
      }
      return step.source.spec ? undefined : needsOrigin('source');
    case 'parDo':
      return needsOrigin('DoFn');
    case 'withTimestamps':
      return needsOrigin('timestamp function');
    case 'group':
      return step.combineFn ? needsOrigin(`combine fn '${step.combineFn.name}'`) : undefined;
    case 'windowInto': {
      const fn = step.strategy.windowFn;
      const sizes =
        fn.kind === 'fixed'
          ? [fn.sizeMs, fn.offsetMs]
          : fn.kind === 'sliding'
            ? [fn.sizeMs, fn.periodMs, fn.offsetMs]
            : fn.kind === 'sessions'
              ? [fn.gapMs]
              : [];
      if (!sizes.every(wholeSeconds)) {
        return `${where}: window ${describeWindowFn(fn)} is not in whole seconds, which apache-beam's window fns (and their protos) require`;
      }
      return undefined;
    }
    case 'flatten':
      return undefined;
  }
}

/** Translates a tidemark pipeline; throws TranslationError naming every step it refuses. */
export function translate(pipeline: Pipeline, options: TranslateOptions = {}): Translation {
  const refusals = pipeline.steps.map(refusal).filter((r): r is string => r !== undefined);
  if (refusals.length > 0) throw new TranslationError(refusals);

  const bp = new BeamPipeline();
  const root = new beam.Root(bp);
  const beamOf = new Map<PCollection<unknown>, BeamPC>();
  const inputOf = (step: PrimitiveStep, i = 0): BeamPC => {
    const pc = beamOf.get(step.inputs[i]);
    if (!pc) throw new Error(`internal: '${step.inputs[i].name}' was not translated before '${step.name}'`);
    return pc;
  };
  const strategyId = (ws: WindowingStrategy): string =>
    bp.context.getWindowingStrategyId(
      createWindowingStrategyProto(bp, beamWindowFn(ws.windowFn), windowingStrategyBase(ws, bp.defaultEnvironment)),
    );
  // Every Beam collection gets the windowing strategy and boundedness of its tidemark collection: the tidemark
  // graph is the truth, and apache-beam's own propagation differs in details (its default global strategy emits
  // always at closing) that would make equal strategies look different to a Flatten.
  const bind = (step: PrimitiveStep, outputs: Readonly<Record<string, BeamPC>>): void => {
    for (const [tag, pc] of Object.entries(step.outputs)) {
      const out = outputs[tag];
      if (!out) throw new Error(`internal: step '${step.name}' produced no '${tag}' output`);
      const proto = bp.getProto().components!.pcollections[out.getId()];
      proto.windowingStrategyId = strategyId(pc.windowing);
      proto.isBounded = pc.bounded ? runnerApi.IsBounded_Enum.BOUNDED : runnerApi.IsBounded_Enum.UNBOUNDED;
      beamOf.set(pc, out);
    }
  };

  const translateStep = (step: PrimitiveStep, name: string): void => {
    switch (step.kind) {
      case 'read':
        bind(step, { main: root.apply(beam.withName(name, (r: beam.Root) => readTransform(r, step))) });
        break;
      case 'parDo':
        bind(step, inputOf(step).apply(beam.withName(name, (pc: BeamPC) => parDoTransform(pc, step, beamOf))));
        break;
      case 'windowInto': {
        const base = windowingStrategyBase(step.strategy, bp.defaultEnvironment);
        bind(step, {
          main: inputOf(step).apply(beam.withName(name, beam.windowInto(beamWindowFn(step.strategy.windowFn), base))),
        });
        break;
      }
      case 'withTimestamps':
        bind(step, { main: inputOf(step).apply(beam.withName(name, (pc: BeamPC) => stampTransform(pc, step))) });
        break;
      case 'group':
        bind(step, inputOf(step).apply(beam.withName(name, (pc: BeamPC) => groupTransform(pc, step))));
        break;
      case 'flatten': {
        const inputs = step.inputs.map((_, i) => inputOf(step, i));
        const out = step.outputs.main;
        // A Flatten primitive whose output is declared up front: apache-beam's flatten() cannot derive one
        // windowing strategy or boundedness from inputs that differ (bounded side data with an unbounded stream).
        const flatten = (_: BeamPC[], p: BeamPipeline, transformProto: runnerApi.PTransform): BeamPC => {
          transformProto.spec = runnerApi.FunctionSpec.create({ urn: FLATTEN_URN });
          return p.createPCollectionInternal(
            new GeneralObjectCoder(),
            strategyId(out.windowing),
            out.bounded ? runnerApi.IsBounded_Enum.BOUNDED : runnerApi.IsBounded_Enum.UNBOUNDED,
          );
        };
        bind(step, { main: beam.P(inputs).apply(beam.withName(name, flatten)) });
        break;
      }
    }
  };

  // Composite transforms mirror tidemark's names: "DedupeEvents/GroupByEventId" is the step GroupByEventId inside
  // a composite DedupeEvents, as in a Java or Python pipeline (Dataflow shows and updates them by these names).
  // A composite's steps are contiguous: tidemark adds them while expanding it.
  const translateRun = (steps: readonly PrimitiveStep[], depth: number): void => {
    let i = 0;
    while (i < steps.length) {
      const segments = steps[i].name.split('/');
      if (segments.length === depth + 1) {
        translateStep(steps[i], segments[depth]);
        i++;
        continue;
      }
      const head = segments[depth];
      let j = i;
      while (j < steps.length && steps[j].name.split('/').length > depth + 1 && steps[j].name.split('/')[depth] === head) j++;
      const run = steps.slice(i, j);
      root.apply(beam.withName(head, () => translateRun(run, depth + 1)));
      i = j;
    }
  };
  translateRun(pipeline.steps, 0);
  declareCompositeBoundaries(bp.getProto());

  const proto = bp.getProto();
  const env = proto.components!.environments[bp.defaultEnvironment];
  proto.components!.environments[bp.defaultEnvironment] = environments.asDockerEnvironment(
    env,
    options.workerImage ?? DEFAULT_WORKER_IMAGE,
  );
  const collectionIds = new Map<string, string>();
  const collections = new Map<string, BeamPC>();
  for (const [pc, b] of beamOf) {
    collectionIds.set(pc.name, b.getId());
    collections.set(pc.name, b);
  }
  const idByName = new Map(Object.entries(proto.components!.transforms).map(([id, t]) => [t.uniqueName, id]));
  const stepTransformIds = new Map(pipeline.steps.map((step) => [step.name, idByName.get(step.name)!]));
  return { proto, collectionIds, collections, stepTransformIds, beamPipeline: bp };
}

/**
 * A composite's inputs are the collections its parts read from outside it, its outputs the collections its parts
 * make that are read outside it (or by nothing). apache-beam only knows what the composite's function was given
 * and returned, which for these grouping composites is nothing.
 */
function declareCompositeBoundaries(proto: runnerApi.Pipeline): void {
  const transforms = proto.components!.transforms;
  const leaves = (id: string): string[] =>
    transforms[id].subtransforms.length ? transforms[id].subtransforms.flatMap(leaves) : [id];
  const consumers = new Map<string, Set<string>>();
  for (const [id, t] of Object.entries(transforms)) {
    if (t.subtransforms.length) continue;
    for (const pc of Object.values(t.inputs)) consumers.set(pc, (consumers.get(pc) ?? new Set()).add(id));
  }
  for (const t of Object.values(transforms)) {
    if (t.subtransforms.length === 0 || Object.keys(t.inputs).length + Object.keys(t.outputs).length > 0) continue;
    const inside = new Set(t.subtransforms.flatMap(leaves));
    const produced = new Set([...inside].flatMap((id) => Object.values(transforms[id].outputs)));
    const read = [...new Set([...inside].flatMap((id) => Object.values(transforms[id].inputs)))].filter(
      (pc) => !produced.has(pc),
    );
    const exported = [...produced].filter((pc) => {
      const readers = [...(consumers.get(pc) ?? [])];
      return readers.length === 0 || readers.some((c) => !inside.has(c));
    });
    t.inputs = Object.fromEntries(read.map((pc, i) => [`input${i}`, pc]));
    t.outputs = Object.fromEntries(exported.map((pc, i) => [`output${i}`, pc]));
  }
}

/** Elements as { v, t } envelopes → elements with timestamp t. */
function assignEnvelopeTimestamps(pc: beam.PCollection<unknown>): BeamPC {
  return pc
    .apply(beam.withName('AssignTimestamps', beam.assignTimestamps(timestampOfEnvelope)))
    .apply(beam.withName('Unwrap', beam.parDo(new UnwrapTimestamped())));
}

function readTransform(root: beam.Root, step: ReadStep): BeamPC {
  const spec = step.source.spec;
  if (isPubsubSourceSpec(spec)) {
    const o = spec.options;
    const messages = root.apply(
      beam.withName('PubsubRead', (_: beam.Root, p: BeamPipeline, transformProto: runnerApi.PTransform) => {
        transformProto.spec = runnerApi.FunctionSpec.create({
          urn: PUBSUB_READ_URN,
          payload: runnerApi.PubSubReadPayload.toBinary(
            runnerApi.PubSubReadPayload.create({
              topic: o.topic ?? '',
              subscription: o.subscription ?? '',
              idAttribute: o.idAttribute ?? '',
              timestampAttribute: o.timestampAttribute ?? '',
              withAttributes: true,
            }),
          ),
        });
        // Dataflow runs the read itself, not in the SDK harness.
        transformProto.environmentId = '';
        return p.createPCollectionInternal(new BytesCoder(), undefined, runnerApi.IsBounded_Enum.UNBOUNDED);
      }),
    ) as beam.PCollection<Uint8Array>;
    return messages.apply(beam.withName('ToRawMessage', beam.parDo(new PubsubMessageToRaw())));
  }
  const fn = new ReadSourceFn(spec ? { sourceSpec: spec } : { origin: step.origin! }, step.name);
  const envelopes = root.apply(beam.impulse()).apply(beam.withName('ReadSource', beam.parDo(fn)));
  return assignEnvelopeTimestamps(envelopes);
}

/** A Pub/Sub sink: elements → PubsubMessage bytes → pubsub_write, which Dataflow runs itself. */
function pubsubWriteTransform(
  pc: BeamPC,
  options: { topic: string; idAttribute?: string; timestampAttribute?: string },
): Record<string, BeamPC> {
  const messages = pc.apply(beam.withName('ToPubsubMessage', beam.parDo(new ToPubsubMessage()))) as BeamPC;
  messages.apply(
    beam.withName('PubsubWrite', (_: BeamPC, p: BeamPipeline, transformProto: runnerApi.PTransform) => {
      transformProto.spec = runnerApi.FunctionSpec.create({
        urn: PUBSUB_WRITE_URN,
        payload: runnerApi.PubSubWritePayload.toBinary(
          runnerApi.PubSubWritePayload.create({
            topic: options.topic,
            idAttribute: options.idAttribute ?? '',
            timestampAttribute: options.timestampAttribute ?? '',
          }),
        ),
      });
      transformProto.environmentId = '';
      void p;
    }),
  );
  // The sink's main output (nothing reads it) stands for the encoded messages.
  return { main: messages };
}

function parDoTransform(pc: BeamPC, step: ParDoStep, beamOf: ReadonlyMap<PCollection<unknown>, BeamPC>): Record<string, BeamPC> {
  const sink = step.origin?.spec;
  if (isPubsubWriteSpec(sink) && step.origin?.path === '') return pubsubWriteTransform(pc, sink.options);
  const tags = Object.keys(step.outputs).filter((t) => t !== 'main');
  const context: Record<string, unknown> = {
    timestamp: beam.timestampParam(),
    window: beam.windowParam(),
    pane: beam.paneInfoParam(),
  };
  step.sideInputs.forEach((view, i) => {
    const side = beamOf.get(view.pcollection);
    if (!side) throw new Error(`internal: side input '${view.pcollection.name}' of '${step.name}' was not translated`);
    context[`side${i}`] = beam.iterableSideInput(side);
  });
  const out = pc.apply(
    beam.withName('ParDo', beam.parDo(new TidemarkDoFn(step.origin!, step.name, tags), context as unknown as BeamParams)),
  );
  if (tags.length === 0) return { main: out };
  return out.apply(beam.withName('Split', beam.split(['main', ...tags], { exclusive: true }))) as Record<string, BeamPC>;
}

function stampTransform(pc: BeamPC, step: WithTimestampsStep): BeamPC {
  const stamped = pc.apply(
    beam.withName('Stamp', beam.parDo(new StampFn(step.origin!, step.name), { timestamp: beam.timestampParam() })),
  );
  return assignEnvelopeTimestamps(stamped);
}

function groupTransform(pc: BeamPC, step: GroupStep): Record<string, BeamPC> {
  // The KV coder stated here under a stable name (apache-beam would insert one named "withCoderInternal([object Object])").
  const grouped = (pc as beam.PCollection<beam.KV<unknown, unknown>>)
    .apply(beam.withName('AsKeyValues', withCoderInternal(new KVCoder(new GeneralObjectCoder(), new GeneralObjectCoder()))))
    .apply(beam.withName('GroupByKey', groupByKey()));
  const main = grouped.apply(
    beam.withName(
      step.combineFn ? 'Combine' : 'ToArrays',
      beam.parDo(new GroupedValuesFn(step.combineFn ? step.origin! : null, step.name)),
    ),
  );
  // Dataflow drops elements beyond the allowed lateness (and counts them); tidemark's `late` output stays empty there.
  const late = pc
    .apply(beam.withName('LateElements', beam.parDo(new NoElements())))
    .apply(
      beam.withName(
        'LateToGlobalWindow',
        beam.windowInto(beam.globalWindows(), windowingStrategyBase(DEFAULT_WINDOWING, pc.pipeline.defaultEnvironment)),
      ),
    );
  return { main, late };
}
