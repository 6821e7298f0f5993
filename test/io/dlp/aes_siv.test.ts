/** AES-SIV (miscreant) against RFC 5297 Appendix A, and what must fail: altered bytes, wrong key, wrong data. */
import assert from 'node:assert/strict';
import { AesSiv } from '../../../io/dlp/aes_siv';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('AES-SIV (RFC 5297)', () => {
  it('A.1 deterministic authenticated encryption', async () => {
    const siv = await AesSiv.create(hex('fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff'));
    const ad = hex('10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627');
    const plaintext = hex('11223344 55667788 99aabbcc ddee');
    const sealed = await siv.seal(plaintext, [ad]);
    assert.equal(Buffer.from(sealed).toString('hex'), '85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c');
    assert.deepEqual(Buffer.from(await siv.open(sealed, [ad])), plaintext);
  });

  it('A.2 nonce-based authenticated encryption (two associated data items and a nonce)', async () => {
    const siv = await AesSiv.create(hex('7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f'));
    const ad1 = hex('00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 77665544 33221100');
    const ad2 = hex('10203040 50607080 90a0');
    const nonce = hex('09f91102 9d74e35b d84156c5 635688c0');
    const plaintext = hex(
      '74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970 74207573 696e6720 5349562d 414553',
    );
    const sealed = await siv.seal(plaintext, [ad1, ad2, nonce]);
    assert.equal(
      Buffer.from(sealed).toString('hex'),
      '7bdb6e3b432667eb06f4d14bff2fbd0fcb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a3f748ba8af829ea64ad544a272e9c485b62a3fd5c0d',
    );
  });

  it('is deterministic, and refuses altered bytes, another key or other associated data', async () => {
    const key = Buffer.alloc(64, 7);
    const siv = await AesSiv.create(key);
    const a = await siv.seal(Buffer.from('u_42'), []);
    assert.deepEqual(await siv.seal(Buffer.from('u_42'), []), a);
    const altered = Uint8Array.from(a);
    altered[altered.length - 1] ^= 1;
    await assert.rejects(siv.open(altered, []));
    await assert.rejects((await AesSiv.create(Buffer.alloc(64, 8))).open(a, []));
    await assert.rejects(siv.open(a, [Buffer.from('context')]));
    await assert.rejects(siv.open(new Uint8Array(5), []), /shorter than its 16-byte tag/);
  });

  it('serialises concurrent calls on one key (miscreant keeps scratch state between awaits)', async () => {
    const siv = await AesSiv.create(Buffer.alloc(32, 1));
    const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const together = await Promise.all(ids.map((id) => siv.seal(Buffer.from(id), [])));
    for (let i = 0; i < ids.length; i++) {
      assert.deepEqual(together[i], await siv.seal(Buffer.from(ids[i]), []));
      assert.equal(Buffer.from(await siv.open(together[i], [])).toString(), ids[i]);
    }
  });

  it('refuses keys that are not 32 or 64 bytes', async () => {
    await assert.rejects(AesSiv.create(Buffer.alloc(16)), /32 or 64 bytes, got 16/);
  });
});
