/**
 * Rebuilding a step's function on a worker from its origin (sdk/fn_spec.ts): require the module, call the named
 * factory with the JSON options, expand the transform on an input of the recorded shape in a fresh pipeline, and
 * take the primitive step at the recorded path. No apache-beam here: the translator uses it to check specs at
 * construction, the workers to build their functions.
 */
import { isAbsolute, resolve } from 'node:path';
import { type FnSpec, PCollection, type PTransform, Pipeline, type PrimitiveStep, type StepOrigin } from '../../sdk';

/** The npm name workers know this project by: its modules are `tidemark/<path>` in /app/node_modules. */
export const PACKAGE_NAME = 'tidemark';
/** This checkout (or /app/node_modules/tidemark on a worker): two levels above runners/dataflow. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Where a spec's module lives: project modules resolve inside the project, others through node_modules. */
export function moduleRequest(module: string): string {
  if (module === PACKAGE_NAME || module.startsWith(`${PACKAGE_NAME}/`)) {
    return resolve(PROJECT_ROOT, module.slice(PACKAGE_NAME.length + 1));
  }
  if (isAbsolute(module) || module.startsWith('.'))
    throw new Error(`spec module '${module}' must be a package path, not a file path`);
  return module;
}

type Factory = (options: unknown) => PTransform<unknown, unknown>;

export function loadFactory(spec: FnSpec): Factory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(moduleRequest(spec.module)) as Record<string, unknown>)[spec.exportName];
  if (typeof exported !== 'function') {
    throw new Error(`spec '${spec.module}#${spec.exportName}': the module exports no function of that name`);
  }
  return exported as Factory;
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
