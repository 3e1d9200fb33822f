/**
 * Property: on random but consistent order flows (several accounts of each role, icebergs, IOC/FOK/market orders,
 * amends of price and quantity, cancels, partial fills, equal prices written differently, two symbols, auction trades,
 * unknown takers), every CP verdict of the auditor (finding or not, check, severity) equals the verdict of a
 * deliberately naive reference that keeps a plain list of orders and scans it with decimal.js arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDecimal, Exact } from '#shared/contract/decimal.js';
import type { OrderFlowItem } from '#shared/contract/events.js';
import { orderEventSchema, tradeSchema } from '#shared/contract/records.js';
import { type AccountSpec, refData, run } from '../../audit/flow.js';

const ACCOUNTS: AccountSpec[] = [
  ['MM-1', 'E-MM', 'affiliated_mm'],
  ['MM-2', 'E-MM', 'affiliated_mm'],
  ['C-1', 'E-C1', 'client'],
  ['C-2', 'E-C2', 'client'],
  ['C-3', 'E-C1', 'client'],
  ['TP-1', 'E-TP', 'third_party_mm'],
  ['TP-2', 'E-TP2', 'third_party_mm'],
  ['P-1', 'E-OP', 'platform'],
];
const ROLE = new Map(ACCOUNTS.map(([a, , r]) => [a, r]));
const ENTITY = new Map(ACCOUNTS.map(([a, e]) => [a, e]));
const PRICES = [
  ['99.5', '99.50', '099.5'],
  ['100', '100.0', '0100.000'],
  ['100.5', '100.50', '100.500'],
  ['101', '101.00', '101'],
];
const QTYS = ['0.1', '0.2', '0.3', '0.25', '1', '0.05', '0.10'];
const DISPLAYS = [null, null, null, '0', '0.1', '0.15'];
const TIFS = ['gtc', 'gtc', 'day', 'post_only', 'ioc', 'fok'] as const;
const SYMBOLS = ['BTC-USD', 'BTC-USD', 'BTC-USD', 'ETH-USD'];

interface NaiveOrder {
  id: string;
  acct: string;
  side: 'buy' | 'sell';
  symbol: string;
  type: 'limit' | 'market';
  price: string | null;
  total: Exact;
  filled: Exact;
  display: Exact | null;
  priority: number;
  rests: boolean;
  closed: boolean;
}

const openQty = (o: NaiveOrder) => o.total.minus(o.filled);
const visible = (o: NaiveOrder) => {
  const open = openQty(o);
  if (open.lte(0)) return new Exact(0);
  return o.display === null ? open : Exact.min(o.display, open);
};
const isProtected = (acct: string) => ROLE.get(acct) === 'client' || ROLE.get(acct) === 'third_party_mm';

/** The naive CP verdict of a trade: scan every order. */
function naiveVerdict(
  orders: NaiveOrder[],
  t: { symbol: string; maker: string; taker: string; phase: string },
): Naive | 'not examined' {
  if (t.phase === 'auction') return 'not examined';
  const maker = orders.find((o) => o.id === t.maker);
  if (!maker || maker.closed || !maker.rests || maker.symbol !== t.symbol) return 'not examined';
  if (ROLE.get(maker.acct) !== 'affiliated_mm') return 'not examined';
  const taker = orders.find((o) => o.id === t.taker);
  const out: Record<string, string> = {};
  const same: NaiveOrder[] = [];
  for (const o of orders) {
    if (o.closed || !o.rests || o.symbol !== t.symbol || o.side !== maker.side || !isProtected(o.acct)) continue;
    if (visible(o).lte(0)) continue;
    if (taker && (o.acct === taker.acct || ENTITY.get(o.acct) === ENTITY.get(taker.acct))) continue;
    const c = compareDecimal(o.price!, maker.price!);
    if (c === 0) {
      same.push(o);
      if (o.priority < maker.priority) out['CP-1'] = 'critical';
      else out['CP-1'] ??= 'high';
    } else if (maker.side === 'sell' ? c < 0 : c > 0) out['CP-2'] = 'critical';
  }
  same.sort((a, b) => a.priority - b.priority);
  const qty = same.reduce((sum, o) => sum.plus(visible(o)), new Exact(0));
  return {
    verdict: out,
    sameLevel: { count: same.length, qty: qty.toString(), ids: same.slice(0, 10).map((o) => o.id) },
  };
}

