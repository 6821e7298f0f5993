/**
 * EnrichEvents: joins campaign metadata and user profiles to events, from side inputs.
 *
 * The side data is configuration, read by the pipeline from JSON Lines files (io/files/json_lines_source.ts:
 * campaignsFromFile, profilesFromFile in pipelines/side_data.ts) and keyed here:
 *   - campaigns, by `campaignKey.byId(campaign_id)` and `campaignKey.byName(utm_campaign)` (keyCampaigns); an
 *     event is matched by its campaign_id first, then by its utm_campaign (many links carry only the name);
 *   - profiles, by pseudonymous user key (keyProfiles, with the masker's userKey), so raw user ids from the CRM
 *     file meet events only in pseudonymous form. An event gets a profile only when consent allows profiling.
 *
 * The schemas of the side data lines are here too (decodeCampaignMeta, decodeProfile): a bad line is a
 * configuration error that stops the pipeline at start-up, not a dead letter.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  type DoFn,
  type KV,
  type PCollection,
  type PCollectionView,
  type PTransform,
  type ProcessContext,
  kv,
  parDo,
} from '../sdk';
import { PipelineConstructionError } from '../sdk/errors';
import { CHANNELS, PATTERNS, campaignOf, compileChecker, formatIssues, stringEnum } from '../schemas';
import { type CampaignMeta, type PipelineEvent, type ProfileAttributes } from './records';

const text = (maxLength: number) => Type.String({ maxLength, pattern: PATTERNS.text.pattern });
const id = Type.String({ minLength: 1, maxLength: 256, pattern: PATTERNS.text.pattern });
const date = Type.String({ format: 'date' });
const currency = Type.String({ pattern: PATTERNS.currency.pattern });
const amount = Type.Number({ minimum: 0 });
/** A field that may be absent or null; decoding turns both into null. */
const opt = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** One line of the campaigns file. */
export const CampaignLineSchema = Type.Object(
  {
    campaign_id: id,
    utm_campaign: opt(id),
    name: text(256),
    channel: opt(stringEnum(CHANNELS)),
    objective: opt(text(64)),
    start_date: opt(date),
    end_date: opt(date),
    daily_budget: opt(amount),
    currency: opt(currency),
  },
  { additionalProperties: false },
);

