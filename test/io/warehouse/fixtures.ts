/** Rows, temporary folders and table snapshots for the warehouse tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_LIST, quoteIdent, type CampaignMetricRow, type EventRow, type SessionRow } from '../../../schemas';
import { type Warehouse } from '../../../io/warehouse/warehouse';

/** A fresh folder under the OS temp dir, and a function removing it. */
export function tempDir(): { readonly dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-wh-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A realistic masked events row: most columns set, a few null, typical lengths. */
export function eventRow(i: number, salt = 0): EventRow {
  const t = Date.UTC(2024, 4, 1) + i * 997;
  return {
    event_id: `evt-${salt}-${i.toString(36)}-7f3a9c2e`,
    event_type: i % 17 === 0 ? 'purchase' : 'page_view',
    event_time: new Date(t).toISOString(),
    ingest_time: new Date(t + 1500).toISOString(),
    user_key: `uk_${(i % 5000).toString(16).padStart(8, '0')}9b1d27c4e0a64f3b`,
    user_id: i % 2 === 0 ? `user-${i % 5000}` : null,
    anonymous_id: `anon-${(i % 7000).toString(36)}`,
    session_id: null,
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: `spring_sale_${i % 20}`,
    campaign_id: i % 3 === 0 ? `cmp-${i % 20}` : null,
    channel: 'paid_search',
    device_type: 'mobile',
    device_os: 'iOS 17.4',
    device_browser: 'Safari 17',
    country: 'DE',
    region: 'DE-BE',
    page: `https://shop.example.com/products/${i % 300}?ref=home`,
    referrer: i % 4 === 0 ? 'https://www.google.com/' : null,
    value: i % 17 === 0 ? 129.9 : null,
    currency: i % 17 === 0 ? 'EUR' : null,
    product_sku: i % 5 === 0 ? `SKU-${i % 400}` : null,
    product_category: i % 5 === 0 ? 'shoes/running' : null,
    product_price: i % 5 === 0 ? 64.95 : null,
    consent_analytics: true,
    consent_ads: i % 3 !== 0,
    consent_gdpr_applies: true,
    consent_ccpa_opt_out: false,
    email: i % 9 === 0 ? '[EMAIL_ADDRESS]' : null,
    phone: null,
    ip: '[IP_ADDRESS]',
    name: null,
    note: null,
    schema_version: 1,
  };
}

/** A sessions row; `pane` also shows in event_count, so which pane was kept is visible. */
export function sessionRow(sessionId: string, pane: number, overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    session_id: sessionId,
    user_key: 'uk_1',
    session_start: '2024-05-01T12:00:00.000Z',
    session_end: '2024-05-01T12:10:00.000Z',
    duration_s: 600,
    event_count: 10 + pane,
    page_views: 3,
    landing_page: '/home',
    exit_page: '/cart',
    first_touch_campaign: 'spring_sale',
    last_touch_campaign: null,
    conversions: 0,
    revenue: 0,
    currency: null,
    device_type: 'mobile',
    country: 'DE',
    pane_index: pane,
    pane_timing: pane === 0 ? 'EARLY' : 'LATE',
    updated_at: '2024-05-01T12:30:00.000Z',
    ...overrides,
  };
}

export function metricRow(windowStart: string, campaign: string, pane: number, events = 1): CampaignMetricRow {
  return {
    window_start: windowStart,
    window_end: new Date(Date.parse(windowStart) + 60_000).toISOString(),
    campaign,
    pane_index: pane,
    pane_timing: 'ON_TIME',
    is_final: false,
    events,
    users: 1,
    clicks: 0,
    conversions: 0,
    revenue: 0,
    emitted_at: '2024-05-01T12:31:00.000Z',
  };
}

/** Every table's rows, ordered by key, as the warehouse returns them. */
export async function snapshot(warehouse: Warehouse): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of TABLE_LIST) {
    out[table.name] = await warehouse.query(
      `SELECT * FROM ${quoteIdent(table.name)} ORDER BY ${table.key.map(quoteIdent).join(', ')}`,
    );
  }
  return out;
}
