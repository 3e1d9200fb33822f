import { describe, expect, it } from 'vitest';
import { type OpenOrder, OrderBookReplay } from '#shared/replay/orderBook.js';
import { fractionDigits, fromScaled, toScaled } from '#shared/replay/quantity.js';
import { Flow, refData } from '../audit/flow.js';

function replayOf(flow: Flow): OrderBookReplay {
  const r = new OrderBookReplay(refData());
  for (const item of flow.items) {
    if (item.kind === 'order') r.applyOrderEvent(item.rec, item.file, item.line);
    else r.applyTrade(item.rec);
  }
  return r;
}

const open = (r: OrderBookReplay, id: string): OpenOrder => {
  const o = r.openOrder(id);
  if (o === undefined) throw new Error(`${id} not open`);
  return o;
};

const q = (r: OrderBookReplay, v: bigint) => r.formatQty(v);

describe('scaled quantities', () => {
  it('round-trips decimals exactly, trailing zeros not counting as digits', () => {
    expect(fractionDigits('1.2300')).toBe(2);
    expect(fractionDigits('7')).toBe(0);
    expect(toScaled('1.23', 4)).toBe(12300n);
    expect(toScaled('0012.5000000', 2)).toBe(1250n);
    expect(fromScaled(12300n, 4)).toBe('1.23');
    expect(fromScaled(5n, 3)).toBe('0.005');
    expect(fromScaled(-5n, 3)).toBe('-0.005');
    expect(fromScaled(0n, 3)).toBe('0');
    expect(fromScaled(40n, 0)).toBe('40');
  });
});

