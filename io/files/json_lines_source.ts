/**
 * JSON Lines files as bounded sources: one element per line, read in chunks (a file of any size streams through
 * in constant memory), the line number kept with every element.
 *
 * Two readings of a line, for two kinds of input:
 *   - side data (campaigns, profiles): configuration. Each line is parsed and checked at once, and a bad line stops
 *     the pipeline with an error naming file and line (`JsonLinesError`): a half-read configuration must not run.
 *   - stream data (`rawMessagesFromFile`): each line becomes a RawMessage with id `<absolute path>:<line>`, its
 *     bytes untouched, so that a bad line is a dead letter like any other bad message (ParseEvents decides).
 *
 * Common rules: lines end with LF or CRLF; a UTF-8 byte order mark at the start of the file is ignored; blank
 * lines (only whitespace) are skipped but counted, so line numbers are those an editor shows; a line longer than
 * `maxLineBytes` is cut there (as side data, that is an error; as a message, the attribute `truncated_bytes` says
 * how long it really was, and ParseEvents rejects it as oversized).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ReadBatch, type Source, type SourceContext, type SourceReader } from '../../sdk/source';
import { MIN_TIMESTAMP, type Instant, WATERMARK_DONE, WATERMARK_START } from '../../sdk/time';
import { type RawMessage } from '../../transforms/records';

export interface JsonLinesOptions {
  /** Longest line kept, in bytes. Default 16 MiB. */
  readonly maxLineBytes?: number;
  /** Bytes per file read. Default 1 MiB. */
  readonly chunkBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** A bad line of a side-data file: the message starts with `file:line:`. */
export class JsonLinesError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'JsonLinesError';
  }
}

/** One line: its 1-based number, its bytes without the line break, and its real length when cut. */
export interface FileLine {
  readonly number: number;
  readonly bytes: Uint8Array;
  /** Set when the line was longer than maxLineBytes: its full length in bytes. */
  readonly fullBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  return true;
}

/** Splits a file into lines, chunk by chunk. */
export class LineReader {
  private handle: FileHandle | undefined;
  private chunk: Uint8Array = new Uint8Array(0);
  private position = 0;
  private eof = false;
  private lineNumber = 0;
  /** Pieces of the current line from earlier chunks. */
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private lineBytes = 0;

  constructor(
    readonly path: string,
    private readonly maxLineBytes: number,
    private readonly chunkBytes: number,
  ) {}

  async open(): Promise<void> {
    this.handle = await open(this.path, 'r');
  }

  /** The next non-blank line, or undefined at the end of the file. */
  async next(): Promise<FileLine | undefined> {
    for (;;) {
      const line = await this.nextLine();
      if (line === undefined || !isBlank(line.bytes)) return line;
    }
  }

  private async nextLine(): Promise<FileLine | undefined> {
    for (;;) {
      const nl = this.chunk.indexOf(LF, this.position);
      if (nl >= 0) {
        const piece = this.chunk.subarray(this.position, nl);
        this.position = nl + 1;
        return this.endLine(piece);
      }
      this.keep(this.chunk.subarray(this.position));
      this.position = this.chunk.length;
      if (this.eof) return this.lineBytes > 0 ? this.endLine(new Uint8Array(0)) : undefined;
      await this.fill();
    }
  }

  private keep(piece: Uint8Array): void {
    this.lineBytes += piece.length;
    const room = this.maxLineBytes - this.pieceBytes;
    if (room <= 0 || piece.length === 0) return;
    // Copy: the chunk buffer is not ours to hold on to.
    const kept = piece.slice(0, room);
    this.pieces.push(kept);
    this.pieceBytes += kept.length;
  }

