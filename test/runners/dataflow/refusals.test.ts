/** The translator refuses what a Dataflow worker could not rebuild, naming every such step and why. */
import assert from 'node:assert/strict';
import { type KV, Pipeline, combinePerKey, create, fixedWindows, map, read, sum, windowInto, withSpec } from '../../../sdk';
import { TranslationError, translate } from '../../../runners/dataflow/translate';
import { buildMarketingPipeline } from '../../../pipelines/marketing_events';
import { bigQueryWarehouse, localMaskerFromEnv } from '../../../pipelines/marketing_steps';
import { pubsubSource } from '../../../runners/dataflow/pubsub_io';
import { keyByShop, salesSource, stampSales } from './fixtures/conformance_transforms';

function refusalsOf(p: Pipeline): readonly string[] {
  try {
    translate(p);
  } catch (e) {
    assert.ok(e instanceof TranslationError, `expected a TranslationError, got ${String(e)}`);
    return e.refusals;
  }
  assert.fail('the pipeline was translated');
}

const sales = (p: Pipeline) =>
  p.apply(read(salesSource({ sales: [{ shop: 'a', amount: 1, atMs: 0 }] }), 'ReadSales')).apply(stampSales());

describe('translation refusals', () => {
  it('a lambda ParDo without a spec is refused by its full step name, with how to fix it', () => {
    const p = new Pipeline();
    sales(p).apply(map((s: { amount: number }) => s.amount * 2, 'Double'));
    const [refusal, ...rest] = refusalsOf(p);
    assert.equal(rest.length, 0);
    assert.match(refusal, /^step 'Double': its DoFn is a function with no spec/);
    assert.match(refusal, /withSpec\(\{ module, exportName, options \}, transform\)/);
  });

  it('every untranslatable step is listed at once, in pipeline order', () => {
    const p = new Pipeline();
    const kv = p.apply(create([{ key: 'a', value: 1 }], {}, 'Numbers'));
    kv.apply(map((x: KV<string, number>) => x, 'Identity'));
    const refusals = refusalsOf(p);
    assert.deepEqual(
      refusals.map((r) => r.slice(0, r.indexOf(':'))),
      ["step 'Numbers'", "step 'Identity'"],
    );
    assert.match(refusals[0], /its source is a function with no spec/);
  });

  it('a combine fn without a spec is refused, naming the combine fn', () => {
    const p = new Pipeline();
    sales(p)
      .apply(keyByShop({ factor: 1 }))
      .apply(combinePerKey<string, number, number, number>(sum(), 'Total'));
    assert.deepEqual(
      refusalsOf(p).map((r) => r.split(':')[0] + ': ' + (/combine fn '(\w+)'/.exec(r)?.[1] ?? '')),
      ["step 'Total': sum"],
    );
  });

  it('a window of 1.5 s is refused: apache-beam window fns and their protos are in whole seconds', () => {
    const p = new Pipeline();
    sales(p).apply(windowInto(fixedWindows(1500), {}, 'OddWindow'));
    assert.match(refusalsOf(p)[0], /^step 'OddWindow': window fixed\(1500 ms\) is not in whole seconds/);
  });

  it('an unbounded source that is not Pub/Sub is refused', () => {
    const p = new Pipeline();
    p.apply(
      read(
        {
          description: 'an endless socket',
          bounded: false,
          open: () => ({ read: () => ({ values: [], timestamps: [] }), watermark: () => 0, close() {} }),
        },
        'Listen',
      ),
    );
    assert.match(refusalsOf(p)[0], /^step 'Listen': reads an unbounded source \(an endless socket\) that Dataflow cannot run/);
  });

  it('a spec naming an export that does not exist is refused when translating, not on the workers', () => {
    const p = new Pipeline();
    sales(p).apply(
      withSpec(
        { module: 'tidemark/pipelines/marketing_steps', exportName: 'noSuchFactory', options: {} },
        map((x: unknown) => x, 'Ghost'),
      ),
    );
    assert.match(
      refusalsOf(p)[0],
      /^step 'Ghost': its spec cannot be rebuilt: spec 'tidemark\/pipelines\/marketing_steps#noSuchFactory': the module exports no function of that name/,
    );
  });

  it('a spec whose options are not JSON fails at construction', () => {
    assert.throws(
      () =>
        withSpec(
          { module: 'tidemark/x/y', exportName: 'f', options: { when: new Date(0) } as never },
          map((x: unknown) => x, 'Dated'),
        ),
      /spec of 'Dated': options must be plain JSON/,
    );
    assert.throws(
      () =>
        withSpec(
          { module: '../escape', exportName: 'f', options: {} },
          map((x: unknown) => x, 'Escape'),
        ),
      /is not a module path and export/,
    );
  });

  it('the marketing pipeline without masker and warehouse specs is refused at exactly the three steps that need them', () => {
    const p = buildMarketingPipeline({
      source: pubsubSource({ subscription: 'projects/my-project/subscriptions/events' }),
      masker: localMaskerFromEnv({ keyFileEnv: 'TIDEMARK_KEY_FILE' }),
      warehouse: bigQueryWarehouse({ project: 'my-project', dataset: 'marketing' }),
    });
    assert.deepEqual(
      refusalsOf(p).map((r) => r.slice(0, r.indexOf(':'))),
      ["step 'MaskPii'", "step 'ToDeadLetterRows'", "step 'WriteToWarehouse'"],
    );
  });
});