describe('order-book replay', () => {
  it('snapshot rests with its open quantity and priority = its seq', () => {
    const f = new Flow();
    f.snapshot({ id: 's1', acct: 'C-1', side: 'sell', price: '100', qty: '2', tif: 'ioc' });
    const r = replayOf(f);
    const o = open(r, 's1');
    expect(o.level?.price).toBe('100');
    expect(o.priority).toBe(1);
    expect(q(r, o.open)).toBe('2');
  });

  it('new: limit gtc/day/post_only rest; ioc, fok and market never rest but stay open', () => {
    const f = new Flow();
    f.new({ id: 'g', acct: 'C-1', side: 'buy', tif: 'gtc', qty: '1' });
    f.new({ id: 'd', acct: 'C-1', side: 'buy', tif: 'day', qty: '1' });
    f.new({ id: 'p', acct: 'C-1', side: 'buy', tif: 'post_only', qty: '1' });
    f.new({ id: 'i', acct: 'C-1', side: 'buy', tif: 'ioc', qty: '1' });
    f.new({ id: 'k', acct: 'C-1', side: 'buy', tif: 'fok', qty: '1' });
    f.new({ id: 'm', acct: 'C-1', side: 'buy', type: 'market', price: null, tif: 'gtc', qty: '1' });
    const r = replayOf(f);
    for (const id of ['g', 'd', 'p']) expect(open(r, id).level).not.toBeNull();
    for (const id of ['i', 'k', 'm']) {
      expect(open(r, id).level).toBeNull();
      expect(open(r, id).closed).toBe(false);
    }
    expect(r.bookSide('BTC-USD', 'buy')?.levels.get('100')?.orders).toBe(3);
  });

  it('cancel, expire and reject take the order out of the book and close it', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.new({ id: 'b', acct: 'C-1', side: 'sell', qty: '1' });
    f.new({ id: 'c', acct: 'C-1', side: 'sell', qty: '1', tif: 'ioc' });
    f.end('cancel', 'a');
    f.end('expire', 'b');
    f.end('reject', 'c');
    const r = replayOf(f);
    expect(r.openCount).toBe(0);
    expect(r.closedOrder('a')?.closed_by).toBe('cancelled');
    expect(r.closedOrder('b')?.closed_by).toBe('expired');
    expect(r.closedOrder('c')?.closed_by).toBe('rejected');
    expect(r.bookSide('BTC-USD', 'sell')?.levels.size).toBe(0);
    expect(r.bookSide('BTC-USD', 'sell')?.protectedLevels.length).toBe(0);
  });

  it('amend: open = new qty − filled; at zero or below the order leaves the book', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '5' });
    f.new({ id: 't', acct: 'C-2', side: 'buy', qty: '2', tif: 'ioc' });
    f.trade({ id: 't1', maker: 'a', taker: 't', price: '100', qty: '2' });
    f.amend('a', { qty: '4' });
    const r1 = replayOf(f);
    expect(q(r1, open(r1, 'a').open)).toBe('2');
    f.amend('a', { qty: '2' });
    const r2 = replayOf(f);
    expect(r2.openOrder('a')).toBeUndefined();
    expect(r2.closedOrder('a')?.closed_by).toBe('amended to its filled quantity or below');
    expect(r2.bookSide('BTC-USD', 'sell')?.levels.size).toBe(0);
  });

  it('amend: a price change or a qty increase resets priority; a decrease (or display change) keeps it', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '5' }); // seq 1
    f.amend('a', { qty: '4' }); // decrease: keeps 1
    f.amend('a', { qty: '4', display: '1' }); // display only: keeps 1
    let r = replayOf(f);
    expect(open(r, 'a').priority).toBe(1);
    f.amend('a', { qty: '4.5', display: '1' }); // increase: seq 4
    r = replayOf(f);
    expect(open(r, 'a').priority).toBe(4);
    f.amend('a', { qty: '4.5', price: '100.0', display: '1' }); // same price by value: keeps 4
    r = replayOf(f);
    expect(open(r, 'a').priority).toBe(4);
    f.amend('a', { qty: '4.5', price: '101', display: '1' }); // price change: seq 6
    r = replayOf(f);
    expect(open(r, 'a').priority).toBe(6);
    expect(open(r, 'a').level?.price).toBe('101');
    expect(r.bookSide('BTC-USD', 'sell')?.levels.has('100')).toBe(false);
  });

  it('trades reduce maker and taker open quantity; zero closes them as filled', () => {
    const f = new Flow();
    f.new({ id: 'm', acct: 'C-1', side: 'sell', qty: '0.3' });
    f.new({ id: 't', acct: 'C-2', side: 'buy', qty: '0.3', tif: 'ioc' });
    f.trade({ id: 't1', maker: 'm', taker: 't', price: '100', qty: '0.1' });
    let r = replayOf(f);
    expect(q(r, open(r, 'm').open)).toBe('0.2');
    expect(q(r, open(r, 't').open)).toBe('0.2');
    f.trade({ id: 't2', maker: 'm', taker: 't', price: '100', qty: '0.2' });
    r = replayOf(f);
    expect(r.closedOrder('m')?.closed_by).toBe('filled');
    expect(r.closedOrder('t')?.closed_by).toBe('filled');
    expect(r.bookSide('BTC-USD', 'sell')?.levels.size).toBe(0);
  });

  it('icebergs: visible = min(display_qty, open), open when display_qty is null, 0 with display 0', () => {
    const f = new Flow();
    f.new({ id: 'ice', acct: 'C-1', side: 'sell', qty: '5', display: '2' });
    f.new({ id: 'dark', acct: 'C-2', side: 'sell', qty: '5', display: '0' });
    f.new({ id: 'full', acct: 'TP-1', side: 'sell', qty: '1.5' });
    f.new({ id: 't', acct: 'C-2', side: 'buy', qty: '10', tif: 'ioc' });
    let r = replayOf(f);
    expect(q(r, open(r, 'ice').visible)).toBe('2');
    expect(q(r, open(r, 'dark').visible)).toBe('0');
    expect(q(r, open(r, 'full').visible)).toBe('1.5');
    const level = r.bookSide('BTC-USD', 'sell')!.levels.get('100')!;
    expect(level.protVisibleCount).toBe(2);
    expect(q(r, level.protVisibleQty)).toBe('3.5');
    f.trade({ id: 't1', maker: 'ice', taker: 't', price: '100', qty: '3.5' });
    r = replayOf(f);
    expect(q(r, open(r, 'ice').visible)).toBe('1.5');
    expect(q(r, r.bookSide('BTC-USD', 'sell')!.levels.get('100')!.protVisibleQty)).toBe('3');
  });

  it('prices compare by value: "97000.10" and "97000.1" share one level', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', price: '97000.1', qty: '1' });
    f.new({ id: 'b', acct: 'C-2', side: 'sell', price: '97000.10', qty: '1' });
    f.new({ id: 'c', acct: 'C-2', side: 'sell', price: '097000.100', qty: '1' });
    const r = replayOf(f);
    const side = r.bookSide('BTC-USD', 'sell')!;
    expect([...side.levels.keys()]).toEqual(['97000.1']);
    expect(side.levels.get('97000.1')!.orders).toBe(3);
    expect(side.protectedLevels.length).toBe(1);
  });

  it('keeps protected levels sorted by value, including prices Number() cannot tell apart', () => {
    const f = new Flow();
    const prices = ['10', '9.5', '100', '10.00000000000000000001', '10.0000000000000000000099', '2'];
    prices.forEach((p, i) => {
      f.new({ id: `o${i}`, acct: 'C-1', side: 'sell', price: p, qty: '1' });
    });
    f.new({ id: 'mm', acct: 'MM-1', side: 'sell', price: '1', qty: '1' });
    const r = replayOf(f);
    expect(r.bookSide('BTC-USD', 'sell')!.protectedLevels.map((l) => l.price)).toEqual([
      '2',
      '9.5',
      '10',
      '10.0000000000000000000099',
      '10.00000000000000000001',
      '100',
    ]);
  });

  it('stays exact when later quantities need more fraction digits (rescaling held state)', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1', display: '0.5' });
    f.new({ id: 't', acct: 'C-2', side: 'buy', qty: '1', tif: 'ioc' });
    f.trade({ id: 't1', maker: 'a', taker: 't', price: '100', qty: '0.000000000000000000001' });
    let r = replayOf(f);
    expect(q(r, open(r, 'a').open)).toBe('0.999999999999999999999');
    expect(q(r, open(r, 'a').visible)).toBe('0.5');
    expect(q(r, r.bookSide('BTC-USD', 'sell')!.levels.get('100')!.protVisibleQty)).toBe('0.5');
    f.trade({ id: 't2', maker: 'a', taker: 't', price: '100', qty: '0.999999999999999999999' });
    r = replayOf(f);
    expect(r.closedOrder('a')?.closed_by).toBe('filled');
    expect(r.closedOrder('t')?.closed_by).toBe('filled');
  });

  it('remembers closed orders as small views and does not apply DQ-6 events', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.cancel('a');
    f.amend('a', { qty: '3' }); // closed: ignored
    f.new({ id: 'a', acct: 'C-2', side: 'buy', qty: '9' }); // repeated: ignored
    f.cancel('ghost'); // unknown: ignored
    const r = replayOf(f);
    const a = r.order('a')!;
    expect(a.closed).toBe(true);
    expect(a.account_id).toBe('C-1');
    expect(r.order('ghost')).toBeUndefined();
    expect(r.openCount).toBe(0);
  });

  it('does not apply an amend without price to a limit order (context-only contract failure)', () => {
    const f = new Flow();
    f.new({ id: 'a', acct: 'C-1', side: 'sell', qty: '1' });
    f.amend('a', { qty: '5', price: null });
    const r = replayOf(f);
    expect(q(r, open(r, 'a').open)).toBe('1');
    expect(open(r, 'a').priority).toBe(1);
  });
});
