/**
 * A local, disk-backed map from encoded grouping keys to serialized state, for state that is cold: what a runner
 * with a persistent state backend (Flink's RocksDB, Dataflow's Windmill) would keep on disk rather than in memory.
 *
 * The file is append-only: a record is written once and never changed. Replacing or removing a key only moves the
 * in-memory index, which is the only per-key cost in memory (one Map entry: the key and its record's offset). Dead
 * records are reclaimed by compaction, which copies the live ones to a new file once the garbage outweighs both the
 * live bytes and a floor (so a small file is never rewritten over and over).
 *
 * Record layout (little-endian): u32 length of what follows | u8 key kind | u32 key length | key bytes | value.
 * A string key is stored as UTF-8, any other encoded key (number, boolean, bigint, null, undefined) with
 * `v8.serialize`. Records are self-describing, so a set of them (a checkpoint's copy) can be loaded into a new store.
 *
 * The file lives in a fresh folder of its own, `tidemark-spill-<pid>-XXXXXX`, removed by `close()` and, failing that,
 * when the process exits. A process killed outright cannot remove it: the first store a process opens in a folder
 * removes the spill folders there whose process no longer runs. The file is not durable and need not be: a crash
 * loses it, and recovery comes from checkpoints, which carry copies of the records. Writes are buffered in memory and reach the file in large appends; reads use positioned, synchronous I/O
 * (the grouping that owns the store runs synchronously).
 */
import { closeSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RunnerInvariantError } from '../../sdk/errors';

export type SpillKey = string | number | boolean | bigint | null | undefined;

export interface SpillStoreOptions {
  /** The folder in which the store makes its own subfolder. */
  readonly dir: string;
  /** Compaction starts only when the garbage exceeds this many bytes (and the live bytes). */
  readonly compactAfterGarbageBytes: number;
}

const FOLDER_PREFIX = 'tidemark-spill-';
/** Folders already swept of dead processes' spill folders by this process. */
const swept = new Set<string>();

const LENGTH_BYTES = 4;
const HEADER_BYTES = LENGTH_BYTES + 1 + 4;
const STRING_KEY = 0;
const SERIALIZED_KEY = 1;
/** Appends are gathered up to this size before they reach the file. */
const WRITE_BUFFER_BYTES = 1 << 20;
/** Sequential reads (compaction, export, drain) fetch this much at a time. */
const READ_AHEAD_BYTES = 1 << 20;

export class SpillStore {
  /** Key → offset of its live record. Insertion order is offset order (see `append`). */
  private readonly index = new Map<SpillKey, number>();
  private folder: string | undefined;
  private file: string | undefined;
  private fd = -1;
  private generation = 0;
  /** Logical end of the file: flushed bytes plus the write buffer. */
  private end = 0;
  private readonly writeBuffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private pending = 0;
  private liveBytes = 0;
  private draining = false;
  private readonly scratch = Buffer.allocUnsafe(4096);
  private readonly removeOnExit = (): void => this.removeFiles();
  /** How many times the file was rewritten without its garbage. */
  compactions = 0;

  constructor(private readonly options: SpillStoreOptions) {}

  /** Keys in the store. */
  get size(): number {
    return this.index.size;
  }

  /** The folder holding the file; undefined until the first record is written and after `close()`. */
  get path(): string | undefined {
    return this.folder;
  }

  /** Bytes of the current file that belong to live records. */
  get live(): number {
    return this.liveBytes;
  }

  /** Bytes of the current file that no record uses any more. */
  get garbage(): number {
    return this.end - this.liveBytes;
  }

  has(key: SpillKey): boolean {
    return this.index.has(key);
  }

  keys(): IterableIterator<SpillKey> {
    return this.index.keys();
  }

  /** Stores `value` under `key`, replacing what was there. */
  put(key: SpillKey, value: Uint8Array): void {
    if (this.draining) throw new RunnerInvariantError('a spill store was written to while it was being drained');
    this.delete(key);
    const keyBytes = encodeKeyBytes(key);
    const length = 1 + 4 + keyBytes.bytes.length + value.length;
    const record = Buffer.allocUnsafe(LENGTH_BYTES + length);
    record.writeUInt32LE(length, 0);
    record[LENGTH_BYTES] = keyBytes.kind;
    record.writeUInt32LE(keyBytes.bytes.length, LENGTH_BYTES + 1);
    record.set(keyBytes.bytes, HEADER_BYTES);
    record.set(value, HEADER_BYTES + keyBytes.bytes.length);
    this.append(key, record);
  }

  /** The value stored under `key` (a copy), or undefined. */
  get(key: SpillKey): Buffer | undefined {
    const offset = this.index.get(key);
    return offset === undefined ? undefined : valueOf(this.readRecord(offset));
  }

  /** Removes `key` and returns its value: what bringing a key back into memory does. */
  take(key: SpillKey): Buffer | undefined {
    const offset = this.index.get(key);
    if (offset === undefined) return undefined;
    const record = this.readRecord(offset);
    // Copied before forgetting: a compaction started by it reuses the buffers the record may be a view of.
    const value = valueOf(record);
    this.forget(key, record.length);
    return value;
  }

