/**
 * `tidemark launch --runner dataflow --dry-run`: translate, validate and write everything a launch would send,
 * with no network. Files in the output folder:
 *   pipeline.pb         the Runner API Pipeline, binary (what the job service receives)
 *   pipeline.json       the same, as proto JSON (reviewable; the golden test keeps one)
 *   environment.json    the worker environment: SDK harness image and capabilities
 *   job_options.json    the validated job options and the Beam pipeline options derived from them
 *   step_names.json     tidemark step name → Beam transform id (for update name mappings)
 *   pipeline_summary.json  per step: its primitives, worker classes, specs and output windowing (for review)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { getRegisteredModules } from 'apache-beam/serialization';
import { type FnSpec, type Pipeline, PROJECT_PACKAGE, PROJECT_ROOT } from '../../sdk';
import { type DataflowJobOptions, beamPipelineOptions } from './job_options';
import { describePipeline } from './describe';
import { type Translation, translate } from './translate';
import { type PackageCheck, validatePipeline } from './validate';

export interface DryRun {
  readonly translation: Translation;
  readonly registeredModules: readonly string[];
  readonly specModules: readonly string[];
  readonly problems: readonly string[];
  readonly pipelineOptions: Record<string, unknown>;
}

/** Registered modules the pipeline's payloads actually name (the registry is per process, tests add theirs). */
export function referencedModules(proto: runnerApi.Pipeline): string[] {
  const text = Buffer.from(runnerApi.Pipeline.toBinary(proto)).toString('latin1');
  return getRegisteredModules().filter((m) => text.includes(`beam:${m}.`) || text.includes(`"${m}"`));
}

/** Modules named by the specs of the pipeline's steps and sources (and the specs inside their options). */
export function specModules(pipeline: Pipeline): string[] {
  const out = new Set<string>();
  const visit = (spec: FnSpec | undefined): void => {
    if (!spec) return;
    out.add(spec.module);
    JSON.stringify(spec.options, (_k, v: unknown) => {
      if (v && typeof v === 'object' && 'module' in v && 'exportName' in v) out.add(String((v as FnSpec).module));
      return v;
    });
  };
  for (const step of pipeline.steps) {
    visit(step.origin?.spec);
    if (step.kind === 'read') visit(step.source.spec);
  }
  return [...out].sort();
}

/** What `npm pack` would stage, and the dependencies a worker has: the project's own view, offline. */
export function stagedPackage(modules: readonly string[]): PackageCheck {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as {
    files: { path: string }[];
  }[];
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return {
    modules,
    packageFiles: new Set(packed[0].files.map((f) => f.path)),
    packageName: PROJECT_PACKAGE,
    // apache-beam is staged next to the project (its tarball) and preinstalled in the worker image.
    dependencies: new Set([...Object.keys(manifest.dependencies ?? {}), 'apache-beam']),
  };
}

export function dryRun(pipeline: Pipeline, options: DataflowJobOptions, checkPackage = true): DryRun {
  const translation = translate(pipeline, { workerImage: options.workerImage });
  const registered = referencedModules(translation.proto);
  const specs = specModules(pipeline);
  const modules = [...new Set([...registered, ...specs])].sort();
  const problems = validatePipeline(translation.proto, checkPackage ? stagedPackage(modules) : undefined);
  return {
    translation,
    registeredModules: registered,
    specModules: specs,
    problems,
    pipelineOptions: beamPipelineOptions(options, registered),
  };
}

/** Writes the dry run's files; returns their paths. */
export function writeDryRun(outDir: string, run: DryRun, options: DataflowJobOptions): string[] {
  mkdirSync(outDir, { recursive: true });
  const { proto } = run.translation;
  const env = Object.values(proto.components!.environments)[0];
  const payload = env.urn === 'beam:env:docker:v1' ? runnerApi.DockerPayload.fromBinary(env.payload) : undefined;
  const files: Record<string, string | Uint8Array> = {
    'pipeline.pb': runnerApi.Pipeline.toBinary(proto),
    'pipeline.json': `${JSON.stringify(runnerApi.Pipeline.toJson(proto), null, 2)}\n`,
    'environment.json': `${JSON.stringify({ urn: env.urn, containerImage: payload?.containerImage, capabilities: env.capabilities }, null, 2)}\n`,
    'job_options.json': `${JSON.stringify({ job: options, pipelineOptions: run.pipelineOptions, specModules: run.specModules }, null, 2)}\n`,
    'pipeline_summary.json': `${JSON.stringify(describePipeline(proto, [...run.translation.stepTransformIds.values()]), null, 2)}\n`,
    'step_names.json': `${JSON.stringify(Object.fromEntries(run.translation.stepTransformIds), null, 2)}\n`,
  };
  return Object.entries(files).map(([name, data]) => {
    const path = join(outDir, name);
    writeFileSync(path, data);
    return path;
  });
}
