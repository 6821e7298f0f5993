/**
 * ParseEvents on the direct runner: valid messages become events; malformed, huge, missing and hostile ones become
 * dead letters with a readable reason; nothing is lost (main + dead_letter = input). Times are around
 * PUBLISH = 2026-03-02T10:00:00Z.
 */
import { replaceWithInfoTypes } from '../../io/dlp/inspector';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../sdk/clock';
import { PipelineConstructionError } from '../../sdk/errors';
import {
  MAX_REASON_CHARS,
  PARSE_DEFAULTS,
  type ParseAndValidateOptions,
  parseAndValidate,
  truncateUtf8,
} from '../../transforms/parse_and_validate';
import { type Failure, type RawMessage } from '../../transforms/records';
import { DAY, HOUR, NOW, PUBLISH, eventObject, message, messageOf, runOn } from './privacy_fixtures';

async function parse(messages: readonly RawMessage[], options: ParseAndValidateOptions = {}) {
  const timestamps = messages.map((_, i) => PUBLISH + i);
  const out = await runOn(
    messages,
    (input) => input.apply(parseAndValidate({ clock: new ManualClock(NOW), maskText: replaceWithInfoTypes, ...options })),
    timestamps,
  );
  assert.equal(out.main.elements.length + out.dead_letter.elements.length, messages.length, 'every message comes out once');
  return out;
}

