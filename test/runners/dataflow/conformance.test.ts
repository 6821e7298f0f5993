/**
 * Cross-runner conformance: the same pipelines run on tidemark's direct runner and, translated, on apache-beam's
 * own direct runner (which rebuilds every function from its spec, through apache-beam's serialization, as a
 * Dataflow worker would). Outputs must be identical: value, timestamp and window of every element. Pane timing
 * is not compared: apache-beam's direct runner reports its single pane as LATE (FACTS.md).
 */
import assert from 'node:assert/strict';
import 'apache-beam';
import { directRunner } from 'apache-beam/runners/direct_runner';
import {
  type KV,
  type PCollection,
  Pipeline,
  fixedWindows,
  groupByKey,
  minutes,
  read,
  seconds,
  slidingWindows,
  windowInto,
} from '../../../sdk';
import { capture } from '../../../sdk/testing';
import { runPipeline } from '../../../runners/direct';
import { translate } from '../../../runners/dataflow/translate';
import { captureBeam } from './fixtures/beam_capture';
import {
  type Sale,
  dropRefundedShops,
  keyByShop,
  meanPerShop,
  salesSource,
  splitBigSales,
  stampSales,
  sumPerShop,
} from './fixtures/conformance_transforms';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const at = (s: number): number => T0 + s * 1000;

const SALES: Sale[] = [
  { shop: 'lisbon', amount: 3, atMs: at(1) },
  { shop: 'porto', amount: 50, atMs: at(2) },
  { shop: 'lisbon', amount: 4, atMs: at(59.999) },
  { shop: 'lisbon', amount: 7, atMs: at(60) },
  { shop: 'porto', amount: 5, atMs: at(62) },
  { shop: 'faro', amount: 9, atMs: at(95) },
  { shop: 'faro', amount: -9, atMs: at(96) },
  { shop: 'braga', amount: 12.5, atMs: at(185) },
  { shop: 'porto', amount: 1, atMs: at(240) },
];

interface Row {
  readonly value: unknown;
  readonly timestamp: number;
  readonly window: string;
}

const key = (r: Row): string => JSON.stringify(r);
const sorted = (rows: Row[]): Row[] => rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));

/** A pipeline under test: built from scratch on each runner, returning the collections to compare by label. */
type Build = (p: Pipeline) => Readonly<Record<string, PCollection<unknown>>>;

async function onBothRunners(build: Build): Promise<{ tidemark: Record<string, Row[]>; beam: Record<string, Row[]> }> {
  const local = new Pipeline();
  const localOutputs = build(local);
  const captured = Object.fromEntries(Object.entries(localOutputs).map(([label, pc]) => [label, capture(pc, `Capture${label}`)]));
  await runPipeline(local);
  const tidemark = Object.fromEntries(
    Object.entries(captured).map(([label, c]) => [
      label,
      sorted(c.elements.map((e) => ({ value: e.value, timestamp: e.timestamp, window: `${e.window.start}..${e.window.end}` }))),
    ]),
  );

  const remote = new Pipeline();
  const remoteOutputs = build(remote);
  const translation = translate(remote);
  const readers = Object.entries(remoteOutputs).map(([label, pc]) => {
    const beamPc = translation.collections.get(pc.name);
    assert.ok(beamPc, `no Beam collection for ${pc.name}`);
    return [label, captureBeam(beamPc, `${label}-${Math.random()}`)] as const;
  });
  await directRunner().runPipeline(translation.beamPipeline.getProto());
  const beam = Object.fromEntries(
    readers.map(([label, get]) => [
      label,
      sorted(get().map((e) => ({ value: e.value, timestamp: e.timestamp, window: `${e.window.start}..${e.window.end}` }))),
    ]),
  );
  return { tidemark, beam };
}

const stampedSales = (p: Pipeline): PCollection<Sale> =>
  p.apply(read(salesSource({ sales: SALES }), 'ReadSales')).apply(stampSales());

describe('conformance: tidemark direct runner vs apache-beam direct runner on the translation', function () {
  this.timeout(30_000);

  it('element-wise steps and multiple outputs: same main and tagged outputs, same timestamps', async () => {
    const { tidemark, beam } = await onBothRunners((p) => {
      const split = stampedSales(p).apply(splitBigSales({ threshold: 10 }));
      return { small: split.main.apply(keyByShop({ factor: 2 })), big: split.big };
    });
    assert.deepEqual(beam, tidemark);
    assert.equal(tidemark.big.length, 2, 'porto 50 and braga 12.5 are big');
    assert.equal(tidemark.small.length, 7);
  });

  it('fixed windows with a sum combiner: one sum per shop and minute, stamped at the end of the window', async () => {
    const { tidemark, beam } = await onBothRunners((p) => ({
      sums: stampedSales(p)
        .apply(windowInto(fixedWindows(minutes(1)), {}, 'Minutes'))
        .apply(keyByShop({ factor: 1 }))
        .apply(sumPerShop()),
    }));
    assert.deepEqual(beam, tidemark);
    const lisbonFirstMinute = tidemark.sums.find(
      (r) => (r.value as KV<string, number>).key === 'lisbon' && r.window === `${at(0)}..${at(60)}`,
    );
    assert.deepEqual(lisbonFirstMinute, {
      value: { key: 'lisbon', value: 7 },
      timestamp: at(60) - 1,
      window: `${at(0)}..${at(60)}`,
    });
  });

  it('sliding windows with a mean combiner: each sale counts in size/period windows', async () => {
    const { tidemark, beam } = await onBothRunners((p) => ({
      means: stampedSales(p)
        .apply(windowInto(slidingWindows(minutes(2), minutes(1)), {}, 'TwoMinutesEveryMinute'))
        .apply(keyByShop({ factor: 1 }))
        .apply(meanPerShop()),
    }));
    assert.deepEqual(beam, tidemark);
    assert.ok(tidemark.means.length > 6);
  });

  it('GroupByKey: the grouped values per key and window (as sorted arrays)', async () => {
    const { tidemark, beam } = await onBothRunners((p) => ({
      groups: stampedSales(p)
        .apply(windowInto(fixedWindows(seconds(120)), {}, 'TwoMinutes'))
        .apply(keyByShop({ factor: 1 }))
        .apply(groupByKey<string, number>('GroupByShop')),
    }));
    const normalize = (rows: Row[]): Row[] =>
      rows.map((r) => {
        const kv = r.value as KV<string, number[]>;
        return { ...r, value: { key: kv.key, value: [...kv.value].sort((a, b) => a - b) } };
      });
    assert.deepEqual(sorted(normalize(beam.groups)), sorted(normalize(tidemark.groups)));
    assert.equal(tidemark.groups.length, 5, 'three shops in the first two minutes, braga in the second, porto in the third');
  });

  it('side input: sales of shops that refunded anything are dropped on both runners', async () => {
    const { tidemark, beam } = await onBothRunners((p) => ({ kept: stampedSales(p).apply(dropRefundedShops()) }));
    assert.deepEqual(beam, tidemark);
    assert.ok(!tidemark.kept.some((r) => (r.value as Sale).shop === 'faro'), 'faro refunded: none of its sales is kept');
    assert.equal(tidemark.kept.length, 7);
  });
});
