/**
 * SOB-2 (V2.md): an order routed to a venue whose `shared_book_approved` or `fatf_member` is false; a venue not in
 * `venues` is DQ-5 and not tested here, and without `venues/` every route is unknown. SOB-3: a shared-book execution
 * not settled DvP by the end of `settlements`, every reason listed; without `settlements/` it is not tested.
 */
import { describe, expect, it } from 'vitest';
import { UNKNOWN_VENUE, VENUES_ABSENT } from '#shared/checks/sob/routedOrderVenue.js';
import { NO_SETTLEMENTS, SETTLEMENTS_ABSENT } from '#shared/checks/sob/sharedBookSettlement.js';
import { Flow } from '../../audit/flow.js';
import { audit2, legs, refData2 } from './harness.js';

function routedTo(...venues: string[]): Flow {
  const f = new Flow(2);
  venues.forEach((v, i) => {
    f.new({ id: `o-${v}-${i}`, acct: 'C-1', side: 'sell', price: '1', qty: '1', route: v, prefunded: '1' });
  });
  return f;
}

describe('SOB-2: venues of routed orders', () => {
  it('an approved venue in a FATF jurisdiction is compliant; each false flag is a reason', () => {
    const r = audit2({ flow: routedTo('SG-OK', 'GB-UNAPPROVED', 'XX-NON-FATF', 'YY-NEITHER') });
    expect(r.of('SOB-2').map((f) => [f.subject, f.severity, f.evidence.reasons])).toEqual([
      ['o-GB-UNAPPROVED-1', 'high', ['venue GB-UNAPPROVED is not approved for the shared order book']],
      ['o-XX-NON-FATF-2', 'high', ["venue XX-NON-FATF's jurisdiction XX is not a FATF member"]],
      [
        'o-YY-NEITHER-3',
        'high',
        [
          'venue YY-NEITHER is not approved for the shared order book',
          "venue YY-NEITHER's jurisdiction YY is not a FATF member",
        ],
      ],
    ]);
    expect(r.get('SOB-2', 'o-YY-NEITHER-3')).toMatchObject({
      symbol: 'BTC-USD',
      account_id: 'C-1',
      seq: 4,
      evidence: {
        order_id: 'o-YY-NEITHER-3',
        file: 'orders/o.jsonl',
        line: 4,
        venue: { venue_id: 'YY-NEITHER', jurisdiction: 'YY', fatf_member: false, shared_book_approved: false },
      },
    });
    expect(r.collector.population('SOB-2')).toEqual({ examined: 4, notTested: {} });
    expect(r.of('DQ-5')).toEqual([]);
  });

  it('a venue not in venues: DQ-5, and SOB-2 counts the order as not tested (SOB-1 still tests it)', () => {
    const f = routedTo('SG-OK', 'ZZ-UNKNOWN');
    f.new({ id: 'short', acct: 'C-1', side: 'sell', price: '1', qty: '2', route: 'ZZ-UNKNOWN', prefunded: '1' });
    const r = audit2({ flow: f });
    expect(r.of('SOB-2')).toEqual([]);
    expect(r.collector.population('SOB-2')).toEqual({ examined: 1, notTested: { [UNKNOWN_VENUE]: 2 } });
    expect(r.of('DQ-5').map((x) => [x.subject, x.evidence.first_role])).toEqual([['ZZ-UNKNOWN', 'venue']]);
    expect(r.of('SOB-1').map((x) => x.subject)).toEqual(['short']);
    expect(r.collector.population('SOB-1')).toEqual({ examined: 3, notTested: {} });
  });

  it('without venues/, every route is unknown: DQ-5 for each, SOB-2 not tested with that reason', () => {
    const r = audit2({ flow: routedTo('SG-OK', 'YY-NEITHER') }, refData2({ venues: [], absent: ['venues'] }));
    expect(r.of('SOB-2')).toEqual([]);
    expect(r.collector.population('SOB-2')).toEqual({ examined: 0, notTested: { [VENUES_ABSENT]: 2 } });
    expect(r.of('DQ-5').map((x) => x.subject)).toEqual(['SG-OK', 'YY-NEITHER']);
  });

  it('the route is read from the new only: an amend naming a venue routes nothing', () => {
    const f = new Flow(2);
    f.new({ id: 'l', acct: 'C-1', side: 'sell', price: '1', qty: '1' });
    f.amend('l', { qty: '1', route: 'YY-NEITHER' });
    const r = audit2({ flow: f });
    expect(r.findings).toEqual([]);
    expect(r.collector.population('SOB-2')).toEqual({ examined: 0, notTested: {} });
  });
});

