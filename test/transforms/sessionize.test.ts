import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../sdk/clock';
import { Pipeline } from '../../sdk/pipeline';
import { TestStream, capture, testStream, tv } from '../../sdk/testing';
import { create } from '../../sdk/transforms/read';
import { runPipeline } from '../../runners/direct';
import { type PipelineEvent } from '../../transforms/records';
import { type SessionSummary, sessionId, sessionize } from '../../transforms/sessionize';
import { T0, minute, pipelineEvent } from './event_fixtures';

async function sessionsOf(stream: TestStream<PipelineEvent>) {
  const p = new Pipeline();
  const out = p.apply(testStream(stream)).apply(sessionize({ allowedLatenessMs: 60 * minute }));
  const rows = capture(out.sessions);
  await runPipeline(p, { clock: new ManualClock(0) });
  return rows.values();
}

/** Applies panes as the warehouse does: deletes of superseded sessions, then upsert by session id. */
function table(panes: readonly SessionSummary[]): Map<string, SessionSummary> {
  const t = new Map<string, SessionSummary>();
  for (const s of panes) {
    for (const id of s.supersededSessionIds) if (id !== s.sessionId) t.delete(id);
    t.set(s.sessionId, s);
  }
  return t;
}

const at = (e: PipelineEvent) => tv(e, e.eventTimeMs);

describe('sessionize', () => {
  it('summarizes a session: counts, pages, first/last touch campaign, conversions, revenue', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(
        at(pipelineEvent({ at: 0, page: '/landing', utm_campaign: 'spring', device: { type: 'mobile' }, country: 'DE' })),
        at(pipelineEvent({ at: 5, event_type: 'click', page: '/product', utm_campaign: 'retarget' })),
        at(pipelineEvent({ at: 12, event_type: 'purchase', value: 40, currency: 'EUR', page: '/thanks' })),
      )
      .advanceWatermarkToInfinity();
    const [row] = await sessionsOf(s);
    assert.equal(row.eventCount, 3);
    assert.equal(row.pageViews, 1);
    assert.equal(row.landingPage, '/landing');
    assert.equal(row.exitPage, '/thanks');
    assert.equal(row.firstTouchCampaign, 'spring');
    assert.equal(row.lastTouchCampaign, 'retarget');
    assert.equal(row.conversions, 1);
    assert.equal(row.revenue, 40);
    assert.equal(row.currency, 'EUR');
    assert.equal(row.deviceType, 'mobile');
    assert.equal(row.country, 'DE');
    assert.equal(row.start, T0);
    assert.equal(row.end, T0 + 12 * minute);
    assert.equal(row.sessionId, sessionId('user-a', T0));
  });

  it('events without profiling consent take no part', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(pipelineEvent({ at: 0, user: null })), at(pipelineEvent({ at: 1 })))
      .advanceWatermarkToInfinity();
    const rows = await sessionsOf(s);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].eventCount, 1);
  });

  it('a late event bridging two written sessions: one row remains, the absorbed session is deleted', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(pipelineEvent({ at: 0 })), at(pipelineEvent({ at: 50 })))
      .advanceWatermarkTo(T0 + 85 * minute)
      .addElements(at(pipelineEvent({ at: 25 })))
      .advanceWatermarkToInfinity();
    const panes = await sessionsOf(s);
    const rows = [...table(panes).values()];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].eventCount, 3);
    assert.equal(rows[0].sessionId, sessionId('user-a', T0));
    assert.deepEqual(panes[panes.length - 1].supersededSessionIds, [sessionId('user-a', T0 + 50 * minute)]);
  });

  it('a late event before a written session moves its start: the old row is replaced by the new id', async () => {
    const s = TestStream.create<PipelineEvent>()
      .addElements(at(pipelineEvent({ at: 20 })))
      .advanceWatermarkTo(T0 + 60 * minute)
      .addElements(at(pipelineEvent({ at: 5 })))
      .advanceWatermarkToInfinity();
    const rows = [...table(await sessionsOf(s)).values()];
    assert.deepEqual(
      rows.map((r) => [r.sessionId, r.eventCount]),
      [[sessionId('user-a', T0 + 5 * minute), 2]],
    );
  });

  it('property: the applied table equals a reference sessionizer, for any arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ user: fc.constantFrom('u1', 'u2', 'u3'), at: fc.integer({ min: 0, max: 300 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (specs) => {
          const events = specs.map((x) => pipelineEvent({ at: x.at, user: x.user }));
          const p = new Pipeline();
          const out = p
            .apply(create(events, { timestamps: events.map((e) => e.eventTimeMs) }))
            .apply(sessionize({ gapMs: 30 * minute }));
          const rows = capture(out.sessions);
          await runPipeline(p);
          const got = [...table(rows.values()).values()].map((r) => `${r.userKey}@${r.start}+${r.eventCount}`).sort();
          // Reference: per user, sort times, split where the next event is gap or more later.
          const expected: string[] = [];
          for (const user of ['u1', 'u2', 'u3']) {
            const times = events
              .filter((e) => e.userKey === user)
              .map((e) => e.eventTimeMs)
              .sort((a, b) => a - b);
            let start = 0;
            for (let i = 1; i <= times.length; i++) {
              if (i === times.length || times[i] - times[i - 1] >= 30 * minute) {
                expected.push(`${user}@${times[start]}+${i - start}`);
                start = i;
              }
            }
          }
          assert.deepEqual(got, expected.sort());
        },
      ),
      { numRuns: 60 },
    );
  });
});
