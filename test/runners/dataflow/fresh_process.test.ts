/**
 * The worker load path: a translated pipeline written to pipeline.pb runs in a fresh process that resolves the
 * registered modules by package name ("tidemark/runners/dataflow/worker_fns", through node_modules, as the SDK
 * harness does in /app/node_modules) and rebuilds every function from its spec. Its results equal those of
 * tidemark's direct runner.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import 'apache-beam';
import * as runnerApi from 'apache-beam/proto/beam_runner_api';
import { Pipeline, fixedWindows, minutes, read, windowInto } from '../../../sdk';
import { capture } from '../../../sdk/testing';
import { runPipeline } from '../../../runners/direct';
import { referencedModules } from '../../../runners/dataflow/dry_run';
import { translate } from '../../../runners/dataflow/translate';
import { captureBeam } from './fixtures/beam_capture';
import { type Sale, keyByShop, salesSource, splitBigSales, stampSales, sumPerShop } from './fixtures/conformance_transforms';

const ROOT = resolve(__dirname, '..', '..', '..');
const T0 = Date.parse('2026-03-01T09:00:00Z');
const SALES: Sale[] = [
  { shop: 'lisbon', amount: 3, atMs: T0 + 1_000 },
  { shop: 'porto', amount: 50, atMs: T0 + 2_000 },
  { shop: 'lisbon', amount: 4, atMs: T0 + 61_000 },
];

function build(p: Pipeline) {
  return p
    .apply(read(salesSource({ sales: SALES }), 'ReadSales'))
    .apply(stampSales())
    .apply(splitBigSales({ threshold: 10 }))
    .main.apply(windowInto(fixedWindows(minutes(1)), {}, 'Minutes'))
    .apply(keyByShop({ factor: 1 }))
    .apply(sumPerShop());
}

describe('a translated pipeline in a fresh process (the worker load path)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-worker-'));
    // The worker's view: the project installed as node_modules/tidemark (found through NODE_PATH; loaded with
    // --require tsx/cjs, as the worker image's NODE_OPTIONS does).
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'tidemark'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the DoFns by module name, rebuilds them from their specs, and computes what the direct runner computes', async () => {
    const local = new Pipeline();
    const expected = capture(build(local), 'CaptureSums');
    await runPipeline(local);

    const remote = new Pipeline();
    const sums = build(remote);
    const translation = translate(remote);
    captureBeam(translation.collections.get(sums.name)!, 'sums');
    const proto = translation.beamPipeline.getProto();
    writeFileSync(join(dir, 'pipeline.pb'), runnerApi.Pipeline.toBinary(proto));
    const modules = referencedModules(proto);
    assert.ok(modules.includes('tidemark/runners/dataflow/worker_fns'));
    writeFileSync(join(dir, 'modules.json'), JSON.stringify(modules));

    const out = execFileSync(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        join(ROOT, 'test/runners/dataflow/fixtures/run_proto_child.ts'),
        join(dir, 'pipeline.pb'),
        join(dir, 'modules.json'),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: join(dir, 'node_modules') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const line = out.split('\n').find((l) => l.startsWith('CAPTURED '));
    assert.ok(line, `the child printed its results: ${out}`);
    const got = (
      JSON.parse(line.slice('CAPTURED '.length)) as Record<
        string,
        { value: unknown; timestamp: number; window: { start: number; end: number } }[]
      >
    ).sums;
    const key = (e: { value: unknown; timestamp: number; window: { start: number; end: number } }) =>
      JSON.stringify([e.value, e.timestamp, e.window.start, e.window.end]);
    assert.deepEqual(got.map(key).sort(), expected.elements.map(key).sort());
    assert.equal(got.length, 2, 'lisbon in two minutes; porto is a big sale, split off');
  });
});
