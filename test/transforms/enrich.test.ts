/**
 * EnrichEvents: campaign metadata and profiles joined from side inputs read from the sample JSON Lines files, on
 * the direct runner; lookups as pure functions; the side-data line checks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../sdk/clock';
import { PipelineConstructionError } from '../../sdk/errors';
import { Pipeline } from '../../sdk/pipeline';
import { asMap } from '../../sdk/side_inputs';
import { capture } from '../../sdk/testing';
import { create, read } from '../../sdk/transforms/read';
import { StepFailedError, runPipeline } from '../../runners/direct';
import { campaignsFromFile, profilesFromFile } from '../../pipelines/side_data';
import { applyConsent } from '../../transforms/consent';
import {
  campaignKey,
  decodeCampaignMeta,
  decodeProfile,
  enrich,
  keyCampaigns,
  keyProfiles,
  lookUpCampaign,
  lookUpProfile,
} from '../../transforms/enrich';
import { maskPii } from '../../transforms/mask_pii';
import { type TablePiiMasker } from '../../io/dlp/table_masker';
import { type CampaignMeta, type PipelineEvent, type ProfileAttributes } from '../../transforms/records';
import { NOW, parsedEvent, testMasker } from './privacy_fixtures';

const CAMPAIGNS = join(__dirname, '../../data-samples/campaigns.jsonl');
const PROFILES = join(__dirname, '../../data-samples/profiles.jsonl');
let masker: TablePiiMasker;
before(async () => {
  masker = await testMasker();
});

/** parse-level events → consent → mask → enrich with both sample files. */
async function enrichAll(events: readonly PipelineEvent[], files = { campaigns: CAMPAIGNS, profiles: PROFILES }) {
  const p = new Pipeline();
  const campaigns = asMap(p.apply(read(campaignsFromFile(files.campaigns), 'ReadCampaigns')).apply(keyCampaigns()));
  const profiles = asMap(
    p.apply(read(profilesFromFile(files.profiles), 'ReadProfiles')).apply(keyProfiles({ userKey: (id) => masker.userKey(id) })),
  );
  const out = p
    .apply(create(events, {}, 'Events'))
    .apply(applyConsent())
    .apply(maskPii(masker))
    .main.apply(enrich({ campaigns, profiles }));
  const captured = capture(out);
  await runPipeline(p, { clock: new ManualClock(NOW) });
  return new Map(captured.values().map((e) => [e.event.event_id, e]));
}

