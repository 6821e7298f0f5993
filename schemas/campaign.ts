/**
 * One reading of an event's campaign, whichever form the producer used.
 *
 * Producers send the campaign either flat (`utm_source`, `utm_medium`, `utm_campaign`, `campaign_id`, `channel`;
 * what URL tagging gives) or nested (`campaign: {source, medium, name, id, channel}`; what Segment-style SDKs
 * give). Both are valid; giving both is valid when they agree. Transforms read the campaign only through
 * `campaignOf`, so the two forms never leak past validation.
 */
import type { Channel } from './enums';
import type { MarketingEvent } from './event';

/** The normalized (flat) campaign; null when the event does not say. */
export interface CampaignFields {
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  campaign_id: string | null;
  channel: Channel | null;
}

type CampaignKey = keyof NonNullable<MarketingEvent['campaign']>;

/** Nested key → flat field. */
export const CAMPAIGN_FIELD_MAP: Readonly<Record<CampaignKey, keyof CampaignFields>> = {
  source: 'utm_source',
  medium: 'utm_medium',
  name: 'utm_campaign',
  id: 'campaign_id',
  channel: 'channel',
};

/** A nested campaign key whose value differs from its flat twin. */
export interface CampaignConflict {
  nested: CampaignKey;
  flat: keyof CampaignFields;
}

/** Pairs where the event gives both forms with different values (the validator rejects such events). */
export function campaignConflicts(event: MarketingEvent): CampaignConflict[] {
  const nested = event.campaign;
  if (nested === undefined) return [];
  const conflicts: CampaignConflict[] = [];
  for (const key of Object.keys(CAMPAIGN_FIELD_MAP) as CampaignKey[]) {
    const flat = CAMPAIGN_FIELD_MAP[key];
    const a = nested[key];
    const b = event[flat];
    if (a !== undefined && b !== undefined && a !== b) conflicts.push({ nested: key, flat });
  }
  return conflicts;
}

/** The event's campaign in the flat form; a flat field wins over its nested twin (they agree on valid events). */
export function campaignOf(event: MarketingEvent): CampaignFields {
  const nested = event.campaign ?? {};
  return {
    utm_source: event.utm_source ?? nested.source ?? null,
    utm_medium: event.utm_medium ?? nested.medium ?? null,
    utm_campaign: event.utm_campaign ?? nested.name ?? null,
    campaign_id: event.campaign_id ?? nested.id ?? null,
    channel: event.channel ?? nested.channel ?? null,
  };
}
