import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OrderingError } from '#shared/ordering/errors.js';
import { compareSortItems, type SortInput, type SortItem, sortBySeq } from '#shared/ordering/sortBySeq.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vatp-sort-test-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

type Item = SortItem & { rec: { seq: number; v: string } };

/** One file's records as an input (re-iterable); counts how often it was read. */
function input(file: string, seqs: number[], kind = 'order'): SortInput<Item> & { reads: number } {
  const items: Item[] = seqs.map((seq, i) => ({ kind, file, line: i + 1, rec: { seq, v: `${file}#${i + 1}` } }));
  const self = {
    reads: 0,
    async *[Symbol.asyncIterator]() {
      self.reads++;
      yield* items;
    },
  };
  return self;
}

async function collect(it: AsyncIterable<Item>): Promise<Item[]> {
  const out: Item[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const key = (x: Item) => `${x.rec.seq}|${x.file}|${x.line}`;

function expectOrdered(out: Item[]): void {
  for (let i = 1; i < out.length; i++) expect(compareSortItems(out[i - 1]!, out[i]!)).toBeLessThan(0);
}

describe('sortBySeq', () => {
  it('orders records shuffled inside and across files by seq', async () => {
    const out = await collect(
      sortBySeq(
        [
          input('orders/b.jsonl', [5, 1, 9, 3]),
          input('orders/a.jsonl', [8, 2, 7]),
          input('trades/t.csv', [4, 6], 'trade'),
        ],
        {
          tmpDir: tmp,
        },
      ),
    );
    expect(out.map((x) => x.rec.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.find((x) => x.rec.seq === 4)).toMatchObject({ kind: 'trade', file: 'trades/t.csv', line: 1 });
  });

  it('orders a duplicated seq by file path (byte order), then line', async () => {
    const out = await collect(
      sortBySeq(
        [
          input('trades/t.jsonl', [3, 3], 'trade'),
          input('orders/\uFF21.jsonl', [3]),
          input('orders/\u{1F600}.jsonl', [3]),
          input('orders/a.jsonl', [3, 1]),
        ],
        {
          tmpDir: tmp,
        },
      ),
    );
    expect(out.map((x) => [x.rec.seq, x.file, x.line])).toEqual([
      [1, 'orders/a.jsonl', 2],
      [3, 'orders/a.jsonl', 1],
      [3, 'orders/\uFF21.jsonl', 1],
      [3, 'orders/\u{1F600}.jsonl', 1],
      [3, 'trades/t.jsonl', 1],
      [3, 'trades/t.jsonl', 2],
    ]);
  });

  it('an external sort with a small maxInMemory gives the same order as in memory, and removes its files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 17 }),
        fc.boolean(),
        fc.integer({ min: 2, max: 4 }),
        async (files, max, reopenSorted, maxRunsMerged) => {
          const mk = () => files.map((seqs, i) => input(`orders/f${i}.jsonl`, seqs));
          const all = files.flatMap((seqsOfFile, i) =>
            seqsOfFile.map((seq, j) => ({ seq, file: `orders/f${i}.jsonl`, line: j + 1 })),
          );
          const expected = all
            .sort((a, b) => a.seq - b.seq || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line)
            .map((x) => `${x.seq}|${x.file}|${x.line}`);
          const inMemory = await collect(sortBySeq(mk(), { tmpDir: tmp }));
          // A small maxRunsMerged also makes the smallest runs merge into longer ones (several passes) first.
          const external = await collect(
            sortBySeq(mk(), { tmpDir: tmp, maxInMemory: max, reopenSorted, maxRunsMerged }),
          );
          expect(inMemory.map(key)).toEqual(expected);
          expect(external.map(key)).toEqual(expected);
          expect(readdirSync(tmp)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('spills runs to temporary files past maxInMemory and removes them, also when the consumer stops early', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    let sawSpill = false;
    const out: Item[] = [];
    for await (const x of sortBySeq([input('orders/a.jsonl', big)], { tmpDir: tmp, maxInMemory: 500 })) {
      if (out.length === 0) sawSpill = readdirSync(tmp).length > 0;
      out.push(x);
    }
    expect(sawSpill).toBe(true);
    expect(out.map((x) => x.rec.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(out[0]!.rec.v).toBe('orders/a.jsonl#1');
    expect(readdirSync(tmp)).toEqual([]);

    let n = 0;
    for await (const _ of sortBySeq([input('orders/a.jsonl', big)], { tmpDir: tmp, maxInMemory: 500 })) {
      if (++n === 10) break;
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('the final merge opens at most maxRunsMerged runs: the smallest runs are merged first', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    let most = 0;
    const out: Item[] = [];
    // Batches of 10, so that a run is spilled every ~110 items (45 runs in all).
    const whole = input('orders/a.jsonl', big);
    const items = await collect(whole);
    const small: SortInput<Item> = Object.assign(whole, {
      async *batches() {
        for (let i = 0; i < items.length; i += 10) yield items.slice(i, i + 10);
      },
    });
    const sorted = sortBySeq([small], { tmpDir: tmp, maxInMemory: 100, maxRunsMerged: 3 });
    for await (const x of sorted) {
      if (out.length === 0) {
        const [dir] = readdirSync(tmp);
        most = readdirSync(join(tmp, dir!)).length;
      }
      out.push(x);
    }
    // 45 runs brought down to 3 before the final merge.
    expect(most).toBe(3);
    await expect(collect(sortBySeq([input('orders/a.jsonl', big)], { tmpDir: tmp, maxRunsMerged: 1 }))).rejects.toThrow(
      OrderingError,
    );
    expect(out.map((x) => x.rec.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(out.map((x) => x.rec.v)).toEqual(out.map((x) => `orders/a.jsonl#${big.indexOf(x.rec.seq) + 1}`));
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('fast path: files already in seq order are merged directly (re-read), without spilling', async () => {
    const files = [0, 1, 2, 3].map((k) =>
      input(
        `orders/p${k}.jsonl`,
        Array.from({ length: 1000 }, (_, i) => i * 4 + k),
      ),
    );
    let spilled = false;
    const out: Item[] = [];
    for await (const x of sortBySeq(files, { tmpDir: tmp, maxInMemory: 300, reopenSorted: true })) {
      if (out.length === 0) spilled = readdirSync(tmp).length > 0;
      out.push(x);
    }
    expect(spilled).toBe(false);
    expect(out.map((x) => x.rec.seq)).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(files.map((f) => f.reads)).toEqual([2, 2, 2, 2]);
  });

  it('fast path: a file found out of order after it stopped being stored is read again and sorted', async () => {
    const seqs = [...Array.from({ length: 800 }, (_, i) => i + 10), 3, 1, 2];
    const f = input('orders/a.jsonl', seqs);
    const out = await collect(
      sortBySeq([f, input('orders/b.jsonl', [0, 5000])], { tmpDir: tmp, maxInMemory: 100, reopenSorted: true }),
    );
    expect(out.map((x) => x.rec.seq)).toEqual([0, 1, 2, 3, ...Array.from({ length: 800 }, (_, i) => i + 10), 5000]);
    expectOrdered(out);
  });

  it('keeps everything in memory (no temporary files) when it fits', async () => {
    let spilled = true;
    for await (const _ of sortBySeq([input('orders/a.jsonl', [3, 2, 1])], { tmpDir: tmp }))
      spilled = readdirSync(tmp).length > 0;
    expect(spilled).toBe(false);
  });
});