interface Naive {
  verdict: Record<string, string>;
  sameLevel: { count: number; qty: string; ids: string[] };
}

const command = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('new' as const),
      acct: fc.nat(ACCOUNTS.length - 1),
      buy: fc.boolean(),
      price: fc.nat(PRICES.length - 1),
      variant: fc.nat(2),
      qty: fc.nat(QTYS.length - 1),
      display: fc.nat(DISPLAYS.length - 1),
      tif: fc.nat(TIFS.length - 1),
      market: fc.nat(9),
      snapshot: fc.nat(9),
      symbol: fc.nat(SYMBOLS.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('amend' as const),
      pick: fc.nat(),
      qty: fc.nat(QTYS.length - 1),
      price: fc.option(fc.nat(PRICES.length - 1)),
      variant: fc.nat(2),
      display: fc.nat(DISPLAYS.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('trade' as const),
      maker: fc.nat(),
      taker: fc.nat(),
      takerAcct: fc.nat(ACCOUNTS.length - 1),
      freshTaker: fc.nat(3),
      qty: fc.nat(QTYS.length - 1),
      auction: fc.nat(9),
      variant: fc.nat(2),
    }),
  },
);

type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

/** Turns commands into consistent records, applying them to the naive model and recording its verdicts. */
function build(commands: Command[]) {
  const items: OrderFlowItem[] = [];
  const orders: NaiveOrder[] = [];
  const expected = new Map<string, Naive | 'not examined'>();
  let seq = 0;
  let n = 0;
  const ts = () => `2026-02-12T01:00:00.${String(seq).padStart(6, '0')}Z`;
  const pushOrder = (rec: Record<string, unknown>) =>
    items.push({ kind: 'order', rec: orderEventSchema.parse(rec), file: 'orders/p.jsonl', line: seq });
  const newOrder = (o: NaiveOrder, event: 'new' | 'snapshot', tif: string, priceText: string | null) => {
    pushOrder({
      seq,
      ts: ts(),
      event,
      order_id: o.id,
      symbol: o.symbol,
      account_id: o.acct,
      side: o.side,
      type: o.type,
      price: priceText,
      qty: o.total.toString(),
      display_qty: o.display?.toString() ?? null,
      tif,
      mm_tag: ROLE.get(o.acct) === 'affiliated_mm',
    });
    orders.push(o);
  };
  const open = () => orders.filter((o) => !o.closed);

  for (const c of commands) {
    if (c.t === 'new') {
      seq++;
      const acct = ACCOUNTS[c.acct]![0];
      const market = c.market === 0;
      const snapshot = !market && c.snapshot === 0;
      const tif = TIFS[c.tif]!;
      const priceText = market ? null : PRICES[c.price]![c.variant]!;
      const display = DISPLAYS[c.display]!;
      const o: NaiveOrder = {
        id: `o${++n}`,
        acct,
        side: c.buy ? 'buy' : 'sell',
        symbol: SYMBOLS[c.symbol]!,
        type: market ? 'market' : 'limit',
        price: priceText,
        total: new Exact(QTYS[c.qty]!),
        filled: new Exact(0),
        display: display === null ? null : new Exact(display),
        priority: seq,
        rests: snapshot || (!market && (tif === 'gtc' || tif === 'day' || tif === 'post_only')),
        closed: false,
      };
      newOrder(o, snapshot ? 'snapshot' : 'new', tif, priceText);
    } else if (c.t === 'amend') {
      const live = open();
      if (live.length === 0) continue;
      const o = live[c.pick % live.length]!;
      seq++;
      const total = new Exact(QTYS[c.qty]!);
      const priceText = o.type === 'market' ? null : c.price === null ? o.price : PRICES[c.price]![c.variant]!;
      const display = DISPLAYS[c.display]!;
      pushOrder({
        seq,
        ts: ts(),
        event: 'amend',
        order_id: o.id,
        symbol: o.symbol,
        account_id: o.acct,
        side: o.side,
        price: priceText,
        qty: total.toString(),
        display_qty: display,
        mm_tag: ROLE.get(o.acct) === 'affiliated_mm',
      });
      const priceChanged = o.type === 'limit' && compareDecimal(priceText!, o.price!) !== 0;
      if (priceChanged || total.gt(o.total)) o.priority = seq;
      o.price = priceText;
      o.total = total;
      o.display = display === null ? null : new Exact(display);
      if (openQty(o).lte(0)) o.closed = true;
    } else if (c.t === 'cancel') {
      const live = open();
      if (live.length === 0) continue;
      const o = live[c.pick % live.length]!;
      seq++;
      pushOrder({ seq, ts: ts(), event: 'cancel', order_id: o.id, symbol: o.symbol, account_id: o.acct, side: o.side });
      o.closed = true;
    } else {
      const makers = open().filter((o) => o.rests);
      if (makers.length === 0) continue;
      const maker = makers[c.maker % makers.length]!;
      let taker: NaiveOrder | undefined;
      let takerId = 'ghost';
      if (c.freshTaker === 0) {
        seq++;
        taker = {
          id: `o${++n}`,
          acct: ACCOUNTS[c.takerAcct]![0],
          side: maker.side === 'buy' ? 'sell' : 'buy',
          symbol: maker.symbol,
          type: 'limit',
          price: maker.price,
          total: new Exact(QTYS[c.qty]!),
          filled: new Exact(0),
          display: null,
          priority: seq,
          rests: false,
          closed: false,
        };
        newOrder(taker, 'new', 'ioc', maker.price);
      } else if (c.freshTaker === 1) {
        const takers = open().filter((o) => o.side !== maker.side && o.symbol === maker.symbol);
        taker = takers.length > 0 ? takers[c.taker % takers.length] : undefined;
      }
      if (taker) takerId = taker.id;
      let q = Exact.min(new Exact(QTYS[c.qty]!), openQty(maker));
      if (taker) q = Exact.min(q, openQty(taker));
      if (q.lte(0)) continue;
      seq++;
      const id = `t${seq}`;
      const phase = c.auction === 0 ? 'auction' : 'continuous';
      expected.set(id, naiveVerdict(orders, { symbol: maker.symbol, maker: maker.id, taker: takerId, phase }));
      items.push({
        kind: 'trade',
        rec: tradeSchema.parse({
          seq,
          ts: ts(),
          trade_id: id,
          symbol: maker.symbol,
          price: PRICES.find((p) => p.includes(maker.price!))![c.variant]!,
          qty: q.toString(),
          maker_order_id: maker.id,
          taker_order_id: takerId,
          maker_mm_tag: ROLE.get(maker.acct) === 'affiliated_mm',
          taker_mm_tag: taker ? ROLE.get(taker.acct) === 'affiliated_mm' : false,
          phase,
        }),
        file: 'trades/p.jsonl',
        line: seq,
      });
      for (const o of taker ? [maker, taker] : [maker]) {
        o.filled = o.filled.plus(q);
        if (openQty(o).lte(0)) o.closed = true;
      }
    }
  }
  return { items, expected };
}

