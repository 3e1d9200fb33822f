/**
 * The work area's chunked streams as a partition split by time uses them: a writer that resumes where a previous
 * invocation's writer stopped, and a reader that starts at a saved position (skipping, not parsing, what came before).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedStack, startEmbeddedStack } from '#shared/local/embeddedStack.js';
import { WorkAreaError } from '#shared/pipeline/partition/errors.js';
import {
  ChunkCursor,
  ChunkedLineWriter,
  type ChunkPosition,
  readChunks,
  s3WorkArea,
  type WorkArea,
} from '#shared/pipeline/partition/workArea.js';

let dir: string;
let stack: EmbeddedStack;
let work: WorkArea;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vatp-work-'));
  stack = await startEmbeddedStack({ dataDir: join(dir, 'stack'), buckets: ['work'] });
  work = s3WorkArea(stack.s3, 's3://work/runs/r-test/1/');
});

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every value a cursor from `start` gives, each with the position after it. */
async function readFrom<T>(
  chunks: readonly string[],
  start: ChunkPosition,
): Promise<{ value: T; next: ChunkPosition }[]> {
  const cursor = new ChunkCursor<T>(work, chunks, start);
  const out: { value: T; next: ChunkPosition }[] = [];
  try {
    while (await cursor.fill()) {
      while (cursor.head !== undefined) out.push({ value: cursor.take(), next: cursor.position });
    }
  } finally {
    await cursor.close();
  }
  return out;
}

describe('chunked streams across invocations', () => {
  it('a resumed writer continues the chunk numbering and the line count of the one before it', async () => {
    const first = new ChunkedLineWriter(work, 'resume/events', 10);
    for (const n of [1, 2, 3]) {
      first.add(JSON.stringify({ n }));
      await first.flushIfFull();
    }
    await first.flush();
    const second = new ChunkedLineWriter(work, 'resume/events', 10, { chunks: first.chunks, count: first.count });
    for (const n of [4, 5]) {
      second.add(JSON.stringify({ n }));
      await second.flushIfFull();
    }
    const chunks = await second.close();
    expect(second.count).toBe(5);
    expect(chunks.slice(0, first.chunks.length)).toEqual(first.chunks);
    expect(new Set(chunks).size).toBe(chunks.length);
    expect((await collect(readChunks<{ n: number }>(work, chunks))).map((x) => x.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a reader from a saved position yields exactly the rest, each line with the position after it', async () => {
    const w = new ChunkedLineWriter(work, 'positions/events', 20);
    for (let n = 0; n < 12; n++) {
      w.add(JSON.stringify({ n }));
      await w.flushIfFull();
    }
    const chunks = await w.close();
    expect(chunks.length).toBeGreaterThan(2);
    const all = await readFrom<{ n: number }>(chunks, { chunk: 0, line: 0 });
    expect(all.map((x) => x.value.n)).toEqual([...Array(12).keys()]);
    // Resuming after every line in turn gives the remaining lines, wherever the chunk boundaries fall.
    for (let k = 0; k < all.length; k++) {
      const rest = await readFrom<{ n: number }>(chunks, all[k]!.next);
      expect(rest.map((x) => x.value.n)).toEqual([...Array(12).keys()].slice(k + 1));
    }
    const end: ChunkPosition = { chunk: chunks.length, line: 0 };
    expect(await readFrom(chunks, end)).toEqual([]);
  });

  it('a position past the stream is refused, never read as an empty rest', async () => {
    const w = new ChunkedLineWriter(work, 'past/events', 1 << 20);
    w.add('{"n":1}');
    w.add('{"n":2}');
    const chunks = await w.close();
    await expect(readFrom(chunks, { chunk: 0, line: 3 })).rejects.toBeInstanceOf(WorkAreaError);
    await expect(readFrom(chunks, { chunk: 2, line: 0 })).rejects.toBeInstanceOf(WorkAreaError);
    await expect(readFrom(chunks, { chunk: 1, line: 1 })).rejects.toBeInstanceOf(WorkAreaError);
  });

  it("lines cut by the body's pieces (even inside a UTF-8 character) are read whole and in order", async () => {
    // ~600 KB in one chunk object: the body arrives in many pieces, whose boundaries fall anywhere.
    const values = Array.from({ length: 4000 }, (_, n) => ({
      n,
      text: `é中€${'x'.repeat(n % 97)}😀`.repeat(1 + (n % 5)),
    }));
    const w = new ChunkedLineWriter(work, 'pieces/events', 8 << 20);
    for (const v of values) w.add(JSON.stringify(v));
    const chunks = await w.close();
    expect(chunks).toHaveLength(1);
    expect(await collect(readChunks(work, chunks))).toEqual(values);
    expect((await readFrom(chunks, { chunk: 0, line: 3999 })).map((x) => x.value)).toEqual([values[3999]]);
  });

  it('binary objects round-trip; a missing one is a WorkAreaError naming it', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    await work.putBytes('bin/checkpoint.v8.gz', bytes);
    expect([...(await work.getBytes('bin/checkpoint.v8.gz'))]).toEqual([...bytes]);
    await expect(work.getBytes('bin/none.v8.gz')).rejects.toThrow(/bin\/none\.v8\.gz/);
  });
});
