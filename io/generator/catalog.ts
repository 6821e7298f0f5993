/**
 * Reference data for the clickstream model: countries (with regions, currency, phone formats, privacy regime),
 * devices, names, products, pages and traffic sources. Plain data, no randomness: the model files draw from it.
 *
 * Weights are rough shapes of a mid-size international web shop, not statistics; what matters for tests is that
 * every branch (EU consent, California CCPA, IPv6, national phone formats, multi-currency) occurs often enough.
 */
import type { Channel, DeviceType } from './event';

export type PrivacyRegime = 'gdpr' | 'ccpa' | 'none';

export interface CountryInfo {
  readonly code: string;
  readonly weight: number;
  readonly currency: string;
  /** Units of `currency` per USD, to price the (USD) catalog locally. */
  readonly fxPerUsd: number;
  /** Digits after the decimal point in `currency` (JPY has none). */
  readonly minorDigits: number;
  /** GDPR (EU/EEA, and the UK's copy of it) applies to every user of the country. */
  readonly gdpr: boolean;
  readonly callingCode: string;
  /** National format, '#' = a digit. A leading '0' is the trunk prefix, dropped in E.164. */
  readonly nationalPhone: string;
  readonly emailDomains: readonly string[];
  /** ISO 3166-2 subdivision codes with weights. */
  readonly regions: ReadonlyArray<readonly [string, number]>;
}

export const COUNTRIES: readonly CountryInfo[] = [
  {
    code: 'US',
    weight: 34,
    currency: 'USD',
    fxPerUsd: 1,
    minorDigits: 2,
    gdpr: false,
    callingCode: '1',
    nationalPhone: '(###) ###-####',
    emailDomains: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com'],
    regions: [
      ['US-CA', 14],
      ['US-TX', 10],
      ['US-NY', 8],
      ['US-FL', 8],
      ['US-IL', 5],
      ['US-WA', 4],
      ['US-PA', 4],
      ['US-OH', 3],
      ['US-GA', 3],
      ['US-MA', 3],
    ],
  },
  {
    code: 'GB',
    weight: 9,
    currency: 'GBP',
    fxPerUsd: 0.79,
    minorDigits: 2,
    gdpr: true,
    callingCode: '44',
    nationalPhone: '07### ######',
    emailDomains: ['gmail.com', 'btinternet.com', 'hotmail.co.uk'],
    regions: [
      ['GB-ENG', 84],
      ['GB-SCT', 8],
      ['GB-WLS', 5],
      ['GB-NIR', 3],
    ],
  },
  {
    code: 'DE',
    weight: 9,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '49',
    nationalPhone: '015# ########',
    emailDomains: ['gmail.com', 'web.de', 'gmx.de', 't-online.de'],
    regions: [
      ['DE-BY', 16],
      ['DE-NW', 22],
      ['DE-BW', 13],
      ['DE-BE', 4],
      ['DE-HE', 8],
      ['DE-HH', 2],
    ],
  },
  {
    code: 'FR',
    weight: 7,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '33',
    nationalPhone: '06 ## ## ## ##',
    emailDomains: ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net'],
    regions: [
      ['FR-IDF', 19],
      ['FR-ARA', 12],
      ['FR-PAC', 8],
      ['FR-OCC', 9],
      ['FR-NAQ', 9],
    ],
  },
  {
    code: 'ES',
    weight: 4,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '34',
    nationalPhone: '6## ### ###',
    emailDomains: ['gmail.com', 'hotmail.es', 'yahoo.es'],
    regions: [
      ['ES-MD', 14],
      ['ES-CT', 16],
      ['ES-AN', 18],
      ['ES-VC', 11],
    ],
  },
  {
    code: 'IT',
    weight: 4,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '39',
    nationalPhone: '3## ### ####',
    emailDomains: ['gmail.com', 'libero.it', 'virgilio.it'],
    regions: [
      ['IT-25', 17],
      ['IT-62', 10],
      ['IT-72', 10],
      ['IT-88', 8],
    ],
  },
  {
    code: 'NL',
    weight: 3,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '31',
    nationalPhone: '06 ########',
    emailDomains: ['gmail.com', 'ziggo.nl', 'kpnmail.nl'],
    regions: [
      ['NL-NH', 16],
      ['NL-ZH', 21],
      ['NL-UT', 8],
    ],
  },
  {
    code: 'SE',
    weight: 2,
    currency: 'SEK',
    fxPerUsd: 10.5,
    minorDigits: 2,
    gdpr: true,
    callingCode: '46',
    nationalPhone: '07#-### ## ##',
    emailDomains: ['gmail.com', 'telia.com', 'hotmail.se'],
    regions: [
      ['SE-AB', 23],
      ['SE-O', 17],
      ['SE-M', 13],
    ],
  },
  {
    code: 'PL',
    weight: 3,
    currency: 'PLN',
    fxPerUsd: 4.0,
    minorDigits: 2,
    gdpr: true,
    callingCode: '48',
    nationalPhone: '5## ### ###',
    emailDomains: ['gmail.com', 'wp.pl', 'onet.pl'],
    regions: [
      ['PL-14', 14],
      ['PL-12', 9],
      ['PL-30', 9],
    ],
  },
  {
    code: 'IE',
    weight: 1,
    currency: 'EUR',
    fxPerUsd: 0.92,
    minorDigits: 2,
    gdpr: true,
    callingCode: '353',
    nationalPhone: '08# ### ####',
    emailDomains: ['gmail.com', 'eircom.net'],
    regions: [
      ['IE-L', 55],
      ['IE-M', 27],
      ['IE-C', 18],
    ],
  },
  {
    code: 'CA',
    weight: 5,
    currency: 'CAD',
    fxPerUsd: 1.36,
    minorDigits: 2,
    gdpr: false,
    callingCode: '1',
    nationalPhone: '(###) ###-####',
    emailDomains: ['gmail.com', 'yahoo.ca', 'outlook.com'],
    regions: [
      ['CA-ON', 39],
      ['CA-QC', 22],
      ['CA-BC', 14],
      ['CA-AB', 12],
    ],
  },
  {
    code: 'BR',
    weight: 5,
    currency: 'BRL',
    fxPerUsd: 5.0,
    minorDigits: 2,
    gdpr: false,
    callingCode: '55',
    nationalPhone: '(##) 9####-####',
    emailDomains: ['gmail.com', 'hotmail.com', 'uol.com.br'],
    regions: [
      ['BR-SP', 22],
      ['BR-RJ', 8],
      ['BR-MG', 10],
    ],
  },
  {
    code: 'IN',
    weight: 6,
    currency: 'INR',
    fxPerUsd: 83,
    minorDigits: 2,
    gdpr: false,
    callingCode: '91',
    nationalPhone: '09#### #####',
    emailDomains: ['gmail.com', 'rediffmail.com', 'yahoo.co.in'],
    regions: [
      ['IN-MH', 11],
      ['IN-KA', 6],
      ['IN-DL', 2],
      ['IN-TN', 6],
    ],
  },
  {
    code: 'JP',
    weight: 4,
    currency: 'JPY',
    fxPerUsd: 150,
    minorDigits: 0,
    gdpr: false,
    callingCode: '81',
    nationalPhone: '090-####-####',
    emailDomains: ['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp'],
    regions: [
      ['JP-13', 14],
      ['JP-27', 9],
      ['JP-14', 9],
    ],
  },
  {
    code: 'AU',
    weight: 3,
    currency: 'AUD',
    fxPerUsd: 1.52,
    minorDigits: 2,
    gdpr: false,
    callingCode: '61',
    nationalPhone: '04## ### ###',
    emailDomains: ['gmail.com', 'bigpond.com', 'outlook.com'],
    regions: [
      ['AU-NSW', 32],
      ['AU-VIC', 26],
      ['AU-QLD', 20],
    ],
  },
  {
    code: 'MX',
    weight: 2,
    currency: 'MXN',
    fxPerUsd: 17,
    minorDigits: 2,
    gdpr: false,
    callingCode: '52',
    nationalPhone: '55 #### ####',
    emailDomains: ['gmail.com', 'hotmail.com', 'yahoo.com.mx'],
    regions: [
      ['MX-CMX', 9],
      ['MX-JAL', 8],
      ['MX-NLE', 6],
    ],
  },
];