describe('CP property', () => {
  it('CP-1/CP-2: the replay-based verdict equals a naive scan of all resting orders on random flows', () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 120, size: 'max' }), (commands) => {
        const { items, expected } = build(commands);
        const r = run(items, refData(ACCOUNTS));
        let examined = 0;
        for (const [tradeId, want] of expected) {
          const got: Record<string, string> = {};
          for (const f of r.findings) {
            if (f.subject === tradeId && (f.check_id === 'CP-1' || f.check_id === 'CP-2')) got[f.check_id] = f.severity;
          }
          if (want === 'not examined') expect(got).toEqual({});
          else {
            examined++;
            expect(got).toEqual(want.verdict);
            const cp1 = r.get('CP-1', tradeId);
            if (cp1 !== undefined) {
              expect({
                count: cp1.evidence.blocking_orders_count,
                qty: cp1.evidence.protected_visible_qty_at_price,
                ids: (cp1.evidence.blocking_orders as { order_id: string }[]).map((o) => o.order_id),
              }).toEqual(want.sameLevel);
            }
            for (const [k, v] of Object.entries(want.verdict)) seen[`${k} ${v}`] = (seen[`${k} ${v}`] ?? 0) + 1;
          }
        }
        expect(r.collector.population('CP-1').examined).toBe(examined);
        expect(r.of('DQ-3').length).toBe([...expected.keys()].filter((id) => r.get('DQ-3', id)).length);
      }),
      { numRuns: 400, seed: 20260212 },
    );
    // the generator does reach every verdict
    expect(seen['CP-1 high']).toBeGreaterThan(20);
    expect(seen['CP-1 critical']).toBeGreaterThan(20);
    expect(seen['CP-2 critical']).toBeGreaterThan(20);
  });
});
