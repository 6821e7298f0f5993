/**
 * Envelope encryption of dead-letter payloads, which may hold raw PII: AES-256-GCM under a random data key, and
 * the data key itself encrypted (wrapped) with AES-256-GCM under the master key from the key source. A data key
 * serves one batch (`newBatch()`, or after `payloadsPerDataKey` payloads), so one leaked data key opens a batch,
 * not the table. Each sealed payload carries its wrapped data key, so any row can be opened alone.
 *
 * Sealed form (ASCII, one string column): `tdmenv1:<master key name>:<wrapped data key>:<iv>:<ciphertext+tag>`,
 * the last three base64. The master key name and the wrapped data key are authenticated as associated data, so
 * moving a payload under another key fails. Whoever holds the master key (the key source: the development file
 * locally, KMS in the cloud) can read a payload with `decryptPayload`; nobody else can.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type KeySource } from './keys';

export const ENVELOPE_PREFIX = 'tdmenv1';
/** The key source's name for the dead-letter master key. */
export const DEAD_LETTER_KEY = 'tidemark-dead-letter-key';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

function gcmSeal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { iv: Buffer; sealed: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, sealed };
}

function gcmOpen(key: Uint8Array, iv: Buffer, sealed: Buffer, aad: Uint8Array): Buffer {
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new EnvelopeError('malformed sealed payload');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new EnvelopeError('the payload does not decrypt with this key (wrong key, or altered)');
  }
}

function requireAes256(key: Uint8Array, name: string): void {
  if (key.length !== 32) throw new EnvelopeError(`master key ${name} must have 32 bytes for AES-256-GCM, has ${key.length}`);
}

/** Encrypts payloads under rotating data keys wrapped by one master key. */
export class PayloadEnvelope {
  private dataKey: Buffer = Buffer.alloc(0);
  private wrappedDataKey = '';
  private used = 0;

  private constructor(
    private readonly masterName: string,
    private readonly masterKey: Uint8Array,
    private readonly payloadsPerDataKey: number,
  ) {
    this.newBatch();
  }

  /** Resolves the master key once; throws if the key source has none usable. */
  static async create(keys: KeySource, masterName = DEAD_LETTER_KEY, payloadsPerDataKey = 1000): Promise<PayloadEnvelope> {
    if (masterName.includes(':')) throw new EnvelopeError('a master key name must not contain ":"');
    const master = await keys.key(masterName, 32);
    requireAes256(master, masterName);
    return new PayloadEnvelope(masterName, master, Math.max(1, payloadsPerDataKey));
  }

  /** Starts a new batch: a fresh data key for the payloads that follow. */
  newBatch(): void {
    this.dataKey = randomBytes(32);
    const { iv, sealed } = gcmSeal(this.masterKey, this.dataKey, Buffer.from(`${ENVELOPE_PREFIX}:${this.masterName}`));
    this.wrappedDataKey = Buffer.concat([iv, sealed]).toString('base64');
    this.used = 0;
  }

  encryptPayload(text: string): string {
    if (this.used >= this.payloadsPerDataKey) this.newBatch();
    this.used++;
    const header = `${ENVELOPE_PREFIX}:${this.masterName}:${this.wrappedDataKey}`;
    const { iv, sealed } = gcmSeal(this.dataKey, Buffer.from(text, 'utf8'), Buffer.from(header));
    return `${header}:${iv.toString('base64')}:${sealed.toString('base64')}`;
  }

  /** Opens a payload sealed under this envelope's master key. */
  decryptPayload(sealed: string): string {
    return openWith(sealed, (name) => {
      if (name !== this.masterName) throw new EnvelopeError(`sealed under master key ${name}, not ${this.masterName}`);
      return this.masterKey;
    });
  }
}

function openWith(sealed: string, masterKeyOf: (name: string) => Uint8Array): string {
  const parts = sealed.split(':');
  if (parts.length !== 5 || parts[0] !== ENVELOPE_PREFIX) throw new EnvelopeError(`not a ${ENVELOPE_PREFIX} sealed payload`);
  const [, name, wrapped, iv, body] = parts;
  const master = masterKeyOf(name);
  const wrappedBytes = Buffer.from(wrapped, 'base64');
  const dataKey = gcmOpen(
    master,
    wrappedBytes.subarray(0, IV_BYTES),
    wrappedBytes.subarray(IV_BYTES),
    Buffer.from(`${ENVELOPE_PREFIX}:${name}`),
  );
  const header = `${ENVELOPE_PREFIX}:${name}:${wrapped}`;
  return gcmOpen(dataKey, Buffer.from(iv, 'base64'), Buffer.from(body, 'base64'), Buffer.from(header)).toString('utf8');
}

/** Encrypts one payload with a fresh data key (a batch of one). */
export async function encryptPayload(text: string, keys: KeySource, masterName = DEAD_LETTER_KEY): Promise<string> {
  return (await PayloadEnvelope.create(keys, masterName)).encryptPayload(text);
}

/** Opens a sealed payload with the master key it names, taken from `keys`; throws EnvelopeError otherwise. */
export async function decryptPayload(sealed: string, keys: KeySource): Promise<string> {
  const name = sealed.split(':')[1];
  if (!sealed.startsWith(`${ENVELOPE_PREFIX}:`) || name === undefined)
    throw new EnvelopeError(`not a ${ENVELOPE_PREFIX} sealed payload`);
  const master = await keys.key(name, 32);
  requireAes256(master, name);
  return openWith(sealed, () => master);
}