/** The one region with a CCPA opt-out right modelled here. */
export const CCPA_REGION = 'US-CA';

export interface DeviceProfile {
  readonly type: DeviceType;
  readonly weight: number;
  readonly os: ReadonlyArray<readonly [string, number]>;
  readonly browsers: ReadonlyArray<readonly [string, number]>;
}

export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    type: 'desktop',
    weight: 44,
    os: [
      ['Windows', 68],
      ['macOS', 24],
      ['Linux', 4],
      ['ChromeOS', 4],
    ],
    browsers: [
      ['Chrome', 64],
      ['Edge', 13],
      ['Safari', 10],
      ['Firefox', 9],
      ['Opera', 4],
    ],
  },
  {
    type: 'mobile',
    weight: 49,
    os: [
      ['Android', 58],
      ['iOS', 42],
    ],
    browsers: [
      ['Chrome', 55],
      ['Safari', 33],
      ['Samsung Internet', 8],
      ['Firefox', 2],
      ['Opera', 2],
    ],
  },
  {
    type: 'tablet',
    weight: 7,
    os: [
      ['iPadOS', 60],
      ['Android', 40],
    ],
    browsers: [
      ['Safari', 55],
      ['Chrome', 40],
      ['Samsung Internet', 5],
    ],
  },
];

/** Mixed international names (including non-ASCII ones) so that PII masking sees realistic Unicode. */
export const FIRST_NAMES: readonly string[] = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Amelia',
  'Oliver',
  'Sophia',
  'Lukas',
  'Mia',
  'Léa',
  'Chloé',
  'Hugo',
  'José',
  'Lucía',
  'Mateo',
  'Giulia',
  'Francesco',
  'Zoë',
  'Björn',
  'Åsa',
  'Agnieszka',
  'Łukasz',
  'Siobhán',
  'Seán',
  'Aarav',
  'Priya',
  'Ananya',
  'Haruto',
  'Yui',
  'Sakura',
  'João',
  'Ana',
  'Gabriel',
  'Chen',
  'Wei',
  'Fatima',
  'Omar',
  'Chidi',
  'Ngozi',
  'Ren',
];

