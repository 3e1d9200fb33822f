import { describe, expect, it } from 'vitest';
import { Flow, run, verdicts } from '../../audit/flow.js';

/** A resting client sell of 1 at 100 (o-m) and an IOC buy of 1 (o-t). */
function book(): Flow {
  const f = new Flow();
  f.new({ id: 'o-m', acct: 'C-1', side: 'sell', price: '100', qty: '1' });
  f.new({ id: 'o-t', acct: 'C-2', side: 'buy', price: '100', qty: '1', tif: 'ioc' });
  return f;
}

const reasons = (r: ReturnType<typeof run>, id = 't-1') => r.get('DQ-3', id)?.evidence.reasons as string[] | undefined;

describe('DQ-3 trade consistency', () => {
  it('DQ-3: a trade matching a resting maker and an open taker of its symbol is compliant', () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'o-m', taker: 'o-t', price: '100.00', qty: '1' });
    const r = run(f.items);
    expect(r.of('DQ-3')).toEqual([]);
    expect(r.collector.population('DQ-3').examined).toBe(1);
  });

  it("DQ-3: a trade whose symbol differs from the maker's or the taker's symbol", () => {
    const f = book();
    f.new({ id: 'o-e', acct: 'C-2', side: 'buy', price: '100', qty: '1', tif: 'ioc', symbol: 'ETH-USD' });
    f.trade({ id: 't-1', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.5', symbol: 'ETH-USD' });
    f.trade({ id: 't-2', maker: 'o-m', taker: 'o-e', price: '100', qty: '0.1' });
    const r = run(f.items);
    expect(reasons(r)).toEqual(['maker order o-m is for symbol BTC-USD', 'taker order o-t is for symbol BTC-USD']);
    expect(reasons(r, 't-2')).toEqual(['taker order o-e is for symbol ETH-USD']);
    expect(r.get('DQ-3', 't-1')!.severity).toBe('high');
  });

  it('DQ-3: a maker unknown to the replay', () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'nope', taker: 'o-t', price: '100', qty: '0.5' });
    const r = run(f.items);
    expect(reasons(r)).toEqual(['maker order nope is unknown to the replay']);
    expect(r.get('DQ-3', 't-1')!.evidence.maker).toEqual({ order_id: 'nope', known: false });
  });

  it('DQ-3: a maker known but not resting (cancelled, or an IOC that never rests)', () => {
    const f = book();
    f.new({ id: 'o-i', acct: 'C-1', side: 'sell', price: '100', qty: '1', tif: 'ioc' });
    f.cancel('o-m');
    f.trade({ id: 't-1', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.5' });
    f.trade({ id: 't-2', maker: 'o-i', taker: 'o-t', price: '100', qty: '0.1' });
    const r = run(f.items);
    expect(reasons(r)).toEqual(['maker order o-m was already cancelled (seq 4)']);
    expect(reasons(r, 't-2')).toEqual(['maker order o-i is a limit ioc order, which never rests in the book']);
  });

  it('DQ-3: a taker unknown or already closed; an IOC taker is open until closed', () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'o-m', taker: 'ghost', price: '100', qty: '0.1' });
    f.trade({ id: 't-2', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.1' }); // IOC still open: fine
    f.end('expire', 'o-t');
    f.trade({ id: 't-3', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.1' });
    f.new({ id: 'o-k', acct: 'C-2', side: 'buy', price: '100', qty: '0.1', tif: 'fok' });
    f.trade({ id: 't-4', maker: 'o-m', taker: 'o-k', price: '100', qty: '0.1' }); // fills o-k
    f.trade({ id: 't-5', maker: 'o-m', taker: 'o-k', price: '100', qty: '0.1' });
    f.new({ id: 'o-r', acct: 'C-2', side: 'buy', type: 'market', price: null, qty: '1', tif: 'ioc' });
    f.end('reject', 'o-r');
    f.trade({ id: 't-6', maker: 'o-m', taker: 'o-r', price: '100', qty: '0.1' });
    const r = run(f.items);
    expect(reasons(r)).toEqual(['taker order ghost is unknown to the replay']);
    expect(reasons(r, 't-2')).toBeUndefined();
    expect(reasons(r, 't-3')).toEqual(['taker order o-t was already expired (seq 5)']);
    expect(reasons(r, 't-4')).toBeUndefined();
    expect(reasons(r, 't-5')).toEqual(['taker order o-k was already filled (seq 8)']);
    expect(reasons(r, 't-6')).toEqual(['taker order o-r was already rejected (seq 11)']);
  });

  it("DQ-3: a qty above either order's open quantity (exact decimals)", () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.7' });
    f.trade({ id: 't-2', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.30000000000000000001' });
    const r = run(f.items);
    expect(reasons(r)).toBeUndefined();
    expect(reasons(r, 't-2')).toEqual([
      "qty 0.30000000000000000001 exceeds the maker's open quantity 0.3",
      "qty 0.30000000000000000001 exceeds the taker's open quantity 0.3",
    ]);
    const g = book();
    g.new({ id: 'o-big', acct: 'C-2', side: 'buy', price: '100', qty: '5', tif: 'ioc' });
    g.trade({ id: 't-1', maker: 'o-t', taker: 'o-big', price: '100', qty: '2' });
    expect(reasons(run(g.items))).toEqual([
      'maker order o-t is a limit ioc order, which never rests in the book',
      "qty 2 exceeds the maker's open quantity 1",
    ]);
  });

  it("DQ-3: a price that differs from the maker's limit price by value ('100.0' is the same)", () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'o-m', taker: 'o-t', price: '100.0', qty: '0.1' });
    f.trade({ id: 't-2', maker: 'o-m', taker: 'o-t', price: '100.01', qty: '0.1' });
    const r = run(f.items);
    expect(reasons(r)).toBeUndefined();
    expect(reasons(r, 't-2')).toEqual(["price 100.01 differs from the maker's limit price 100"]);
  });

  it('DQ-3: such a trade is still applied to the orders that are known', () => {
    const f = book();
    f.trade({ id: 't-1', maker: 'o-m', taker: 'ghost', price: '100', qty: '0.6' });
    f.trade({ id: 't-2', maker: 'o-m', taker: 'o-t', price: '100', qty: '0.5' }); // only 0.4 left on the maker
    const r = run(f.items);
    expect(verdicts(r, 't-1')).toEqual({ 'DQ-3': 'high' });
    expect(reasons(r, 't-2')).toEqual(["qty 0.5 exceeds the maker's open quantity 0.4"]);
    expect(r.auditor.replay.closedOrder('o-m')?.closed_by).toBe('filled');
    expect(r.auditor.replay.formatQty(r.auditor.replay.openOrder('o-t')!.open)).toBe('0.5');
  });
});