  delete(key: SpillKey): boolean {
    const offset = this.index.get(key);
    if (offset === undefined) return false;
    this.forget(key, LENGTH_BYTES + this.readLength(offset));
    return true;
  }

  /**
   * Removes every record and hands each to `visit` in file order, reading the file sequentially. The value is only
   * valid during the call (it may share memory with the next read). `visit` must not write to this store.
   */
  drain(visit: (key: SpillKey, value: Buffer) => void): void {
    if (this.index.size === 0) return;
    this.flush();
    this.draining = true;
    try {
      const reader = new SequentialReader(this.fd);
      for (const [key, offset] of this.index) {
        const record = reader.record(offset);
        this.index.delete(key);
        this.liveBytes -= record.length;
        visit(key, valueOf(record, false));
      }
    } finally {
      this.draining = false;
    }
    this.restart();
  }

  /** Every live record, concatenated in the record layout: what a checkpoint keeps of the store. */
  exportRecords(): Buffer {
    this.flush();
    const out = Buffer.allocUnsafe(this.liveBytes);
    let at = 0;
    if (this.index.size > 0) {
      const reader = new SequentialReader(this.fd);
      for (const offset of this.index.values()) {
        const record = reader.record(offset);
        out.set(record, at);
        at += record.length;
      }
    }
    return out;
  }

  /** Adds the records of `exportRecords()` (replacing keys already here). */
  importRecords(records: Uint8Array): void {
    forEachRecord(records, (key, _value, record) => {
      this.delete(key);
      this.append(key, record);
    });
  }

  /** Removes the file and its folder; the store is empty and usable again (a new folder is made on demand). */
  close(): void {
    this.index.clear();
    this.removeFiles();
    process.removeListener('exit', this.removeOnExit);
    this.end = 0;
    this.pending = 0;
    this.liveBytes = 0;
  }

  private append(key: SpillKey, record: Uint8Array): void {
    if (this.fd < 0) this.openFile();
    // Replaced keys are deleted first, so the index's insertion order stays the order of offsets: compaction and
    // export read the file front to back.
    this.index.set(key, this.end);
    this.liveBytes += record.length;
    this.write(record);
  }

  /** Appends at the end of the file, through the write buffer unless the record is larger than it. */
  private write(record: Uint8Array): void {
    if (this.pending + record.length > WRITE_BUFFER_BYTES) this.flush();
    if (record.length > WRITE_BUFFER_BYTES) writeAll(this.fd, record, this.end);
    else {
      this.writeBuffer.set(record, this.pending);
      this.pending += record.length;
    }
    this.end += record.length;
  }

  private forget(key: SpillKey, recordBytes: number): void {
    this.index.delete(key);
    this.liveBytes -= recordBytes;
    if (this.index.size === 0) this.restart();
    else if (!this.draining && this.garbage > this.liveBytes && this.garbage > this.options.compactAfterGarbageBytes) {
      this.compact();
    }
  }

  /** Rewrites the live records into a new file and removes the old one. */
  private compact(): void {
    this.flush();
    const oldFd = this.fd;
    const oldFile = this.file as string;
    const reader = new SequentialReader(oldFd);
    this.fd = -1;
    this.openFile();
    this.end = 0;
    this.liveBytes = 0;
    for (const [key, offset] of this.index) {
      const record = reader.record(offset);
      this.index.set(key, this.end);
      this.liveBytes += record.length;
      this.write(record);
    }
    closeSync(oldFd);
    unlinkSync(oldFile);
    this.compactions++;
  }

  /** With nothing live, the file starts over from offset 0. */
  private restart(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    unlinkSync(this.file as string);
    this.fd = -1;
    this.end = 0;
    this.pending = 0;
    this.liveBytes = 0;
  }

  private openFile(): void {
    if (this.folder === undefined) {
      removeDeadProcessesFolders(this.options.dir);
      this.folder = mkdtempSync(join(this.options.dir, `${FOLDER_PREFIX}${process.pid}-`));
      process.on('exit', this.removeOnExit);
    }
    this.file = join(this.folder, `state-${this.generation++}.bin`);
    this.fd = openSync(this.file, 'wx+', 0o600);
  }

  private flush(): void {
    if (this.pending === 0) return;
    writeAll(this.fd, this.writeBuffer.subarray(0, this.pending), this.end - this.pending);
    this.pending = 0;
  }

