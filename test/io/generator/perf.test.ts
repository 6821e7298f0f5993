import assert from 'node:assert/strict';
import { generateMessages } from '../../../io/generator';

describe('generator / throughput (smoke)', () => {
  it('streams well above 50k messages/s (≈ 400k/s measured on the dev VM; this only catches pathologies)', () => {
    const n = 200_000;
    const start = performance.now();
    let bytes = 0;
    for (const m of generateMessages({ events: n, seed: 'perf' })) bytes += m.data.length;
    const perSecond = n / ((performance.now() - start) / 1000);
    assert.ok(bytes > n * 100);
    assert.ok(perSecond > 50_000, `${Math.round(perSecond)} messages/s`);
  });
});
