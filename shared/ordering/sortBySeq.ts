/**
 * Orders the records of a sequence by (seq, file path byte order, line): RULES "process them in seq order", with
 * duplicates (DQ-2) "ordered by file path and line". Records inside and across files come in no guaranteed order,
 * and files may be far larger than memory, so this is an external sort:
 *
 * 0. Inputs known to be in order (`ordered`, from the pre-scan of seqOrderScan.ts) skip steps 1–3: they are merged
 *    as they are read. Matching-engine logs usually are in order, so the common case neither buffers nor spills.
 * 1. Inputs (one per file) are read one after another into memory. Each input's items form a segment, and the
 *    segment notes whether the file was already in order (checked as it is read).
 * 2. While everything fits in `maxInMemory` items, nothing touches the disk: sorted segments are merged as they
 *    are, unsorted ones are sorted first.
 * 3. Past that limit, buffered items are sorted (in-order segments are merged, not re-sorted: the fast path for
 *    files written in seq order) and spilled to a temporary run file (JSON lines). With `reopenSorted`, in-order
 *    inputs are instead not stored at all and are read again at merge time: no spill, but a second parse, which is
 *    slower than spilling, so it is for scarce temporary disk only.
 * 4. A k-way heap merge of runs, re-read inputs and in-memory segments yields the result. Temporary files are
 *    removed afterwards (also when the consumer stops early).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { comparePathBytes } from '../ingest/pathOrder.js';
import { OrderingError } from './errors.js';

export interface SortItem {
  rec: { seq: number };
  file: string;
  line: number;
  kind: string;
}

/**
 * An input: items of one file in file order. `batches()`, when present, is used instead (fewer awaits). `ordered`:
 * the input is known to be in order already (seqOrderScan.ts): it is merged as it is read, never held or spilled
 * (and checked again on the way: a violation is an OrderingError).
 */
export type SortInput<I> = AsyncIterable<I> & { batches?(): AsyncIterable<readonly I[]>; ordered?: boolean };

export interface SortOptions {
  /** Folder for temporary run files (a private sub-folder is created and removed). */
  tmpDir: string;
  /** Items held in memory before spilling (default DEFAULT_MAX_IN_MEMORY). */
  maxInMemory?: number;
  /** Inputs can be iterated again with the same items; in-order inputs are then re-read instead of spilled. */
  reopenSorted?: boolean;
  /**
   * Reads a spilled record back from its JSON text (JSON.stringify of the record), given the item's kind; must
   * return a record equal to JSON.parse of the text (default: JSON.parse). The ordered streams pass the contract-aware
   * fast parser, which builds the same record several times faster.
   */
  decodeRecord?: (kind: string, json: string) => unknown;
  /** Runs merged at once (default MAX_RUNS_MERGED, at least 2): past it, the smallest runs are merged first. */
  maxRunsMerged?: number;
}

/**
 * Items held in memory before a run is spilled. A parsed order-flow item costs ~900 bytes of heap, so this bounds the
 * sort's memory (~90 MB); the merge then keeps one read buffer and one batch per run (~0.35 MB each), which grows as
 * this shrinks, so the limit balances the two.
 */
export const DEFAULT_MAX_IN_MEMORY = 100_000;

/**
 * Runs open at once in the final merge. Each holds a file descriptor, a read buffer and a batch; without a bound, a
 * day of 100M shuffled events would open ~1,000 run files at once (the default `ulimit -n` on Linux and Lambda is
 * 1,024). Past it, the smallest runs are merged first, as few as bring the count down to the bound (141 runs: 14 of
 * them into one), so few items are written twice.
 */
export const MAX_RUNS_MERGED = 128;
const OUT_BATCH = 2048;
const WRITE_BYTES = 1 << 20;
const LF = 0x0a;

export function compareSortItems(a: SortItem, b: SortItem): number {
  const d = a.rec.seq - b.rec.seq;
  if (d !== 0) return d;
  if (a.file !== b.file) return comparePathBytes(a.file, b.file);
  return a.line - b.line;
}