describe('SOB-3: shared-book executions settled DvP', () => {
  it('one asset and one cash leg, both dvp, one batch: compliant and examined', () => {
    const r = audit2({
      settlements: legs({ exec_id: 'x-1', order_id: 'o' }, { exec_id: 'x-1', order_id: 'o', leg: 'cash', qty: '97' }),
    });
    expect(r.of('SOB-3')).toEqual([]);
    expect(r.collector.population('SOB-3')).toEqual({ examined: 1, notTested: {} });
  });

  it('lists every reason: a leg twice, a missing leg, free_of_payment, two batches', () => {
    const r = audit2({
      settlements: legs(
        { exec_id: 'twice', order_id: 'o' },
        { exec_id: 'twice', order_id: 'o' },
        { exec_id: 'twice', order_id: 'o', leg: 'cash' },
        { exec_id: 'missing', order_id: 'o', leg: 'cash' },
        { exec_id: 'fop', order_id: 'o' },
        { exec_id: 'fop', order_id: 'o', leg: 'cash', mechanism: 'free_of_payment' },
        { exec_id: 'batches', order_id: 'o' },
        { exec_id: 'batches', order_id: 'o', leg: 'cash', batch_id: 'b-2' },
        { exec_id: 'all', order_id: 'o', mechanism: 'free_of_payment' },
        { exec_id: 'all', order_id: 'p', batch_id: 'b-9' },
        { exec_id: 'ok', order_id: 'o' },
        { exec_id: 'ok', order_id: 'o', leg: 'cash' },
      ),
    });
    expect(Object.fromEntries(r.of('SOB-3').map((f) => [f.subject, f.evidence.reasons]))).toEqual({
      all: ['no cash leg', 'asset leg twice', 'a leg is not dvp', 'legs in different batches'],
      batches: ['legs in different batches'],
      fop: ['a leg is not dvp'],
      missing: ['no asset leg'],
      twice: ['asset leg twice'],
    });
    expect(r.collector.population('SOB-3')).toEqual({ examined: 6, notTested: {} });
    const all = r.get('SOB-3', 'all')!;
    expect(all).toMatchObject({ severity: 'high', seq: 9, ts: '2026-02-12T05:00:00Z', symbol: null, account_id: null });
    expect(all.evidence).toMatchObject({
      exec_id: 'all',
      asset_legs: 2,
      cash_legs: 0,
      not_dvp_legs: 1,
      legs_count: 2,
      batch_ids: ['b-1', 'b-9'],
      order_ids: ['o', 'p'],
      legs: [
        {
          event_id: 's-9',
          seq: 9,
          leg: 'asset',
          mechanism: 'free_of_payment',
          batch_id: 'b-1',
          file: 'settlements/s.jsonl',
          line: 9,
        },
        { event_id: 's-10', seq: 10, leg: 'asset', mechanism: 'dvp', batch_id: 'b-9', order_id: 'p', line: 10 },
      ],
    });
    expect(all.detail).toContain('no cash leg; asset leg twice; a leg is not dvp; legs in different batches');
  });

  it('without settlements/, not tested with that reason; an empty folder, not tested as empty', () => {
    const absent = audit2({}, refData2({ absent: ['settlements'] }));
    expect(absent.collector.population('SOB-3')).toEqual({ examined: 0, notTested: { [SETTLEMENTS_ABSENT]: 0 } });
    const empty = audit2({});
    expect(empty.collector.population('SOB-3')).toEqual({ examined: 0, notTested: { [NO_SETTLEMENTS]: 0 } });
  });
});