  /** A whole record (a view of a scratch or write buffer, or a fresh buffer). */
  private readRecord(offset: number): Buffer {
    const flushedEnd = this.end - this.pending;
    if (offset >= flushedEnd) {
      const at = offset - flushedEnd;
      const size = LENGTH_BYTES + this.writeBuffer.readUInt32LE(at);
      return this.writeBuffer.subarray(at, at + size);
    }
    const got = readSync(this.fd, this.scratch, 0, this.scratch.length, offset);
    if (got < HEADER_BYTES) throw new RunnerInvariantError(`spill file ${this.file} is truncated at ${offset}`);
    const size = LENGTH_BYTES + this.scratch.readUInt32LE(0);
    if (size <= got) return this.scratch.subarray(0, size);
    const record = Buffer.allocUnsafe(size);
    this.scratch.copy(record, 0, 0, got);
    readExactly(this.fd, record.subarray(got), offset + got);
    return record;
  }

  private readLength(offset: number): number {
    const flushedEnd = this.end - this.pending;
    if (offset >= flushedEnd) return this.writeBuffer.readUInt32LE(offset - flushedEnd);
    readExactly(this.fd, this.scratch.subarray(0, LENGTH_BYTES), offset);
    return this.scratch.readUInt32LE(0);
  }

  private removeFiles(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
    this.file = undefined;
  }
}

/** Reads records front to back through a large buffer: one system call per megabyte, not per record. */
class SequentialReader {
  private readonly buffer = Buffer.allocUnsafe(READ_AHEAD_BYTES);
  private start = 0;
  private filled = 0;

  constructor(private readonly fd: number) {}

  /** The record at `offset`: a view valid until the next call. */
  record(offset: number): Buffer {
    if (!this.holds(offset, HEADER_BYTES)) this.fill(offset, READ_AHEAD_BYTES);
    const size = LENGTH_BYTES + this.buffer.readUInt32LE(offset - this.start);
    if (this.holds(offset, size)) return this.buffer.subarray(offset - this.start, offset - this.start + size);
    if (size > READ_AHEAD_BYTES) {
      const record = Buffer.allocUnsafe(size);
      readExactly(this.fd, record, offset);
      return record;
    }
    this.fill(offset, READ_AHEAD_BYTES);
    if (!this.holds(offset, size)) throw new RunnerInvariantError(`a spill file is truncated at ${offset}`);
    return this.buffer.subarray(0, size);
  }

  private holds(offset: number, size: number): boolean {
    return offset >= this.start && offset + size <= this.start + this.filled;
  }

  private fill(offset: number, size: number): void {
    this.start = offset;
    this.filled = 0;
    while (this.filled < size) {
      const got = readSync(this.fd, this.buffer, this.filled, size - this.filled, offset + this.filled);
      if (got === 0) break;
      this.filled += got;
    }
  }
}

/** Visits the records of `exportRecords()`: each key, its value and the whole record (views of `records`). */
export function forEachRecord(records: Uint8Array, visit: (key: SpillKey, value: Buffer, record: Buffer) => void): void {
  const bytes = Buffer.from(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + HEADER_BYTES > bytes.length) throw new RunnerInvariantError('spilled state records are truncated');
    const size = LENGTH_BYTES + bytes.readUInt32LE(at);
    if (at + size > bytes.length) throw new RunnerInvariantError('spilled state records are truncated');
    const record = bytes.subarray(at, at + size);
    visit(keyOf(record), valueOf(record, false), record);
    at += size;
  }
}

/**
 * Removes, once per process and folder, the spill folders in `dir` left by processes that no longer run (killed with
 * SIGKILL, or by the OOM killer). A folder whose process id belongs to a live process — this run's, another run's,
 * or an unrelated process that reuses the id — is left alone; so is one this user may not remove.
 */
function removeDeadProcessesFolders(dir: string): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(FOLDER_PREFIX) ? Number.parseInt(name.slice(FOLDER_PREFIX.length), 10) : Number.NaN;
    if (!(pid > 0) || pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // Another user's folder, or one being removed concurrently: not ours to insist on.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function encodeKeyBytes(key: SpillKey): { kind: number; bytes: Buffer } {
  return typeof key === 'string'
    ? { kind: STRING_KEY, bytes: Buffer.from(key, 'utf8') }
    : { kind: SERIALIZED_KEY, bytes: serialize(key) };
}

function keyOf(record: Buffer): SpillKey {
  const keyLength = record.readUInt32LE(LENGTH_BYTES + 1);
  const bytes = record.subarray(HEADER_BYTES, HEADER_BYTES + keyLength);
  switch (record[LENGTH_BYTES]) {
    case STRING_KEY:
      return bytes.toString('utf8');
    case SERIALIZED_KEY:
      return deserialize(bytes) as SpillKey;
    default:
      throw new RunnerInvariantError(`a spilled state record has an unknown key kind ${record[LENGTH_BYTES]}`);
  }
}

/** The value part of a record; a copy unless `copy` is false (then a view of `record`). */
function valueOf(record: Buffer, copy = true): Buffer {
  const view = record.subarray(HEADER_BYTES + record.readUInt32LE(LENGTH_BYTES + 1));
  return copy ? Buffer.from(view) : view;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function readExactly(fd: number, into: Buffer, position: number): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new RunnerInvariantError(`a spill file ended early at ${position + done}`);
    done += got;
  }
}
