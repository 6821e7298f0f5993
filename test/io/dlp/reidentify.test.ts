/**
 * `tidemark reidentify`: surrogates back to originals from values or from a query result, with the keys that
 * made them; hashes and masks stay as they are; bad input is a clear error; through the command line too.
 */
import assert from 'node:assert/strict';
import { LocalKeyFile } from '../../../io/dlp/keys';
import { createLocalMasker } from '../../../io/dlp/local_masker';
import { ReidentifyInputError, reidentifyCommand } from '../../../io/dlp/reidentify';
import { type PipelineEvent } from '../../../transforms/records';
import { parsedEvent } from '../../transforms/privacy_fixtures';
import { tidemark } from '../../cli/cli_harness';
import { tempKeyFile } from './fixtures';

async function maskedIds(keyFile: string): Promise<{ userId: string; anonymousId: string; userKey: string }> {
  const { masker } = await createLocalMasker({ keyFile });
  const e: PipelineEvent = parsedEvent({ user_id: 'u_1234', anonymous_id: 'anon-5678' });
  const [outcome] = await masker.maskBatch([e]);
  assert.ok(outcome.ok && outcome.userKey !== null);
  return { userId: outcome.event.user_id ?? '', anonymousId: outcome.event.anonymous_id ?? '', userKey: outcome.userKey };
}

describe('reidentify', () => {
  it('values: each surrogate back to its original, one per line; a hash stays a hash', async () => {
    const keyFile = tempKeyFile();
    const { userId, anonymousId, userKey } = await maskedIds(keyFile);
    assert.equal(
      await reidentifyCommand([userId, anonymousId, userKey], undefined, { keyFile }),
      `u_1234\nanon-5678\n${userKey}\n`,
    );
  });

  it('a query result on stdin: string cells re-identified in place, other cells unchanged', async () => {
    const keyFile = tempKeyFile();
    const { userId } = await maskedIds(keyFile);
    const rows = [
      { user_id: userId, events: 3, note: `seen ${userId} twice` },
      { user_id: null, events: 1, note: '' },
    ];
    const out = JSON.parse(await reidentifyCommand([], JSON.stringify(rows), { keyFile })) as unknown;
    assert.deepEqual(out, [
      { user_id: 'u_1234', events: 3, note: 'seen u_1234 twice' },
      { user_id: null, events: 1, note: '' },
    ]);
    assert.deepEqual(JSON.parse(await reidentifyCommand([], JSON.stringify([userId]), { keyFile })), ['u_1234']);
  });

  it('another key cannot reverse a surrogate: an error, never a wrong original', async () => {
    const { userId } = await maskedIds(tempKeyFile());
    await assert.rejects(reidentifyCommand([userId], undefined, { keys: new LocalKeyFile(tempKeyFile()) }));
  });

  it('bad input is a clear error', async () => {
    const keyFile = tempKeyFile();
    for (const [stdin, message] of [
      [undefined, /give surrogate values, or a JSON array on stdin/],
      ['not json', /stdin is not JSON/],
      ['{"a":1}', /must hold a JSON array/],
      ['[1, "x"]', /array of strings or an array of row objects/],
    ] as const) {
      await assert.rejects(
        reidentifyCommand([], stdin, { keyFile }),
        (e: unknown) => e instanceof ReidentifyInputError && message.test(e.message),
      );
    }
  });

  it('tidemark reidentify --key-file K SURROGATE prints the original; a bad configuration exits 1 with one line', async function () {
    this.timeout(60_000);
    const keyFile = tempKeyFile();
    const { userId } = await maskedIds(keyFile);
    const ok = tidemark(['reidentify', '--key-file', keyFile, userId]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'u_1234\n');
    const bad = tidemark(['reidentify', '--key-file', keyFile, '--masking-config', `${keyFile}.missing`, userId]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^tidemark: .*cannot read the file/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
