/**
 * The work area of one execution: intermediate files under `s3://<work bucket>/runs/<run_id>/<attempt>/`. Steps pass
 * only small references through the state machine; everything bulky (ordered partitions, annotated events, partial
 * findings) lives here. JSON documents are whole objects; streams are JSON Lines split in chunk objects.
 */
import { createInterface } from 'node:readline';
import type { S3Client } from '@aws-sdk/client-s3';
import { getObject, joinKey, parseS3Uri, putObject, readObject } from '../../adapters/s3/objects.js';
import { WorkAreaError } from './errors.js';

export interface WorkArea {
  readonly uri: string;
  putJson(name: string, value: unknown): Promise<void>;
  getJson<T>(name: string): Promise<T>;
  putText(name: string, text: string): Promise<void>;
  putBytes(name: string, bytes: Uint8Array): Promise<void>;
  getBytes(name: string): Promise<Buffer>;
  /** The lines of one object, lazily. */
  lines(name: string): AsyncIterable<string>;
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
    async *lines(name) {
      const stream = await getObject(s3, bucket, key(name));
      const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      try {
        for await (const line of rl) if (line !== '') yield line;
      } finally {
        // A reader that stops early (a partition stopping at its deadline) must not leave the connection open.
        rl.close();
        stream.destroy();
      }
    },
  };
}

/**
 * Writes a stream of JSON lines as chunk objects `<prefix>/c<n>.jsonl` of about `chunkBytes` each. `add` is
 * synchronous (it is called from rule hooks); the owner awaits `flushIfFull()` between records and `close()` at the end.
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

/** The parsed lines of chunk objects, in order. */
export async function* readChunks<T>(work: WorkArea, chunks: readonly string[]): AsyncIterable<T> {
  for (const name of chunks) {
    for await (const line of work.lines(name)) yield JSON.parse(line) as T;
  }
}

/** A place in a chunked stream: the chunk, and the (non-empty) line within it. */
export interface ChunkPosition {
  chunk: number;
  line: number;
}

/**
 * The parsed lines of chunk objects from a position on, each with the position just after it (where a reader that
 * stopped after this line would resume). Lines before the start are skipped without being parsed.
 */
export async function* readChunksFrom<T>(
  work: WorkArea,
  chunks: readonly string[],
  start: ChunkPosition,
): AsyncIterable<{ value: T; next: ChunkPosition }> {
  if (start.chunk > chunks.length || (start.chunk === chunks.length && start.line !== 0)) {
    throw new WorkAreaError(`resume position ${start.chunk}:${start.line} is past the ${chunks.length} chunks`);
  }
  for (let c = start.chunk; c < chunks.length; c++) {
    let n = 0;
    const skip = c === start.chunk ? start.line : 0;
    for await (const line of work.lines(chunks[c]!)) {
      n++;
      if (n <= skip) continue;
      yield { value: JSON.parse(line) as T, next: { chunk: c, line: n } };
    }
    if (n < skip) throw new WorkAreaError(`resume position ${c}:${skip} is past the ${n} lines of ${chunks[c]}`);
  }
}
