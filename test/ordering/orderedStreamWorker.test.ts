/**
 * Reading, parsing and ordering in a worker thread (readOrderedBatches `worker: true`) must yield what the same read
 * on the main thread yields: the same items (records with the same keys in the same order), in the same order, the
 * same quarantine and file stats, and the same errors; a consumer that stops early leaves no temporary sort files.
 * The compact form of the hand-over (recordCodec.ts) round-trips every record shape, and a record outside its
 * layout's form travels whole.
 */
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECORD_SCHEMAS } from '#shared/contract/records.js';
import { SourceReadError } from '#shared/ingest/errors.js';
import { classifyLayout, type DataFile } from '#shared/ingest/layout.js';
import type { FileStats, QuarantineEntry } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { type OrderedStreamOptions, readOrderedStream, shareFiles } from '#shared/ordering/readOrderedStream.js';
import { BatchDecoder, BatchEncoder, type StreamItem } from '#shared/ordering/recordCodec.js';
import { jsonl, tempDataset, VALID } from '../ingest/helpers.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vatp-worker-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const order = (seq: number, extra: Record<string, unknown> = {}) => ({
  ...VALID.orders,
  seq,
  order_id: `o-${seq}`,
  ...extra,
});
const TRADE_HEADER = 'seq,ts,trade_id,symbol,price,qty,maker_order_id,taker_order_id,maker_mm_tag,taker_mm_tag,phase';
const tradeRow = (seq: number, phase = 'continuous') =>
  `${seq},2026-02-12T01:00:01Z,t-${seq},BTC-USD,97000.1,0.4,o-1,o-2,true,false,${phase}`;

/** Everything a read of one stream delivers, as text that keeps key order. */
async function readAll(root: string, stream: 'orders+trades' | 'collateral' | 'access', opts: OrderedStreamOptions) {
  const source = new LocalDatasetSource(root);
  const layout = classifyLayout(await source.list(), 1);
  const quarantine: QuarantineEntry[] = [];
  const stats: FileStats[] = [];
  const items: string[] = [];
  for await (const item of readOrderedStream(
    source,
    layout,
    stream,
    { quarantine: (q) => quarantine.push(q), stats: (s) => stats.push(s) },
    opts,
  )) {
    // The record with its key order; the wrapper's own key order differs between in-memory and spilled items anyway.
    items.push(JSON.stringify([item.kind, item.rec, item.file, item.line]));
  }
  return { items, quarantine, stats };
}

