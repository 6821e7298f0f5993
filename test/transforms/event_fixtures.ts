/** Builders of valid pipeline events for transform tests: explicit UTC times, only the fields a test names. */
import { validateEvent } from '../../schemas';
import { type PipelineEvent } from '../../transforms/records';

export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const minute = 60_000;

/** Minutes after T0, the user key (null: no profiling consent), and any event fields (checked by the schema). */
export type EventSpec = { readonly at: number; readonly user?: string | null } & Readonly<Record<string, unknown>>;

let counter = 0;

/** A valid PipelineEvent; validated with the real schema so fixtures cannot drift from it. */
export function pipelineEvent(spec: EventSpec): PipelineEvent {
  const { at, user, ...fields } = spec as { at: number; user?: string | null } & Record<string, unknown>;
  const eventTimeMs = T0 + at * minute;
  const raw: Record<string, unknown> = {
    event_id: `e${++counter}`,
    anonymous_id: 'anon',
    event_type: 'page_view',
    event_time: new Date(eventTimeMs).toISOString(),
    schema_version: 1,
    ...fields,
  };
  const checked = validateEvent(raw);
  if (!checked.ok) throw new Error(`fixture is not a valid event: ${JSON.stringify(checked.errors)}`);
  return {
    messageId: `m-${raw.event_id as string}`,
    event: checked.event,
    eventTimeMs,
    ingestTimeMs: eventTimeMs,
    attributes: {},
    userKey: user === undefined ? 'user-a' : user,
    restrictions: { profiling: user !== null, advertising: true },
  };
}
