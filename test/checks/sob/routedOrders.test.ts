/**
 * Routed orders out of the local book (V2.md "orders: two new fields", readings "Routed orders and trades"): the route
 * is read from the order's `new`; a routed order never rests, CP never sees it (never a resting maker, never a
 * blocking order); a trade naming it is DQ-3 "routed order" and is still applied; its other events replay as usual;
 * the routed state survives a checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { OrderFlowAuditor } from '#shared/audit/orderFlowAuditor.js';
import { RuleSet } from '#shared/audit/ruleSet.js';
import { MAKER_ROUTED } from '#shared/checks/cp/customerPriority.js';
import { declarationsOf } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import { orderEventSchemaV2 } from '#shared/contract/recordsV2.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { Flow } from '../../audit/flow.js';
import { audit2, refData2, SOB_CHECKS } from './harness.js';

describe('the replay keeps routed orders out of the local book', () => {
  it('a routed limit gtc order is open but never rests; its amends and cancel replay as usual', () => {
    const f = new Flow(2);
    f.new({ id: 'r-1', acct: 'C-1', side: 'buy', price: '100', qty: '2', route: 'SG-OK', prefunded: '200' });
    f.new({ id: 'l-1', acct: 'C-2', side: 'buy', price: '100', qty: '1' });
    const r = audit2({ flow: f });
    const replay = r.auditor.replay;
    const routed = replay.openOrder('r-1')!;
    expect(routed.routed).toBe(true);
    expect(routed.route).toBe('SG-OK');
    expect(routed.resting).toBe(false);
    expect(routed.level).toBeNull();
    expect(replay.book('BTC-USD')!.buy.levels.get('100')!.orders).toBe(1); // l-1 only
    expect(replay.openOrder('l-1')!.routed).toBe(false);

    f.amend('r-1', { qty: '3', price: '101', prefunded: '303' });
    f.cancel('r-1');
    f.amend('r-1', { qty: '1', prefunded: '100' }); // DQ-6: already closed
    const after = audit2({ flow: f });
    expect(after.auditor.replay.openOrder('r-1')).toBeUndefined();
    const closed = after.auditor.replay.closedOrder('r-1')!;
    expect(closed).toMatchObject({ routed: true, closed_by: 'cancelled', price: '101' });
    expect(after.auditor.replay.closedOrder('l-1')).toBeUndefined();
    expect(after.of('DQ-6').map((x) => x.subject)).toEqual(['r-1']);
    expect(after.of('SOB-1')).toEqual([]);
  });

  it('the route is read from the new only: a later event that names one does not route a local order, nor unroute', () => {
    const f = new Flow(2);
    f.new({ id: 'l-1', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
    f.amend('l-1', { qty: '2', route: 'SG-OK', prefunded: '2' });
    f.new({ id: 'r-1', acct: 'C-1', side: 'sell', price: '100', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.amend('r-1', { qty: '1', route: null, prefunded: '1' });
    const r = audit2({ flow: f });
    expect(r.auditor.replay.openOrder('l-1')).toMatchObject({ routed: false, resting: true, route: null });
    expect(r.auditor.replay.openOrder('r-1')).toMatchObject({ routed: true, resting: false, route: 'SG-OK' });
    expect(r.collector.population('SOB-1')).toEqual({ examined: 1, notTested: {} });
  });

  it('a snapshot with a route fails the contract (DQ-1): a routed order never rests in the local book', () => {
    const snapshot = {
      seq: 1,
      ts: '2026-02-12T01:00:00Z',
      event: 'snapshot',
      order_id: 's-1',
      symbol: 'BTC-USD',
      account_id: 'C-1',
      side: 'buy',
      type: 'limit',
      price: '100',
      qty: '1',
      tif: 'gtc',
      mm_tag: false,
    };
    expect(orderEventSchemaV2.safeParse(snapshot).success).toBe(true);
    const routed = orderEventSchemaV2.safeParse({ ...snapshot, route: 'SG-OK' });
    expect(routed.success).toBe(false);
    expect(routed.error!.issues[0]!.message).toMatch(/a 'snapshot' must have a null route/);
  });
});

describe('trades that name a routed order', () => {
  it('a routed maker: DQ-3 "routed order", not CP-tested, and the trade is still applied to it', () => {
    const f = new Flow(2);
    f.new({ id: 'mm-r', acct: 'MM-1', side: 'sell', price: '100', qty: '2', route: 'SG-OK', prefunded: '2' });
    f.new({ id: 'c-rest', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'buy', acct: 'C-2', side: 'buy', price: '100', qty: '3', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'mm-r', taker: 'buy', price: '100', qty: '1.5' });
    const r = audit2({ flow: f });
    const dq3 = r.get('DQ-3', 't-1')!;
    expect(dq3.evidence.reasons).toEqual([
      'maker order mm-r is a routed order (sent to the shared order book of venue SG-OK), which no trade may name',
    ]);
    expect(dq3.evidence.maker).toMatchObject({ state: 'open, routed', routed: true, route: 'SG-OK', open_qty: '2' });
    // A protected order rests at the MM's price, but the maker is not in the book: CP does not test the trade.
    expect(r.of('CP-1')).toEqual([]);
    expect(r.collector.population('CP-1')).toEqual({ examined: 0, notTested: { [MAKER_ROUTED]: 1 } });
    // Applied to the known orders as any DQ-3 trade is.
    expect(r.auditor.replay.openOrder('mm-r')!.open).toBe(50000000n); // 0.5 at scale 8
    expect(r.auditor.replay.openOrder('buy')!.open).toBe(150000000n);
  });

  it('a routed taker: DQ-3 "routed order", and CP tests the trade as any other', () => {
    const f = new Flow(2);
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '2' });
    f.new({ id: 'c-rest', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'r-buy', acct: 'C-2', side: 'buy', price: '100', qty: '1', route: 'SG-OK', prefunded: '100' });
    f.trade({ id: 't-1', maker: 'mm', taker: 'r-buy', price: '100', qty: '1' });
    const r = audit2({ flow: f });
    expect(r.get('DQ-3', 't-1')!.evidence.reasons).toEqual([
      'taker order r-buy is a routed order (sent to the shared order book of venue SG-OK), which no trade may name',
    ]);
    expect(r.get('CP-1', 't-1')).toMatchObject({ severity: 'high' }); // c-rest came after the MM order
    expect(r.collector.population('CP-1')).toEqual({ examined: 1, notTested: {} });
    // Filled by the DQ-3 trade: the routed taker closes as filled.
    expect(r.auditor.replay.closedOrder('r-buy')).toMatchObject({ closed_by: 'filled', routed: true });
  });

  it('a routed order is never a blocking order for CP', () => {
    const f = new Flow(2);
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '2' });
    // Would block at the same and at a better price if it rested.
    f.new({ id: 'r-same', acct: 'C-1', side: 'sell', price: '100', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.new({ id: 'r-better', acct: 'C-1', side: 'sell', price: '99', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.new({ id: 'buy', acct: 'C-2', side: 'buy', price: '100', qty: '1', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'mm', taker: 'buy', price: '100', qty: '1' });
    const r = audit2({ flow: f });
    expect(r.findings).toEqual([]);
    expect(r.collector.population('CP-2')).toEqual({ examined: 1, notTested: {} });
    expect(r.collector.population('DQ-3')).toEqual({ examined: 1, notTested: {} });
  });

  it('a closed routed maker: both reasons, routed and already closed', () => {
    const f = new Flow(2);
    f.new({ id: 'r', acct: 'C-1', side: 'sell', price: '100', qty: '1', route: 'SG-OK', prefunded: '1' });
    f.cancel('r');
    f.new({ id: 'buy', acct: 'C-2', side: 'buy', price: '100', qty: '1', tif: 'ioc' });
    f.trade({ id: 't-1', maker: 'r', taker: 'buy', price: '100', qty: '1' });
    const r = audit2({ flow: f });
    expect(r.get('DQ-3', 't-1')!.evidence).toMatchObject({
      reasons: [
        'maker order r is a routed order (sent to a shared order book), which no trade may name',
        'maker order r was already cancelled (seq 2)',
      ],
      maker: { state: 'cancelled', routed: true },
    });
    expect(r.collector.population('CP-1').notTested).toEqual({ [MAKER_ROUTED]: 1 });
  });

  it("a routed order's events feed MMT, FS and PERP-1 as any order's", () => {
    const f = new Flow(2);
    f.new({ id: 'mm-untagged', acct: 'MM-1', side: 'buy', price: '1', qty: '1', mm_tag: false, route: 'SG-OK' });
    f.new({ id: 'c-tagged', acct: 'C-1', side: 'buy', price: '1', qty: '1', mm_tag: true, route: 'SG-OK' });
    f.amend('c-tagged', { qty: '1', price: '1', mm_tag: false });
    const perp = { side: 'sell', price: '1', qty: '1', route: 'SG-OK', prefunded: '1' } as const;
    f.new({ id: 'perp', acct: 'C-2', symbol: 'BTC-PERP', ...perp }); // C-2 is not a professional investor
    f.new({ id: 'own', acct: 'P-1', ...perp }); // the operator trading for its own account
    const r = audit2({ flow: f }, refData2(), [...SOB_CHECKS, 'PERP-1', 'FS-6']);
    expect(r.findings.map((x) => `${x.check_id} ${x.subject}`)).toEqual([
      'FS-6 P-1',
      'MMT-1 mm-untagged',
      'MMT-2 c-tagged',
      'MMT-3 c-tagged',
      'PERP-1 perp',
      'SOB-1 c-tagged',
      'SOB-1 mm-untagged',
    ]);
  });
});

describe('routed state across a checkpoint', () => {
  it('an order-flow audit resumed from a checkpoint at any item gives the findings and populations of a whole run', () => {
    const f = new Flow(2);
    f.new({ id: 'r-open', acct: 'MM-1', side: 'sell', price: '100', qty: '2', route: 'SG-OK', prefunded: '1' });
    f.new({ id: 'r-closed', acct: 'C-1', side: 'sell', price: '100', qty: '1', route: 'XX-NON-FATF' });
    f.cancel('r-closed');
    f.new({ id: 'c-rest', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'buy', acct: 'C-2', side: 'buy', price: '100', qty: '5', tif: 'ioc' });
    f.amend('r-open', { qty: '3', price: '100', prefunded: '2' });
    f.trade({ id: 't-1', maker: 'r-open', taker: 'buy', price: '100', qty: '1' });
    f.trade({ id: 't-2', maker: 'r-closed', taker: 'buy', price: '100', qty: '1' });
    f.trade({ id: 't-3', maker: 'c-rest', taker: 'buy', price: '100', qty: '1' });
    const checks = declarationsOf(SOB_CHECKS.filter((c) => c !== 'SOB-3' && c !== 'DQ-5'));
    const ref = refData2();
    const auditOf = (sink: FindingCollector) =>
      new OrderFlowAuditor(
        new RuleSet({ ref, params: DEFAULT_PARAMETERS, sink }, checks, { replays: ['orders+trades'] }),
        () => {},
      );
    const wholeSink = new FindingCollector();
    const whole = auditOf(wholeSink);
    for (const item of f.items) whole.process(item);
    whole.rules.finish();
    expect(wholeSink.findings().map((x) => `${x.check_id} ${x.subject}`)).toEqual([
      'DQ-3 t-1',
      'DQ-3 t-2',
      'SOB-1 r-closed',
      'SOB-1 r-open',
      'SOB-2 r-closed',
    ]);
    for (let cut = 0; cut <= f.items.length; cut++) {
      const firstSink = new FindingCollector();
      const first = auditOf(firstSink);
      for (const item of f.items.slice(0, cut)) first.process(item);
      const state = structuredClone(first.saveState());
      const sink = new FindingCollector();
      sink.loadState(structuredClone(firstSink.saveState()));
      const resumed = auditOf(sink);
      resumed.loadState(state);
      for (const item of f.items.slice(cut)) resumed.process(item);
      resumed.rules.finish();
      expect(sink.findings(), `cut ${cut}`).toEqual(wholeSink.findings());
      for (const id of ['CP-1', 'DQ-3', 'SOB-1', 'SOB-2']) {
        expect(sink.population(id), `${id} cut ${cut}`).toEqual(wholeSink.population(id));
      }
    }
  });
});
