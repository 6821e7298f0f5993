/**
 * Rebuilding a step's function on a worker from its origin (sdk/fn_spec.ts): require the module, call the named
 * factory with the JSON options, expand the transform on an input of the recorded shape in a fresh pipeline, and
 * take the primitive step at the recorded path. No apache-beam here: the translator uses it to check specs at
 * construction, the workers to build their functions.
 */
import {
  type FnSpec,
  PCollection,
  loadSpecExport,
  type PTransform,
  Pipeline,
  type PrimitiveStep,
  type StepOrigin,
} from '../../sdk';

type Factory = (options: unknown) => PTransform<unknown, unknown>;

export function loadFactory(spec: FnSpec): Factory {
  return loadSpecExport(spec) as Factory;
}

const cache = new Map<string, PrimitiveStep>();

/** The primitive step an origin names, rebuilt from its spec (cached: a worker rebuilds each step once). */
export function rebuildStep(origin: StepOrigin): PrimitiveStep {
  const key = JSON.stringify(origin);
  const cached = cache.get(key);
  if (cached) return cached;
  const transform = loadFactory(origin.spec)(origin.spec.options);
  const p = new Pipeline();
  const input =
    origin.input.kind === 'begin'
      ? p.begin
      : new PCollection<unknown>(p, -1, 'Input', origin.input.windowing, origin.input.bounded, origin.input.keyed);
  p.applyTransform(transform, input);
  const name = origin.path ? `${transform.name}/${origin.path}` : transform.name;
  const step = p.steps.find((s) => s.name === name);
  if (!step) {
    throw new Error(
      `spec '${origin.spec.module}#${origin.spec.exportName}' does not expand to a step '${origin.path || '(itself)'}': ` +
        `it has ${p.steps.map((s) => `'${s.name}'`).join(', ')}`,
    );
  }
  cache.set(key, step);
  return step;
}