describe('enrich', () => {
  it('joins campaign metadata by campaign_id, else utm_campaign, and profiles by user key (with consent only)', async () => {
    const gdprNo = { analytics: false, ads: false, gdpr_applies: true, ccpa_opt_out: false };
    const events = [
      parsedEvent({ event_id: 'by-id', user_id: 'u_b4016798', campaign_id: 'cmp_0002', utm_campaign: 'whatever' }),
      parsedEvent({
        event_id: 'by-name',
        user_id: 'u_nobody',
        campaign_id: undefined,
        utm_campaign: 'back_to_school_q2_facebook',
      }),
      parsedEvent({
        event_id: 'nested',
        campaign_id: undefined,
        utm_campaign: undefined,
        utm_source: undefined,
        campaign: { id: 'cmp_0034', source: 'google' },
      }),
      parsedEvent({ event_id: 'unknown', campaign_id: 'cmp_9999', utm_campaign: 'nope' }),
      parsedEvent({
        event_id: 'none',
        campaign_id: undefined,
        utm_campaign: undefined,
        utm_source: undefined,
        utm_medium: undefined,
        channel: undefined,
      }),
      parsedEvent({ event_id: 'no-consent', user_id: 'u_a590fcc6', consent: gdprNo }),
      parsedEvent({ event_id: 'anon-profile', user_id: undefined, anonymous_id: 'u_2139d667' }),
    ];
    const byId = await enrichAll(events);
    assert.equal(byId.size, events.length, 'nothing dropped');
    assert.equal(byId.get('by-id')?.campaignMeta?.name, 'Summer clearance – Google Search');
    assert.equal(byId.get('by-name')?.campaignMeta?.campaign_id, 'cmp_0011');
    assert.equal(byId.get('nested')?.campaignMeta?.name, 'Black Friday – Criteo retargeting');
    assert.equal(byId.get('unknown')?.campaignMeta, null);
    assert.equal(byId.get('none')?.campaignMeta, null);
    assert.deepEqual(byId.get('by-id')?.profile, {
      segment: 'loyal',
      loyalty_tier: 'gold',
      lifetime_value: 1520.4,
      currency: 'EUR',
      signup_date: '2021-03-14',
      email_opt_in: true,
    });
    assert.equal(byId.get('by-name')?.profile, null, 'unknown user');
    assert.equal(byId.get('no-consent')?.profile, null, 'a profile is profiling: not without consent');
    assert.equal(byId.get('anon-profile')?.profile?.segment, 'at_risk', 'the user key of an anonymous id matches too');
    for (const e of byId.values()) assert.equal(e.piiMasked, true);
  });

  it('a bad side-data line stops the run with file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enrich-'));
    const bad = join(dir, 'campaigns.jsonl');
    writeFileSync(bad, '{"campaign_id":"c1","name":"ok"}\n\n{"campaign_id":"c2","name":"x","daily_budget":"100"}\n');
    await assert.rejects(enrichAll([parsedEvent()], { campaigns: bad, profiles: PROFILES }), (e: unknown) => {
      assert.ok(e instanceof StepFailedError);
      assert.match(e.message, /ReadCampaigns/);
      assert.match(
        e.message,
        new RegExp(
          `${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not a campaign: /daily_budget: must be number or null, got string`,
        ),
      );
      return true;
    });
  });

  it('works with one side input, and refuses none', async () => {
    const p = new Pipeline();
    const campaigns = asMap(
      p
        .apply(create<CampaignMeta>([decodeCampaignMeta({ campaign_id: 'c1', name: 'C1' })], {}, 'Campaigns'))
        .apply(keyCampaigns()),
    );
    const [e] = await masker.maskBatch([parsedEvent({ campaign_id: 'c1' })]);
    assert.ok(e.ok);
    const out = capture(
      p
        .apply(create([{ ...parsedEvent({ campaign_id: 'c1' }), event: e.event, userKey: e.userKey }], {}, 'Events'))
        .apply(enrich({ campaigns })),
    );
    await runPipeline(p, { clock: new ManualClock(NOW) });
    const [only] = out.values();
    assert.equal(only.campaignMeta?.name, 'C1');
    assert.equal('profile' in only, false, 'no profile side input: the field is not set');
    assert.throws(() => enrich({}), PipelineConstructionError);
    assert.equal(enrich({ campaigns }).name, 'EnrichEvents');
  });

  describe('lookups', () => {
    const meta = (over: Partial<CampaignMeta>): CampaignMeta => decodeCampaignMeta({ campaign_id: 'x', name: 'X', ...over });
    const campaigns = new Map<string, CampaignMeta>([
      [campaignKey.byId('cmp_1'), meta({ campaign_id: 'cmp_1', name: 'by id' })],
      [campaignKey.byName('spring'), meta({ campaign_id: 'cmp_2', utm_campaign: 'spring', name: 'by name' })],
      [campaignKey.byName('cmp_1'), meta({ campaign_id: 'cmp_3', name: 'a name equal to an id' })],
    ]);

    it('campaign_id wins over utm_campaign; ids and names do not collide', () => {
      assert.equal(lookUpCampaign(parsedEvent({ campaign_id: 'cmp_1', utm_campaign: 'spring' }), campaigns)?.name, 'by id');
      assert.equal(lookUpCampaign(parsedEvent({ campaign_id: 'cmp_x', utm_campaign: 'spring' }), campaigns)?.name, 'by name');
      assert.equal(
        lookUpCampaign(parsedEvent({ campaign_id: undefined, utm_campaign: 'cmp_1' }), campaigns)?.name,
        'a name equal to an id',
      );
    });

    it('profiles need a user key and profiling consent', () => {
      const profiles = new Map<string, ProfileAttributes>([['k1', decodeProfile({ user_id: 'u', segment: 'vip' })]]);
      const e = { ...parsedEvent(), userKey: 'k1' };
      assert.equal(lookUpProfile(e, profiles)?.segment, 'vip');
      assert.equal(lookUpProfile({ ...e, restrictions: { profiling: false, advertising: false } }, profiles), null);
      assert.equal(lookUpProfile({ ...e, userKey: null }, profiles), null);
    });
  });

  describe('side-data lines', () => {
    it('decode with nulls for absent fields', () => {
      assert.deepEqual(decodeCampaignMeta({ campaign_id: 'c', name: 'N' }), {
        campaign_id: 'c',
        utm_campaign: null,
        name: 'N',
        channel: null,
        objective: null,
        start_date: null,
        end_date: null,
        daily_budget: null,
        currency: null,
      });
      assert.equal(decodeProfile({ user_id: 'u' }).lifetime_value, null);
    });

    it('refuse what is not a campaign or a profile, saying why', () => {
      assert.throws(() => decodeCampaignMeta({ name: 'N' }), /not a campaign: \/campaign_id: is required/);
      assert.throws(() => decodeCampaignMeta({ campaign_id: 'c', name: 'N', channel: 'tv' }), /\/channel/);
      assert.throws(() => decodeCampaignMeta({ campaign_id: 'c', name: 'N', start_date: '2024-02-30' }), /\/start_date/);
      assert.throws(
        () => decodeCampaignMeta({ campaign_id: 'c', name: 'N', __proto__: { x: 1 }, budget: 1 }),
        /\/budget: is not an allowed field/,
      );
      assert.throws(() => decodeProfile({ user_id: '', segment: 'x' }), /not a profile: \/user_id/);
      assert.throws(() => decodeProfile([]), /not a profile/);
    });
  });
});
