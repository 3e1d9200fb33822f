/**
 * The work area of one execution: intermediate files under `s3://<work bucket>/runs/<run_id>/<attempt>/`. Steps pass
 * only small references through the state machine; everything bulky (ordered partitions, annotated events, partial
 * findings) lives here. JSON documents are whole objects; streams are JSON Lines split in chunk objects.
 */
import { StringDecoder } from 'node:string_decoder';
import type { S3Client } from '@aws-sdk/client-s3';
import { getObject, joinKey, parseS3Uri, putObject, readObject } from '../../adapters/s3/objects.js';
import { WorkAreaError } from './errors.js';
import type { Cursor } from './mergeByOrdinal.js';

export interface WorkArea {
  readonly uri: string;
  putJson(name: string, value: unknown): Promise<void>;
  getJson<T>(name: string): Promise<T>;
  putText(name: string, text: string): Promise<void>;
  putBytes(name: string, bytes: Uint8Array): Promise<void>;
  getBytes(name: string): Promise<Buffer>;
  /**
   * The non-empty lines of one object, lazily, in batches (one per piece of the object's body as it arrives): a
   * reader then hands lines out without a promise per line, and holds one piece per open object, not the object.
   */
  lineBatches(name: string): AsyncIterable<string[]>;
}

export function s3WorkArea(s3: S3Client, uri: string): WorkArea {
  const { bucket, prefix } = parseS3Uri(uri);
  const key = (name: string) => joinKey(prefix, name);
  return {
    uri,
    async putJson(name, value) {
      await putObject(s3, bucket, key(name), JSON.stringify(value), { contentType: 'application/json' });
    },
    async getJson<T>(name: string): Promise<T> {
      let data: Buffer;
      try {
        data = await readObject(s3, bucket, key(name));
      } catch (cause) {
        throw new WorkAreaError(`cannot read ${uri.replace(/\/?$/, '/')}${name}`, { cause });
      }
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (cause) {
        throw new WorkAreaError(`${name} in ${uri} is not JSON`, { cause });
      }
    },
    async putText(name, text) {
      await putObject(s3, bucket, key(name), text, { contentType: 'application/x-ndjson' });
    },
    async putBytes(name, bytes) {
      await putObject(s3, bucket, key(name), bytes, { contentType: 'application/octet-stream' });
    },
    async getBytes(name) {
      try {
        return await readObject(s3, bucket, key(name));
      } catch (cause) {
        throw new WorkAreaError(`cannot read ${uri.replace(/\/?$/, '/')}${name}`, { cause });
      }
    },
    async *lineBatches(name) {
      const stream = await getObject(s3, bucket, key(name));
      const decoder = new StringDecoder('utf8');
      let rest = '';
      try {
        for await (const piece of stream) {
          const parts = (rest + decoder.write(piece as Buffer)).split('\n');
          rest = parts.pop()!;
          const batch = nonEmptyLines(parts);
          if (batch.length > 0) yield batch;
        }
        const last = nonEmptyLines([rest + decoder.end()]);
        if (last.length > 0) yield last;
      } finally {
        // A reader that stops early (a partition stopping at its deadline) must not leave the connection open.
        stream.destroy();
      }
    },
  };
}

/** The lines without a trailing CR, empty ones left out (as the writer never writes one). */
function nonEmptyLines(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    const line = p.endsWith('\r') ? p.slice(0, -1) : p;
    if (line !== '') out.push(line);
  }
  return out;
}

/**
 * Writes a stream of JSON lines as chunk objects `<prefix>/c<n>.jsonl` of about `chunkBytes` each. `add` is
 * synchronous (it is called from rule hooks); the owner flushes when `full` (or awaits `flushIfFull()`) between records
 * and awaits `close()` at the end.
 */
export class ChunkedLineWriter {
  readonly #work: WorkArea;
  readonly #prefix: string;
  readonly #chunkBytes: number;
  #lines: string[] = [];
  #bytes = 0;
  readonly chunks: string[] = [];
  count = 0;

  /** `resume`: the chunks and line count a previous writer of the same stream left (a partition split by time). */
  constructor(
    work: WorkArea,
    prefix: string,
    chunkBytes = 8 << 20,
    resume: { chunks: readonly string[]; count: number } | undefined = undefined,
  ) {
    this.#work = work;
    this.#prefix = prefix;
    this.#chunkBytes = chunkBytes;
    if (resume !== undefined) {
      this.chunks.push(...resume.chunks);
      this.count = resume.count;
    }
  }

  add(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    this.count++;
  }

  get bufferedBytes(): number {
    return this.#bytes;
  }

  get full(): boolean {
    return this.#bytes >= this.#chunkBytes;
  }