/** One line of the profiles file: the CRM's user id and the attributes. */
export const ProfileLineSchema = Type.Object(
  {
    user_id: id,
    segment: opt(text(64)),
    loyalty_tier: opt(text(64)),
    lifetime_value: opt(amount),
    currency: opt(currency),
    signup_date: opt(date),
    email_opt_in: opt(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A profile as read from the file, before it is keyed by user key. */
export interface ProfileLine extends ProfileAttributes {
  readonly user_id: string;
}

const checkCampaign = compileChecker(CampaignLineSchema);
const checkProfile = compileChecker(ProfileLineSchema);

// The file schemas and the record types must describe the same fields.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
const _campaignFieldsMatch: SameKeys<Static<typeof CampaignLineSchema>, CampaignMeta> = true;
const _profileFieldsMatch: SameKeys<Static<typeof ProfileLineSchema>, ProfileLine> = true;

/** Checks one parsed line of the campaigns file; throws an Error that says what is wrong with it. */
export function decodeCampaignMeta(value: unknown): CampaignMeta {
  const checked = checkCampaign(value);
  if (!checked.ok) throw new Error(`not a campaign: ${formatIssues(checked.errors)}`);
  const c = checked.value;
  return {
    campaign_id: c.campaign_id,
    utm_campaign: c.utm_campaign ?? null,
    name: c.name,
    channel: c.channel ?? null,
    objective: c.objective ?? null,
    start_date: c.start_date ?? null,
    end_date: c.end_date ?? null,
    daily_budget: c.daily_budget ?? null,
    currency: c.currency ?? null,
  };
}

/** Checks one parsed line of the profiles file; throws an Error that says what is wrong with it. */
export function decodeProfile(value: unknown): ProfileLine {
  const checked = checkProfile(value);
  if (!checked.ok) throw new Error(`not a profile: ${formatIssues(checked.errors)}`);
  const p = checked.value;
  return {
    user_id: p.user_id,
    segment: p.segment ?? null,
    loyalty_tier: p.loyalty_tier ?? null,
    lifetime_value: p.lifetime_value ?? null,
    currency: p.currency ?? null,
    signup_date: p.signup_date ?? null,
    email_opt_in: p.email_opt_in ?? null,
  };
}

/** Keys of the campaign map; the prefixes keep an id and a name that happen to be equal apart. */
export const campaignKey = {
  byId: (campaignId: string) => `id:${campaignId}`,
  byName: (utmCampaign: string) => `utm:${utmCampaign}`,
};

/** Campaign metadata under both of its keys: PCollection<CampaignMeta> → PCollection<KV<key, CampaignMeta>>. */
export function keyCampaigns(
  name = 'KeyCampaigns',
): PTransform<PCollection<CampaignMeta>, PCollection<KV<string, CampaignMeta>>> {
  return parDo<CampaignMeta, KV<string, CampaignMeta>>(
    {
      process(c: CampaignMeta, ctx: ProcessContext<KV<string, CampaignMeta>>) {
        ctx.output(kv(campaignKey.byId(c.campaign_id), c));
        if (c.utm_campaign !== null) ctx.output(kv(campaignKey.byName(c.utm_campaign), c));
      },
    },
    { keyed: true },
    name,
  );
}

export interface KeyProfilesOptions {
  /** The pseudonym of a user id: the masker's `userKey`, so profiles meet events under the same key. */
  readonly userKey: (userId: string) => string;
}

/** Profiles by pseudonymous user key: PCollection<ProfileLine> → PCollection<KV<userKey, ProfileAttributes>>. */
export function keyProfiles(
  options: KeyProfilesOptions,
  name = 'KeyProfiles',
): PTransform<PCollection<ProfileLine>, PCollection<KV<string, ProfileAttributes>>> {
  const { userKey } = options;
  return parDo<ProfileLine, KV<string, ProfileAttributes>>(
    {
      process(p: ProfileLine, ctx: ProcessContext<KV<string, ProfileAttributes>>) {
        const { user_id: userId, ...attributes } = p;
        ctx.output(kv(userKey(userId), attributes));
      },
    },
    { keyed: true },
    name,
  );
}

export interface EnrichOptions {
  /** Campaign metadata keyed by `campaignKey` (asMap over keyCampaigns' output). */
  readonly campaigns?: PCollectionView<ReadonlyMap<string, CampaignMeta>>;
  /** Profile attributes keyed by pseudonymous user key (asMap over keyProfiles' output). */
  readonly profiles?: PCollectionView<ReadonlyMap<string, ProfileAttributes>>;
}

/** The campaign metadata of an event: by campaign_id, else by utm_campaign; null when neither matches. */
export function lookUpCampaign(e: PipelineEvent, campaigns: ReadonlyMap<string, CampaignMeta>): CampaignMeta | null {
  const c = campaignOf(e.event);
  return (
    (c.campaign_id !== null ? campaigns.get(campaignKey.byId(c.campaign_id)) : undefined) ??
    (c.utm_campaign !== null ? campaigns.get(campaignKey.byName(c.utm_campaign)) : undefined) ??
    null
  );
}

/** The profile of an event's user; null when unknown, and always null without profiling consent. */
export function lookUpProfile(e: PipelineEvent, profiles: ReadonlyMap<string, ProfileAttributes>): ProfileAttributes | null {
  if (!e.restrictions.profiling || e.userKey === null) return null;
  return profiles.get(e.userKey) ?? null;
}

class EnrichFn implements DoFn<PipelineEvent, PipelineEvent> {
  constructor(private readonly options: EnrichOptions) {}

  process(e: PipelineEvent, ctx: ProcessContext<PipelineEvent>): void {
    const { campaigns, profiles } = this.options;
    ctx.output({
      ...e,
      ...(campaigns !== undefined && { campaignMeta: lookUpCampaign(e, ctx.sideInput(campaigns)) }),
      ...(profiles !== undefined && { profile: lookUpProfile(e, ctx.sideInput(profiles)) }),
    });
  }
}

/**
 * Adds `campaignMeta` and `profile` to every event from the side inputs given: PCollection<PipelineEvent> →
 * PCollection<PipelineEvent>. Run it after maskPii (profiles are keyed by the pseudonymous user key). Events wait
 * until the side inputs are complete (a bounded file side input: read to its end).
 */
export function enrich(
  options: EnrichOptions,
  name = 'EnrichEvents',
): PTransform<PCollection<PipelineEvent>, PCollection<PipelineEvent>> {
  if (options.campaigns === undefined && options.profiles === undefined) {
    throw new PipelineConstructionError('enrich needs at least one side input: campaigns or profiles');
  }
  const sideInputs: PCollectionView<unknown>[] = [];
  if (options.campaigns !== undefined) sideInputs.push(options.campaigns as PCollectionView<unknown>);
  if (options.profiles !== undefined) sideInputs.push(options.profiles as PCollectionView<unknown>);
  return parDo<PipelineEvent, PipelineEvent>(new EnrichFn(options), { sideInputs }, name);
}
