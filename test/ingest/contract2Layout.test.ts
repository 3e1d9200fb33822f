/**
 * The contract number in the layout and the readers: the same listing is classified and read differently under
 * contract 1 (the new folders are ignored files, the new fields are dropped, a routed snapshot rests) and contract 2
 * (venues, margin, settlements are record folders read with their schemas; a routed snapshot is DQ-1).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonLineDecoder } from '#shared/ingest/decode.js';
import { RecordKindError } from '#shared/ingest/errors.js';
import { classifyLayout, EVENT_RECORD_TYPES, eventFiles } from '#shared/ingest/layout.js';
import { jsonl, readOne, VALID } from './helpers.js';

const f = (path: string, size = 10) => ({ path, size });
const LISTING = [
  f('manifest.json'),
  f('venues/v.jsonl'),
  f('margin/day=1/m.csv.gz'),
  f('margin/m.parquet'),
  f('margin/_SUCCESS', 0),
  f('settlements/s.jsonl'),
  f('orders/o.jsonl'),
  f('Margin/x.jsonl'),
  f('margin.jsonl'),
];

describe('layout by contract', () => {
  it('contract 1: venues/, margin/ and settlements/ are folders like any unknown one (hashed, listed as ignored)', () => {
    const layout = classifyLayout(LISTING, 1);
    expect(layout.contract).toBe(1);
    expect(layout.records.margin).toEqual([]);
    expect(layout.records.venues).toEqual([]);
    expect(layout.records.settlements).toEqual([]);
    expect(layout.unsupported).toEqual([]);
    expect(layout.ignored.map((x) => x.path)).toEqual([
      'venues/v.jsonl',
      'margin/day=1/m.csv.gz',
      'margin/m.parquet',
      'margin/_SUCCESS',
      'settlements/s.jsonl',
      'Margin/x.jsonl',
      'margin.jsonl',
    ]);
    expect(layout.folders).toEqual(['orders']);
    expect([...eventFiles(layout).keys()]).toEqual(['orders/o.jsonl']);
    expect(layout.records.orders[0]!.contract).toBe(1);
  });

  it('contract 2: they are record folders (any depth), with DQ-1 for an unsupported format, like the v1 folders', () => {
    const layout = classifyLayout(LISTING, 2);
    expect(layout.contract).toBe(2);
    expect(layout.records.venues.map((x) => [x.path, x.format, x.contract])).toEqual([['venues/v.jsonl', 'jsonl', 2]]);
    expect(layout.records.margin.map((x) => [x.path, x.record_type, x.format])).toEqual([
      ['margin/day=1/m.csv.gz', 'margin', 'csv.gz'],
    ]);
    expect(layout.records.settlements.map((x) => x.path)).toEqual(['settlements/s.jsonl']);
    expect(layout.unsupported.map((x) => [x.path, x.record_type])).toEqual([['margin/m.parquet', 'margin']]);
    expect(layout.ignored.map((x) => x.path)).toEqual(['margin/_SUCCESS', 'Margin/x.jsonl', 'margin.jsonl']);
    expect(layout.folders).toEqual(['orders', 'venues', 'margin', 'settlements']);
    // The pre-scan and hashing read cover every event stream, reference folders excluded.
    expect([...eventFiles(layout).keys()].sort()).toEqual([
      'margin/day=1/m.csv.gz',
      'orders/o.jsonl',
      'settlements/s.jsonl',
    ]);
    expect(EVENT_RECORD_TYPES).not.toContain('venues');
  });

  it('reading a file as a record type its contract does not have is a caller’s error, not data', () => {
    expect(() => jsonLineDecoder({ record_type: 'margin', contract: 1 }, true)).toThrow(RecordKindError);
    expect(() => jsonLineDecoder({ record_type: 'venues', contract: 1 }, false)).toThrow(
      /not a record folder of data contract 1/,
    );
  });

  it('a folder of the contract with no file at all is absent (S3 has no empty folders)', () => {
    expect(classifyLayout([f('orders/o.jsonl')], 2).folders).toEqual(['orders']);
  });
});

const MARGIN = VALID.margin;

describe('reading contract-2 folders', () => {
  it('margin JSONL: accepted records keep the schema’s shape; a bad one is DQ-1 with its reason', async () => {
    const r = await readOne(
      'margin/m.jsonl',
      jsonl(
        MARGIN,
        { ...MARGIN, seq: 2, event: 'withdraw', asset: null, asset_class: null, amount: '-1' },
        { ...MARGIN, seq: 3, event: 'insurance', amount: '-1', account_id: null, ref: null, note: 'x' },
        { ...MARGIN, seq: 4, event: 'insurance', amount: '0', account_id: null },
      ),
      2,
    );
    expect(r.accepted.map((a) => [a.line, a.rec.seq])).toEqual([
      [1, 1],
      [4, 4],
    ]);
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([
      [2, 'amount is not above zero: -1'],
      [3, "missing fields account_id, ref (an 'insurance' event needs them)"],
    ]);
    expect(r.stats).toMatchObject({ records: 4, accepted: 2, quarantined: 2, record_type: 'margin' });
  });

  it('margin CSV (gzip): empty cells are null, seq an integer; a truncated gzip keeps what was read (DQ-1 fault)', async () => {
    const header =
      'seq,ts,event_id,event,account_id,symbol,asset,asset_class,amount,position_qty,mark_price,rate,interval_start,ref';
    const rows = [
      '5,2026-02-12T00:00:05Z,m-5,funding_rate,,BTC-PERP,,,,,,-0.0001,2026-02-12T00:00:00Z,',
      '6,2026-02-12T00:00:06Z,m-6,liquidation,A,BTC-PERP,,,-12.5,-1,97000,,,',
      '7,2026-02-12T00:00:07Z,m-7,liquidation,A,BTC-PERP,,,-12.5,0,97000,,,',
    ];
    const whole = gzipSync(`${header}\n${rows.join('\n')}\n`);
    const r = await readOne('margin/m.csv.gz', whole, 2);
    expect(r.accepted.map((a) => a.rec)).toEqual([
      {
        seq: 5,
        ts: '2026-02-12T00:00:05Z',
        event_id: 'm-5',
        event: 'funding_rate',
        account_id: null,
        symbol: 'BTC-PERP',
        asset: null,
        asset_class: null,
        amount: null,
        position_qty: null,
        mark_price: null,
        rate: '-0.0001',
        interval_start: '2026-02-12T00:00:00Z',
        ref: null,
      },
      expect.objectContaining({ seq: 6, amount: '-12.5', position_qty: '-1' }),
    ]);
    expect(r.quarantine.map((q) => [q.line, q.reason])).toEqual([[4, 'position_qty is zero: 0']]);
    const cut = await readOne('margin/m.csv.gz', whole.subarray(0, whole.length - 12), 2);
    expect(cut.quarantine.at(-1)).toMatchObject({
      scope: 'file',
      reason: expect.stringMatching(/gzip stream is cut short/),
    });
    expect(cut.stats!.fault).not.toBeNull();
  });

  it('settlements and venues: every field required; CSV booleans', async () => {
    const s = await readOne(
      'settlements/s.jsonl',
      jsonl(VALID.settlements, { ...VALID.settlements, batch_id: null }),
      2,
    );
    expect(s.accepted).toHaveLength(1);
    expect(s.quarantine[0]!.reason).toMatch(/batch_id/);
    const v = await readOne(
      'venues/v.csv',
      'venue_id,jurisdiction,fatf_member,shared_book_approved\nV-SG,SG,true,false\nV-X,XX,yes,true\n',
      2,
    );
    expect(v.accepted.map((a) => a.rec)).toEqual([
      { venue_id: 'V-SG', jurisdiction: 'SG', fatf_member: true, shared_book_approved: false },
    ]);
    expect(v.quarantine.map((q) => q.line)).toEqual([3]);
  });

  it('orders: contract 2 reads route and prefunded and sets a routed snapshot aside; contract 1 drops them', async () => {
    const text = jsonl(
      { ...VALID.orders, route: 'V-SG', prefunded: '97000.1' },
      { ...VALID.orders, seq: 2, event: 'snapshot', route: 'V-SG' },
      { ...VALID.orders, seq: 3, event: 'snapshot', route: null },
      { ...VALID.orders, seq: 4, prefunded: '-1' },
    );
    const v2 = await readOne('orders/o.jsonl', text, 2);
    expect(v2.accepted.map((a) => [a.rec.seq, a.rec.route, a.rec.prefunded])).toEqual([
      [1, 'V-SG', '97000.1'],
      [3, null, undefined],
    ]);
    expect(v2.quarantine.map((q) => q.line)).toEqual([2, 4]);
    const v1 = await readOne('orders/o.jsonl', text, 1);
    expect(v1.accepted.map((a) => a.rec.seq)).toEqual([1, 2, 3, 4]);
    expect(v1.accepted.every((a) => !('route' in a.rec) && !('prefunded' in a.rec))).toBe(true);
  });

  it('instruments: reference_index_iosco defaults to false on contract 2 and is dropped on contract 1', async () => {
    const text = jsonl(VALID.instruments, { ...VALID.instruments, symbol: 'P', reference_index_iosco: true });
    const v2 = await readOne('instruments/i.jsonl', text, 2);
    expect(v2.accepted.map((a) => a.rec.reference_index_iosco)).toEqual([false, true]);
    const v1 = await readOne('instruments/i.jsonl', text, 1);
    expect(v1.accepted.map((a) => 'reference_index_iosco' in a.rec)).toEqual([false, false]);
  });
});
