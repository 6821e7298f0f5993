/**
 * The DLP connector driven through the REAL DlpServiceClient against the gRPC test server (test/emulators):
 * masking round trip, retries, limit splits, permanent and configuration errors, hostile cells.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { grpc } from 'google-gax';
import { DlpConnector, type DlpConnectorOptions, validateDlpConnectorOptions } from '../../../io/dlp/dlp_connector';
import { DlpConfigurationError, DlpRetriesExhaustedError } from '../../../io/dlp/retry_policy';
import type { DlpTable, DlpValue } from '../../../io/dlp/table';
import deidentifyJson from '../../../config/deidentify.json';
import type { DeidentifyConfig, InspectConfig } from '../../../io/dlp/dlp_connector';
import type { TimerClock } from '../../../io/dlp/rate_limiter';
import { DlpTestServer } from '../../emulators/dlp_server';
import { replaceEmailsHandler } from '../../emulators/email_handler';
import { withoutMetadataServer } from '../../support/without_metadata_server';

const PARENT = 'projects/tidemark-test/locations/europe-west1';
const CONFIG = { infoTypeTransformations: { transformations: [{ primitiveTransformation: { replaceWithInfoTypeConfig: {} } }] } };
const FAST_RETRY = { maxAttempts: 6, initialDelayMs: 1, maxDelayMs: 5 };

/** Rows `id-<i>` / `user<i>@mail.test` / free text: each row's identity survives masking in its first cell. */
function peopleTable(n: number, note = (i: number) => `call me, row ${i}`): DlpTable {
  return {
    headers: [{ name: 'id' }, { name: 'email' }, { name: 'note' }],
    rows: Array.from({ length: n }, (_, i) => ({
      values: [{ stringValue: `id-${i}` }, { stringValue: `user${i}@mail.test` }, { stringValue: note(i) }],
    })),
  };
}

function ids(table: DlpTable): string[] {
  return table.rows.map((row) => String(row.values[0].stringValue));
}