  async flushIfFull(): Promise<void> {
    if (this.full) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const name = `${this.#prefix}/c${String(this.chunks.length).padStart(6, '0')}.jsonl`;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    this.#bytes = 0;
    await this.#work.putText(name, text);
    this.chunks.push(name);
  }

  /** Flushes the rest; returns the chunk names in order. */
  async close(): Promise<string[]> {
    await this.flush();
    return [...this.chunks];
  }
}

/** A place in a chunked stream: the chunk, and the (non-empty) line within it. */
export interface ChunkPosition {
  chunk: number;
  line: number;
}

/**
 * A reader of one chunked stream from a position on. The head line is parsed and available synchronously; only when
 * the current batch of lines runs out does the owner await `fill()`. Lines before the start are skipped without being
 * parsed. `position` is where a reader that stopped after the last taken line would resume.
 */
export class ChunkCursor<T> implements Cursor<T> {
  readonly #work: WorkArea;
  readonly #chunks: readonly string[];
  #chunk: number;
  /** Lines of the current chunk already read (taken, skipped, or buffered). */
  #read = 0;
  #skip: number;
  #batches: AsyncIterator<string[]> | undefined;
  #batch: string[] = [];
  #at = 0;
  #head: T | undefined;
  /** The head's place (its chunk, and its line counted from 1), and the last taken line's: numbers, not an object per line. */
  #headChunk: number;
  #headLine: number;
  #takenChunk: number;
  #takenLine: number;

  constructor(work: WorkArea, chunks: readonly string[], start: ChunkPosition = { chunk: 0, line: 0 }) {
    if (start.chunk > chunks.length || (start.chunk === chunks.length && start.line !== 0)) {
      throw new WorkAreaError(`resume position ${start.chunk}:${start.line} is past the ${chunks.length} chunks`);
    }
    this.#work = work;
    this.#chunks = chunks;
    this.#chunk = start.chunk;
    this.#skip = start.line;
    this.#headChunk = this.#takenChunk = start.chunk;
    this.#headLine = this.#takenLine = start.line;
  }

  /** The next value, parsed, or undefined when `fill()` must run first (or the stream is at its end). */
  get head(): T | undefined {
    return this.#head;
  }

  /** Where a reader that stopped after the last taken line would resume. */
  get position(): ChunkPosition {
    return { chunk: this.#takenChunk, line: this.#takenLine };
  }

  /** Loads lines until a head is available; false at the end of the stream. */
  async fill(): Promise<boolean> {
    while (this.#head === undefined) {
      if (this.#at < this.#batch.length) {
        this.#advance();
        continue;
      }
      if (this.#chunk >= this.#chunks.length) return false;
      this.#batches ??= this.#work.lineBatches(this.#chunks[this.#chunk]!)[Symbol.asyncIterator]();
      const next = await this.#batches.next();
      if (!next.done) {
        this.#batch = next.value;
        this.#at = 0;
        continue;
      }
      const name = this.#chunks[this.#chunk]!;
      if (this.#read < this.#skip) {
        throw new WorkAreaError(
          `resume position ${this.#chunk}:${this.#skip} is past the ${this.#read} lines of ${name}`,
        );
      }
      this.#batches = undefined;
      this.#chunk++;
      this.#read = 0;
      this.#skip = 0;
    }
    return true;
  }

  /** The head, consumed (the next line becomes the head if it is already loaded). */
  take(): T {
    const value = this.#head;
    if (value === undefined) throw new WorkAreaError('ChunkCursor.take() without a head: fill() first');
    this.#head = undefined;
    this.#takenChunk = this.#headChunk;
    this.#takenLine = this.#headLine;
    if (this.#at < this.#batch.length) this.#advance();
    return value;
  }

  /** Releases the open object (a reader that stops early). */
  async close(): Promise<void> {
    const it = this.#batches;
    this.#batches = undefined;
    await it?.return?.();
  }

  /** Reads the batch's next line: skipped before the start, else parsed into the head. */
  #advance(): void {
    const line = this.#batch[this.#at++]!;
    this.#read++;
    if (this.#read <= this.#skip) return;
    this.#head = JSON.parse(line) as T;
    this.#headChunk = this.#chunk;
    this.#headLine = this.#read;
  }
}

/** The parsed lines of chunk objects, in order. */
export async function* readChunks<T>(work: WorkArea, chunks: readonly string[]): AsyncIterable<T> {
  const cursor = new ChunkCursor<T>(work, chunks);
  try {
    while (await cursor.fill()) {
      // The cursor awaits once per batch; this generator still costs its consumer a promise per line (fine for the
      // collateral and access streams; the order-flow loops use the cursor through OrdinalMerge instead).
      while (cursor.head !== undefined) yield cursor.take();
    }
  } finally {
    await cursor.close();
  }
}