describe('ordered stream in a worker thread', () => {
  const files = {
    'orders/b.jsonl': jsonl(
      order(7),
      order(2, { display_qty: null, user_id: null }),
      order(9, { event: 'cancel', type: undefined, price: undefined, qty: undefined, tif: undefined }),
      `{"seq":11,"ts":"2026-02-12T01:00:00Z","event":"cancel","order_id":"o-\\u0031","symbol":"BTC-USD","account_id":"C-1","side":"buy"}`,
    ),
    'orders/a.jsonl.gz': gzipSync(jsonl(order(5), order(1), { bad: true }, order(3))),
    'orders/c.jsonl': `${jsonl(order(4), order(6))}{"seq":`,
    'trades/t.csv': [TRADE_HEADER, tradeRow(4), tradeRow(8, ''), tradeRow(3, 'auction'), 'x,y'].join('\n'),
    'collateral/c.jsonl': jsonl({ ...VALID.collateral, seq: 2 }, { ...VALID.collateral, seq: 1 }),
    'access/a.jsonl': jsonl({ ...VALID.access, seq: 1 }, { nope: 1 }),
  };

  for (const [name, opts] of [
    ['merged as read (pre-scan)', {}],
    ['external sort with spills, plain parser', { maxInMemory: 2, prescan: false, parse: 'plain' }],
  ] as const) {
    it(`yields the same items, quarantine and stats as the main thread: ${name}`, async () => {
      const ds = tempDataset(files);
      try {
        for (const stream of ['orders+trades', 'collateral', 'access'] as const) {
          const here = await readAll(ds.root, stream, { tmpDir: tmp, ...opts });
          const there = await readAll(ds.root, stream, { tmpDir: tmp, ...opts, worker: true, workerMinBytes: 0 });
          expect(there).toEqual(here);
          expect(here.items.length).toBeGreaterThan(0);
        }
        expect((await readAll(ds.root, 'orders+trades', { tmpDir: tmp })).quarantine.length).toBeGreaterThan(2);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        ds.remove();
      }
    });
  }

  it('stops the worker and removes its sort runs when the consumer stops early', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => order(3000 - i));
    const ds = tempDataset({ 'orders/big.jsonl': jsonl(...many) });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      let seen = 0;
      for await (const item of readOrderedStream(
        source,
        layout,
        'orders+trades',
        { quarantine: () => undefined },
        {
          tmpDir: tmp,
          maxInMemory: 100,
          worker: true,
          workerMinBytes: 0,
        },
      )) {
        expect(item.rec.seq).toBe(1);
        seen++;
        break;
      }
      expect(seen).toBe(1);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      ds.remove();
    }
  });

  it('fails with the same error class and message as the main thread (a file gone before it is read)', async () => {
    const ds = tempDataset({ 'orders/a.jsonl': jsonl(order(1)), 'orders/b.jsonl': jsonl(order(2)) });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      unlinkSync(join(ds.root, 'orders', 'b.jsonl'));
      const run = async (worker: boolean) => {
        try {
          for await (const _ of readOrderedStream(
            source,
            layout,
            'orders+trades',
            { quarantine: () => undefined },
            {
              tmpDir: tmp,
              worker,
              workerMinBytes: 0,
            },
          )) {
            // drained
          }
        } catch (error) {
          return error as Error;
        }
        throw new Error('expected a failure');
      };
      const here = await run(false);
      const there = await run(true);
      expect(here).toBeInstanceOf(SourceReadError);
      expect(there).toBeInstanceOf(SourceReadError);
      expect(there.message).toBe(here.message);
      expect(there.message).toContain('orders/b.jsonl');
    } finally {
      ds.remove();
    }
  });
});

describe('recordCodec', () => {
  it('round-trips records of every event type with their key order; other shapes travel whole', () => {
    const files = [
      { path: 'orders/a.jsonl', record_type: 'orders' as const, contract: 1 as const, kind: 'order' },
      { path: 'trades/t.csv', record_type: 'trades' as const, contract: 1 as const, kind: 'trade' },
      { path: 'collateral/c.jsonl', record_type: 'collateral' as const, contract: 1 as const, kind: 'collateral' },
      { path: 'access/a.jsonl', record_type: 'access' as const, contract: 1 as const, kind: 'access' },
    ];
    // Records as the reader yields them: the contract's schema gives the keys in its order.
    const as = (type: 'orders' | 'trades' | 'collateral' | 'access', rec: Record<string, unknown>) =>
      RECORD_SCHEMAS[type].parse(rec) as Record<string, unknown>;
    const { type: _t, price: _p, ...cancel } = order(3, { event: 'cancel' });
    const items: StreamItem[] = [
      { kind: 'order', rec: as('orders', order(1)), file: 'orders/a.jsonl', line: 1 },
      {
        kind: 'order',
        rec: as('orders', order(2, { display_qty: null, mm_tag: false })),
        file: 'orders/a.jsonl',
        line: 2,
      },
      { kind: 'order', rec: as('orders', cancel), file: 'orders/a.jsonl', line: 3 },
      {
        kind: 'trade',
        rec: as('trades', { ...VALID.trades, seq: 4, phase: 'auction' }),
        file: 'trades/t.csv',
        line: 9,
      },
      {
        kind: 'collateral',
        rec: as('collateral', { ...VALID.collateral, seq: 5 }),
        file: 'collateral/c.jsonl',
        line: 1,
      },
      {
        kind: 'access',
        rec: as('access', { ...VALID.access, seq: 6, user_id: null }),
        file: 'access/a.jsonl',
        line: 4,
      },
      // Not the layout's form: a number where a string belongs, a missing default, a seq that is not a number.
      { kind: 'order', rec: { ...order(7), seq: '7' }, file: 'orders/a.jsonl', line: 7 },
      { kind: 'order', rec: order(8, { qty: 5 }), file: 'orders/a.jsonl', line: 8 },
      { kind: 'trade', rec: { ...VALID.trades, seq: 9, phase: undefined }, file: 'trades/t.csv', line: 10 },
    ];
    const enc = new BatchEncoder(files);
    const dec = new BatchDecoder(files);
    const { batch } = enc.encode(items);
    expect(batch.whole.map(([i]) => i)).toEqual([6, 7, 8]);
    const back = dec.decode(structuredClone(batch));
    expect(back.map((x) => JSON.stringify(x))).toEqual(items.map((x) => JSON.stringify(x)));
    expect(back).toStrictEqual(items);
  });
});

