/**
 * Durable checkpoints of a run: every step's watermarks and state, and every source's position, taken between
 * bundles. A source acknowledges its messages only after the checkpoint that covers them is on disk, so that a
 * process killed at any moment resumes from the last checkpoint and re-reads exactly what it had not secured
 * (see docs/checkpointing.md).
 *
 * The file is written with `v8.serialize` (structured clone: plain objects, arrays, Maps, Sets, cycles, NaN and
 * ±Infinity survive; functions and class prototypes do not, which is why step state is plain data). It is written
 * to a temporary file, flushed to disk, and renamed over the previous one, then the folder is flushed: a crash
 * leaves either the old checkpoint or the new one, never a torn file.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { type Instant } from '../../sdk/time';
import { type ExecutorSnapshot } from './executor';

export const CHECKPOINT_FORMAT = 1;

export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** The pipeline's steps (`kind name`, in order): a checkpoint resumes only the pipeline that wrote it. */
  readonly steps: readonly string[];
  /** Processing time when it was taken. */
  readonly takenAt: Instant;
  /** How many checkpoints this run (and the runs it resumed) had taken, this one included. */
  readonly sequence: number;
  readonly snapshots: Readonly<Record<string, ExecutorSnapshot>>;
}

export interface CheckpointStore {
  /** Where checkpoints go, for messages. */
  readonly description: string;
  /** The last checkpoint, or undefined when there is none. */
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  /** Removes the checkpoint: the run finished and left nothing to resume. */
  clear(): Promise<void>;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const FILE = 'checkpoint.v8';

/** Checkpoints in a folder of the local data directory. */
export class FileCheckpointStore implements CheckpointStore {
  readonly description: string;
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, FILE);
    this.description = this.file;
  }

  async load(): Promise<Checkpoint | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let value: unknown;
    try {
      value = deserialize(bytes);
    } catch (e) {
      throw new CheckpointError(
        `${this.file} is not a readable checkpoint (${(e as Error).message}); move it away to start afresh`,
      );
    }
    const c = value as Partial<Checkpoint> | null;
    if (c === null || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT || !Array.isArray(c.steps)) {
      throw new CheckpointError(`${this.file} is not a tidemark checkpoint of format ${CHECKPOINT_FORMAT}`);
    }
    return c as Checkpoint;
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(serialize(checkpoint));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    // The rename itself must reach the disk before sources acknowledge what the checkpoint covers.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
    await rm(`${this.file}.tmp`, { force: true });
  }
}
