/**
 * JSON Lines sources: line splitting across chunks (CRLF, BOM, blank lines, no final newline, over-long lines),
 * side data with errors naming file and line, and raw messages for the main input through ParseEvents.
 */
import { replaceWithInfoTypes } from '../../../io/dlp/inspector';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../sdk/clock';
import { Pipeline } from '../../../sdk/pipeline';
import { type Source } from '../../../sdk/source';
import { capture } from '../../../sdk/testing';
import { read } from '../../../sdk/transforms/read';
import { MIN_TIMESTAMP, WATERMARK_DONE, WATERMARK_START } from '../../../sdk/time';
import { runPipeline } from '../../../runners/direct';
import { JsonLinesError, JsonLinesSource, LineReader, rawMessagesFromFile } from '../../../io/files/json_lines_source';
import { campaignsFromFile, profilesFromFile } from '../../../pipelines/side_data';
import { parseAndValidate } from '../../../transforms/parse_and_validate';
import { type RawMessage } from '../../../transforms/records';

const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
let n = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${++n}.jsonl`);
  writeFileSync(path, content);
  return path;
}

async function lines(path: string, maxLineBytes = 1 << 20, chunkBytes = 5) {
  const reader = new LineReader(path, maxLineBytes, chunkBytes);
  await reader.open();
  const out: { number: number; text: string; fullBytes?: number }[] = [];
  for (let l = await reader.next(); l !== undefined; l = await reader.next()) {
    out.push({
      number: l.number,
      text: Buffer.from(l.bytes).toString('utf8'),
      ...(l.fullBytes !== undefined && { fullBytes: l.fullBytes }),
    });
  }
  await reader.close();
  return out;
}

async function readAll<T>(source: Source<T>, now = 1_000) {
  const reader = await source.open({ clock: new ManualClock(now) });
  const values: T[] = [];
  const timestamps: number[] = [];
  assert.equal(reader.watermark(), WATERMARK_START);
  for (;;) {
    const batch = await reader.read(2, 0);
    values.push(...batch.values);
    timestamps.push(...batch.timestamps);
    if (reader.watermark() === WATERMARK_DONE) break;
  }
  await reader.close();
  return { values, timestamps };
}

describe('io/files JSON Lines', () => {
  describe('LineReader', () => {
    it('splits across chunks; CRLF, BOM, blank lines and a missing final newline handled; editor line numbers', async () => {
      const path = file('\uFEFF{"a":1}\r\n\n   \n{"b":"ä€😀"}\n{"c":3}');
      assert.deepEqual(await lines(path), [
        { number: 1, text: '{"a":1}' },
        { number: 4, text: '{"b":"ä€😀"}' },
        { number: 5, text: '{"c":3}' },
      ]);
    });

    it('an empty file has no lines; a final newline adds none', async () => {
      assert.deepEqual(await lines(file('')), []);
      assert.deepEqual(await lines(file('x\n')), [{ number: 1, text: 'x' }]);
    });

    it('cuts an over-long line and says how long it was; the next line is intact', async () => {
      const path = file(`${'a'.repeat(100)}\nshort\n`);
      assert.deepEqual(await lines(path, 10, 7), [
        { number: 1, text: 'a'.repeat(10), fullBytes: 100 },
        { number: 2, text: 'short' },
      ]);
    });
  });

  describe('side data', () => {
    it('reads the sample campaigns and profiles, in the global window at MIN_TIMESTAMP', async () => {
      const campaigns = await readAll(campaignsFromFile(join(__dirname, '../../../data-samples/campaigns.jsonl')));
      assert.ok(campaigns.values.length >= 5);
      assert.ok(campaigns.timestamps.every((t) => t === MIN_TIMESTAMP));
      assert.equal(campaigns.values[0].campaign_id, 'cmp_0001');
      const profiles = await readAll(profilesFromFile(join(__dirname, '../../../data-samples/profiles.jsonl')));
      assert.ok(profiles.values.every((p) => p.user_id.startsWith('u_')));
    });

    const failing: [string, string | Uint8Array, RegExp][] = [
      ['bad JSON', '{"campaign_id":"a","name":"A"}\n{"campaign_id":', /:2: not valid JSON/],
      ['bad UTF-8', new Uint8Array([...Buffer.from('{"campaign_id":"a","name":"A"}\n'), 0xff, 0x0a]), /:2: not valid UTF-8/],
      ['a value that is not a campaign', '\n\n{"campaign_id":"a"}\n', /:3: not a campaign: \/name: is required/],
      ['an over-long line', `{"campaign_id":"${'x'.repeat(100)}"}`, /:1: line is 118 bytes, longer than the limit/],
    ];
    for (const [label, content, message] of failing) {
      it(`${label} → an error naming file and line`, async () => {
        const path = file(content);
        await assert.rejects(readAll(campaignsFromFile(path, { maxLineBytes: 64 })), (e: unknown) => {
          assert.ok(e instanceof JsonLinesError);
          assert.ok(e.message.startsWith(`${path}:`), e.message);
          assert.match(e.message, message);
          return true;
        });
      });
    }

    it('a missing file fails when opened, naming it', async () => {
      await assert.rejects(readAll(campaignsFromFile(join(dir, 'nope.jsonl'))), /ENOENT.*nope\.jsonl/);
    });

    it('a generic source passes the line number to the decoder', async () => {
      const path = file('1\n\n2\n');
      const { values } = await readAll(new JsonLinesSource(path, (v, line) => `${String(v)}@${line}`));
      assert.deepEqual(values, ['1@1', '2@3']);
    });

    it('rejects bad options at once', () => {
      assert.throws(() => campaignsFromFile('x', { maxLineBytes: 0 }), /maxLineBytes/);
      assert.throws(() => rawMessagesFromFile('x', { chunkBytes: 1.5 }), /chunkBytes/);
    });
  });

  describe('raw messages (the main input)', () => {
    it('one RawMessage per line: id file:line, bytes untouched, read time as publish time and timestamp', async () => {
      const path = file(new Uint8Array([...Buffer.from('{"x":1}\r\n\n'), 0xff, 0xfe, 0x0a, ...Buffer.from('last')]));
      const { values, timestamps } = await readAll(rawMessagesFromFile(path), 5_000);
      assert.deepEqual(
        values.map((m: RawMessage) => [m.id, Buffer.from(m.data).toString('hex'), m.attributes.line, m.publishTimeMs]),
        [
          [`${path}:1`, Buffer.from('{"x":1}').toString('hex'), '1', 5_000],
          [`${path}:3`, 'fffe', '3', 5_000],
          [`${path}:4`, Buffer.from('last').toString('hex'), '4', 5_000],
        ],
      );
      assert.deepEqual(values[0].attributes, { source: 'file', file: path, line: '1' });
      assert.deepEqual(timestamps, [5_000, 5_000, 5_000]);
    });

    it('a relative path gives the same ids as the absolute one', async () => {
      const path = file('{}\n');
      const relative = (
        await readAll(rawMessagesFromFile(join(dir, '..', dir.split('/').pop() ?? '', path.split('/').pop() ?? '')))
      ).values[0];
      assert.equal(relative.id, `${path}:1`);
    });

    it('through ParseEvents: every line is an event or a dead letter; an over-long line is dead-lettered as oversized', async () => {
      const event = (i: number) =>
        JSON.stringify({
          event_id: `e${i}`,
          user_id: 'u_1',
          event_type: 'page_view',
          event_time: new Date(Date.now() - 60_000).toISOString(),
          schema_version: 1,
        });
      const content = [event(1), 'garbage', '', event(2), `{"note":"${'y'.repeat(300)}"}`, '[1,2]', event(3)].join('\n');
      const path = file(content);
      const p = new Pipeline();
      const parsed = p
        .apply(read(rawMessagesFromFile(path, { maxLineBytes: 200 }), 'ReadFile'))
        .apply(parseAndValidate({ maxPayloadBytes: 150, maskText: replaceWithInfoTypes }));
      const events = capture(parsed.main);
      const dead = capture(parsed.dead_letter);
      await runPipeline(p);
      assert.deepEqual(
        events.values().map((e) => e.messageId),
        [`${path}:1`, `${path}:4`, `${path}:7`],
      );
      assert.deepEqual(
        dead.values().map((f) => f.id),
        [`${path}:2`, `${path}:5`, `${path}:6`],
      );
      const oversized = dead.values()[1];
      assert.match(oversized.reason, /payload is 200 bytes, over the limit of 150/);
      assert.equal(oversized.attributes?.truncated_bytes, '311');
    });

    it('streams a large file in constant-size chunks', async () => {
      const count = 20_000;
      const path = file(Array.from({ length: count }, (_, i) => `{"i":${i}}`).join('\n'));
      const { values } = await readAll(rawMessagesFromFile(path, { chunkBytes: 4096 }));
      assert.equal(values.length, count);
      assert.equal(values[count - 1].id, `${path}:${count}`);
    });
  });
});
