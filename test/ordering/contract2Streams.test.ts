/**
 * The margin and settlements streams through the ordered-stream machinery, as the pipeline will call it
 * (readOrderedBatches(source, layout, 'margin', …)): JSONL, CSV and gzip files out of order merged into (seq, file
 * path, line) order, DQ-1 quarantine and file stats, the external sort with spills, the worker thread and the
 * two-worker sort, the seq-order pre-scan, and DQ-2/DQ-4 with subjects `margin:<seq>` and `margin:<from>-<to>`.
 * Contract-2 orders keep route and prefunded through the spill. A contract-1 layout has no such stream.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractVersion } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { classifyLayout, eventFiles } from '#shared/ingest/layout.js';
import type { FileStats, QuarantineEntry } from '#shared/ingest/readRecords.js';
import { LocalDatasetSource } from '#shared/ingest/source.js';
import {
  type OrderedStreamName,
  type OrderedStreamOptions,
  readOrderedBatches,
} from '#shared/ordering/readOrderedStream.js';
import { SequenceTracker } from '#shared/ordering/sequenceTracker.js';
import { hashAndScanInputs } from '#shared/pipeline/inputs.js';
import { jsonl, tempDataset, VALID } from '../ingest/helpers.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vatp-c2streams-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const m = (seq: number, extra: Record<string, unknown> = {}) => ({
  ...VALID.margin,
  seq,
  event_id: `m-${seq}`,
  ...extra,
});
const s = (seq: number, extra: Record<string, unknown> = {}) => ({
  ...VALID.settlements,
  seq,
  event_id: `s-${seq}`,
  ...extra,
});
const MARGIN_CSV_HEADER =
  'seq,ts,event_id,event,account_id,symbol,asset,asset_class,amount,position_qty,mark_price,rate,interval_start,ref';
const marginRow = (seq: number) => `${seq},2026-02-12T03:00:00Z,m-${seq},fee,C-1,,,,0.5,,,,,`;

const FILES = {
  'margin/b.jsonl': jsonl(m(7), m(2, { event: 'credit', asset: null, asset_class: null }), m(9), { seq: 10 }),
  'margin/a.jsonl.gz': gzipSync(jsonl(m(5), m(1), m(3))),
  // seq 3 again (DQ-2): ordered after margin/a.jsonl.gz:3 by file path; 4, 6 and 8 missing (DQ-4).
  'margin/c.csv': [MARGIN_CSV_HEADER, marginRow(3), marginRow(11), 'x,y'].join('\n'),
  'settlements/s.jsonl': jsonl(s(2), s(1, { leg: 'cash' }), s(1, { event_id: 'dup' }), s(4)),
  'orders/o.jsonl': jsonl(
    { ...VALID.orders, seq: 2, route: 'V-SG', prefunded: '5' },
    { ...VALID.orders, seq: 1, order_id: 'o-0', route: null },
  ),
};

async function readAll(
  root: string,
  stream: OrderedStreamName,
  opts: OrderedStreamOptions,
  contract: ContractVersion = 2,
) {
  const source = new LocalDatasetSource(root);
  const layout = classifyLayout(await source.list(), contract);
  const quarantine: QuarantineEntry[] = [];
  const stats: FileStats[] = [];
  const items: string[] = [];
  const hooks = { quarantine: (q: QuarantineEntry) => quarantine.push(q), stats: (st: FileStats) => stats.push(st) };
  for await (const batch of readOrderedBatches(source, layout, stream, hooks, opts)) {
    for (const item of batch) items.push(JSON.stringify([item.kind, item.rec, item.file, item.line]));
  }
  const order = (a: { file?: string; path?: string; line?: number }, b: typeof a) =>
    `${a.file ?? a.path}:${a.line ?? 0}`.localeCompare(`${b.file ?? b.path}:${b.line ?? 0}`);
  // Two sorting workers deliver quarantine and stats in no fixed order between them: compare as sets.
  return { items, quarantine: quarantine.sort(order), stats: stats.sort(order) };
}

describe('margin and settlements streams', () => {
  it('merge every format into (seq, file path, line) order, quarantine bad records, and feed DQ-2/DQ-4', async () => {
    const ds = tempDataset(FILES);
    try {
      const { items, quarantine, stats } = await readAll(ds.root, 'margin', { tmpDir: tmp });
      const got = items.map((t) => JSON.parse(t) as [string, { seq: number }, string, number]);
      expect(got.map(([kind, rec, file, line]) => [kind, rec.seq, file, line])).toEqual([
        ['margin', 1, 'margin/a.jsonl.gz', 2],
        ['margin', 2, 'margin/b.jsonl', 2],
        ['margin', 3, 'margin/a.jsonl.gz', 3],
        ['margin', 3, 'margin/c.csv', 2],
        ['margin', 5, 'margin/a.jsonl.gz', 1],
        ['margin', 7, 'margin/b.jsonl', 1],
        ['margin', 9, 'margin/b.jsonl', 3],
        ['margin', 11, 'margin/c.csv', 3],
      ]);
      expect(quarantine.map((q) => `${q.file}:${q.line}`)).toEqual(['margin/b.jsonl:4', 'margin/c.csv:4']);
      expect(stats.map((st) => [st.path, st.records, st.accepted])).toEqual([
        ['margin/a.jsonl.gz', 3, 3],
        ['margin/b.jsonl', 4, 3],
        ['margin/c.csv', 3, 2],
      ]);

      const sink = new FindingCollector();
      const tracker = new SequenceTracker('margin', sink);
      for (const [, rec, file, line] of got) tracker.observe(rec.seq, { file, line });
      tracker.finish();
      expect(sink.findings().map((f) => [f.check_id, f.subject])).toEqual([
        ['DQ-2', 'margin:3'],
        ['DQ-4', 'margin:10-10'], // findings come sorted by check, then subject text
        ['DQ-4', 'margin:4-4'],
        ['DQ-4', 'margin:6-6'],
        ['DQ-4', 'margin:8-8'],
      ]);

      const settlements = await readAll(ds.root, 'settlements', { tmpDir: tmp });
      expect(settlements.items.map((t) => JSON.parse(t)[1].event_id)).toEqual(['s-1', 'dup', 's-2', 's-4']);
      const ssink = new FindingCollector();
      const st = new SequenceTracker('settlements', ssink);
      for (const t of settlements.items) {
        const [, rec, file, line] = JSON.parse(t) as [string, { seq: number }, string, number];
        st.observe(rec.seq, { file, line });
      }
      st.finish();
      expect(ssink.findings().map((f) => f.subject)).toEqual(['settlements:1', 'settlements:3-3']);
    } finally {
      ds.remove();
    }
  });

  it('with no margin record, DQ-2 and DQ-4 are not tested (no margin records)', () => {
    const sink = new FindingCollector();
    new SequenceTracker('margin', sink).finish();
    new SequenceTracker('settlements', sink).finish();
    for (const check of ['DQ-2', 'DQ-4']) {
      expect(sink.population(check)).toEqual({
        examined: 0,
        notTested: { 'no margin records': 0, 'no settlement records': 0 },
      });
    }
  });

  for (const [name, opts] of [
    ['external sort with spills', { maxInMemory: 2, prescan: false }],
    ['external sort with spills, plain parser', { maxInMemory: 2, prescan: false, parse: 'plain' }],
    ['a worker thread', { worker: true, workerMinBytes: 0 }],
    [
      'two sorting workers with spills',
      { worker: true, workerMinBytes: 0, workers: 2, maxInMemory: 2, prescan: false },
    ],
  ] as const) {
    it(`gives the same items, quarantine and stats through ${name}`, async () => {
      const ds = tempDataset(FILES);
      try {
        for (const stream of ['margin', 'settlements', 'orders+trades'] as const) {
          const here = await readAll(ds.root, stream, { tmpDir: tmp });
          const there = await readAll(ds.root, stream, { tmpDir: tmp, ...opts });
          expect(there, stream).toEqual(here);
          expect(here.items.length).toBeGreaterThan(0);
        }
        // Contract-2 orders keep route and prefunded whichever way they travel.
        const orders = await readAll(ds.root, 'orders+trades', { tmpDir: tmp, ...opts });
        expect(orders.items.map((t) => JSON.parse(t)[1].route)).toEqual([null, 'V-SG']);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        ds.remove();
      }
    });
  }

  it('the seq-order pre-scan (folded into the hashing read) covers the margin and settlements files', async () => {
    const ds = tempDataset({
      'margin/sorted.jsonl': jsonl(m(1), m(2)),
      'margin/shuffled.jsonl': jsonl(m(4), m(3)),
      'settlements/s.csv': `seq,ts,event_id,exec_id,order_id,leg,qty,mechanism,batch_id\n1,2026-02-12T04:00:00Z,s,x,o,asset,1,dvp,b\n`,
      'venues/v.jsonl': jsonl(VALID.venues),
    });
    try {
      const source = new LocalDatasetSource(ds.root);
      const listed = await source.list();
      const layout = classifyLayout(listed, 2);
      const { inOrder } = await hashAndScanInputs(source, listed, eventFiles(layout));
      expect(Object.fromEntries(inOrder)).toEqual({
        'margin/shuffled.jsonl': false,
        'margin/sorted.jsonl': true,
        'settlements/s.csv': true,
      });
    } finally {
      ds.remove();
    }
  });

  it('a contract-1 layout has no margin or settlements stream: nothing is read, nothing is reported', async () => {
    const ds = tempDataset(FILES);
    try {
      for (const stream of ['margin', 'settlements'] as const) {
        expect(await readAll(ds.root, stream, { tmpDir: tmp }, 1)).toEqual({ items: [], quarantine: [], stats: [] });
      }
      const orders = await readAll(ds.root, 'orders+trades', { tmpDir: tmp, maxInMemory: 1, prescan: false }, 1);
      expect(orders.items.map((t) => 'route' in JSON.parse(t)[1])).toEqual([false, false]);
    } finally {
      ds.remove();
    }
  });
});
