/**
 * Checks a translated pipeline the way a runner would before accepting it, offline: every transform URN known
 * (and every DoFn payload kind), every coder and windowing strategy resolvable, every collection and
 * environment reference present, and every module a worker must require present in the staged package.
 */
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import * as urns from 'apache-beam/internal/urns';
import { PUBSUB_READ_URN, PUBSUB_WRITE_URN } from './pubsub_io';

/** Primitive transforms the pipeline may contain: Beam's standard ones and the natively run Pub/Sub IOs. */
export const KNOWN_TRANSFORM_URNS: ReadonlySet<string> = new Set([
  'beam:transform:impulse:v1',
  'beam:transform:pardo:v1',
  'beam:transform:group_by_key:v1',
  'beam:transform:flatten:v1',
  PUBSUB_READ_URN,
  PUBSUB_WRITE_URN,
]);

const KNOWN_DOFN_URNS: ReadonlySet<string> = new Set([
  urns.SERIALIZED_JS_DOFN_INFO,
  urns.SPLITTING_JS_DOFN_URN,
  urns.JS_WINDOW_INTO_DOFN_URN,
  urns.JS_ASSIGN_TIMESTAMPS_DOFN_URN,
  urns.IDENTITY_DOFN_URN,
]);

/** Coders the TypeScript harness (and Dataflow, for the standard ones) can decode. */
export const KNOWN_CODER_URNS: ReadonlySet<string> = new Set(
  [
    'bool',
    'bsonjs',
    'bytes',
    'double',
    'genericobjectjs',
    'global_window',
    'interval_window',
    'iterable',
    'kv',
    'length_prefix',
    'nullable',
    'numbersforjs',
    'row',
    'string_utf8',
    'varint',
    'windowed_value',
  ].map((n) => `beam:coder:${n}:v1`),
);

const KNOWN_WINDOW_FN_URNS: ReadonlySet<string> = new Set(
  ['global_windows', 'fixed_windows', 'sliding_windows', 'session_windows'].map((n) => `beam:window_fn:${n}:v1`),
);

export interface PackageCheck {
  /** Modules workers require (registered modules and spec modules), as `tidemark/<path>` or package names. */
  readonly modules: readonly string[];
  /** Paths in the staged package (npm pack's file list), relative to the project root. */
  readonly packageFiles: ReadonlySet<string>;
  /** The project's package name (modules under it are looked up in packageFiles). */
  readonly packageName: string;
  /** Dependencies the worker image or staging provides (package.json dependencies plus apache-beam). */
  readonly dependencies: ReadonlySet<string>;
}

/** Every problem found, one line each; empty when the pipeline is acceptable. */
export function validatePipeline(proto: runnerApi.Pipeline, pkg?: PackageCheck): string[] {
  const problems: string[] = [];
  const c = proto.components;
  if (!c) return ['the pipeline has no components'];
  const coderOk = (id: string, seen = new Set<string>()): boolean => {
    const coder = c.coders[id];
    if (!coder) return false;
    if (seen.has(id)) return true;
    seen.add(id);
    return KNOWN_CODER_URNS.has(coder.spec?.urn ?? '') && coder.componentCoderIds.every((cid) => coderOk(cid, seen));
  };
  for (const [id, coder] of Object.entries(c.coders)) {
    if (!KNOWN_CODER_URNS.has(coder.spec?.urn ?? '')) problems.push(`coder ${id}: unknown URN '${coder.spec?.urn}'`);
    for (const cid of coder.componentCoderIds) if (!c.coders[cid]) problems.push(`coder ${id}: component coder ${cid} missing`);
  }
  for (const [id, ws] of Object.entries(c.windowingStrategies)) {
    if (!KNOWN_WINDOW_FN_URNS.has(ws.windowFn?.urn ?? ''))
      problems.push(`windowing strategy ${id}: unknown window fn '${ws.windowFn?.urn}'`);
    if (!coderOk(ws.windowCoderId)) problems.push(`windowing strategy ${id}: window coder '${ws.windowCoderId}' unresolvable`);
    if (!ws.trigger?.trigger || ws.trigger.trigger.oneofKind === undefined) problems.push(`windowing strategy ${id}: no trigger`);
    if (ws.environmentId && !c.environments[ws.environmentId])
      problems.push(`windowing strategy ${id}: environment '${ws.environmentId}' missing`);
  }
  for (const [id, pc] of Object.entries(c.pcollections)) {
    if (!coderOk(pc.coderId)) problems.push(`collection ${id}: coder '${pc.coderId}' unresolvable`);
    if (!c.windowingStrategies[pc.windowingStrategyId])
      problems.push(`collection ${id}: windowing strategy '${pc.windowingStrategyId}' missing`);
  }
  for (const [id, t] of Object.entries(c.transforms)) {
    const where = `transform '${t.uniqueName}' (${id})`;
    for (const pcId of [...Object.values(t.inputs), ...Object.values(t.outputs)]) {
      if (!c.pcollections[pcId]) problems.push(`${where}: collection ${pcId} missing`);
    }
    for (const sub of t.subtransforms) if (!c.transforms[sub]) problems.push(`${where}: subtransform ${sub} missing`);
    const urn = t.spec?.urn ?? '';
    if (urn === '') {
      if (t.subtransforms.length === 0) problems.push(`${where}: neither a known primitive nor a composite`);
      continue;
    }
    if (!KNOWN_TRANSFORM_URNS.has(urn)) {
      problems.push(`${where}: unknown URN '${urn}'`);
      continue;
    }
    if (urn === 'beam:transform:pardo:v1') {
      if (!c.environments[t.environmentId]) problems.push(`${where}: environment '${t.environmentId}' missing`);
      const payload = runnerApi.ParDoPayload.fromBinary(t.spec!.payload);
      if (!KNOWN_DOFN_URNS.has(payload.doFn?.urn ?? '')) problems.push(`${where}: unknown DoFn kind '${payload.doFn?.urn}'`);
    }
  }
  for (const id of proto.rootTransformIds) if (!c.transforms[id]) problems.push(`root transform ${id} missing`);
  if (pkg) {
    for (const m of pkg.modules) {
      if (m === pkg.packageName || m.startsWith(`${pkg.packageName}/`)) {
        const rel = m.slice(pkg.packageName.length + 1);
        if (!['.ts', '.js', '/index.ts', '/index.js'].some((ext) => pkg.packageFiles.has(rel + ext))) {
          problems.push(`module '${m}' is not in the staged package (npm pack would not include ${rel}.ts)`);
        }
      } else {
        const name = m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : m.split('/')[0];
        if (!pkg.dependencies.has(name)) problems.push(`module '${m}': package '${name}' is not a dependency of the project`);
      }
    }
  }
  return problems;
}
