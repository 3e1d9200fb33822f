/**
 * The replay bench's order flow: a realistic, seeded flow synthesized in memory (several symbols, deep books of a few
 * thousand resting orders per side, icebergs, amends, cancels, IOC/market takers, ~30 % trades, MM / client /
 * third-party MM accounts, a sprinkle of violations so that findings are produced), with its reference data. The same
 * options and seed give the same flow (replayBench.ts times the replay over it; tests compare runs on it).
 */
import type { OrderFlowItem } from '../contract/events.js';
import type { Account, Instrument, OrderEvent, Staff, Trade } from '../contract/records.js';
import { buildReferenceData, type ReferenceData } from '../reference/referenceData.js';

export interface ReplayBenchOptions {
  /** Order-flow items after the opening snapshot (approximate; the snapshot adds symbols × 2 × depth). */
  events: number;
  /** Target resting orders per side per symbol. */
  depth: number;
  symbols: number;
  seed: number;
  /** Violations injected per flow step (0: clean flow). */
  violationRate: number;
}

export const DEFAULT_REPLAY_BENCH: ReplayBenchOptions = {
  events: 1_000_000,
  depth: 3000,
  symbols: 4,
  seed: 9,
  violationRate: 0.002,
};

export interface SyntheticOrderFlow {
  ref: ReferenceData;
  items: OrderFlowItem[];
  trades: number;
}

/** mulberry32: small, fast, deterministic. */
class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

type Role = Account['role'];

interface Acct {
  id: string;
  entity: string;
  role: Role;
  user: string | null;
  session: string;
  ip: string;
}

interface GenOrder {
  id: string;
  sym: number;
  acct: Acct;
  side: 0 | 1; // 0 buy, 1 sell
  /** Price in ticks (0.01). */
  px: number;
  /** Quantities in units of 0.0001. */
  qty: number;
  filled: number;
  disp: number | null;
  mmTag: boolean;
  prot: boolean;
  /** Index in the symbol's resting list, -1 when not resting. */
  restIdx: number;
}

interface GenLevel {
  prot: GenOrder[];
  other: GenOrder[];
}

const SPAN = 400; // price levels per side around the mid
const MID = 6_400_000; // 64000.00 in ticks

interface GenSymbol {
  name: string;
  /** levels[side][offset]: offset 1..SPAN away from the mid (buy below, sell above). */
  levels: [Array<GenLevel | undefined>, Array<GenLevel | undefined>];
  resting: [GenOrder[], GenOrder[]];
}

const SYMBOL_NAMES = ['BTC-USD', 'BTC-PERP', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'ETH-PERP', 'ADA-USD', 'DOT-USD'];

const price = (ticks: number): string => (ticks / 100).toFixed(2);
const qtyText = (units: number): string => (units / 10_000).toFixed(4);