describe('ordered stream sorted by several workers', () => {
  /** A quarantine or stats list in the order its consumers keep it (by file and line; stats by file). */
  const byPlace = <T extends { file?: string; path?: string; line?: number }>(xs: T[]): T[] =>
    [...xs].sort(
      (a, b) => String(a.file ?? a.path).localeCompare(String(b.file ?? b.path)) || (a.line ?? 0) - (b.line ?? 0),
    );

  // Several files out of seq order, one in order, duplicated seqs across files, a gzip, CSV, and bad lines.
  const files = {
    'orders/a.jsonl': jsonl(order(50), order(3), { bad: true }, order(27), order(8), order(8, { order_id: 'o-8b' })),
    'orders/b.jsonl.gz': gzipSync(jsonl(order(1), order(2), order(4), order(8, { order_id: 'o-8c' }), order(60))),
    'orders/c.jsonl': jsonl(...Array.from({ length: 40 }, (_, i) => order(((i * 7) % 40) + 5))),
    'orders/d.jsonl': `${jsonl(order(33), order(31))}{"seq":`,
    'trades/t.csv': [TRADE_HEADER, tradeRow(9), tradeRow(6, ''), tradeRow(44, 'auction'), 'x,y', tradeRow(2)].join(
      '\n',
    ),
    'trades/u.csv': [TRADE_HEADER, tradeRow(1), tradeRow(70)].join('\n'),
  };

  for (const [name, opts] of [
    ['with the pre-scan', {}],
    ['external sort with spills', { maxInMemory: 4, prescan: false }],
    ['plain parser', { maxInMemory: 3, prescan: false, parse: 'plain' }],
  ] as const) {
    it(`yields the items of one thread in the same order, and the same quarantine and stats: ${name}`, async () => {
      const ds = tempDataset(files);
      try {
        for (const workers of [2, 3]) {
          const here = await readAll(ds.root, 'orders+trades', { tmpDir: tmp, ...opts });
          const there = await readAll(ds.root, 'orders+trades', {
            tmpDir: tmp,
            ...opts,
            worker: true,
            workerMinBytes: 0,
            workers,
          });
          expect(there.items).toEqual(here.items);
          expect(byPlace(there.quarantine)).toEqual(byPlace(here.quarantine));
          expect(byPlace(there.stats)).toEqual(byPlace(here.stats));
          expect(here.items.length).toBeGreaterThan(50);
          expect(here.quarantine.length).toBeGreaterThan(2);
        }
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        ds.remove();
      }
    });
  }

  it('stops every worker and removes their sort runs when the consumer stops early', async () => {
    const ds = tempDataset({
      'orders/x.jsonl': jsonl(...Array.from({ length: 2000 }, (_, i) => order(2 * (2000 - i)))),
      'orders/y.jsonl': jsonl(...Array.from({ length: 2000 }, (_, i) => order(2 * (2000 - i) + 1))),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      const seqs: number[] = [];
      for await (const item of readOrderedStream(
        source,
        layout,
        'orders+trades',
        { quarantine: () => undefined },
        { tmpDir: tmp, maxInMemory: 100, worker: true, workerMinBytes: 0, workers: 2 },
      )) {
        seqs.push(item.rec.seq);
        if (seqs.length === 3) break;
      }
      expect(seqs).toEqual([2, 3, 4]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      ds.remove();
    }
  });

  it('fails with the error of the file that cannot be read', async () => {
    const ds = tempDataset({
      'orders/a.jsonl': jsonl(order(2), order(1)),
      'orders/b.jsonl': jsonl(order(4), order(3)),
      'orders/c.jsonl': jsonl(order(6), order(5)),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      unlinkSync(join(ds.root, 'orders', 'b.jsonl'));
      const read = async () => {
        for await (const _ of readOrderedStream(
          source,
          layout,
          'orders+trades',
          { quarantine: () => undefined },
          { tmpDir: tmp, worker: true, workerMinBytes: 0, workers: 2 },
        )) {
          // drained
        }
      };
      await expect(read()).rejects.toBeInstanceOf(SourceReadError);
      await expect(read()).rejects.toThrow('orders/b.jsonl');
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      ds.remove();
    }
  });
});

describe('shareFiles', () => {
  const file = (path: string, size: number): [DataFile, string] => [
    { path, size, record_type: 'orders', format: 'jsonl', contract: 1 },
    'order',
  ];
  const files = [
    file('orders/a', 10),
    file('orders/b', 70),
    file('orders/c', 30),
    file('orders/d', 30),
    file('orders/e', 5),
  ];
  const paths = (shares: [DataFile, string][][]) => shares.map((s) => s.map(([f]) => f.path));

  it('balances the shares by bytes, largest file first, and keeps the stream order within a share', () => {
    // Sizes b 70, c 30, d 30, a 10, e 5: each goes to the lightest share so far (the first on a tie).
    expect(paths(shareFiles(files, { tmpDir: '', workers: 2 }))).toEqual([
      ['orders/b', 'orders/e'],
      ['orders/a', 'orders/c', 'orders/d'],
    ]);
    expect(paths(shareFiles(files, { tmpDir: '', workers: 3 }))).toEqual([
      ['orders/b'],
      ['orders/a', 'orders/c'],
      ['orders/d', 'orders/e'],
    ]);
    // Equal sizes: the path decides, whatever order the files came in.
    const same = [file('orders/y', 1), file('orders/x', 1), file('orders/z', 1)];
    expect(paths(shareFiles(same, { tmpDir: '', workers: 2 }))).toEqual([['orders/x', 'orders/z'], ['orders/y']]);
  });

  it('keeps one share for one worker, one file, or files all known to be in seq order', () => {
    expect(shareFiles(files, { tmpDir: '' })).toHaveLength(1);
    expect(shareFiles(files, { tmpDir: '', workers: 1 })).toHaveLength(1);
    expect(shareFiles([file('orders/a', 1)], { tmpDir: '', workers: 2 })).toHaveLength(1);
    const inOrder = new Map(files.map(([f]) => [f.path, true]));
    expect(shareFiles(files, { tmpDir: '', workers: 2, inOrder })).toHaveLength(1);
    inOrder.set('orders/c', false);
    expect(shareFiles(files, { tmpDir: '', workers: 2, inOrder })).toHaveLength(2);
    // More workers than files: one file each.
    expect(paths(shareFiles(files.slice(0, 2), { tmpDir: '', workers: 4 }))).toEqual([['orders/b'], ['orders/a']]);
  });
});