/** The one failure of a single bad message. */
async function failureOf(m: RawMessage, options: ParseAndValidateOptions = {}): Promise<Failure> {
  const out = await parse([m], options);
  assert.equal(out.main.elements.length, 0, 'not an event');
  const [failure] = out.dead_letter.values();
  assert.equal(failure.step, 'ParseEvents');
  assert.ok(failure.reason.length > 0);
  assert.equal(failure.errorTimeMs, NOW);
  return failure;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('parseAndValidate', () => {
  describe('valid messages', () => {
    it('become PipelineEvents with the input timestamp, no user key and no restrictions yet', async () => {
      const m = messageOf({ event_id: 'e-1' }, 'm-1');
      const out = await parse([m]);
      assert.equal(out.dead_letter.elements.length, 0);
      const [el] = out.main.elements;
      assert.equal(el.timestamp, PUBLISH, 'the element keeps its input timestamp; re-stamping is withTimestamps');
      assert.equal(el.value.messageId, 'm-1');
      assert.equal(el.value.event.event_id, 'e-1');
      assert.equal(el.value.eventTimeMs, PUBLISH - 5 * 60_000);
      assert.equal(el.value.ingestTimeMs, PUBLISH);
      assert.deepEqual(el.value.attributes, { source: 'test' });
      assert.equal(el.value.userKey, null);
      assert.deepEqual(el.value.restrictions, { profiling: true, advertising: true });
    });

    it('accept UTF-8 bytes as Pub/Sub delivers them', async () => {
      const out = await parse([message(new TextEncoder().encode(JSON.stringify(eventObject({ name: 'Zoë Ünal 😀' }))))]);
      assert.equal(out.main.values()[0].event.name, 'Zoë Ünal 😀');
    });

    it('accept event times at both bounds (30 days back, 1 day ahead of publish time)', async () => {
      const at = (ms: number) => messageOf({ event_time: new Date(ms).toISOString() });
      const out = await parse([at(PUBLISH - PARSE_DEFAULTS.maxEventAgeMs), at(PUBLISH + PARSE_DEFAULTS.maxEventFutureMs)]);
      assert.equal(out.main.elements.length, 2);
    });
  });

  describe('bad messages go to the dead letter with a reason', () => {
    const cases: [string, RawMessage, RegExp][] = [
      ['empty payload', message(''), /\(root\): is not valid JSON/],
      ['not JSON', message('<html><body>502 Bad Gateway</body></html>'), /\(root\): is not valid JSON/],
      ['truncated JSON', message('{"event_id":"a","event_type":"cli'), /\(root\): is not valid JSON/],
      ['CSV', message('a,b,c\n1,2,3'), /is not valid JSON/],
      ['a JSON array', message('[1,2,3]'), /\(root\): must be object, got array/],
      ['JSON null', message('null'), /\(root\): must be object, got null/],
      ['a JSON number', message('42'), /\(root\): must be object, got number/],
      ['the literal NaN', message('NaN'), /is not valid JSON/],
      ['missing event_time', messageOf({ event_time: undefined }), /\/event_time: is required/],
      [
        'missing both user ids',
        messageOf({ user_id: undefined, anonymous_id: undefined }),
        /must have at least one of: user_id, anonymous_id/,
      ],
      ['missing event_id', messageOf({ event_id: undefined }), /\/event_id: is required/],
      ['wrong type', messageOf({ country: 840 }), /\/country: must be string, got number/],
      ['NaN-looking value', messageOf({ value: 'NaN' }), /\/value: must be number, got string/],
      ['Infinity as a string', messageOf({ value: 'Infinity' }), /\/value: must be number, got string/],
      ['number as a string', messageOf({ value: '12.50' }), /\/value: must be number, got string/],
      ['schema_version as a string', messageOf({ schema_version: '1' }), /\/schema_version: must be integer, got string/],
      [
        'huge number literal',
        message(JSON.stringify(eventObject()).replace('"value":12.5', '"value":1e400')),
        /\/value: must be number/, // 1e400 parses as Infinity, which JSON Schema numbers exclude
      ],
      ['unknown event type', messageOf({ event_type: 'teleport' }), /\/event_type: must be one of: page_view/],
      ['event_time without offset', messageOf({ event_time: '2026-03-02 09:55:00' }), /\/event_time: must be an RFC 3339/],
      [
        'event_time 31 days old',
        messageOf({ event_time: new Date(PUBLISH - 31 * DAY).toISOString() }),
        /\/event_time: is earlier than accepted \(2026-01-31T10:00:00.000Z\)/,
      ],
      [
        'event_time 2 days ahead',
        messageOf({ event_time: new Date(PUBLISH + 2 * DAY).toISOString() }),
        /\/event_time: is later than accepted \(2026-03-03T10:00:00.000Z\)/,
      ],
      ['event_time in 2070', messageOf({ event_time: '2070-01-01T00:00:00Z' }), /is later than accepted/],
      ['a leap second', messageOf({ event_time: '2016-12-31T23:59:60Z' }), /\/event_time/],
      [
        '__proto__ key',
        message(JSON.stringify(eventObject()).replace('{', '{"__proto__":{"polluted":true},')),
        /\/__proto__: is not an allowed field/,
      ],
      [
        'constructor key',
        message(JSON.stringify(eventObject({ constructor: { prototype: { polluted: true } } }))),
        /\/constructor: is not an allowed field/,
      ],
      [
        'nested __proto__',
        message(JSON.stringify(eventObject()).replace('"device":{', '"device":{"__proto__":{"x":1},')),
        /\/device\/__proto__: is not an allowed field/,
      ],
      [
        'escaped NUL in an id',
        messageOf({ anonymous_id: 'abc\u0000def' }),
        /\/anonymous_id: must be text without control characters/,
      ],
      [
        'escaped control character in a note',
        messageOf({ note: 'bell \u0007' }),
        /\/note: must be text without control characters/,
      ],
      [
        'raw control character inside a JSON string',
        message(JSON.stringify(eventObject({ note: 'XX' })).replace('XX', 'a\u0001b')),
        /is not valid JSON/,
      ],
      [
        'escaped lone surrogate',
        message(JSON.stringify(eventObject({ note: 'LONE' })).replace('LONE', '\\ud800')),
        /\/note: must be text without control characters \(other than tab, LF, CR\) or unpaired surrogates/,
      ],
      ['raw lone surrogate in string data', message(JSON.stringify(eventObject({ note: 'a\udc00b' }))), /\/note: must be text/],
      ['deeply nested array at the root', message(deep(100_000)), /\(root\): must be object, got array/],
      [
        'deeply nested value in a field',
        message(JSON.stringify(eventObject({ note: 'DEEP' })).replace('"DEEP"', deep(100_000))),
        /\/note: must be string, got array/,
      ],
      [
        'deeply nested unknown field',
        message(JSON.stringify(eventObject({ extra: 'DEEP' })).replace('"DEEP"', deep(100_000))),
        /\/extra: is not an allowed field/,
      ],
      ['invalid UTF-8 bytes', message(bytes(0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d)), /\(root\): is not valid UTF-8/],
      ['overlong UTF-8 encoding', message(bytes(0x7b, 0xc0, 0xaf, 0x7d)), /is not valid UTF-8/],
      ['truncated multi-byte character', message(bytes(0x22, 0xe2, 0x82, 0x22)), /is not valid UTF-8/],
      ['UTF-8 encoded lone surrogate', message(bytes(0x22, 0xed, 0xa0, 0x80, 0x22)), /is not valid UTF-8/],
    ];
    for (const [label, m, reason] of cases) {
      it(label, async () => {
        const failure = await failureOf(m);
        assert.match(failure.reason, reason);
        assert.equal(failure.id, m.id);
        assert.deepEqual(failure.attributes, { source: 'test' });
      });
    }

    it('prototype pollution attempts leave Object.prototype alone', async () => {
      await parse([message(JSON.stringify(eventObject()).replace('{', '{"__proto__":{"polluted":true},'))]);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('a whole batch of bad and good messages: counts add up, in order of kinds', async () => {
      const all = [...cases.map(([, m]) => m), messageOf(), messageOf(), messageOf()];
      const out = await parse(all);
      assert.equal(out.main.elements.length, 3);
      assert.equal(out.dead_letter.elements.length, cases.length);
    });
  });

  describe('oversized payloads', () => {
    const twoMb = 2 * 1024 * 1024;
    const hugeEvent = JSON.stringify(eventObject({ note: 'x'.repeat(twoMb) }));

    it('a 2 MB string is dead-lettered unparsed, its payload cut to 64 KiB', async () => {
      const failure = await failureOf(message(hugeEvent, 'big'));
      assert.match(
        failure.reason,
        /^\(root\): payload is \d+ bytes, over the limit of 1048576; not parsed \(first 65536 bytes kept\)$/,
      );
      assert.equal(Buffer.byteLength(failure.payload ?? '', 'utf8'), 64 * 1024);
      assert.ok(hugeEvent.startsWith(failure.payload ?? '?'));
      assert.equal(failure.eventTimeMs, null);
    });

    it('2 MB of bytes likewise', async () => {
      const failure = await failureOf(message(new Uint8Array(twoMb).fill(0x61)));
      assert.match(failure.reason, /payload is 2097152 bytes/);
      assert.equal(failure.payload, 'a'.repeat(64 * 1024));
    });

    it('the byte limit counts UTF-8 bytes, not characters', async () => {
      const note = '€'.repeat(1000); // 3 bytes each
      const m = messageOf({ note });
      const size = Buffer.byteLength(m.data as string, 'utf8');
      assert.equal((await failureOf(m, { maxPayloadBytes: size - 1 })).reason.includes(`payload is ${size} bytes`), true);
      assert.equal((await parse([m], { maxPayloadBytes: size })).main.elements.length, 1);
    });

    it('cuts a kept payload at a character boundary', () => {
      assert.equal(truncateUtf8('a€b', 2), 'a');
      assert.equal(truncateUtf8('a€b', 4), 'a€');
      assert.equal(truncateUtf8(new TextEncoder().encode('😀😀'), 5), '😀');
      assert.equal(truncateUtf8('short', 100), 'short');
    });
  });

  describe('failure ids and fields', () => {
    it('a message without id gets the SHA-256 hex of its payload', async () => {
      const data = 'not json at all';
      const failure = await failureOf(message(data, ''));
      assert.equal(failure.id, createHash('sha256').update(data).digest('hex'));
      const b = bytes(0xff, 0x00);
      assert.equal((await failureOf(message(b, ''))).id, createHash('sha256').update(b).digest('hex'));
    });

    it('keeps the payload as text (invalid UTF-8 as U+FFFD) and the readable event time', async () => {
      const f1 = await failureOf(message(bytes(0x61, 0xff, 0x62)));
      assert.equal(f1.payload, 'a\uFFFDb');
      const f2 = await failureOf(messageOf({ event_time: '2026-05-01T00:00:00Z' }));
      assert.equal(f2.eventTimeMs, Date.parse('2026-05-01T00:00:00Z'));
      assert.equal((await failureOf(messageOf({ value: 'NaN', event_time: 'yesterday' }))).eventTimeMs, null);
    });

    it('reasons quote no raw PII: JSON parser snippets and field names are masked', async () => {
      const f1 = await failureOf(message('call ann@example.com or +1 415 555 0123'));
      assert.doesNotMatch(f1.reason, /ann@example\.com|415 555 0123/);
      assert.match(f1.reason, /is not valid JSON/);
      const f2 = await failureOf(messageOf({ 'bob@example.com': 1 }));
      assert.equal(f2.reason, '/[EMAIL_ADDRESS]: is not an allowed field (unknown fields are rejected)');
      assert.equal(replaceWithInfoTypes(f2.reason), f2.reason);
    });

    it('reasons stay short even when the payload has a huge key', async () => {
      const failure = await failureOf(messageOf({ ['k'.repeat(500_000)]: 1 }));
      assert.ok(failure.reason.length <= MAX_REASON_CHARS);
    });

    it('a message with no valid publish time is a failure, not a crash', async () => {
      const failure = await failureOf(message(JSON.stringify(eventObject()), 'x', Number.NaN));
      assert.match(failure.reason, /publish time/);
    });
  });

  describe('options', () => {
    it('event-time bounds are relative to each message and configurable', async () => {
      const m = messageOf({ event_time: new Date(PUBLISH - 2 * HOUR).toISOString() });
      assert.match((await failureOf(m, { maxEventAgeMs: HOUR })).reason, /is earlier than accepted/);
      const future = messageOf({ event_time: new Date(PUBLISH + 2 * HOUR).toISOString() });
      assert.match((await failureOf(future, { maxEventFutureMs: HOUR })).reason, /is later than accepted/);
    });

    it('a custom step name is the failure step', async () => {
      const out = await runOn([message('x')], (input) =>
        input.apply(parseAndValidate({ maskText: replaceWithInfoTypes }, 'ParseFileEvents')),
      );
      assert.equal(out.dead_letter.values()[0].step, 'ParseFileEvents');
    });

    it('bad options fail at construction', () => {
      assert.throws(() => parseAndValidate({ maxPayloadBytes: -1, maskText: replaceWithInfoTypes }), PipelineConstructionError);
      assert.throws(
        () => parseAndValidate({ maxEventFutureMs: Number.NaN, maskText: replaceWithInfoTypes }),
        /maxEventFutureMs must be a finite number/,
      );
    });

    it('the step is named ParseEvents', () => {
      assert.equal(parseAndValidate({ maskText: replaceWithInfoTypes }).name, 'ParseEvents');
    });
  });
});
