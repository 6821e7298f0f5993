import { strict as assert } from 'node:assert';
import { classifyDlpError } from '../../../io/dlp/retry_policy';

/** Errors shaped as google-gax raises them: a numeric gRPC code and the server's details. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

describe('io/dlp/retry_policy classifyDlpError', () => {
  it('RESOURCE_EXHAUSTED, UNAVAILABLE and DEADLINE_EXCEEDED are transient', () => {
    for (const [code, status] of [
      [8, 'RESOURCE_EXHAUSTED'],
      [14, 'UNAVAILABLE'],
      [4, 'DEADLINE_EXCEEDED'],
    ] as const) {
      const c = classifyDlpError(grpcError(code, 'Quota exceeded for quota metric'));
      assert.deepEqual([c.kind, c.status], ['transient', status]);
    }
  });

  it('INVALID_ARGUMENT naming a content limit is a limit, with the limit named', () => {
    assert.equal(
      classifyDlpError(grpcError(3, 'Too many findings to de-identify. Retry with a smaller request.')).limit,
      'findings',
    );
    assert.equal(classifyDlpError(grpcError(3, 'Request payload size exceeds the limit: 524288 bytes.')).limit, 'requestBytes');
    assert.equal(classifyDlpError(grpcError(3, 'Too many table values: 50001 exceeds the maximum')).limit, 'tableValues');
  });

  it('other INVALID_ARGUMENT, INTERNAL and errors without a status are permanent, with a reason that says which', () => {
    assert.deepEqual(classifyDlpError(grpcError(3, 'Invalid built-in info type name "EMAIL".')), {
      kind: 'permanent',
      code: 3,
      status: 'INVALID_ARGUMENT',
      reason: 'DLP INVALID_ARGUMENT: Invalid built-in info type name "EMAIL".',
    });
    assert.equal(classifyDlpError(grpcError(13, 'boom')).kind, 'permanent');
    assert.deepEqual(classifyDlpError(new TypeError('bad enum')), {
      kind: 'permanent',
      code: undefined,
      status: 'error',
      reason: 'DLP error: bad enum',
    });
    assert.equal(classifyDlpError('a string').reason, 'DLP error: a string');
    assert.equal(classifyDlpError(null).kind, 'permanent');
  });

  it('PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND and UNIMPLEMENTED are configuration errors', () => {
    for (const code of [7, 16, 5, 12]) assert.equal(classifyDlpError(grpcError(code, 'x')).kind, 'configuration');
  });

  it('a very long message is cut to 300 characters in the reason', () => {
    const reason = classifyDlpError(grpcError(3, 'y'.repeat(10_000))).reason;
    assert.equal(reason, `DLP INVALID_ARGUMENT: ${'y'.repeat(300)}…`);
  });
});
