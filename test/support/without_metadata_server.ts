/**
 * Google clients look for a GCE metadata server (and warn) unless told not to. Call inside a `describe`, before the
 * hooks that create clients: sets METADATA_SERVER_DETECTION=none for the suite and restores it afterwards, so no
 * setting leaks into other test files.
 */
export function withoutMetadataServer(): void {
  let saved: string | undefined;
  before(() => {
    saved = process.env.METADATA_SERVER_DETECTION;
    process.env.METADATA_SERVER_DETECTION = 'none';
  });
  after(() => {
    if (saved === undefined) delete process.env.METADATA_SERVER_DETECTION;
    else process.env.METADATA_SERVER_DETECTION = saved;
  });
}
