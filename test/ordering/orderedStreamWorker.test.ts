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
import { classifyLayout } from '#shared/ingest/layout.js';
import type { FileStats, QuarantineEntry } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { type OrderedStreamOptions, readOrderedStream } from '#shared/ordering/readOrderedStream.js';
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
  const layout = classifyLayout(await source.list());
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
      const layout = classifyLayout(await source.list());
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
      const layout = classifyLayout(await source.list());
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
      { path: 'orders/a.jsonl', record_type: 'orders' as const, kind: 'order' },
      { path: 'trades/t.csv', record_type: 'trades' as const, kind: 'trade' },
      { path: 'collateral/c.jsonl', record_type: 'collateral' as const, kind: 'collateral' },
      { path: 'access/a.jsonl', record_type: 'access' as const, kind: 'access' },
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
