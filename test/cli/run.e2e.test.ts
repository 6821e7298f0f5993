/**
 * The marketing pipeline end to end through the `tidemark` command, checked against the generator's ground
 * truth: every message accounted for once, sessions as the truth says, idempotent re-runs, no raw PII anywhere,
 * malformed input in dead_letter with a reason.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { computeSessions, generateWithTruth } from '../../io/generator';
import { restrictionsFor } from '../../transforms/consent';
import { decryptPayload } from '../../io/dlp/envelope';
import { LocalKeyFile } from '../../io/dlp/keys';
import { cryptoHash } from '../../io/dlp/primitive_transformations';
import { type RunSummary } from '../../pipelines/run_marketing_events';
import { type MarketingEvent, validateEvent } from '../../schemas';
import { lastJsonLine, query, tempDir, tidemark } from './cli_harness';

const EVENTS = 20_000;
const SEED = 7;
const GAP = 30 * 60_000;

describe('tidemark run (generator → pipeline → DuckDB), against the ground truth', function () {
  this.timeout(180_000);
  const dir = tempDir('e2e');
  const warehouse = join(dir.path, 'wh.duckdb');
  const { messages, truth } = generateWithTruth({ events: EVENTS, seed: SEED });
  let summary: RunSummary;

  before(() => {
    const r = tidemark(['run', '--events', String(EVENTS), '--seed', String(SEED), '--warehouse', warehouse, '--json']);
    assert.equal(r.code, 0, r.stderr);
    summary = lastJsonLine<RunSummary>(r);
  });
  after(() => dir.cleanup());

  it('accounts for every message exactly once: events + late + dead letters + duplicates = in', () => {
    assert.equal(summary.events_in, EVENTS);
    assert.equal(summary.events_written + summary.late + summary.dead_letter + summary.duplicates_dropped, EVENTS);
    const lateIds = new Set(truth.late);
    const duplicatesOfLate = truth.duplicates.filter((d) => lateIds.has(d.eventId)).length;
    assert.equal(summary.events_written, truth.counts.valid);
    assert.equal(summary.dead_letter, truth.counts.malformed);
    assert.equal(summary.late, truth.counts.late + duplicatesOfLate);
    assert.equal(summary.duplicates_dropped, truth.counts.duplicates - duplicatesOfLate);
  });

  it('writes the events, late events and dead letters the truth names, by id', () => {
    const [{ n: events }] = query<{ n: number }>(warehouse, 'SELECT count(DISTINCT event_id) AS n FROM events');
    assert.equal(events, truth.counts.valid);
    const late = new Set(query<{ event_id: string }>(warehouse, 'SELECT event_id FROM late_events').map((r) => r.event_id));
    assert.deepEqual([...late].sort(), [...truth.late].sort());
    const dead = query<{ id: string; reason: string; step: string }>(warehouse, 'SELECT id, reason, step FROM dead_letter');
    assert.deepEqual(dead.map((d) => d.id).sort(), truth.malformed.map((m) => m.messageId).sort());
    for (const d of dead) {
      assert.ok(d.reason.length > 0, `dead letter ${d.id} has a reason`);
      assert.equal(d.step, 'ParseEvents');
    }
  });

  it('sessions equal the ground truth (on-time events of users with profiling consent, Beam session rule)', () => {
    // The user key is config/deidentify.json's cryptoHash of the id, with the development key the run used.
    const key = new LocalKeyFile().keySync('tidemark-user-key', 32);
    const lateIds = new Set(truth.late);
    const seen = new Set<string>();
    const inputs: { userKey: string; eventTime: number; eventId: string }[] = [];
    for (const m of messages) {
      if (m.kind !== 'valid') continue;
      const checked = validateEvent(JSON.parse(m.data));
      assert.ok(checked.ok);
      const e: MarketingEvent = checked.event;
      if (lateIds.has(e.event_id) || seen.has(e.event_id)) continue;
      seen.add(e.event_id);
      if (!restrictionsFor(e).profiling) continue;
      inputs.push({
        userKey: cryptoHash((e.user_id ?? e.anonymous_id) as string, key),
        eventTime: checked.eventTimeMs,
        eventId: e.event_id,
      });
    }
    const expected = [...computeSessions(inputs, GAP).values()]
      .flat()
      .map((s) => `${s.userKey}@${s.start}`)
      .sort();
    const actual = query<{ user_key: string; start_ms: number }>(
      warehouse,
      'SELECT user_key, epoch_ms(session_start) AS start_ms FROM sessions',
    )
      .map((s) => `${s.user_key}@${s.start_ms}`)
      .sort();
    assert.equal(actual.length, expected.length);
    assert.deepEqual(actual, expected);
    assert.equal(summary.sessions, expected.length);
  });

  it('dead-letter payloads are envelope-encrypted, and an authorised reader (the key source) gets them back', async () => {
    const rows = query<{ id: string; payload: string; payload_encoding: string }>(
      warehouse,
      'SELECT id, payload, payload_encoding FROM dead_letter WHERE payload IS NOT NULL ORDER BY id LIMIT 20',
    );
    assert.ok(rows.length > 0);
    const sent = new Map(messages.map((m) => [m.id, m.data]));
    for (const row of rows) {
      assert.equal(row.payload_encoding, 'aes_gcm_envelope');
      assert.equal(await decryptPayload(row.payload, new LocalKeyFile()), sent.get(row.id), `dead letter ${row.id}`);
    }
  });

  it('a second run of the same input changes nothing (idempotent sinks)', () => {
    const fingerprint = (): unknown[] =>
      [
        "SELECT count(*) AS n, md5(string_agg(event_id || user_key || event_type, ',' ORDER BY event_id)) AS h FROM events",
        "SELECT count(*) AS n, md5(string_agg(session_id || event_count || pane_index, ',' ORDER BY session_id)) AS h FROM sessions",
        "SELECT count(*) AS n, md5(string_agg(campaign || window_start || pane_index || events, ',' ORDER BY campaign, window_start, pane_index)) AS h FROM campaign_metrics",
        "SELECT count(*) AS n, md5(string_agg(user_key || sessions_count, ',' ORDER BY user_key)) AS h FROM user_features",
        "SELECT count(*) AS n, md5(string_agg(id || reason, ',' ORDER BY id)) AS h FROM dead_letter",
        "SELECT count(*) AS n, md5(string_agg(event_id, ',' ORDER BY event_id)) AS h FROM late_events",
      ].map((sql) => query(warehouse, sql)[0]);
    const before = fingerprint();
    const r = tidemark(['run', '--events', String(EVENTS), '--seed', String(SEED), '--warehouse', warehouse, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fingerprint(), before);
  });

  it('no raw PII from the input appears in any table', () => {
    const pii = new Set<string>();
    for (const m of messages) {
      if (m.kind === 'malformed') continue;
      const e = JSON.parse(m.data) as Record<string, unknown>;
      for (const field of ['email', 'phone', 'ip', 'name', 'user_id', 'anonymous_id']) {
        if (typeof e[field] === 'string' && (e[field] as string).length >= 6) pii.add(e[field] as string);
      }
    }
    // Each detector has a cheap pre-check, so long payloads are not scanned by a backtracking regex for nothing.
    const detectors: [string, string, RegExp][] = [
      ['email', '@', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
      ['ipv4', '.', /\b(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/],
      ['phone', '', /\+\d{7,15}\b|\(\d{3}\)\s?\d{3}-\d{4}/],
    ];
    // PII values appear whole as JSON string values or cells: split cells on quotes and look each piece up.
    const leaks = (text: string): string | undefined => {
      if (pii.has(text)) return text;
      for (const piece of text.split('"')) if (pii.has(piece)) return piece;
      return undefined;
    };
    for (const table of ['events', 'sessions', 'campaign_metrics', 'user_features', 'dead_letter', 'late_events']) {
      const rows = query(warehouse, `SELECT * FROM ${table}`);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          const text =
            typeof value === 'string' ? value : value !== null && typeof value === 'object' ? JSON.stringify(value) : '';
          if (!text) continue;
          for (const [what, hint, re] of detectors) {
            if (text.includes(hint)) assert.ok(!re.test(text), `${what} in ${table}.${column}: ${text.slice(0, 200)}`);
          }
          const leaked = leaks(text);
          assert.equal(leaked, undefined, `raw PII '${leaked}' in ${table}.${column}`);
        }
      }
    }
  });
});
