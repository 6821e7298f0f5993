/** Test helpers for io/dlp: temporary key files, removed when the test process exits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;
let n = 0;

/** A path for a key file that does not exist yet, in a temporary folder of this process. */
export function tempKeyFile(): string {
  if (dir === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'tidemark-dlp-'));
    dir = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return join(dir, `keys-${++n}.json`);
}