export const LAST_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'García',
  'Fernández',
  'López',
  'Rossi',
  'Russo',
  'Bianchi',
  'de Vries',
  'van den Berg',
  'Andersson',
  'Johansson',
  'Kowalski',
  'Wiśniewski',
  "O'Brien",
  'Murphy',
  'Kelly',
  'Sharma',
  'Patel',
  'Iyer',
  'Sato',
  'Suzuki',
  'Takahashi',
  'Silva',
  'Santos',
  'Oliveira',
  'Nguyen',
  'Kim',
  'Okafor',
  'Hernández',
  'Taylor',
  'Wilson',
  'Thomas',
  'Moore',
  'Jackson',
];

export interface CategoryInfo {
  readonly name: string;
  readonly skuPrefix: string;
  readonly minUsd: number;
  readonly maxUsd: number;
  readonly weight: number;
}

export const CATEGORIES: readonly CategoryInfo[] = [
  { name: 'apparel', skuPrefix: 'APP', minUsd: 9, maxUsd: 120, weight: 24 },
  { name: 'shoes', skuPrefix: 'SHO', minUsd: 29, maxUsd: 220, weight: 14 },
  { name: 'electronics', skuPrefix: 'ELE', minUsd: 15, maxUsd: 1400, weight: 14 },
  { name: 'home', skuPrefix: 'HOM', minUsd: 8, maxUsd: 400, weight: 14 },
  { name: 'beauty', skuPrefix: 'BEA', minUsd: 5, maxUsd: 90, weight: 12 },
  { name: 'sports', skuPrefix: 'SPO', minUsd: 10, maxUsd: 350, weight: 9 },
  { name: 'books', skuPrefix: 'BOO', minUsd: 6, maxUsd: 45, weight: 7 },
  { name: 'toys', skuPrefix: 'TOY', minUsd: 7, maxUsd: 150, weight: 6 },
];

/** Content pages a visitor browses besides product and category pages. */
export const CONTENT_PAGES: readonly string[] = [
  '/',
  '/sale',
  '/new-arrivals',
  '/about',
  '/pricing',
  '/blog/spring-trends',
  '/blog/gift-guide',
  '/blog/how-to-choose-running-shoes',
  '/help/shipping',
  '/help/returns',
  '/stores',
  '/search?q=jacket',
  '/search?q=headphones',
];

export const SITE_ORIGIN = 'https://shop.example.com';

export const SEARCH_ENGINES: readonly string[] = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://search.yahoo.com/',
  'https://www.ecosia.org/',
];

export const REFERRAL_SITES: readonly string[] = [
  'https://www.reddit.com/r/deals/',
  'https://news.ycombinator.com/',
  'https://www.trustpilot.com/review/shop.example.com',
  'https://blog.fashionista.example/best-picks',
  'https://www.wirecutter.example/reviews/headphones',
  'https://forum.runners.example/thread/4411',
];

/** How a channel's campaigns are tagged (utm_source and utm_medium) and how much traffic the channel brings. */
export interface ChannelInfo {
  readonly channel: Channel;
  readonly weight: number;
  /** utm_source values; empty for untagged channels (organic, referral, direct). */
  readonly sources: readonly string[];
  readonly medium: string | null;
  /** Campaigns generated per source (the model draws them with a Zipf-like skew). */
  readonly campaignsPerSource: number;
}

export const CHANNEL_INFO: readonly ChannelInfo[] = [
  { channel: 'organic', weight: 25, sources: [], medium: null, campaignsPerSource: 0 },
  { channel: 'paid_search', weight: 20, sources: ['google', 'bing'], medium: 'cpc', campaignsPerSource: 5 },
  {
    channel: 'paid_social',
    weight: 14,
    sources: ['facebook', 'instagram', 'tiktok', 'linkedin'],
    medium: 'paid_social',
    campaignsPerSource: 3,
  },
  { channel: 'email', weight: 10, sources: ['newsletter', 'crm'], medium: 'email', campaignsPerSource: 4 },
  { channel: 'display', weight: 8, sources: ['google_display', 'criteo'], medium: 'display', campaignsPerSource: 3 },
  { channel: 'referral', weight: 7, sources: [], medium: null, campaignsPerSource: 0 },
  { channel: 'direct', weight: 13, sources: [], medium: null, campaignsPerSource: 0 },
  { channel: 'affiliate', weight: 3, sources: ['awin', 'cj', 'impact'], medium: 'affiliate', campaignsPerSource: 2 },
];

export const CAMPAIGN_THEMES: readonly string[] = [
  'spring_sale',
  'summer_clearance',
  'black_friday',
  'brand',
  'retargeting',
  'new_arrivals',
  'loyalty',
  'free_shipping',
  'back_to_school',
  'holiday_gifts',
  'weekly_digest',
  'cart_recovery',
];
