import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FindingCollector } from '#shared/findings/collector.js';
import { classifyLayout } from '#shared/ingest/layout.js';
import type { FileStats, QuarantineEntry } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import { readOrderedStream } from '#shared/ordering/readOrderedStream.js';
import { SequenceTracker } from '#shared/ordering/sequenceTracker.js';
import { jsonl, tempDataset, VALID } from '../ingest/helpers.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vatp-ordered-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const order = (seq: number) => ({ ...VALID.orders, seq, order_id: `o-${seq}` });
const tradeRow = (seq: number) =>
  `${seq},2026-02-12T01:00:01Z,t-${seq},BTC-USD,97000.1,0.4,o-1,o-2,true,false,continuous`;
const TRADE_HEADER = 'seq,ts,trade_id,symbol,price,qty,maker_order_id,taker_order_id,maker_mm_tag,taker_mm_tag,phase';

describe('readOrderedStream', () => {
  it('merges orders and trades from shuffled files into seq order, tagged, and feeds DQ-2/DQ-4', async () => {
    const ds = tempDataset({
      'orders/b.jsonl': jsonl(order(7), order(2), order(9)),
      'orders/a.jsonl.gz': gzipSync(jsonl(order(5), order(1), { bad: true }, order(3))),
      'trades/t.csv': [TRADE_HEADER, tradeRow(4), tradeRow(8), tradeRow(3)].join('\n'),
      'collateral/c.jsonl': jsonl({ ...VALID.collateral, seq: 2 }, { ...VALID.collateral, seq: 1 }),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const layout = classifyLayout(await source.list(), 1);
      const quarantine: QuarantineEntry[] = [];
      const stats: FileStats[] = [];
      const hooks = { quarantine: (q: QuarantineEntry) => quarantine.push(q), stats: (s: FileStats) => stats.push(s) };
      const sink = new FindingCollector();
      const tracker = new SequenceTracker('orders+trades', sink);
      const got: [number, string, string, number][] = [];
      for await (const item of readOrderedStream(source, layout, 'orders+trades', hooks, { tmpDir: tmp })) {
        tracker.observe(item.rec.seq, { file: item.file, line: item.line, ts: item.rec.ts });
        got.push([item.rec.seq, item.kind, item.file, item.line]);
      }
      tracker.finish();
      expect(got).toEqual([
        [1, 'order', 'orders/a.jsonl.gz', 2],
        [2, 'order', 'orders/b.jsonl', 2],
        [3, 'order', 'orders/a.jsonl.gz', 4],
        [3, 'trade', 'trades/t.csv', 4],
        [4, 'trade', 'trades/t.csv', 2],
        [5, 'order', 'orders/a.jsonl.gz', 1],
        [7, 'order', 'orders/b.jsonl', 1],
        [8, 'trade', 'trades/t.csv', 3],
        [9, 'order', 'orders/b.jsonl', 3],
      ]);
      expect(quarantine.map((q) => `${q.file}:${q.line}`)).toEqual(['orders/a.jsonl.gz:3']);
      expect(stats.map((s) => [s.path, s.records])).toEqual([
        ['orders/a.jsonl.gz', 4],
        ['orders/b.jsonl', 3],
        ['trades/t.csv', 3],
      ]);
      expect(sink.findings().map((f) => f.subject)).toEqual(['orders+trades:3', 'orders+trades:6-6']);

      const coll = [];
      for await (const c of readOrderedStream(source, layout, 'collateral', hooks, { tmpDir: tmp })) coll.push(c);
      expect(coll.map((c) => [c.kind, c.rec.seq, c.rec.event_id])).toEqual([
        ['collateral', 1, 'c-1'],
        ['collateral', 2, 'c-1'],
      ]);
      const access = [];
      for await (const a of readOrderedStream(source, layout, 'access', hooks, { tmpDir: tmp })) access.push(a);
      expect(access).toEqual([]);
    } finally {
      ds.remove();
    }
  });

  // prescan false: the re-read path itself (with the pre-scan, in-order a.jsonl is merged as read, never re-read);
  // prescan true: the same records, entries and stats, each once (entries then arrive in merge order).
  it.each([false, true])(
    'passes quarantine entries and stats on once when files are read again (prescan %s)',
    async (prescan) => {
      const sorted = Array.from({ length: 400 }, (_, i) => order(i * 2));
      const unsorted = Array.from({ length: 400 }, (_, i) => order(((i * 37) % 400) * 2 + 1));
      const ds = tempDataset({
        'orders/a.jsonl': `${jsonl(...sorted.slice(0, 200))}not json\n${jsonl(...sorted.slice(200))}`,
        'orders/b.jsonl': `${jsonl(...unsorted.slice(0, 300))}[]\n${jsonl(...unsorted.slice(300))}`,
        'orders/c.jsonl': `${jsonl(...Array.from({ length: 300 }, (_, i) => order(1000 + i)))}{}\n${jsonl(order(999))}`,
      });
      try {
        const source = new LocalDatasetSource(ds.root);
        const layout = classifyLayout(await source.list(), 1);
        const quarantine: QuarantineEntry[] = [];
        const stats: FileStats[] = [];
        const hooks = {
          quarantine: (q: QuarantineEntry) => quarantine.push(q),
          stats: (s: FileStats) => stats.push(s),
        };
        const seqs: number[] = [];
        for await (const item of readOrderedStream(source, layout, 'orders+trades', hooks, {
          tmpDir: tmp,
          maxInMemory: 50,
          reopenSorted: true,
          prescan,
        })) {
          seqs.push(item.rec.seq);
        }
        expect(seqs).toEqual([
          ...Array.from({ length: 800 }, (_, i) => i),
          ...Array.from({ length: 301 }, (_, i) => 999 + i),
        ]);
        const entries = quarantine.map((q) => `${q.file}:${q.line}`);
        expect(prescan ? entries.sort() : entries).toEqual([
          'orders/a.jsonl:201',
          'orders/b.jsonl:301',
          'orders/c.jsonl:301',
        ]);
        const booked = stats.map((s) => [s.path, s.records, s.accepted, s.quarantined]);
        expect(prescan ? booked.sort() : booked).toEqual([
          ['orders/a.jsonl', 401, 400, 1],
          ['orders/b.jsonl', 401, 400, 1],
          ['orders/c.jsonl', 302, 301, 1],
        ]);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        ds.remove();
      }
    },
  );
});
