/**
 * The shared order book's pure parts: SOB-1's pre-funding requirement (to the cent, both sides, market buys not
 * tested) and SOB-3's settlement legs (every reason, counts, checkpoints).
 */
import { describe, expect, it } from 'vitest';
import { type SettlementEvent, settlementEventSchema } from '#shared/contract/recordsV2.js';
import { judgePrefunding, requiredPrefunding } from '#shared/sharedbook/prefunding.js';
import { MAX_KEPT, SettlementLegs, settlementReasons } from '#shared/sharedbook/settlementLegs.js';

describe('pre-funding of a routed order (SOB-1)', () => {
  const buy = { side: 'buy', type: 'limit', qty: '0.3', price: '33333.33' } as const;

  it('a buy limit needs qty × price, exactly: pre-funded to the cent is funded, a cent less is short', () => {
    expect(requiredPrefunding(buy).toString()).toBe('9999.999');
    expect(judgePrefunding({ ...buy, qty: '3', price: '3333.33' }, '9999.99')).toMatchObject({
      tested: true,
      short: false,
    });
    expect(judgePrefunding({ ...buy, qty: '3', price: '3333.33' }, '9999.990')).toMatchObject({ short: false });
    expect(judgePrefunding({ ...buy, qty: '3', price: '3333.33' }, '9999.98')).toMatchObject({ short: true });
    // The requirement is not rounded to cents: 9999.999 is not covered by 9999.99.
    expect(judgePrefunding(buy, '9999.99')).toMatchObject({ short: true });
    expect(judgePrefunding(buy, '10000')).toMatchObject({ short: false });
  });

  it('a sell needs its qty of the base asset, limit or market', () => {
    const sell = { side: 'sell', type: 'market', qty: '1.5', price: null } as const;
    expect(judgePrefunding(sell, '1.50')).toMatchObject({ tested: true, short: false });
    expect(judgePrefunding(sell, '1.49999999')).toMatchObject({ short: true });
    expect(judgePrefunding({ ...sell, type: 'limit', price: '100' }, '1.5')).toMatchObject({ short: false });
    expect(judgePrefunding(sell, '0')).toMatchObject({ short: true });
  });

  it('prefunded null (or absent) is short', () => {
    expect(judgePrefunding(buy, null)).toMatchObject({ tested: true, prefunded: null, short: true });
    expect(judgePrefunding(buy, undefined)).toMatchObject({ short: true });
  });

  it('a market buy is not tested: its cost is unknown', () => {
    expect(judgePrefunding({ side: 'buy', type: 'market', qty: '1', price: null }, null)).toEqual({
      tested: false,
      reason: 'a market buy (its cost is unknown)',
    });
    expect(judgePrefunding({ side: 'buy', type: 'limit', qty: '1', price: null }, '1')).toMatchObject({
      tested: false,
    });
  });
});

let seq = 0;
const leg = (e: Partial<SettlementEvent>): SettlementEvent =>
  settlementEventSchema.parse({
    seq: ++seq,
    ts: '2026-02-12T05:00:00Z',
    event_id: `s-${seq}`,
    exec_id: 'x-1',
    order_id: 'o-1',
    leg: 'asset',
    qty: '1',
    mechanism: 'dvp',
    batch_id: 'b-1',
    ...e,
  });

describe('settlement legs (SOB-3)', () => {
  const reasonsOf = (legs: SettlementEvent[]) => {
    const book = new SettlementLegs();
    for (const l of legs) book.add(l);
    return new Map([...book.executions()].map((e) => [e.exec_id, settlementReasons(e)]));
  };

  it('one asset leg and one cash leg, both dvp, one batch: settled DvP', () => {
    expect(reasonsOf([leg({}), leg({ leg: 'cash', qty: '97000' })]).get('x-1')).toEqual([]);
  });

  it('lists every reason that holds', () => {
    const r = reasonsOf([
      leg({ exec_id: 'no-cash' }),
      leg({ exec_id: 'no-asset', leg: 'cash' }),
      leg({ exec_id: 'twice' }),
      leg({ exec_id: 'twice', leg: 'cash' }),
      leg({ exec_id: 'twice', leg: 'cash' }),
      leg({ exec_id: 'fop' }),
      leg({ exec_id: 'fop', leg: 'cash', mechanism: 'free_of_payment' }),
      leg({ exec_id: 'batches' }),
      leg({ exec_id: 'batches', leg: 'cash', batch_id: 'b-2' }),
      leg({ exec_id: 'all', mechanism: 'free_of_payment' }),
      leg({ exec_id: 'all', batch_id: 'b-9' }),
    ]);
    expect(Object.fromEntries(r)).toEqual({
      'no-cash': ['no cash leg'],
      'no-asset': ['no asset leg'],
      twice: ['cash leg twice'],
      fop: ['a leg is not dvp'],
      batches: ['legs in different batches'],
      all: ['no cash leg', 'asset leg twice', 'a leg is not dvp', 'legs in different batches'],
    });
  });

  it('a record repeated with the same event_id is a leg twice', () => {
    const a = leg({});
    expect(reasonsOf([a, a, leg({ leg: 'cash' })]).get('x-1')).toEqual(['asset leg twice']);
  });

  it('keeps complete counts but at most MAX_KEPT legs, batch ids and order ids for the evidence', () => {
    const book = new SettlementLegs();
    for (let i = 0; i < MAX_KEPT + 5; i++) book.add(leg({ leg: 'cash', batch_id: `b-${i}`, order_id: `o-${i}` }));
    const [e] = [...book.executions()];
    expect(e!.cash).toBe(MAX_KEPT + 5);
    expect(e!.legs).toHaveLength(MAX_KEPT);
    expect(e!.batchIds).toHaveLength(MAX_KEPT);
    expect(e!.orderIds).toHaveLength(MAX_KEPT);
    expect(settlementReasons(e!)).toEqual(['no asset leg', 'cash leg twice', 'legs in different batches']);
    expect(book.size).toBe(1);
  });

  it('continues exactly after a checkpoint (structured clone)', () => {
    const legs = [
      leg({}),
      leg({ exec_id: 'x-2', leg: 'cash' }),
      leg({ leg: 'cash', batch_id: 'b-2' }),
      leg({ exec_id: 'x-2' }),
    ];
    for (let cut = 0; cut <= legs.length; cut++) {
      const first = new SettlementLegs();
      for (const l of legs.slice(0, cut)) first.add(l);
      const resumed = new SettlementLegs();
      resumed.loadState(structuredClone(first.saveState()));
      for (const l of legs.slice(cut)) resumed.add(l);
      const whole = new SettlementLegs();
      for (const l of legs) whole.add(l);
      expect([...resumed.executions()], `cut ${cut}`).toEqual([...whole.executions()]);
    }
  });
});