async function* batchesOf<I>(input: SortInput<I>): AsyncIterable<readonly I[]> {
  if (input.batches !== undefined) {
    yield* input.batches();
    return;
  }
  let batch: I[] = [];
  for await (const item of input) {
    batch.push(item);
    if (batch.length >= OUT_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The sorted stream, item by item. */
export async function* sortBySeq<I extends SortItem>(inputs: SortInput<I>[], opts: SortOptions): AsyncIterable<I> {
  for await (const batch of sortBySeqBatches(inputs, opts)) yield* batch;
}

interface Segment<I> {
  items: I[];
  sorted: boolean;
  /** Set when the segment is one whole in-order input that can be read again instead of kept. */
  input?: SortInput<I>;
}

/** The sorted stream in batches (each batch in order, batches in order). */
export async function* sortBySeqBatches<I extends SortItem>(
  inputs: SortInput<I>[],
  opts: SortOptions,
): AsyncIterable<I[]> {
  const max = Math.max(1, opts.maxInMemory ?? DEFAULT_MAX_IN_MEMORY);
  const maxRuns = opts.maxRunsMerged ?? MAX_RUNS_MERGED;
  if (!Number.isInteger(maxRuns) || maxRuns < 2)
    throw new OrderingError(`maxRunsMerged ${maxRuns}: a whole number >= 2`);
  const spill = new Spill<I>(opts.tmpDir, opts.decodeRecord);
  try {
    let segments: Segment<I>[] = [];
    let buffered = 0;
    const reread: SortInput<I>[] = [];
    const readInput = async (input: SortInput<I>, mayStream: boolean): Promise<'done' | 'unsorted'> => {
      let seg: Segment<I> = { items: [], sorted: true };
      segments.push(seg);
      let split = false;
      let streaming = false;
      let inOrder = true;
      let last: I | undefined;
      for await (const batch of batchesOf(input)) {
        for (const item of batch) {
          if (last !== undefined && compareSortItems(item, last) < 0) {
            if (streaming) return 'unsorted';
            seg.sorted = false;
            inOrder = false;
          }
          last = item;
          if (!streaming) {
            seg.items.push(item);
            buffered++;
          }
        }
        if (buffered <= max) continue;
        if (mayStream) {
          // In-order inputs are not stored: they are read again at merge time. First those already read...
          segments = segments.filter((s) => {
            if (s.input === undefined || !s.sorted) return true;
            reread.push(s.input);
            return false;
          });
          // ...then this one, if it is in order so far.
          if (inOrder && !split && !streaming) {
            streaming = true;
            segments = segments.filter((s) => s !== seg);
          }
          buffered = segments.reduce((n, s) => n + s.items.length, 0);
        }
        if (buffered > max) {
          await spill.write(mergeSegments(segments));
          segments = [];
          buffered = 0;
          if (!streaming) {
            // The rest of this input starts a new segment, judged afresh.
            split = true;
            seg = { items: [], sorted: true };
            segments.push(seg);
          }
        }
      }
      if (streaming) reread.push(input);
      else if (mayStream && !split && seg.sorted) seg.input = input;
      return 'done';
    };
    for (const input of inputs) {
      if (input.ordered === true) {
        reread.push(input);
        continue;
      }
      // An input found out of order after it stopped being stored is read again, stored this time.
      if ((await readInput(input, opts.reopenSorted === true)) === 'unsorted') await readInput(input, false);
    }

    await spill.reduceTo(maxRuns);
    const sources: AsyncIterator<readonly I[]>[] = [];
    for (const run of spill.runs) sources.push(spill.read(run.path)[Symbol.asyncIterator]());
    for (const input of reread) sources.push(checkedOrder(input)[Symbol.asyncIterator]());
    for (const s of segments) {
      if (s.items.length === 0) continue;
      if (!s.sorted) s.items.sort(compareSortItems);
      sources.push(chunked(s.items)[Symbol.asyncIterator]());
    }
    segments = [];
    yield* mergeSources(sources);
  } finally {
    await spill.cleanup();
  }
}

/** Items of in-memory segments in order (sorted segments are merged, not re-sorted). */
function mergeSegments<I extends SortItem>(segments: Segment<I>[]): I[] {
  const parts = segments.filter((s) => s.items.length > 0);
  for (const s of parts) if (!s.sorted) s.items.sort(compareSortItems);
  if (parts.length === 0) return [];
  if (parts.length === 1) return parts[0]!.items;
  const all: I[] = [];
  for (const s of parts) for (const x of s.items) all.push(x);
  // Timsort finds the sorted stretches and merges them: close to a k-way merge for sorted segments.
  return all.sort(compareSortItems);
}

async function* chunked<I>(items: I[]): AsyncIterable<I[]> {
  for (let i = 0; i < items.length; i += OUT_BATCH) yield items.slice(i, i + OUT_BATCH);
}

/** An input read again at merge time: it was in order the first time and must still be. */
async function* checkedOrder<I extends SortItem>(input: SortInput<I>): AsyncIterable<readonly I[]> {
  let last: I | undefined;
  for await (const batch of batchesOf(input)) {
    for (const item of batch) {
      if (last !== undefined && compareSortItems(item, last) < 0) {
        throw new OrderingError(`${item.file} changed while it was read: its records are no longer in seq order`);
      }
      last = item;
    }
    yield batch;
  }
}

interface Cursor<I> {
  it: AsyncIterator<readonly I[]>;
  batch: readonly I[];
  i: number;
}

/**
 * Batch streams, each in (seq, file, line) order, merged into one in that order (the sort's final merge, and the
 * merge of several sorting workers' streams). Every source's first batch is asked for at once: sources that do work
 * before their first batch (a worker's sort) then do it side by side.
 */
export function mergeSortedBatches<I extends SortItem>(sources: AsyncIterable<readonly I[]>[]): AsyncIterable<I[]> {
  return mergeSources(sources.map((s) => s[Symbol.asyncIterator]()));
}

/** k-way merge over a binary heap of cursors; ties keep (seq, file, line) order via compareSortItems. */
async function* mergeSources<I extends SortItem>(sources: AsyncIterator<readonly I[]>[]): AsyncIterable<I[]> {
  const heap: Cursor<I>[] = [];
  const less = (a: Cursor<I>, b: Cursor<I>) => compareSortItems(a.batch[a.i]!, b.batch[b.i]!) < 0;
  const siftDown = (k: number) => {
    const n = heap.length;
    const c = heap[k]!;
    for (;;) {
      let child = 2 * k + 1;
      if (child >= n) break;
      if (child + 1 < n && less(heap[child + 1]!, heap[child]!)) child++;
      if (!less(heap[child]!, c)) break;
      heap[k] = heap[child]!;
      k = child;
    }
    heap[k] = c;
  };
  const siftUp = (k: number) => {
    const c = heap[k]!;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(c, heap[p]!)) break;
      heap[k] = heap[p]!;
      k = p;
    }
    heap[k] = c;
  };
  const nextBatch = async (it: AsyncIterator<readonly I[]>): Promise<readonly I[] | undefined> => {
    for (;;) {
      const r = await it.next();
      if (r.done) return undefined;
      if (r.value.length > 0) return r.value;
    }
  };
  try {
    const firsts = await Promise.all(sources.map(nextBatch));
    for (let k = 0; k < sources.length; k++) {
      const batch = firsts[k];
      if (batch === undefined) continue;
      heap.push({ it: sources[k]!, batch, i: 0 });
      siftUp(heap.length - 1);
    }
    if (heap.length === 1) {
      // One source: its batches are already in order.
      const only = heap.pop()!;
      yield only.batch.slice(only.i) as I[];
      for (let b = await nextBatch(only.it); b !== undefined; b = await nextBatch(only.it)) yield b as I[];
      return;
    }
    let out: I[] = [];
    while (heap.length > 0) {
      const top = heap[0]!;
      out.push(top.batch[top.i]!);
      top.i++;
      if (top.i >= top.batch.length) {
        const batch = await nextBatch(top.it);
        if (batch === undefined) {
          const lastCursor = heap.pop()!;
          if (heap.length > 0) {
            heap[0] = lastCursor;
            siftDown(0);
          }
        } else {
          top.batch = batch;
          top.i = 0;
          siftDown(0);
        }
      } else siftDown(0);
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    await Promise.all(sources.map((it) => it.return?.()));
  }
}

/**
 * Temporary sorted runs, one item per line: `file index,line,kind index,` then the record as JSON. Read back line by
 * line, each line decoded on its own (records must not share one big string: see ingest/lines.ts).
 */
class Spill<I extends SortItem> {
  /** Sorted run files with the number of items each holds. */
  runs: { path: string; items: number }[] = [];
  readonly #tmpRoot: string;
  readonly #decode: (kind: string, json: string) => unknown;
  #dir: string | undefined;
  readonly #files: string[] = [];
  readonly #fileIndex = new Map<string, number>();
  readonly #kinds: string[] = [];
  readonly #kindIndex = new Map<string, number>();
  #written = 0;

  constructor(tmpRoot: string, decode?: (kind: string, json: string) => unknown) {
    this.#tmpRoot = tmpRoot;
    this.#decode = decode ?? ((_kind, json) => JSON.parse(json));
  }

  #index(map: Map<string, number>, list: string[], key: string): number {
    let i = map.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(key);
      map.set(key, i);
    }
    return i;
  }

  /** Spills sorted items as a run. */
  async write(items: I[]): Promise<void> {
    if (items.length === 0) return;
    this.runs.push({ path: await this.#writeRun([items]), items: items.length });
  }

  /** Merges the smallest runs into one, as few as needed, until at most `max` runs remain. */
  async reduceTo(max: number): Promise<void> {
    while (this.runs.length > max) {
      const k = Math.min(max, this.runs.length - max + 1);
      this.runs.sort((a, b) => a.items - b.items);
      const some = this.runs.slice(0, k);
      const path = await this.#writeRun(mergeSources(some.map((r) => this.read(r.path)[Symbol.asyncIterator]())));
      await Promise.all(some.map((r) => rm(r.path, { force: true })));
      this.runs = [...this.runs.slice(k), { path, items: some.reduce((n, r) => n + r.items, 0) }];
    }
  }

  async #writeRun(batches: Iterable<readonly I[]> | AsyncIterable<readonly I[]>): Promise<string> {
    this.#dir ??= await mkdtemp(join(this.#tmpRoot, 'vatp-sort-'));
    const path = join(this.#dir, `run-${this.#written++}.jsonl`);
    const handle = await open(path, 'w');
    try {
      let buf = '';
      for await (const batch of batches) {
        for (const x of batch) {
          const f = this.#index(this.#fileIndex, this.#files, x.file);
          const k = this.#index(this.#kindIndex, this.#kinds, x.kind);
          buf += `${f},${x.line},${k},${JSON.stringify(x.rec)}\n`;
          if (buf.length >= WRITE_BYTES) {
            await handle.write(buf);
            buf = '';
          }
        }
      }
      if (buf.length > 0) await handle.write(buf);
    } finally {
      await handle.close();
    }
    return path;
  }

  async *read(path: string): AsyncIterable<I[]> {
    let carry: Buffer | null = null;
    // Small reads: every run of the merge has its current batch alive (see BATCH in ingest/readRecords.ts).
    const stream = createReadStream(path, { highWaterMark: 64 << 10 });
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) {
        const chunk: Buffer = carry === null ? piece : Buffer.concat([carry, piece]);
        const lastNl = chunk.lastIndexOf(LF);
        if (lastNl < 0) {
          carry = chunk;
          continue;
        }
        carry = lastNl + 1 < chunk.length ? Buffer.from(chunk.subarray(lastNl + 1)) : null;
        const out: I[] = [];
        let pos = 0;
        while (pos < lastNl) {
          const nl = chunk.indexOf(LF, pos);
          const text = chunk.toString('utf8', pos, nl);
          const c1 = text.indexOf(',');
          const c2 = text.indexOf(',', c1 + 1);
          const c3 = text.indexOf(',', c2 + 1);
          const kind = this.#kinds[Number(text.slice(c2 + 1, c3))]!;
          const rec = this.#decode(kind, text.slice(c3 + 1)) as I['rec'];
          out.push({
            rec,
            file: this.#files[Number(text.slice(0, c1))]!,
            line: Number(text.slice(c1 + 1, c2)),
            kind,
          } as I);
          pos = nl + 1;
        }
        yield out;
      }
    } finally {
      stream.destroy();
    }
  }

  async cleanup(): Promise<void> {
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
  }
}