  private endLine(last: Uint8Array): FileLine {
    this.keep(last);
    let bytes: Uint8Array;
    if (this.pieces.length === 1) bytes = this.pieces[0];
    else {
      bytes = new Uint8Array(this.pieceBytes);
      let at = 0;
      for (const p of this.pieces) {
        bytes.set(p, at);
        at += p.length;
      }
    }
    const full = this.lineBytes;
    this.pieces = [];
    this.pieceBytes = 0;
    this.lineBytes = 0;
    this.lineNumber++;
    if (this.lineNumber === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const cut = full > this.maxLineBytes;
    if (!cut && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return cut ? { number: this.lineNumber, bytes, fullBytes: full } : { number: this.lineNumber, bytes };
  }

  private async fill(): Promise<void> {
    if (this.handle === undefined) throw new Error(`${this.path}: read before open`);
    const buffer = new Uint8Array(this.chunkBytes);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) this.eof = true;
    this.chunk = buffer.subarray(0, bytesRead);
    this.position = 0;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

function checkOptions(options: JsonLinesOptions): { maxLineBytes: number; chunkBytes: number } {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!(Number.isInteger(maxLineBytes) && maxLineBytes > 0))
    throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  if (!(Number.isInteger(chunkBytes) && chunkBytes > 0))
    throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
  return { maxLineBytes, chunkBytes };
}

/** A bounded source over the lines of a file; `toElement` makes an element of each non-blank line. */
abstract class LineSource<T> implements Source<T> {
  readonly bounded = true;
  readonly description: string;
  protected readonly path: string;
  private readonly maxLineBytes: number;
  private readonly chunkBytes: number;

  constructor(path: string, options: JsonLinesOptions, what: string) {
    this.path = resolve(path);
    ({ maxLineBytes: this.maxLineBytes, chunkBytes: this.chunkBytes } = checkOptions(options));
    this.description = `${what} from ${this.path}`;
  }

  protected abstract toElement(line: FileLine, readTimeMs: Instant): { value: T; timestamp: Instant };

  async open(context: SourceContext): Promise<SourceReader<T>> {
    const lines = new LineReader(this.path, this.maxLineBytes, this.chunkBytes);
    await lines.open();
    let done = false;
    let produced = 0;
    // Resuming after a crash: skip the lines that became elements before the checkpoint (the file is assumed
    // unchanged; a file source is for replays of a fixed input).
    const resumeAt = typeof context.resumeFrom === 'number' ? context.resumeFrom : 0;
    while (produced < resumeAt) {
      if ((await lines.next()) === undefined) {
        done = true;
        await lines.close();
        break;
      }
      produced++;
    }
    return {
      read: async (maxElements: number): Promise<ReadBatch<T>> => {
        const values: T[] = [];
        const timestamps: Instant[] = [];
        const now = context.clock.now();
        while (!done && values.length < maxElements) {
          const line = await lines.next();
          if (line === undefined) {
            done = true;
            await lines.close();
            break;
          }
          const { value, timestamp } = this.toElement(line, now);
          values.push(value);
          timestamps.push(timestamp);
        }
        produced += values.length;
        return { values, timestamps };
      },
      watermark: () => (done ? WATERMARK_DONE : WATERMARK_START),
      checkpoint: () => produced,
      close: () => lines.close(),
    };
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Side data: each line a JSON value, turned into an element by `decode` (which throws on a bad value). Elements
 * carry MIN_TIMESTAMP: configuration has no event time and belongs to the global window.
 */
export class JsonLinesSource<T> extends LineSource<T> {
  constructor(
    path: string,
    private readonly decode: (value: unknown, line: number) => T,
    options: JsonLinesOptions & { readonly what?: string } = {},
  ) {
    super(path, options, options.what ?? 'JSON Lines');
  }

  protected toElement(line: FileLine): { value: T; timestamp: Instant } {
    if (line.fullBytes !== undefined) {
      throw new JsonLinesError(this.path, line.number, `line is ${line.fullBytes} bytes, longer than the limit`);
    }
    let text: string;
    try {
      text = utf8.decode(line.bytes);
    } catch {
      throw new JsonLinesError(this.path, line.number, 'not valid UTF-8');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new JsonLinesError(this.path, line.number, `not valid JSON: ${(e as Error).message}`);
    }
    try {
      return { value: this.decode(parsed, line.number), timestamp: MIN_TIMESTAMP };
    } catch (e) {
      throw new JsonLinesError(this.path, line.number, e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * Stream data: every non-blank line a RawMessage, `id` = `<absolute path>:<line>` (stable across runs, so the
 * dead letter stays idempotent), `data` = the line's bytes (invalid UTF-8 is ParseEvents' to report),
 * `publishTimeMs` and the element timestamp = read time. Attributes: source=file, file, line.
 */
export class RawMessageFileSource extends LineSource<RawMessage> {
  constructor(path: string, options: JsonLinesOptions = {}) {
    super(path, options, 'messages');
  }

  protected toElement(line: FileLine, readTimeMs: Instant): { value: RawMessage; timestamp: Instant } {
    const attributes: Record<string, string> = { source: 'file', file: this.path, line: String(line.number) };
    if (line.fullBytes !== undefined) attributes.truncated_bytes = String(line.fullBytes);
    return {
      value: { id: `${this.path}:${line.number}`, data: line.bytes, attributes, publishTimeMs: readTimeMs },
      timestamp: readTimeMs,
    };
  }
}

/** The main input from a JSON Lines file (`tidemark run --source file --input PATH`). */
export function rawMessagesFromFile(path: string, options: JsonLinesOptions = {}): Source<RawMessage> {
  return new RawMessageFileSource(path, options);
}
