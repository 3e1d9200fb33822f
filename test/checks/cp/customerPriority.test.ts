import { describe, expect, it } from 'vitest';
import { AUCTION_NOT_TESTED, MAKER_NOT_IN_BOOK } from '#shared/checks/cp/customerPriority.js';
import { Flow, run, verdicts } from '../../audit/flow.js';

/** MM sells 1 at `price` (seq 1 unless `before` adds orders first); a taker IOC buys 0.4 from it. */
function mmFill(f: Flow, opts: { price?: string; taker?: string; tradeId?: string } = {}) {
  const price = opts.price ?? '100';
  f.new({ id: 'tk', acct: opts.taker ?? 'C-2', side: 'buy', price, qty: '0.4', tif: 'ioc' });
  f.trade({ id: opts.tradeId ?? 't-1', maker: 'mm', taker: 'tk', price, qty: '0.4' });
}

describe('CP-1 / CP-2 customer priority', () => {
  it('CP-1: a protected order at the same price with later priority gives high; none gives no finding', () => {
    const bad = new Flow();
    bad.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    bad.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    mmFill(bad);
    const r = run(bad.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high' });
    const f = r.get('CP-1', 't-1')!;
    expect(f.account_id).toBe('MM-1');
    expect(f.symbol).toBe('BTC-USD');
    expect(f.seq).toBe(4);
    expect(f.evidence.protected_visible_qty_at_price).toBe('0.5');
    expect(f.evidence.blocking_orders).toEqual([
      {
        order_id: 'c1',
        account_id: 'C-1',
        price: '100',
        visible_qty: '0.5',
        priority: 2,
        file: 'orders/o.jsonl',
        line: 2,
      },
    ]);
    expect(f.detail).toContain('c1');
    expect(r.collector.population('CP-1').examined).toBe(1);
    expect(r.collector.population('CP-2').examined).toBe(1);

    const good = new Flow();
    good.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    good.new({ id: 'p1', acct: 'P-1', side: 'sell', qty: '0.5' }); // platform: not protected
    good.new({ id: 'mm2', acct: 'MM-2', side: 'sell', qty: '0.5' }); // another MM order: not protected
    mmFill(good);
    const g = run(good.items);
    expect(verdicts(g, 't-1')).toEqual({});
    expect(g.collector.population('CP-1').examined).toBe(1);
  });

  it('CP-1: critical when a blocking protected order had strictly earlier priority than the MM order', () => {
    const f = new Flow();
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    mmFill(f);
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'critical' });
    expect(r.get('CP-1', 't-1')!.evidence.earlier_priority_than_mm).toBe(true);
  });

  it('CP-1: third_party_mm orders are protected too', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'tp', acct: 'TP-1', side: 'sell', qty: '0.5', mm_tag: true });
    mmFill(f);
    expect(verdicts(run(f.items), 't-1')).toEqual({ 'CP-1': 'high' });
  });

  it('CP-2: a protected order at a better price (lower sell) is critical; a worse price is not a finding', () => {
    const bad = new Flow();
    bad.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    bad.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '99.5', qty: '0.5' });
    bad.new({ id: 'c2', acct: 'C-2', side: 'sell', price: '99', qty: '0.25', display: '0.1' });
    mmFill(bad, { taker: 'C-3' }); // C-3 shares C-1's entity: c1 is left out, c2 (E-C2) blocks
    // taker C-3 is entity E-C1 → c1 excluded; c2 remains
    const r = run(bad.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-2': 'critical' });
    const e = r.get('CP-2', 't-1')!.evidence;
    expect(e.price).toBe('99');
    expect(e.protected_visible_qty_at_price).toBe('0.1');
    expect((e.blocking_orders as { order_id: string }[]).map((o) => o.order_id)).toEqual(['c2']);

    const good = new Flow();
    good.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    good.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '100.5', qty: '0.5' });
    good.new({ id: 'c2', acct: 'C-2', side: 'buy', price: '99', qty: '0.5' }); // other side
    mmFill(good);
    expect(verdicts(run(good.items), 't-1')).toEqual({});
  });

  it('CP-2: on the buy side better means higher; a lower protected bid is not a finding', () => {
    const mk = (clientPrice: string) => {
      const f = new Flow();
      f.new({ id: 'mm', acct: 'MM-1', side: 'buy', price: '100', qty: '1' });
      f.new({ id: 'c1', acct: 'C-1', side: 'buy', price: clientPrice, qty: '0.5' });
      f.new({ id: 'tk', acct: 'C-2', side: 'sell', price: '100', qty: '0.4', tif: 'fok' });
      f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.4' });
      return verdicts(run(f.items), 't-1');
    };
    expect(mk('100.01')).toEqual({ 'CP-2': 'critical' });
    expect(mk('99.99')).toEqual({});
    expect(mk('100.00')).toEqual({ 'CP-1': 'high' });
  });

  it('CP-2: best blocking price first, totals at that price and over all better prices', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'a', acct: 'C-1', side: 'sell', price: '99', qty: '1' });
    f.new({ id: 'b', acct: 'C-2', side: 'sell', price: '98', qty: '2' });
    f.new({ id: 'c', acct: 'TP-1', side: 'sell', price: '98.0', qty: '3', mm_tag: true });
    mmFill(f, { taker: 'P-1' });
    const e = run(f.items).get('CP-2', 't-1')!.evidence;
    expect(e.price).toBe('98');
    expect(e.protected_visible_qty_at_price).toBe('5');
    expect(e.protected_visible_qty_at_better_prices).toBe('6');
    expect((e.blocking_orders as { order_id: string }[]).map((o) => o.order_id)).toEqual(['b', 'c', 'a']);
  });

  it('CP-1 and CP-2: one trade can give both', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
    f.new({ id: 'c2', acct: 'C-2', side: 'sell', price: '99', qty: '1' });
    mmFill(f, { taker: 'P-1' });
    expect(verdicts(run(f.items), 't-1')).toEqual({ 'CP-1': 'high', 'CP-2': 'critical' });
  });

  it("CP-1: orders of the taker's own account are left out (self-trade prevention), others are not", () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    mmFill(f, { taker: 'C-1' });
    expect(verdicts(run(f.items), 't-1')).toEqual({});

    const g = new Flow();
    g.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    g.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    g.new({ id: 'c2', acct: 'C-2', side: 'sell', qty: '0.5' });
    mmFill(g, { taker: 'C-1' });
    const r = run(g.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high' });
    expect(r.get('CP-1', 't-1')!.evidence.protected_visible_qty_at_price).toBe('0.5');
  });

  it("CP-1: orders of the taker's entity are left out (C-3 shares C-1's entity); another entity is not", () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    mmFill(f, { taker: 'C-3' });
    expect(verdicts(run(f.items), 't-1')).toEqual({});

    const g = new Flow();
    g.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    g.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    mmFill(g, { taker: 'C-2' });
    expect(verdicts(run(g.items), 't-1')).toEqual({ 'CP-1': 'high' });
  });

  it('CP-1: when the taker is unknown nothing is left out (and DQ-3 reports the trade)', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    f.trade({ id: 't-1', maker: 'mm', taker: 'ghost', price: '100', qty: '0.4' });
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high', 'DQ-3': 'high' });
    expect(r.get('CP-1', 't-1')!.evidence.taker).toEqual({
      order_id: 'ghost',
      known: false,
      account_id: null,
      entity_id: null,
    });
  });

  it('CP-1: an iceberg with display_qty 0 has no visible quantity and is left out; display > 0 blocks', () => {
    const mk = (display: string) => {
      const f = new Flow();
      f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '5', display });
      mmFill(f);
      return run(f.items);
    };
    expect(verdicts(mk('0'), 't-1')).toEqual({});
    const r = mk('0.2');
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high' });
    expect(r.get('CP-1', 't-1')!.evidence.protected_visible_qty_at_price).toBe('0.2');
  });

  it('CP-1/CP-2: IOC, FOK and market protected orders never rest, so never block; a gtc one does', () => {
    for (const spec of [{ tif: 'ioc' as const }, { tif: 'fok' as const }, { type: 'market' as const, price: null }]) {
      const f = new Flow();
      f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5', ...spec });
      mmFill(f);
      expect(verdicts(run(f.items), 't-1')).toEqual({});
    }
    const g = new Flow();
    g.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    g.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '99', qty: '0.5', tif: 'day' });
    mmFill(g);
    expect(verdicts(run(g.items), 't-1')).toEqual({ 'CP-2': 'critical' });
  });

  it("CP-1: an amend moving a client order onto the MM's level blocks; moving it off the level clears it", () => {
    const on = new Flow();
    on.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    on.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '101', qty: '0.5' });
    on.amend('c1', { qty: '0.5', price: '100.000' });
    mmFill(on);
    const r = run(on.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high' });
    expect((r.get('CP-1', 't-1')!.evidence.blocking_orders as { priority: number }[])[0]!.priority).toBe(3);

    const off = new Flow();
    off.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '100', qty: '1' });
    off.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '100', qty: '0.5' });
    off.amend('c1', { qty: '0.5', price: '100.5' });
    mmFill(off);
    expect(verdicts(run(off.items), 't-1')).toEqual({});
  });

  it('CP-1: a qty increase resets the client priority (high); a decrease keeps it (critical)', () => {
    const mk = (qty: string) => {
      const f = new Flow();
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
      f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
      f.amend('c1', { qty });
      mmFill(f);
      return verdicts(run(f.items), 't-1');
    };
    expect(mk('0.6')).toEqual({ 'CP-1': 'high' });
    expect(mk('0.4')).toEqual({ 'CP-1': 'critical' });
    expect(mk('0.50')).toEqual({ 'CP-1': 'critical' });
  });

  it("CP-1: the MM order's own amend resets its priority, making an earlier client order critical", () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    f.amend('mm', { qty: '2' });
    mmFill(f);
    expect(verdicts(run(f.items), 't-1')).toEqual({ 'CP-1': 'critical' });
  });

  it('CP-1: snapshot orders rest with priority = their seq (MM maker and client alike)', () => {
    const f = new Flow();
    f.snapshot({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    f.snapshot({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    mmFill(f);
    expect(verdicts(run(f.items), 't-1')).toEqual({ 'CP-1': 'critical' });

    const g = new Flow();
    g.snapshot({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    g.snapshot({ id: 'c1', acct: 'C-1', side: 'sell', price: '100.1', qty: '0.5' });
    mmFill(g);
    expect(verdicts(run(g.items), 't-1')).toEqual({});
  });

  it('CP-1: a partially filled client order still blocks; a fully filled one no longer does', () => {
    const mk = (fillQty: string) => {
      const f = new Flow();
      f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
      f.new({ id: 'x', acct: 'C-2', side: 'buy', qty: '0.5', tif: 'ioc' });
      f.trade({ id: 't-0', maker: 'c1', taker: 'x', price: '100', qty: fillQty });
      mmFill(f);
      return run(f.items);
    };
    const partial = mk('0.2');
    expect(verdicts(partial, 't-1')).toEqual({ 'CP-1': 'high' });
    expect(partial.get('CP-1', 't-1')!.evidence.protected_visible_qty_at_price).toBe('0.3');
    expect(verdicts(mk('0.5'), 't-1')).toEqual({});
    expect(mk('0.5').collector.population('CP-1').examined).toBe(1); // t-0's maker is a client: not examined
  });

  it('CP-1: prices written differently ("97000.10" vs "97000.1") are the same price', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '97000.1', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', price: '97000.10', qty: '0.5' });
    mmFill(f, { price: '97000.100' });
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'CP-1': 'high' });
    expect(r.get('CP-1', 't-1')!.evidence.price).toBe('97000.1');
  });

  it('CP-1: a trade in the auction phase is not tested; the same trade in continuous phase is', () => {
    const mk = (phase: 'auction' | 'continuous') => {
      const f = new Flow();
      f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
      f.new({ id: 'tk', acct: 'C-2', side: 'buy', qty: '0.4', tif: 'ioc' });
      f.trade({ id: 't-1', maker: 'mm', taker: 'tk', price: '100', qty: '0.4', phase });
      return run(f.items);
    };
    const a = mk('auction');
    expect(verdicts(a, 't-1')).toEqual({});
    expect(a.collector.population('CP-1')).toEqual({ examined: 0, notTested: { [AUCTION_NOT_TESTED]: 1 } });
    expect(a.collector.population('CP-2').notTested[AUCTION_NOT_TESTED]).toBe(1);
    expect(verdicts(mk('continuous'), 't-1')).toEqual({ 'CP-1': 'high' });
  });

  it('CP-1: an MM maker not in the book (unknown, cancelled, non-resting IOC) is not tested, and DQ-3 reports it', () => {
    const cases: Array<(f: Flow) => void> = [
      () => {},
      (f) => {
        f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
        f.cancel('mm');
      },
      (f) => f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1', tif: 'ioc' }),
    ];
    for (const setup of cases) {
      const f = new Flow();
      setup(f);
      f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
      mmFill(f);
      const r = run(f.items);
      expect(verdicts(r, 't-1')).toEqual({ 'DQ-3': 'high' });
      expect(r.collector.population('CP-1')).toEqual({ examined: 0, notTested: { [MAKER_NOT_IN_BOOK]: 1 } });
    }
  });

  it("CP-1: a maker resting in another symbol's book is not tested against the trade's symbol", () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1', symbol: 'ETH-USD' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5' });
    mmFill(f);
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'DQ-3': 'high' });
    expect(r.collector.population('CP-1').notTested[MAKER_NOT_IN_BOOK]).toBe(1);
  });

  it('CP-1: protected orders on another symbol or the other side do not block; a client maker is not examined', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    f.new({ id: 'c1', acct: 'C-1', side: 'sell', qty: '0.5', symbol: 'ETH-USD' });
    f.new({ id: 'c2', acct: 'C-1', side: 'buy', price: '99', qty: '0.5' });
    mmFill(f);
    f.new({ id: 'c3', acct: 'C-2', side: 'sell', qty: '0.5' });
    f.new({ id: 'tk2', acct: 'P-1', side: 'buy', qty: '0.5', tif: 'ioc' });
    f.trade({ id: 't-2', maker: 'c3', taker: 'tk2', price: '100', qty: '0.5' }); // client maker
    const r = run(f.items);
    expect(r.of('CP-1')).toEqual([]);
    expect(r.of('CP-2')).toEqual([]);
    expect(r.collector.population('CP-1').examined).toBe(1);
  });

  it('CP-1: evidence lists at most 10 blocking orders by priority, with the full count and total', () => {
    const f = new Flow();
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', qty: '1' });
    for (let i = 0; i < 12; i++) f.new({ id: `c${i}`, acct: i % 2 ? 'C-1' : 'C-2', side: 'sell', qty: '0.1' });
    mmFill(f, { taker: 'P-1' });
    const e = run(f.items).get('CP-1', 't-1')!.evidence;
    const blocking = e.blocking_orders as { order_id: string }[];
    expect(blocking.length).toBe(10);
    expect(blocking[0]!.order_id).toBe('c0');
    expect(e.blocking_orders_count).toBe(12);
    expect(e.protected_visible_qty_at_price).toBe('1.2');
    expect(e.mm_order).toMatchObject({ order_id: 'mm', account_id: 'MM-1', priority: 1, open_qty: '1' });
  });
});
