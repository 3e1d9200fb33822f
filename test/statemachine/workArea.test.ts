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
  ChunkedLineWriter,
  type ChunkPosition,
  readChunks,
  readChunksFrom,
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
    const all = await collect(readChunksFrom<{ n: number }>(work, chunks, { chunk: 0, line: 0 }));
    expect(all.map((x) => x.value.n)).toEqual([...Array(12).keys()]);
    // Resuming after every line in turn gives the remaining lines, wherever the chunk boundaries fall.
    for (let k = 0; k < all.length; k++) {
      const rest = await collect(readChunksFrom<{ n: number }>(work, chunks, all[k]!.next));
      expect(rest.map((x) => x.value.n)).toEqual([...Array(12).keys()].slice(k + 1));
    }
    const end: ChunkPosition = { chunk: chunks.length, line: 0 };
    expect(await collect(readChunksFrom(work, chunks, end))).toEqual([]);
  });

  it('a position past the stream is refused, never read as an empty rest', async () => {
    const w = new ChunkedLineWriter(work, 'past/events', 1 << 20);
    w.add('{"n":1}');
    w.add('{"n":2}');
    const chunks = await w.close();
    await expect(collect(readChunksFrom(work, chunks, { chunk: 0, line: 3 }))).rejects.toBeInstanceOf(WorkAreaError);
    await expect(collect(readChunksFrom(work, chunks, { chunk: 2, line: 0 }))).rejects.toBeInstanceOf(WorkAreaError);
    await expect(collect(readChunksFrom(work, chunks, { chunk: 1, line: 1 }))).rejects.toBeInstanceOf(WorkAreaError);
  });

  it('binary objects round-trip; a missing one is a WorkAreaError naming it', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    await work.putBytes('bin/checkpoint.v8.gz', bytes);
    expect([...(await work.getBytes('bin/checkpoint.v8.gz'))]).toEqual([...bytes]);
    await expect(work.getBytes('bin/none.v8.gz')).rejects.toThrow(/bin\/none\.v8\.gz/);
  });
});
