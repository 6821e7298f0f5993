/**
 * The spill store on its own: an append-only file plus an index, compaction, export and import, non-string keys,
 * records larger than its buffers, truncated input, and its folder's removal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { RunnerInvariantError } from '../../../sdk/errors';
import { type SpillKey, SpillStore } from '../../../runners/direct/spill_store';

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'spill-store-test-'));
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('SpillStore', () => {
  it('put, get and take: take removes the key, get does not', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 1 << 20 });
    store.put('ann', bytes('{"n":1}'));
    store.put('bob', bytes('{"n":2}'));
    assert.equal(store.get('ann')?.toString(), '{"n":1}');
    assert.equal(store.take('bob')?.toString(), '{"n":2}');
    assert.equal(store.has('bob'), false);
    assert.equal(store.take('bob'), undefined);
    assert.equal(store.size, 1);
    store.close();
  });

  it('a key put again is replaced, and the old record becomes garbage', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 1 << 20 });
    store.put('bob', bytes('other'));
    store.put('ann', bytes('first'));
    const live = store.live;
    store.put('ann', bytes('again'));
    assert.equal(store.get('ann')?.toString(), 'again');
    assert.equal(store.size, 2);
    assert.equal(store.live, live);
    assert.equal(store.garbage, live / 2);
    store.close();
  });

  it('a store whose last key leaves starts its file over: no garbage is kept for an empty store', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 1 << 20 });
    store.put('ann', bytes('first'));
    store.put('ann', bytes('again'));
    assert.equal(store.garbage, 0);
    assert.equal(store.take('ann')?.toString(), 'again');
    assert.equal(store.live + store.garbage, 0);
    store.close();
  });

  it('keys of every encoded kind are distinct: the string "1", the number 1, true, 1n, null, undefined, ""', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    const keys: SpillKey[] = ['1', 1, true, 1n, null, undefined, '', '\u0000k:{"user":"ann"}', 'ünïcödé 🙂'];
    keys.forEach((k, i) => store.put(k, bytes(`value ${i}`)));
    assert.equal(store.size, keys.length);
    keys.forEach((k, i) => assert.equal(store.get(k)?.toString(), `value ${i}`, `key ${String(k)}`));
    const copy = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    copy.importRecords(store.exportRecords());
    assert.deepEqual([...copy.keys()], keys);
    keys.forEach((k, i) => assert.equal(copy.take(k)?.toString(), `value ${i}`));
    store.close();
    copy.close();
  });

  it('a record larger than the write and read-ahead buffers (3 MiB) is written and read whole', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    const huge = Buffer.alloc(3 * 1024 * 1024, 7);
    huge[huge.length - 1] = 9;
    store.put('small', bytes('x'));
    store.put('huge', huge);
    store.put('after', bytes('y'));
    assert.ok(store.get('huge')?.equals(huge));
    const copy = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    copy.importRecords(store.exportRecords());
    assert.ok(copy.get('huge')?.equals(huge));
    const seen: string[] = [];
    copy.drain((key, value) => seen.push(`${String(key)}:${value.length}`));
    assert.deepEqual(seen, ['small:1', `huge:${huge.length}`, 'after:1']);
    assert.equal(copy.size, 0);
    store.close();
    copy.close();
  });

  it('an empty value and a key that is the empty string round-trip', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    store.put('', Buffer.alloc(0));
    assert.equal(store.get('')?.length, 0);
    store.close();
  });

  it('drain hands out every record in file order and leaves the store empty, its file removed', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 1 << 20 });
    for (let i = 0; i < 5000; i++) store.put(`k${i}`, bytes(`v${i}`.repeat(100)));
    store.delete('k3');
    const folder = store.path as string;
    assert.equal(readdirSync(folder).length, 1);
    const seen: string[] = [];
    store.drain((key, value) => {
      if (seen.length < 3) seen.push(`${String(key)}=${value.subarray(0, 2).toString()}`);
    });
    assert.deepEqual(seen, ['k0=v0', 'k1=v1', 'k2=v2']);
    assert.equal(store.size, 0);
    assert.deepEqual(readdirSync(folder), []);
    store.close();
    assert.equal(existsSync(folder), false);
  });

  it('writing while draining is refused', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    store.put('a', bytes('1'));
    assert.throws(
      () => store.drain(() => store.put('b', bytes('2'))),
      (e: unknown) => e instanceof RunnerInvariantError && /while it was being drained/.test(e.message),
    );
    store.close();
  });

  it('close removes the folder; the store can be used again and makes a new folder', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    assert.equal(store.path, undefined, 'nothing is created before the first record');
    store.put('a', bytes('1'));
    const first = String(store.path);
    assert.ok(existsSync(first));
    store.close();
    assert.equal(existsSync(first), false);
    assert.equal(store.size, 0);
    store.put('b', bytes('2'));
    assert.notEqual(store.path, first);
    assert.equal(store.get('b')?.toString(), '2');
    store.close();
    assert.deepEqual(readdirSync(base), []);
  });

  it('the first store in a folder removes spill folders of processes that no longer run (SIGKILLed runs), and only those', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const leftovers = [
      `tidemark-spill-${dead}-Ab12Cd`,
      `tidemark-spill-${process.ppid}-Ef34Gh`,
      'tidemark-spill-notapid',
      'unrelated',
    ];
    for (const name of leftovers) {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'state-0.bin'), 'old');
    }
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    store.put('a', bytes('1'));
    const ours = `${String(store.path).slice(base.length + 1)}`;
    assert.match(ours, new RegExp(`^tidemark-spill-${process.pid}-`));
    assert.deepEqual(readdirSync(base).sort(), [ours, ...leftovers.slice(1)].sort());
    store.close();
  });

  it('truncated records are refused with a clear error, not read past their end', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    store.put('ann', bytes('some state'));
    const records = store.exportRecords();
    const copy = new SpillStore({ dir: base, compactAfterGarbageBytes: 0 });
    for (const cut of [1, 5, records.length - 1]) {
      assert.throws(
        () => copy.importRecords(records.subarray(0, cut)),
        (e: unknown) => e instanceof RunnerInvariantError && /truncated/.test(e.message),
      );
    }
    const lying = Buffer.from(records);
    lying.writeUInt32LE(0xffffffff, 0);
    assert.throws(() => copy.importRecords(lying), /truncated/);
    store.close();
    copy.close();
  });

  it('garbage beyond the live bytes and the floor is compacted away: 10 keys of 1000 bytes rewritten twice', () => {
    const store = new SpillStore({ dir: base, compactAfterGarbageBytes: 5000 });
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 10; k++) store.put(`k${k}`, Buffer.alloc(1000, round * 10 + k));
    }
    assert.ok(store.compactions >= 1);
    assert.ok(store.garbage <= Math.max(store.live, 5000));
    assert.equal(readdirSync(String(store.path)).length, 1, 'the old file was deleted');
    for (let k = 0; k < 10; k++) assert.ok(store.get(`k${k}`)?.equals(Buffer.alloc(1000, 20 + k)), `k${k}`);
    store.close();
  });

  it('compaction keeps every live record, whatever the sequence of puts, takes and deletes (property)', () => {
    type Op = { kind: 'put'; key: number; size: number } | { kind: 'take' | 'delete'; key: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        key: fc.integer({ min: 0, max: 12 }),
        size: fc.integer({ min: 0, max: 3000 }),
      }),
      fc.record({ kind: fc.constantFrom('take' as const, 'delete' as const), key: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 300, size: 'large' }),
        fc.constantFrom(0, 1000, 10_000),
        (ops, floor) => {
          const store = new SpillStore({ dir: base, compactAfterGarbageBytes: floor });
          const model = new Map<SpillKey, Buffer>();
          // Half the keys are numbers, half strings: 3 and "3" are different keys.
          const keyOf = (k: number): SpillKey => (k % 2 === 0 ? k : String(k));
          try {
            ops.forEach((o, step) => {
              const key = keyOf(o.key);
              if (o.kind === 'put') {
                const value = Buffer.alloc(o.size, step % 251);
                store.put(key, value);
                model.set(key, value);
              } else if (o.kind === 'take') {
                const got = store.take(key);
                assert.deepEqual(got, model.get(key));
                model.delete(key);
              } else {
                assert.equal(store.delete(key), model.delete(key));
              }
              assert.equal(store.size, model.size);
              assert.ok(store.garbage <= Math.max(store.live, floor) + 3000 + 64, 'garbage is reclaimed');
            });
            for (const [key, value] of model) assert.deepEqual(store.get(key), value, `key ${String(key)}`);
            const copy = new SpillStore({ dir: base, compactAfterGarbageBytes: floor });
            copy.importRecords(store.exportRecords());
            assert.deepEqual(new Set(copy.keys()), new Set(model.keys()));
            for (const [key, value] of model) assert.deepEqual(copy.get(key), value);
            copy.close();
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 80 },
    );
    assert.deepEqual(readdirSync(base), [], 'every folder was removed');
  });
});
