/**
 * A reviewable summary of a translated pipeline: for every top-level transform (one per tidemark step), its
 * primitive parts with their URNs, the worker class a ParDo runs, the spec it rebuilds its function from, and
 * the windowing strategy of its output. The dry run writes it next to the full proto JSON.
 */
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';

interface Serialized {
  readonly data: readonly { kind: string; name?: string; value?: unknown; refs?: Record<string, number> }[];
}

export interface DoFnSummary {
  readonly worker: string;
  readonly spec?: { readonly module: string; readonly exportName: string; readonly path: string };
}

/** What a serialized apache-beam DoFn is: its registered class and, for tidemark's, the spec it rebuilds from. */
export function describeDoFn(payload: Uint8Array): DoFnSummary | undefined {
  let parsed: Serialized;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as Serialized;
  } catch {
    return undefined;
  }
  const classes = parsed.data
    .filter(
      (d) =>
        d.kind === 'builtin' &&
        typeof d.name === 'string' &&
        d.name.endsWith('.prototype') &&
        !/(Object|ParDoLookupParam|SideInputParam)\.prototype$/.test(d.name),
    )
    .map((d) => d.name!.replace(/^beam:/, '').replace(/\.prototype$/, ''));
  const value = (i: number | undefined): string => (i === undefined ? '' : String(parsed.data[i]?.value ?? ''));
  const origin = parsed.data.find((d) => d.refs && 'spec' in d.refs && 'path' in d.refs);
  const spec = origin
    ? parsed.data[origin.refs!.spec]
    : parsed.data.find((d) => d.refs && 'module' in d.refs && 'exportName' in d.refs);
  return {
    worker: classes[0] ?? 'apache-beam built-in',
    ...(spec?.refs && {
      spec: {
        module: value(spec.refs.module),
        exportName: value(spec.refs.exportName),
        path: origin?.refs ? value(origin.refs.path) : '',
      },
    }),
  };
}

/** One entry per transform in `ids` (default: the root transforms), in that order. */
export function describePipeline(proto: runnerApi.Pipeline, ids: readonly string[] = proto.rootTransformIds): unknown[] {
  const c = proto.components!;
  const strategyOf = (pcId: string): unknown =>
    runnerApi.WindowingStrategy.toJson(c.windowingStrategies[c.pcollections[pcId].windowingStrategyId]);
  const parts = (id: string): unknown[] => {
    const t = c.transforms[id];
    if (t.subtransforms.length > 0) return t.subtransforms.flatMap(parts);
    const entry: Record<string, unknown> = { name: t.uniqueName, urn: t.spec?.urn ?? '' };
    if (t.spec?.urn === 'beam:transform:pardo:v1') {
      const doFn = runnerApi.ParDoPayload.fromBinary(t.spec.payload).doFn;
      entry.dofn = doFn?.urn;
      const fn = doFn ? describeDoFn(doFn.payload) : undefined;
      if (fn && doFn?.urn === 'beam:dofn:serialized_js_dofn_info:v1') Object.assign(entry, fn);
    }
    if (t.spec?.urn === 'beam:transform:pubsub_read:v1')
      entry.payload = runnerApi.PubSubReadPayload.toJson(runnerApi.PubSubReadPayload.fromBinary(t.spec.payload));
    return [entry];
  };
  return ids.map((id) => {
    const t = c.transforms[id];
    const outputs = Object.entries(t.outputs);
    return {
      step: t.uniqueName,
      parts: parts(id),
      outputs: Object.fromEntries(
        outputs.map(([tag, pcId]) => [
          tag,
          { bounded: runnerApi.IsBounded_Enum[c.pcollections[pcId].isBounded], windowing: strategyOf(pcId) },
        ]),
      ),
    };
  });
}
