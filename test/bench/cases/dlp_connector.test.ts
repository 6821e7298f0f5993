import { strict as assert } from 'node:assert';
import { eventRow, measureDlpConnector, PII_COLUMNS } from '../../../bench/cases/dlp_connector';

describe('bench/cases/dlp_connector', () => {
  it('an event becomes one cell per PII column, empty where the event has no such field or a non-string', () => {
    const row = eventRow({ user_id: 'u1', email: 'a@b.test', phone: 123, note: '' });
    assert.equal(row.values.length, PII_COLUMNS.length);
    assert.deepEqual(row.values.slice(0, 5), [{ stringValue: 'u1' }, { stringValue: 'u1' }, {}, { stringValue: 'a@b.test' }, {}]);
    assert.deepEqual(row.values[5], {}, 'phone given as a number is not sent as text');
    assert.deepEqual(row.values[7], { stringValue: '' });
  });

  it('a small run measures requests per 100k and fill from the server, with every row masked', async () => {
    const m = await measureDlpConnector(3_000, { tableRows: 1_000 });
    assert.ok(m.events > 2_800 && m.events <= 3_000);
    assert.equal(m.dlp_failed_rows, 0);
    // 1,000-row tables fit one request each: requests per 100k = 100k / 1,000 (the last table is smaller).
    assert.ok(m.dlp_requests_per_100k >= 100 && m.dlp_requests_per_100k <= 102, String(m.dlp_requests_per_100k));
    assert.ok(m.dlp_request_fill > 0.1 && m.dlp_request_fill < 0.5, String(m.dlp_request_fill));
  });
});
