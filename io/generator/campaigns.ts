/**
 * Campaigns and traffic sources. A session enters through one channel; tagged channels (paid, email, display,
 * affiliate) carry a campaign whose UTM fields appear on every event of the session, so first-touch attribution
 * can be computed from the UTM fields of a user's first event.
 */
import { CAMPAIGN_THEMES, CHANNEL_INFO, REFERRAL_SITES, SEARCH_ENGINES } from './catalog';
import type { Channel } from './event';
import { type Prng, Weighted } from './prng';

export interface Campaign {
  readonly campaignId: string;
  readonly channel: Channel;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
}

/** Where a session came from: its channel, campaign (tagged channels only) and external referrer. */
export interface TrafficSource {
  readonly channel: Channel;
  readonly campaign: Campaign | null;
  readonly referrer: string | null;
}

const QUARTERS = ['q1', 'q2', 'q3', 'q4'] as const;

export class CampaignModel {
  readonly campaigns: readonly Campaign[];
  private readonly channels: Weighted<Channel>;
  private readonly channelsWithoutEmail: Weighted<Channel>;
  private readonly byChannel = new Map<Channel, Weighted<Campaign>>();

  constructor(prng: Prng) {
    const campaigns: Campaign[] = [];
    let n = 0;
    for (const info of CHANNEL_INFO) {
      const own: Campaign[] = [];
      for (const source of info.sources) {
        for (let i = 0; i < info.campaignsPerSource; i++) {
          n++;
          const theme = prng.pick(CAMPAIGN_THEMES);
          const campaign: Campaign = {
            // Stable, readable ids: a sink clusters on them and a human reads them in reports.
            campaignId: `cmp_${String(n).padStart(4, '0')}`,
            channel: info.channel,
            utmSource: source,
            utmMedium: info.medium ?? '',
            utmCampaign: `${theme}_${prng.pick(QUARTERS)}_${source}`,
          };
          own.push(campaign);
        }
      }
      // Zipf-like skew: a few campaigns bring most of a channel's traffic, as in real accounts.
      if (own.length > 0) this.byChannel.set(info.channel, new Weighted(own.map((c, i) => [c, 1 / (i + 1)] as const)));
      campaigns.push(...own);
    }
    this.campaigns = campaigns;
    this.channels = new Weighted(CHANNEL_INFO.map((c) => [c.channel, c.weight] as const));
    this.channelsWithoutEmail = new Weighted(
      CHANNEL_INFO.filter((c) => c.channel !== 'email').map((c) => [c.channel, c.weight] as const),
    );
  }

  /** Anonymous visitors cannot arrive from an email (nobody knows their address), so email is excluded for them. */
  sourceFor(prng: Prng, knownUser: boolean): TrafficSource {
    const channel = (knownUser ? this.channels : this.channelsWithoutEmail).sample(prng);
    const campaigns = this.byChannel.get(channel);
    const campaign = campaigns ? campaigns.sample(prng) : null;
    let referrer: string | null = null;
    switch (channel) {
      case 'organic':
      case 'paid_search':
        referrer = prng.pick(SEARCH_ENGINES);
        break;
      case 'referral':
        referrer = prng.pick(REFERRAL_SITES);
        break;
      case 'paid_social':
        referrer = `https://www.${campaign?.utmSource ?? 'facebook'}.com/`;
        break;
      default:
        referrer = null;
    }
    return { channel, campaign, referrer };
  }
}