describe('io/dlp/dlp_connector (real DlpServiceClient against the gRPC test server)', function () {
  let server: DlpTestServer;
  const connectors: DlpConnector[] = [];
  withoutMetadataServer();

  before(async () => {
    server = await DlpTestServer.start({ handler: replaceEmailsHandler });
  });

  after(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await server.stop();
  });

  beforeEach(() => {
    server.clearFaults();
    server.resetCalls();
    server.setHandler(replaceEmailsHandler);
  });

  function connector(options: Partial<DlpConnectorOptions> = {}): DlpConnector {
    const c = new DlpConnector({
      parent: PARENT,
      deidentifyConfig: CONFIG,
      inspectConfig: { infoTypes: [{ name: 'EMAIL_ADDRESS' }] },
      clientOptions: { ...server.endpoint, sslCreds: grpc.credentials.createInsecure() },
      retry: FAST_RETRY,
      ...options,
    });
    connectors.push(c);
    return c;
  }

  it('masks a table: emails replaced, other cells and headers untouched, rows in order, request as configured', async () => {
    const dlp = connector();
    const table = peopleTable(3, (i) => (i === 1 ? 'write to ann@example.org or bob@mail.test' : ''));
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.table.headers, table.headers);
    assert.deepEqual(outcome.table.rows, [
      { values: [{ stringValue: 'id-0' }, { stringValue: '[EMAIL_ADDRESS]' }, { stringValue: '' }] },
      {
        values: [
          { stringValue: 'id-1' },
          { stringValue: '[EMAIL_ADDRESS]' },
          { stringValue: 'write to [EMAIL_ADDRESS] or [EMAIL_ADDRESS]' },
        ],
      },
      { values: [{ stringValue: 'id-2' }, { stringValue: '[EMAIL_ADDRESS]' }, { stringValue: '' }] },
    ]);
    assert.equal(server.calls.length, 1);
    const request = server.calls[0].request!;
    assert.equal(request.parent, PARENT);
    assert.deepEqual(request.deidentifyConfig, CONFIG);
    assert.deepEqual(request.inspectConfig, { infoTypes: [{ name: 'EMAIL_ADDRESS' }] });
    assert.equal(server.calls[0].findings, 5);
  });

  it('the size the connector computes for a request is the size the real client puts on the wire', async () => {
    const dlp = connector({ limits: { requestBytes: 20_000 } });
    await dlp.deidentify(peopleTable(700, (i) => 'ü漢😀'.repeat(i % 13)));
    assert.ok(server.calls.length > 3);
    assert.equal(
      dlp.stats.requestBytes,
      server.calls.reduce((sum, c) => sum + c.bytes, 0),
    );
    for (const call of server.calls) assert.ok(call.bytes <= 20_000, `${call.bytes} bytes`);
  });

  it('a 3 MB table goes in requests of at most 524,000 bytes, filled to 90% or more on average', async () => {
    const dlp = connector();
    // No email addresses here: rows without findings, so bytes alone decide the batches (findings are tested below).
    const table: DlpTable = {
      headers: [{ name: 'id' }, { name: 'note' }],
      rows: Array.from({ length: 40_000 }, (_, i) => ({
        values: [
          { stringValue: `id-${i}` },
          { stringValue: `order ${i}: the customer asked for a callback about delivery slot ${i % 7}` },
        ],
      })),
    };
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(ids(outcome.table), ids(table));
    assert.ok(server.calls.length >= 6, `${server.calls.length} calls`);
    for (const call of server.calls) assert.ok(call.bytes <= 524_000);
    assert.ok(dlp.stats.meanFill >= 0.9, `mean fill ${dlp.stats.meanFill}`);
  });

  it('UNAVAILABLE on the next 3 calls: retried, every row back exactly once, in order', async () => {
    const dlp = connector({ limits: { requestBytes: 4_000 } });
    server.inject({ kind: 'status', code: grpc.status.UNAVAILABLE, times: 3 });
    const table = peopleTable(200);
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(ids(outcome.table), ids(table));
    assert.equal(dlp.stats.retries, 3);
    assert.equal(dlp.stats.failuresByStatus.UNAVAILABLE, 3);
    assert.equal(server.calls.filter((c) => c.status === 'UNAVAILABLE').length, 3);
    // The client library's own retries are off: every call the server saw was an attempt the connector counted.
    assert.equal(server.calls.length, dlp.stats.attempts);
  });

  it('RESOURCE_EXHAUSTED on 40% of calls: nothing lost or duplicated, each row answered by exactly one successful call', async () => {
    const dlp = connector({ limits: { requestBytes: 3_000 }, retry: { maxAttempts: 20, initialDelayMs: 1, maxDelayMs: 4 } });
    server.inject({ kind: 'status', code: grpc.status.RESOURCE_EXHAUSTED, share: 0.4 });
    const table = peopleTable(300);
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(ids(outcome.table), ids(table));
    const answered = server.calls
      .filter((c) => c.status === 'OK')
      .flatMap((c) => c.request!.item!.table!.rows!.map((r) => r.values![0].stringValue));
    assert.deepEqual([...answered].sort(), [...ids(table)].sort());
    assert.ok(dlp.stats.failuresByStatus.RESOURCE_EXHAUSTED > 0);
  });

  it('property: under random transient faults and oversize refusals, every row comes back exactly once, in order (failing only where a single row was refused)', async () => {
    const codes = [grpc.status.RESOURCE_EXHAUSTED, grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED];
    const dlp = connector({ limits: { requestBytes: 1_500 }, retry: { maxAttempts: 30, initialDelayMs: 1, maxDelayMs: 2 } });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom(...codes),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        async (n, code, share, oversize) => {
          server.clearFaults();
          server.resetCalls();
          server.inject({ kind: 'status', code, share });
          server.inject({ kind: 'oversize', times: oversize });
          const table = peopleTable(n, (i) => (i % 5 === 0 ? `cc ${i}@mail.test` : '✓'.repeat(i % 40)));
          const outcomes = await dlp.deidentifyRows(table);
          assert.equal(outcomes.length, n);
          // An oversize refusal of a one-row request fails that row (nothing smaller can be sent); nothing else fails.
          const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [i]));
          assert.ok(failed.length <= oversize, `${failed.length} rows failed`);
          outcomes.forEach((o, i) => {
            if (!o.ok) return assert.match(o.reason, /^DLP INVALID_ARGUMENT: Request payload size exceeds/);
            assert.equal(o.values[0].stringValue, `id-${i}`);
            assert.equal(o.values[1].stringValue, '[EMAIL_ADDRESS]');
          });
          const answered = server.calls
            .filter((c) => c.status === 'OK')
            .flatMap((c) => c.request!.item!.table!.rows!.map((r) => r.values![0].stringValue));
          const masked = ids(table).filter((_, i) => outcomes[i].ok);
          assert.deepEqual([...answered].sort(), masked.sort(), 'each masked row answered by exactly one successful call');
        },
      ),
      { numRuns: 25, seed: 4 },
    );
  });

  it('DEADLINE_EXCEEDED, injected or from a slow server past the attempt timeout: retried until answered', async () => {
    const dlp = connector({ attemptTimeoutMs: 150 });
    server.inject({ kind: 'status', code: grpc.status.DEADLINE_EXCEEDED, times: 1 });
    server.inject({ kind: 'delay', ms: 600, times: 1 });
    const table = peopleTable(5);
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(ids(outcome.table), ids(table));
    assert.equal(dlp.stats.failuresByStatus.DEADLINE_EXCEEDED, 2);
    await server.idle(); // the abandoned slow call ends on the server later; keep it out of the next test's record
  });

  it('transient errors that outlast the retries reject (the bundle is retried), after exactly maxAttempts calls', async () => {
    const dlp = connector({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    server.inject({ kind: 'status', code: grpc.status.UNAVAILABLE, times: 10 });
    await assert.rejects(
      dlp.deidentify(peopleTable(2)),
      (e: unknown) => e instanceof DlpRetriesExhaustedError && e.attempts === 3 && /UNAVAILABLE/.test(e.message),
    );
    assert.equal(server.calls.length, 3);
  });

  it('too many findings: the batch is split in halves until DLP accepts, and later batches are sized from it', async () => {
    const limited = await DlpTestServer.start({ handler: replaceEmailsHandler, limits: { findings: 10 } });
    try {
      const dlp = connector({
        clientOptions: { ...limited.endpoint, sslCreds: grpc.credentials.createInsecure() },
        limits: { findings: 10 },
      });
      const table = peopleTable(40); // one finding per row (the email column)
      const first = await dlp.deidentify(table);
      assert.ok(first.ok);
      assert.deepEqual(ids(first.table), ids(table));
      assert.ok(dlp.stats.splits >= 3, `splits ${dlp.stats.splits}`);
      assert.ok(limited.calls.some((c) => c.status === 'INVALID_ARGUMENT'));
      for (const call of limited.calls.filter((c) => c.status === 'OK')) assert.ok(call.findings! <= 10);
      // What was learnt caps the next table's batches: no refusal the second time.
      limited.resetCalls();
      const second = await dlp.deidentify(peopleTable(40));
      assert.ok(second.ok);
      assert.deepEqual(
        limited.calls.map((c) => c.status).filter((s) => s !== 'OK'),
        [],
      );
    } finally {
      await limited.stop();
    }
  });

  it('a single row with more findings than the limit fails alone; the other rows are masked', async () => {
    const limited = await DlpTestServer.start({ handler: replaceEmailsHandler, limits: { findings: 10 } });
    try {
      const dlp = connector({ clientOptions: { ...limited.endpoint, sslCreds: grpc.credentials.createInsecure() } });
      const crowded = Array.from({ length: 12 }, (_, k) => `p${k}@mail.test`).join(' ');
      const outcomes = await dlp.deidentifyRows(peopleTable(6, (i) => (i === 4 ? crowded : 'fine')));
      assert.deepEqual(
        outcomes.map((o) => o.ok),
        [true, true, true, true, false, true],
      );
      const failed = outcomes[4];
      assert.ok(!failed.ok);
      assert.match(failed.reason, /^DLP INVALID_ARGUMENT: Too many findings/);
      assert.ok(!failed.reason.includes('p0@mail.test'), 'the reason quotes no cell');
      const whole = await dlp.deidentify(peopleTable(6, (i) => (i === 4 ? crowded : 'fine')));
      assert.ok(!whole.ok);
      assert.match(whole.reason, /^1 of 6 rows refused by DLP; first: DLP INVALID_ARGUMENT: Too many findings/);
    } finally {
      await limited.stop();
    }
  });

  it('DLP refusing a request as oversize (its accounting may differ): split and resent', async () => {
    const dlp = connector();
    server.inject({ kind: 'oversize', times: 1 });
    const table = peopleTable(50);
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.deepEqual(ids(outcome.table), ids(table));
    assert.equal(dlp.stats.splits, 1);
    assert.deepEqual(
      server.calls.map((c) => [c.status, c.rows]),
      [
        ['INVALID_ARGUMENT', 50],
        ['OK', 25],
        ['OK', 25],
      ],
    );
  });

  it('a permanent INVALID_ARGUMENT fails the rows of that request only; deidentify reports the table as not ok', async () => {
    const dlp = connector({ limits: { requestBytes: 1_000 }, maxConcurrency: 1 });
    server.inject({
      kind: 'status',
      code: grpc.status.INVALID_ARGUMENT,
      message: 'Invalid built-in info type name "EMAIL".',
      times: 1,
    });
    const outcomes = await dlp.deidentifyRows(peopleTable(30));
    const firstBatchRows = server.calls[0].rows;
    assert.ok(firstBatchRows > 0 && firstBatchRows < 30);
    outcomes.forEach((o, i) => assert.equal(o.ok, i >= firstBatchRows, `row ${i}`));
    assert.ok(!outcomes[0].ok);
    assert.equal(outcomes[0].reason, 'DLP INVALID_ARGUMENT: Invalid built-in info type name "EMAIL".');
    assert.equal(dlp.stats.failedRows, firstBatchRows);
    assert.equal(dlp.stats.retries, 0);
  });

  it('PERMISSION_DENIED rejects with a configuration error instead of dead-lettering the stream', async () => {
    const dlp = connector();
    server.inject({ kind: 'status', code: grpc.status.PERMISSION_DENIED, message: 'Permission dlp.content.deidentify denied' });
    await assert.rejects(
      dlp.deidentify(peopleTable(3)),
      (e: unknown) => e instanceof DlpConfigurationError && /PERMISSION_DENIED/.test(e.message),
    );
    assert.equal(server.calls.length, 1);
  });

  it('bounded concurrency: the server never sees more than 2 calls at once', async () => {
    const dlp = connector({ maxConcurrency: 2, limits: { requestBytes: 2_000 } });
    server.inject({ kind: 'delay', ms: 20, share: 1 });
    const table = peopleTable(400);
    const outcome = await dlp.deidentify(table);
    assert.ok(outcome.ok);
    assert.ok(server.calls.length >= 8, `${server.calls.length} calls`);
    assert.equal(server.peakConcurrency, 2);
    // Two tables at once share the connector's bound.
    server.resetCalls();
    await Promise.all([dlp.deidentify(peopleTable(80)), dlp.deidentify(peopleTable(80))]);
    assert.ok(server.peakConcurrency <= 2);
  });

  it('the project masking configuration (keys resolved to kmsWrapped) reaches DLP intact through the client encoding', async () => {
    // What the key layer does before the connector sees the config: every transient key becomes a KMS-wrapped one.
    const wrapped = {
      kmsWrapped: {
        wrappedKey: Buffer.from('not-a-real-wrapped-key').toString('base64'),
        cryptoKeyName: 'projects/p/locations/global/keyRings/r/cryptoKeys/k',
      },
    };
    const resolved = JSON.parse(
      JSON.stringify(deidentifyJson.deidentifyConfig).replace(/\{"transient":\{"name":"[^"]+"\}\}/g, JSON.stringify(wrapped)),
    ) as DeidentifyConfig;
    const dlp = connector({ deidentifyConfig: resolved, inspectConfig: deidentifyJson.inspectConfig as InspectConfig });
    assert.ok((await dlp.deidentify(peopleTable(2))).ok);
    const request = server.calls[0].request!;
    assert.deepEqual(request.inspectConfig, deidentifyJson.inspectConfig);
    assert.deepEqual(request.deidentifyConfig, resolved);
    assert.throws(
      () => connector({ deidentifyConfig: deidentifyJson.deidentifyConfig as DeidentifyConfig }),
      /cryptoHashConfig\.cryptoKey is transient.*cryptoDeterministicConfig\.cryptoKey is transient/,
    );
  });

  it('paces requests at the configured rate on the injected clock: at 2/min, requests start two per virtual minute', async () => {
    let now = 0;
    const clock: TimerClock = { now: () => now, sleep: async (ms) => void (now += ms) };
    const dlp = connector({ requestsPerMinute: 2, clock, maxConcurrency: 1, limits: { requestBytes: 700 } });
    const outcome = await dlp.deidentify(peopleTable(60));
    assert.ok(outcome.ok);
    const calls = server.calls.length;
    assert.ok(calls >= 5, `${calls} calls`);
    assert.equal(now, Math.floor((calls - 1) / 2) * 60_000);
  });

  describe('hostile cells', () => {
    it('a huge cell (600 KB) fails its row only; rows around it are masked and no request is over the limit', async () => {
      const dlp = connector();
      const table = peopleTable(4, (i) => (i === 2 ? 'z'.repeat(600_000) : `ok ${i}`));
      const outcomes = await dlp.deidentifyRows(table);
      assert.deepEqual(
        outcomes.map((o) => o.ok),
        [true, true, false, true],
      );
      assert.match((outcomes[2] as { reason: string }).reason, /row too large for one DLP request/);
      assert.ok(server.calls.every((c) => c.bytes <= 524_000));
    });

    it('a large cell under the limit (400 KB) goes through in a request of its own', async () => {
      const dlp = connector();
      const big = 'ä'.repeat(200_000) + ' x@mail.test';
      const outcome = await dlp.deidentify(peopleTable(3, (i) => (i === 1 ? big : '')));
      assert.ok(outcome.ok);
      assert.equal(outcome.table.rows[1].values[2].stringValue, 'ä'.repeat(200_000) + ' [EMAIL_ADDRESS]');
    });

    it('unicode (emoji, RTL, combining marks, NUL), empty strings and empty cells come back as sent', async () => {
      const dlp = connector();
      const cells: DlpValue[] = [{ stringValue: '😀👩‍👩‍👧 זה טקסט e\u0301\u0000' }, { stringValue: '' }, {}];
      const table: DlpTable = {
        headers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
        rows: [{ values: cells }, { values: [{ stringValue: 'ñ@mail.test' }, {}, { stringValue: '' }] }],
      };
      const outcome = await dlp.deidentify(table);
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.table.rows, [
        { values: cells },
        { values: [{ stringValue: '[EMAIL_ADDRESS]' }, {}, { stringValue: '' }] },
      ]);
    });

    it('non-string cells survive the round trip with their kind (integer as string, float, boolean)', async () => {
      const dlp = connector();
      const table: DlpTable = {
        headers: [{ name: 'i' }, { name: 'f' }, { name: 'b' }],
        rows: [{ values: [{ integerValue: '-9007199254740993' }, { floatValue: 0.1 }, { booleanValue: false }] }],
      };
      const outcome = await dlp.deidentify(table);
      assert.ok(outcome.ok);
      assert.deepEqual(outcome.table.rows[0].values, [
        { integerValue: '-9007199254740993' },
        { floatValue: 0.1 },
        { booleanValue: false },
      ]);
    });

    it('rows whose width differs from the headers fail alone, before any request', async () => {
      const dlp = connector();
      const table: DlpTable = {
        headers: [{ name: 'a' }, { name: 'b' }],
        rows: [
          { values: [{ stringValue: '1' }, { stringValue: 'x@mail.test' }] },
          { values: [{ stringValue: 'short' }] },
          { values: [] },
          { values: [{ stringValue: '4' }, { stringValue: '' }] },
        ],
      };
      const outcomes = await dlp.deidentifyRows(table);
      assert.deepEqual(outcomes, [
        { ok: true, values: [{ stringValue: '1' }, { stringValue: '[EMAIL_ADDRESS]' }] },
        { ok: false, reason: 'row has 1 values for 2 headers' },
        { ok: false, reason: 'row has 0 values for 2 headers' },
        { ok: true, values: [{ stringValue: '4' }, { stringValue: '' }] },
      ]);
      assert.equal(server.calls[0].rows, 2);
    });

    it('an empty table sends nothing', async () => {
      const dlp = connector();
      const outcome = await dlp.deidentify({ headers: [{ name: 'a' }], rows: [] });
      assert.deepEqual(outcome, { ok: true, table: { headers: [{ name: 'a' }], rows: [] } });
      assert.equal(server.calls.length, 0);
    });

    it('a server answering the wrong number of rows fails that batch instead of misaligning rows', async () => {
      const dlp = connector();
      server.setHandler((request) => {
        const result = replaceEmailsHandler(request);
        result.response.item!.table!.rows!.pop();
        return result;
      });
      const outcomes = await dlp.deidentifyRows(peopleTable(3));
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? 'ok' : o.reason)),
        ['DLP answered 2 rows for 3', 'DLP answered 2 rows for 3', 'DLP answered 2 rows for 3'],
      );
    });
  });

  describe('options', () => {
    const base = { parent: PARENT, deidentifyConfig: CONFIG };

    it('names every problem of a bad configuration at once', () => {
      assert.throws(
        () =>
          validateDlpConnectorOptions({
            parent: 'my-project',
            deidentifyConfig: CONFIG,
            deidentifyTemplateName: 'x',
            inspectConfig: {},
            inspectTemplateName: 'y',
          }),
        (e: Error) =>
          /parent must be projects\/PROJECT\/locations\/LOCATION, got "my-project"/.test(e.message) &&
          /exactly one of deidentifyConfig and deidentifyTemplateName/.test(e.message) &&
          /at most one of inspectConfig and inspectTemplateName/.test(e.message) &&
          /deidentifyTemplateName must be/.test(e.message),
      );
      assert.throws(
        () => validateDlpConnectorOptions({ parent: PARENT }),
        /exactly one of deidentifyConfig and deidentifyTemplateName/,
      );
    });

    it('accepts template names in their resource form', () => {
      validateDlpConnectorOptions({
        parent: PARENT,
        deidentifyTemplateName: `${PARENT}/deidentifyTemplates/tidemark-events`,
        inspectTemplateName: `${PARENT}/inspectTemplates/tidemark-events`,
      });
    });

    it('refuses transient crypto keys (a new key per request would change pseudonyms between batches), naming where', () => {
      const config = {
        recordTransformations: {
          fieldTransformations: [
            {
              fields: [{ name: 'user_id' }],
              primitiveTransformation: { cryptoHashConfig: { cryptoKey: { transient: { name: 'k' } } } },
            },
          ],
        },
      };
      assert.throws(
        () => validateDlpConnectorOptions({ ...base, deidentifyConfig: config }),
        /deidentifyConfig\.recordTransformations\.fieldTransformations\[0\]\.primitiveTransformation\.cryptoHashConfig\.cryptoKey is transient/,
      );
    });

    it('refuses record suppressions, which drop rows', () => {
      const config = { recordTransformations: { recordSuppressions: [{ condition: {} }] } };
      assert.throws(() => validateDlpConnectorOptions({ ...base, deidentifyConfig: config }), /recordSuppressions drop rows/);
    });

    it('refuses to start while the client library would log requests (GOOGLE_SDK_NODE_LOGGING covering dlp)', () => {
      const saved = process.env.GOOGLE_SDK_NODE_LOGGING;
      try {
        for (const value of ['dlp', '*', 'pubsub,DLP', 'd*']) {
          process.env.GOOGLE_SDK_NODE_LOGGING = value;
          assert.throws(() => validateDlpConnectorOptions(base), /GOOGLE_SDK_NODE_LOGGING/, value);
        }
        process.env.GOOGLE_SDK_NODE_LOGGING = 'pubsub';
        validateDlpConnectorOptions(base);
      } finally {
        if (saved === undefined) delete process.env.GOOGLE_SDK_NODE_LOGGING;
        else process.env.GOOGLE_SDK_NODE_LOGGING = saved;
      }
    });

    it('a closed connector refuses work', async () => {
      const dlp = connector();
      await dlp.close();
      await assert.rejects(dlp.deidentify(peopleTable(1)), /closed/);
    });
  });
});
