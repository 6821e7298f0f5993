/**
 * Types for the two compiled modules of `miscreant` (RFC 5297 AES-SIV) that io/dlp/aes_siv.ts loads. The package
 * points its `types` at its TypeScript sources, which do not compile under this project's strict settings, so the
 * compiled files are imported by path and typed here.
 */
declare module 'miscreant/release/siv' {
  export interface CryptoProvider {
    readonly __provider?: never;
  }
  export class SIV {
    static importKey(keyData: Uint8Array, alg: 'AES-SIV' | 'AES-CMAC-SIV', provider?: CryptoProvider): Promise<SIV>;
    seal(plaintext: Uint8Array, associatedData: Uint8Array[]): Promise<Uint8Array>;
    open(sealed: Uint8Array, associatedData: Uint8Array[]): Promise<Uint8Array>;
    clear(): this;
  }
}

declare module 'miscreant/release/providers/polyfill' {
  import type { CryptoProvider } from 'miscreant/release/siv';
  export class PolyfillCryptoProvider implements CryptoProvider {}
}
