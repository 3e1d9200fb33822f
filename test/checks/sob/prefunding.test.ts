/**
 * SOB-1 (V2.md): a routed order's `new` or applied `amend` leaves it less than fully pre-funded — `prefunded` null, or
 * below qty × price (a buy limit) or qty (a sell), as the order stands after the event; a routed market buy is not
 * tested. One finding per order, at its first short event, listing each short event.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SHORT_EVENTS } from '#shared/checks/sob/routedOrderPrefunding.js';
import { Flow } from '../../audit/flow.js';
import { audit2 } from './harness.js';

const sob1 = (f: Flow) => audit2({ flow: f }, undefined, ['SOB-1', 'DQ-6']);

describe('SOB-1: routed orders fully pre-funded', () => {
  it('a buy limit pre-funded to the cent of qty × price is funded; a cent less is a finding', () => {
    const f = new Flow(2);
    f.new({ id: 'exact', acct: 'C-1', side: 'buy', price: '3333.33', qty: '3', route: 'SG-OK', prefunded: '9999.99' });
    f.new({ id: 'short', acct: 'C-1', side: 'buy', price: '3333.33', qty: '3', route: 'SG-OK', prefunded: '9999.98' });
    f.new({ id: 'more', acct: 'C-1', side: 'buy', price: '3333.33', qty: '3', route: 'SG-OK', prefunded: '10000' });
    const r = sob1(f);
    expect(r.of('SOB-1').map((x) => x.subject)).toEqual(['short']);
    const finding = r.get('SOB-1', 'short')!;
    expect(finding).toMatchObject({ severity: 'critical', symbol: 'BTC-USD', account_id: 'C-1', seq: 2 });
    expect(finding.evidence).toEqual({
      order_id: 'short',
      symbol: 'BTC-USD',
      account_id: 'C-1',
      side: 'buy',
      type: 'limit',
      route: 'SG-OK',
      short_events_count: 1,
      short_events: [
        {
          event: 'new',
          seq: 2,
          ts: f.items[1]!.rec.ts,
          file: 'orders/o.jsonl',
          line: 2,
          qty: '3',
          price: '3333.33',
          required: '9999.99',
          prefunded: '9999.98',
          shortfall: '0.01',
        },
      ],
    });
    expect(finding.detail).toContain('9999.98 pre-funded against 9999.99 required (qty 3 × price 3333.33)');
    expect(r.collector.population('SOB-1')).toEqual({ examined: 3, notTested: {} });
  });

  it('the requirement is exact, not rounded to cents', () => {
    const f = new Flow(2);
    f.new({ id: 'b', acct: 'C-1', side: 'buy', price: '33333.33', qty: '0.3', route: 'SG-OK', prefunded: '9999.99' });
    expect(sob1(f).get('SOB-1', 'b')!.evidence.short_events).toMatchObject([
      { required: '9999.999', shortfall: '0.009' },
    ]);
  });

  it('a sell needs exactly its qty of the base asset, limit or market', () => {
    const f = new Flow(2);
    f.new({ id: 'exact', acct: 'C-1', side: 'sell', price: '100', qty: '1.50', route: 'SG-OK', prefunded: '1.5' });
    f.new({
      id: 'short',
      acct: 'C-1',
      side: 'sell',
      price: '100',
      qty: '1.5',
      route: 'SG-OK',
      prefunded: '1.49999999',
    });
    f.new({
      id: 'mkt',
      acct: 'C-1',
      side: 'sell',
      type: 'market',
      qty: '2',
      tif: 'ioc',
      route: 'SG-OK',
      prefunded: '1',
    });
    f.new({
      id: 'mkt-ok',
      acct: 'C-1',
      side: 'sell',
      type: 'market',
      qty: '2',
      tif: 'ioc',
      route: 'SG-OK',
      prefunded: '2',
    });
    const r = sob1(f);
    expect(r.of('SOB-1').map((x) => x.subject)).toEqual(['mkt', 'short']);
    expect(r.get('SOB-1', 'mkt')!.evidence.short_events).toMatchObject([
      { qty: '2', price: null, required: '2', prefunded: '1', shortfall: '1' },
    ]);
    expect(r.get('SOB-1', 'short')!.detail).toContain('(qty 1.5 of the base asset)');
    expect(r.collector.population('SOB-1')).toEqual({ examined: 4, notTested: {} });
  });

  it('prefunded null or absent is short; zero is short for any order', () => {
    const f = new Flow(2);
    f.new({ id: 'null', acct: 'C-1', side: 'buy', price: '1', qty: '1', route: 'SG-OK', prefunded: null });
    f.new({ id: 'absent', acct: 'C-1', side: 'sell', price: '1', qty: '1', route: 'SG-OK' });
    f.new({ id: 'zero', acct: 'C-1', side: 'sell', price: '1', qty: '0.00000001', route: 'SG-OK', prefunded: '0' });
    const r = sob1(f);
    expect(r.of('SOB-1').map((x) => x.subject)).toEqual(['absent', 'null', 'zero']);
    expect(r.get('SOB-1', 'null')!.evidence.short_events).toMatchObject([
      { prefunded: null, required: '1', shortfall: '1' },
    ]);
    expect(r.get('SOB-1', 'null')!.detail).toContain('no pre-funded amount against 1 required');
  });

  it('a routed market buy is not tested (its cost is unknown), on its new and its amends', () => {
    const f = new Flow(2);
    f.new({ id: 'mb', acct: 'C-1', side: 'buy', type: 'market', qty: '1', tif: 'ioc', route: 'SG-OK' });
    f.amend('mb', { qty: '2', price: null, prefunded: null });
    const r = sob1(f);
    expect(r.of('SOB-1')).toEqual([]);
    expect(r.collector.population('SOB-1')).toEqual({
      examined: 0,
      notTested: { 'routed order: a market buy (its cost is unknown)': 1 },
    });
  });

  it('an amend that lowers prefunded below the requirement is the finding, at the amend', () => {
    const f = new Flow(2);
    f.new({ id: 'r', acct: 'C-1', side: 'buy', price: '100', qty: '2', route: 'SG-OK', prefunded: '200' });
    f.amend('r', { qty: '2', price: '100', prefunded: '199.99' });
    const r = sob1(f);
    expect(r.get('SOB-1', 'r')).toMatchObject({ seq: 2 });
    expect(r.get('SOB-1', 'r')!.evidence.short_events).toMatchObject([
      { event: 'amend', seq: 2, line: 2, qty: '2', price: '100', required: '200', prefunded: '199.99' },
    ]);
    expect(r.collector.population('SOB-1')).toEqual({ examined: 1, notTested: {} });
  });

  it('judges the order as it stands after the amend: its qty and new price, its own side and type', () => {
    const f = new Flow(2);
    f.new({ id: 'up', acct: 'C-1', side: 'buy', price: '100', qty: '2', route: 'SG-OK', prefunded: '200' });
    f.amend('up', { qty: '2', price: '100.01', prefunded: '200' }); // price up: 200.02 required
    f.new({ id: 'ok', acct: 'C-1', side: 'buy', price: '100', qty: '2', route: 'SG-OK', prefunded: '200' });
    f.amend('ok', { qty: '1', price: '150', prefunded: '150' }); // lower cost: still funded
    f.new({ id: 's', acct: 'C-1', side: 'sell', price: '100', qty: '2', route: 'SG-OK', prefunded: '2' });
    // The amend says side buy: the order is a sell (its own side), so qty is what is needed, not qty × price.
    f.amend('s', { qty: '3', price: '100', side: 'buy', prefunded: '3' });
    const r = sob1(f);
    expect(r.of('SOB-1').map((x) => x.subject)).toEqual(['up']);
    expect(r.get('SOB-1', 'up')!.evidence.short_events).toMatchObject([
      { event: 'amend', price: '100.01', required: '200.02', shortfall: '0.02' },
    ]);
  });

  it('one finding per order at its first short event, listing every short event (the first few)', () => {
    const f = new Flow(2);
    f.new({ id: 'r', acct: 'C-1', side: 'sell', price: '100', qty: '2', route: 'SG-OK', prefunded: '1' });
    f.amend('r', { qty: '2', prefunded: '2' }); // funded again
    for (let i = 0; i < MAX_SHORT_EVENTS + 2; i++) f.amend('r', { qty: '3', prefunded: '2.5' });
    const r = sob1(f);
    const finding = r.get('SOB-1', 'r')!;
    expect(finding.seq).toBe(1);
    expect(finding.evidence.short_events_count).toBe(MAX_SHORT_EVENTS + 3); // the new and every later amend
    const listed = finding.evidence.short_events as { event: string; seq: number }[];
    expect(listed).toHaveLength(MAX_SHORT_EVENTS);
    expect(listed.map((e) => e.seq)).toEqual([1, ...Array.from({ length: MAX_SHORT_EVENTS - 1 }, (_, i) => i + 3)]);
    expect(finding.detail).toContain(`after ${MAX_SHORT_EVENTS + 3} events; first its new at seq 1`);
  });

  it('judges only routed orders and only events the replay applies', () => {
    const f = new Flow(2);
    f.new({ id: 'local', acct: 'C-1', side: 'buy', price: '100', qty: '1', prefunded: '0' });
    f.amend('local', { qty: '1', prefunded: '0' });
    f.new({ id: 'r', acct: 'C-1', side: 'buy', price: '100', qty: '1', route: 'SG-OK', prefunded: '100' });
    f.new({ id: 'r', acct: 'C-1', side: 'buy', price: '100', qty: '1', route: 'SG-OK', prefunded: '0' }); // DQ-6
    f.amend('ghost', { qty: '1', prefunded: '0' }); // DQ-6: unknown
    f.cancel('r');
    f.amend('r', { qty: '1', prefunded: '0' }); // DQ-6: closed
    const r = sob1(f);
    expect(r.of('SOB-1')).toEqual([]);
    expect(r.of('DQ-6').map((x) => x.subject)).toEqual(['ghost', 'r']);
    expect(r.collector.population('SOB-1')).toEqual({ examined: 1, notTested: {} });
  });
});