/** Builds the reference data and the in-memory flow. Deterministic for a given seed. */
export function synthesizeOrderFlow(opts: ReplayBenchOptions): SyntheticOrderFlow {
  const rng = new Rng(opts.seed);
  const accounts = new Map<string, Account>();
  const staff = new Map<string, Staff>();
  const instruments = new Map<string, Instrument>();
  const mk = (id: string, entity: string, role: Role, user: string | null, ip: string, retail = false): Acct => {
    accounts.set(id, {
      account_id: id,
      entity_id: entity,
      role,
      investor_class: role === 'client' ? (retail ? 'retail' : 'professional') : null,
      securities_margin_client: false,
    } as Account);
    return { id, entity, role, user, session: `S-${id}`, ip };
  };
  const addStaff = (user_id: string, entity_id: string, fn: Staff['function']) =>
    staff.set(user_id, { user_id, entity_id, function: fn } as Staff);
  addStaff('U-MM1', 'E-MM1', 'market_making');
  addStaff('U-MM2', 'E-MM2', 'market_making');
  addStaff('U-MM1R', 'E-MM1', 'risk');
  addStaff('U-OPS', 'E-OP', 'platform_operations');
  const mms = [
    mk('MM-1', 'E-MM1', 'affiliated_mm', 'U-MM1', '10.1.0.1'),
    mk('MM-2', 'E-MM1', 'affiliated_mm', 'U-MM1', '10.1.0.2'),
    mk('MM-3', 'E-MM2', 'affiliated_mm', 'U-MM2', '10.2.0.1'),
    mk('MM-4', 'E-MM2', 'affiliated_mm', 'U-MM2', '10.2.0.2'),
  ];
  const tps = Array.from({ length: 8 }, (_, i) => mk(`TP-${i}`, `E-TP${i}`, 'third_party_mm', null, `10.3.0.${i}`));
  const clients = Array.from({ length: 2000 }, (_, i) =>
    mk(`C-${i}`, `E-C${i >> 1}`, 'client', null, `100.64.${i >> 8}.${i & 255}`, i % 50 === 0),
  );
  const platform = mk('P-1', 'E-OP', 'platform', 'U-OPS', '10.9.0.1');
  const ghost: Acct = { id: 'C-UNKNOWN', entity: 'E-X', role: 'client', user: null, session: 'S-X', ip: '1.1.1.1' };
  const symbols: GenSymbol[] = [];
  for (let s = 0; s < opts.symbols; s++) {
    const name = SYMBOL_NAMES[s]!;
    const perp = name.endsWith('PERP');
    instruments.set(name, {
      symbol: name,
      product: perp ? 'perpetual' : 'spot',
      reference_asset: name.split('-')[0]!,
      retail_spot_approved: true,
    } as Instrument);
    symbols.push({ name, levels: [[], []], resting: [[], []] });
  }
  const ref = buildReferenceData({
    manifest: {
      contract: 1,
      venue: 'BENCH',
      operator_entity_id: 'E-OP',
      period_start: '2026-02-12T00:00:00Z',
      period_end: '2026-02-13T00:00:00Z',
    },
    accounts,
    staff,
    wallets: new Map(),
    instruments,
    hasAccessLog: false,
  });

  const items: OrderFlowItem[] = [];
  let seq = 0;
  let orderNo = 0;
  let tradeNo = 0;
  let trades = 0;
  const orders = new Map<string, GenOrder>();
  const baseMs = Date.parse('2026-02-12T01:00:00Z');
  const ts = (s: number) => {
    const ms = baseMs + Math.floor(s / 10);
    return `${new Date(ms).toISOString().slice(0, 23)}${String((s % 10) * 100_000).padStart(6, '0')}Z`;
  };
  const pushOrder = (rec: Record<string, unknown>) => {
    items.push({
      kind: 'order',
      rec: rec as unknown as OrderEvent,
      file: 'orders/part-0.jsonl',
      line: items.length + 1,
    });
  };
  const pushTrade = (rec: Trade) => {
    trades++;
    items.push({ kind: 'trade', rec, file: 'trades/part-0.jsonl', line: items.length + 1 });
  };
  const pickAcct = (): Acct => {
    const r = rng.next();
    if (r < 0.4) return rng.pick(mms);
    if (r < 0.47) return rng.pick(tps);
    return rng.pick(clients);
  };
  const levelOf = (sym: GenSymbol, side: 0 | 1, px: number): GenLevel => {
    const off = side === 0 ? MID - px : px - MID;
    let l = sym.levels[side][off];
    if (l === undefined) {
      l = { prot: [], other: [] };
      sym.levels[side][off] = l;
    }
    return l;
  };
  const rest = (o: GenOrder) => {
    const sym = symbols[o.sym]!;
    const l = levelOf(sym, o.side, o.px);
    (o.prot ? l.prot : l.other).push(o);
    o.restIdx = sym.resting[o.side].length;
    sym.resting[o.side].push(o);
  };
  const unrest = (o: GenOrder) => {
    const sym = symbols[o.sym]!;
    const l = levelOf(sym, o.side, o.px);
    const q = o.prot ? l.prot : l.other;
    q.splice(q.indexOf(o), 1);
    const list = sym.resting[o.side];
    const last = list.pop()!;
    if (last !== o) {
      list[o.restIdx] = last;
      last.restIdx = o.restIdx;
    }
    o.restIdx = -1;
  };
  const enter = (
    event: 'new' | 'snapshot',
    symIdx: number,
    acct: Acct,
    side: 0 | 1,
    px: number | null,
    qty: number,
    tif: OrderEvent['tif'],
    disp: number | null,
    mmTag = acct.role === 'affiliated_mm',
    user = acct.user,
  ): GenOrder => {
    const id = `O-${++orderNo}`;
    const o: GenOrder = {
      id,
      sym: symIdx,
      acct,
      side,
      px: px ?? 0,
      qty,
      filled: 0,
      disp,
      mmTag,
      prot: acct.role === 'client' || acct.role === 'third_party_mm',
      restIdx: -1,
    };
    orders.set(id, o);
    const s = ++seq;
    pushOrder({
      seq: s,
      ts: ts(s),
      event,
      order_id: id,
      symbol: symbols[symIdx]!.name,
      account_id: acct.id,
      side: side === 0 ? 'buy' : 'sell',
      type: px === null ? 'market' : 'limit',
      price: px === null ? null : price(px),
      qty: qtyText(qty),
      display_qty: disp === null ? null : qtyText(disp),
      tif,
      mm_tag: mmTag,
      user_id: user,
      session_id: acct.session,
      source_ip: acct.ip,
    });
    return o;
  };
  const close = (o: GenOrder, event: 'cancel' | 'expire' = 'cancel') => {
    if (o.restIdx >= 0) unrest(o);
    orders.delete(o.id);
    const s = ++seq;
    pushOrder({
      seq: s,
      ts: ts(s),
      event,
      order_id: o.id,
      symbol: symbols[o.sym]!.name,
      account_id: o.acct.id,
      side: o.side === 0 ? 'buy' : 'sell',
      user_id: o.acct.user,
      session_id: o.acct.session,
      source_ip: o.acct.ip,
    });
  };
  const randomQty = () => (1 + rng.int(40)) * (rng.next() < 0.5 ? 125 : 500);
  const restingPx = (side: 0 | 1) => {
    const off = 1 + Math.floor(SPAN * rng.next() * rng.next());
    return side === 0 ? MID - off : MID + off;
  };
  const newResting = (event: 'new' | 'snapshot', symIdx: number, acct = pickAcct()) => {
    const side = rng.int(2) as 0 | 1;
    const qty = randomQty();
    const disp = rng.next() < 0.1 ? Math.max(125, Math.floor(qty / 4)) : null;
    const tif = event === 'snapshot' ? 'gtc' : rng.pick(['gtc', 'gtc', 'gtc', 'day', 'post_only'] as const);
    rest(enter(event, symIdx, acct, side, restingPx(side), qty, tif, disp));
  };
  const trade = (maker: GenOrder, taker: GenOrder, q: number, over?: Partial<Trade>) => {
    const s = ++seq;
    pushTrade({
      seq: s,
      ts: ts(s),
      trade_id: `T-${++tradeNo}`,
      symbol: symbols[maker.sym]!.name,
      price: price(maker.px),
      qty: qtyText(q),
      maker_order_id: maker.id,
      taker_order_id: taker.id,
      maker_mm_tag: maker.mmTag,
      taker_mm_tag: taker.mmTag,
      phase: rng.next() < 0.01 ? 'auction' : 'continuous',
      ...over,
    });
  };
  /** An IOC or market taker sweeping the best levels of the other side, protected orders first at each price. */
  const aggress = (symIdx: number) => {
    const sym = symbols[symIdx]!;
    const side = rng.int(2) as 0 | 1;
    const other = (1 - side) as 0 | 1;
    const market = rng.next() < 0.3;
    let want = randomQty() * (1 + rng.int(5));
    const limitPx = side === 0 ? MID + 40 : MID - 40;
    const taker = enter('new', symIdx, pickAcct(), side, market ? null : limitPx, want, market ? 'ioc' : 'ioc', null);
    for (let off = 1; off <= SPAN && want > 0; off++) {
      const l = sym.levels[other][off];
      if (l === undefined) continue;
      if (!market && off > 40) break;
      while (want > 0 && (l.prot.length > 0 || l.other.length > 0)) {
        const maker = l.prot.length > 0 ? l.prot[0]! : l.other[0]!;
        const q = Math.min(want, maker.qty - maker.filled);
        trade(maker, taker, q);
        want -= q;
        maker.filled += q;
        taker.filled += q;
        if (maker.filled >= maker.qty) {
          unrest(maker);
          orders.delete(maker.id);
        }
      }
    }
    if (want > 0) close(taker, 'expire');
    else orders.delete(taker.id);
  };
  const amend = (o: GenOrder, opts: { mmTag?: boolean } = {}) => {
    const r = rng.next();
    let qty = o.qty;
    let px = o.px;
    if (r < 0.5) qty = Math.max(o.filled + 125, o.qty - 125 * (1 + rng.int(4)));
    else if (r < 0.8) qty = o.qty + 125 * (1 + rng.int(4));
    else px = restingPx(o.side);
    const loses = qty > o.qty || px !== o.px;
    if (loses) {
      unrest(o);
      o.qty = qty;
      o.px = px;
      rest(o);
    } else o.qty = qty;
    const mmTag = opts.mmTag ?? o.mmTag;
    const s = ++seq;
    pushOrder({
      seq: s,
      ts: ts(s),
      event: 'amend',
      order_id: o.id,
      symbol: symbols[o.sym]!.name,
      account_id: o.acct.id,
      side: o.side === 0 ? 'buy' : 'sell',
      price: price(o.px),
      qty: qtyText(o.qty),
      display_qty: o.disp === null ? null : qtyText(o.disp),
      mm_tag: mmTag,
      user_id: o.acct.user,
      session_id: o.acct.session,
      source_ip: o.acct.ip,
    });
  };
  const randomResting = (symIdx: number): GenOrder | undefined => {
    const list = symbols[symIdx]!.resting[rng.int(2)]!;
    return list.length === 0 ? undefined : list[rng.int(list.length)];
  };

  /** A few RULES violations, so that the digest covers findings, not only populations. */
  const inject = (symIdx: number) => {
    const k = rng.int(8);
    const sym = symbols[symIdx]!;
    if (k === 0) {
      const s = ++seq; // DQ-6: cancel of an unknown order
      pushOrder({
        seq: s,
        ts: ts(s),
        event: 'cancel',
        order_id: `X-${s}`,
        symbol: sym.name,
        account_id: 'C-1',
        side: 'buy',
      });
    } else if (k === 1) {
      newResting('new', symIdx, rng.pick(clients)); // FS-2 below needs a user: MM staff on a client order
      const o = orders.get(`O-${orderNo}`)!;
      const s = ++seq;
      pushOrder({
        seq: s,
        ts: ts(s),
        event: 'amend',
        order_id: o.id,
        symbol: sym.name,
        account_id: o.acct.id,
        side: o.side === 0 ? 'buy' : 'sell',
        price: price(o.px),
        qty: qtyText(o.qty),
        display_qty: o.disp === null ? null : qtyText(o.disp),
        mm_tag: false,
        user_id: 'U-MM1R',
        session_id: o.acct.session,
        source_ip: '10.9.0.1',
      });
    } else if (k === 2) {
      const o = randomResting(symIdx); // MMT-3 (and MMT-1/MMT-2): the tag flips on an amend
      if (o !== undefined) {
        amend(o, { mmTag: !o.mmTag });
        o.mmTag = !o.mmTag;
      }
    } else if (k === 3) {
      // CP-1/CP-2: an MM maker fills while protected orders rest ahead of it
      const side = rng.int(2) as 0 | 1;
      const list = sym.resting[side].filter((o) => o.acct.role === 'affiliated_mm');
      const mm = list.length > 0 ? list[rng.int(list.length)]! : undefined;
      if (mm !== undefined) {
        const taker = enter('new', symIdx, rng.pick(clients), (1 - side) as 0 | 1, null, 125, 'ioc', null);
        trade(mm, taker, 125);
        mm.filled += 125;
        if (mm.filled >= mm.qty) {
          unrest(mm);
          orders.delete(mm.id);
        }
      }
    } else if (k === 4) {
      const o = randomResting(symIdx); // MMT-4 and DQ-3: wrong tag and price on a trade
      if (o !== undefined) {
        const taker = enter('new', symIdx, rng.pick(clients), (1 - o.side) as 0 | 1, null, 125, 'ioc', null);
        trade(o, taker, 125, { maker_mm_tag: !o.mmTag, price: price(o.px + 1) });
        o.filled += 125;
        if (o.filled >= o.qty) {
          unrest(o);
          orders.delete(o.id);
        }
      }
    } else if (k === 5) {
      enter('new', symIdx, ghost, 0, null, 125, 'ioc', null); // DQ-5 unknown account, then a trade of an unknown maker
      const s = ++seq;
      pushTrade({
        seq: s,
        ts: ts(s),
        trade_id: `T-${++tradeNo}`,
        symbol: sym.name,
        price: price(MID + 1),
        qty: qtyText(125),
        maker_order_id: `X-${s}`,
        taker_order_id: `O-${orderNo}`,
        maker_mm_tag: false,
        taker_mm_tag: false,
        phase: 'continuous',
      });
    } else if (k === 6) {
      rest(enter('new', symIdx, platform, 1, restingPx(1), 125, 'gtc', null)); // FS-6
    } else {
      rest(enter('new', symIdx, rng.pick(mms), 0, restingPx(0), 125, 'gtc', null, false)); // MMT-1
    }
  };

  for (let s = 0; s < opts.symbols; s++) for (let i = 0; i < 2 * opts.depth; i++) newResting('snapshot', s);
  const target = opts.events + items.length;
  while (items.length < target) {
    const symIdx = rng.int(opts.symbols);
    const sym = symbols[symIdx]!;
    const r = rng.next();
    if (r < opts.violationRate) inject(symIdx);
    else if (r < 0.22) aggress(symIdx);
    else if (r < 0.34) {
      const o = randomResting(symIdx);
      if (o !== undefined) amend(o);
    } else {
      const size = sym.resting[0].length + sym.resting[1].length;
      const pNew = Math.min(1, Math.max(0, 0.5 + (2 * opts.depth - size) / (2 * opts.depth)));
      if (rng.next() < pNew) newResting('new', symIdx);
      else {
        const o = randomResting(symIdx);
        if (o !== undefined) close(o);
      }
    }
  }
  return { ref, items, trades };
}
