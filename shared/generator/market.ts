/**
 * Order-book simulation of the venue's matching engine, one book per symbol, writing `orders` and `trades`.
 *
 * Matching follows "price, then customer priority, then time": at one price, protected orders (client,
 * third_party_mm) fill before any other order, then by priority seq. Self-trade prevention skips resting orders of
 * the taker's own account or entity. A trade's price is the maker's limit price; the taker's `new` is written before
 * its trades, and its trades before any later event of it. Priority follows RULES.md's replay (new/snapshot seq;
 * an amend that changes price or raises quantity resets it), so the replay of an auditor sees exactly this book.
 *
 * Injections (RULES.md violations) are small self-contained scenarios that produce exactly the intended finding and
 * record it in the ground truth; everything else the engine writes is compliant.
 */

import type { Sim } from './context.js';
import { GeneratorError } from './errors.js';
import { scaledDecimal } from './format.js';
import type { Acct, SymbolDef } from './model.js';
import { eligibleClients, type Reference } from './reference.js';
import type { Cell } from './writer.js';

type Tif = 'gtc' | 'day' | 'ioc' | 'fok' | 'post_only';
const SIDES = ['buy', 'sell'] as const;

export interface Ord {
  id: string;
  sym: Sym;
  acct: Acct;
  side: 0 | 1;
  type: 'limit' | 'market';
  px: number;
  qty: number;
  filled: number;
  disp: number | null;
  tif: Tif;
  mmTag: boolean;
  user: string | null;
  session: string | null;
  ip: string | null;
  prio: number;
  /** Index in sym.resting, -1 when not resting. */
  restIdx: number;
  /** Injected orders keep their (non-compliant) login/session/IP on every later event. */
  pinned: boolean;
  /** Contract 2: the venue whose shared order book the order was routed to (null: this venue's book). */
  route: string | null;
  /** Contract 2: a routed order's `prefunded` as its next `new` or `amend` writes it. */
  prefunded: string | null;
}

interface Level {
  prot: Ord[];
  other: Ord[];
}

class BookSide {
  /** Best first: bids descending, asks ascending. */
  readonly prices: number[] = [];
  readonly levels = new Map<number, Level>();
  constructor(readonly buy: boolean) {}

  /** True when price a is better than b on this side. */
  better(a: number, b: number): boolean {
    return this.buy ? a > b : a < b;
  }

  level(px: number): Level {
    let l = this.levels.get(px);
    if (l === undefined) {
      l = { prot: [], other: [] };
      this.levels.set(px, l);
      let lo = 0;
      let hi = this.prices.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.better(this.prices[mid] as number, px)) lo = mid + 1;
        else hi = mid;
      }
      this.prices.splice(lo, 0, px);
    }
    return l;
  }

  dropLevel(px: number): void {
    this.levels.delete(px);
    const i = this.prices.indexOf(px);
    if (i >= 0) this.prices.splice(i, 1);
  }
}

export interface Sym {
  def: SymbolDef;
  name: string;
  step: number;
  mid: number;
  sides: [BookSide, BookSide];
  resting: Ord[];
  clients: Acct[];
  /** Steps left in a volatility auction (0: continuous trading). */
  auction: number;
}

interface Actor {
  user: string | null;
  session: string | null;
  ip: string | null;
}

export interface MarketCounters {
  snapshots: number;
  auctionTrades: number;
  /** Contract 2: orders routed to a shared order book. */
  routed: number;
}

export class Market {
  private readonly syms: Sym[];
  /** Cumulative symbol weights, for weighted picks. */
  private readonly cumWeights: number[];
  private orderNo = 0;
  private tradeNo = 0;
  private injNo = 0;
  private fmtNo = 0;
  private routeNo = 0;
  private pendingMmt4 = 0;
  private pendingDq3 = 0;
  readonly counters: MarketCounters = { snapshots: 0, auctionTrades: 0, routed: 0 };

  constructor(
    private readonly sim: Sim,
    private readonly ref: Reference,
  ) {
    this.syms = ref.symbols.map((def) => ({
      def,
      name: def.name,
      step: def.step,
      mid: def.mid,
      sides: [new BookSide(true), new BookSide(false)],
      resting: [],
      clients: eligibleClients(ref, def),
      auction: 0,
    }));
    let acc = 0;
    this.cumWeights = this.syms.map((s) => {
      acc += s.def.weight;
      return acc;
    });
  }

  get openOrders(): number {
    let n = 0;
    for (const s of this.syms) n += s.resting.length;
    return n;
  }

  // ---- book primitives ---------------------------------------------------------------------------------------
  private rest(o: Ord): void {
    const l = o.sym.sides[o.side].level(o.px);
    (o.acct.prot ? l.prot : l.other).push(o);
    o.restIdx = o.sym.resting.length;
    o.sym.resting.push(o);
  }

  private unrestIndex(o: Ord): void {
    const r = o.sym.resting;
    const last = r.pop() as Ord;
    if (last !== o) {
      r[o.restIdx] = last;
      last.restIdx = o.restIdx;
    }
    o.restIdx = -1;
  }

  private unrest(o: Ord): void {
    if (o.restIdx < 0) return;
    const side = o.sym.sides[o.side];
    const l = side.levels.get(o.px);
    if (l !== undefined) {
      const g = o.acct.prot ? l.prot : l.other;
      const i = g.indexOf(o);
      if (i >= 0) g.splice(i, 1);
      if (l.prot.length === 0 && l.other.length === 0) side.dropLevel(o.px);
    }
    this.unrestIndex(o);
  }

  private open(o: Ord): number {
    return o.qty - o.filled;
  }

  // ---- formatting --------------------------------------------------------------------------------------------
  /** Some prices and quantities carry trailing zeros (same value, different text), on a fixed cadence. */
  private price(sym: Sym, units: number): string {
    const k = ++this.fmtNo % 50;
    return scaledDecimal(units, sym.def.pxDec, k < 4 ? 1 : k === 7 ? 2 : 0);
  }

  private qtyText(sym: Sym, lots: number): string {
    return scaledDecimal(lots, sym.def.qtyDec, ++this.fmtNo % 29 === 3 ? 1 : 0);
  }

  private actorOf(o: Ord): Actor {
    return { user: o.user, session: o.session, ip: o.ip };
  }

  private pickActor(a: Acct): Actor {
    const i = this.sim.rng.int(a.users.length);
    return { user: a.users[i] ?? null, session: a.sessions[i] ?? null, ip: a.ips[i] ?? null };
  }

  private rowNew(ev: 'new' | 'snapshot', o: Ord, seq: number, ts: string): Cell[] {
    const s = o.sym;
    return this.withRoute(o, true, true, [
      seq,
      ts,
      ev,
      o.id,
      s.name,
      o.acct.id,
      SIDES[o.side],
      o.type,
      o.type === 'limit' ? this.price(s, o.px) : null,
      this.qtyText(s, o.qty),
      o.disp === null ? null : this.qtyText(s, o.disp),
      o.tif,
      o.mmTag,
      o.user,
      o.session,
      o.ip,
    ]);
  }

  private rowAmend(o: Ord, seq: number, ts: string): Cell[] {
    const s = o.sym;
    return this.withRoute(o, false, true, [
      seq,
      ts,
      'amend',
      o.id,
      s.name,
      o.acct.id,
      SIDES[o.side],
      null,
      this.price(s, o.px),
      this.qtyText(s, o.qty),
      o.disp === null ? null : this.qtyText(s, o.disp),
      null,
      o.mmTag,
      o.user,
      o.session,
      o.ip,
    ]);
  }

  private rowBare(ev: 'cancel' | 'expire' | 'reject', o: Ord, seq: number, ts: string, actor: Actor | null): Cell[] {
    return this.withRoute(o, false, false, [
      seq,
      ts,
      ev,
      o.id,
      o.sym.name,
      o.acct.id,
      SIDES[o.side],
      null,
      null,
      null,
      null,
      null,
      null,
      actor?.user ?? null,
      actor?.session ?? null,
      actor?.ip ?? null,
    ]);
  }

  /**
   * Contract 2: a routed order's row ends with its `route` — written on `new`, on later events repeated or left out
   * (the contract reads it from `new` only) — and, on `new` and `amend`, its `prefunded`. Other rows are unchanged.
   */
  private withRoute(o: Ord, first: boolean, prefunded: boolean, row: Cell[]): Cell[] {
    if (o.route === null) return row;
    row.push(first || ++this.routeNo % 2 === 0 ? o.route : null, prefunded ? o.prefunded : null);
    return row;
  }

  // ---- orders ------------------------------------------------------------------------------------------------
  private makeOrder(
    sym: Sym,
    acct: Acct,
    side: 0 | 1,
    type: 'limit' | 'market',
    px: number,
    qty: number,
    tif: Tif,
    actor?: Actor,
  ): Ord {
    const a = actor ?? this.pickActor(acct);
    return {
      id: `o-${++this.orderNo}`,
      sym,
      acct,
      side,
      type,
      px,
      qty,
      filled: 0,
      disp: null,
      tif,
      mmTag: acct.role === 'affiliated_mm' || acct.role === 'third_party_mm',
      user: a.user,
      session: a.session,
      ip: a.ip,
      prio: 0,
      restIdx: -1,
      pinned: actor !== undefined,
      route: null,
      prefunded: null,
    };
  }

  private emitNew(o: Ord): void {
    const seq = this.sim.nextSeq();
    o.prio = seq;
    this.sim.order(this.rowNew('new', o, seq, this.sim.ts()));
  }

  private crosses(o: Ord): boolean {
    const opp = o.sym.sides[1 - o.side] as BookSide;
    const best = opp.prices[0];
    if (best === undefined) return false;
    return o.type === 'market' || (o.side === 0 ? o.px >= best : o.px <= best);
  }

  /** Submits a new order to the engine: writes `new`, then its trades, then its expiry/reject if any. */
  private submit(o: Ord): void {
    this.emitNew(o);
    const sym = o.sym;
    if (o.type === 'market' || o.tif === 'ioc' || o.tif === 'fok') {
      if (o.tif === 'fok' && this.available(o, o.qty) < o.qty) {
        this.system('expire', o);
        return;
      }
      this.match(o);
      if (this.open(o) > 0) this.system('expire', o);
      return;
    }
    if (sym.auction > 0) {
      this.rest(o);
      return;
    }
    if (o.tif === 'post_only' && this.crosses(o)) {
      this.system('reject', o);
      return;
    }
    if (this.crosses(o)) this.match(o);
    if (this.open(o) === 0) return;
    // Self-trade prevention left own orders in the way: the remainder is cancelled rather than crossing the book.
    if (this.crosses(o)) this.system('expire', o);
    else this.rest(o);
  }

  private system(ev: 'expire' | 'reject', o: Ord, bad?: number): void {
    const seq = this.sim.nextSeq();
    this.sim.order(this.rowBare(ev, o, seq, this.sim.ts(), null), bad);
    this.unrest(o);
  }

  private cancel(o: Ord, actor: Actor = this.actorOf(o)): void {
    const seq = this.sim.nextSeq();
    this.sim.order(this.rowBare('cancel', o, seq, this.sim.ts(), actor));
    this.unrest(o);
  }

  /** Amend to a new price/total quantity; priority resets on a price change or a quantity increase. */
  private amend(o: Ord, px: number, qty: number, disp: number | null, mmTag = o.mmTag, duplicate = false): void {
    if (qty <= o.filled) throw new GeneratorError(`amend of ${o.id} below its filled quantity`);
    const seq = this.sim.nextSeq();
    const reset = px !== o.px || qty > o.qty;
    if (reset) {
      this.unrest(o);
      o.px = px;
      o.qty = qty;
      o.prio = seq;
    } else {
      o.qty = qty;
    }
    o.disp = disp;
    o.mmTag = mmTag;
    if (!o.pinned && this.sim.rng.chance(0.15)) {
      const a = this.pickActor(o.acct);
      o.user = a.user;
      o.session = a.session;
      o.ip = a.ip;
    }
    const row = this.rowAmend(o, seq, this.sim.ts());
    this.sim.order(row);
    if (duplicate) {
      this.sim.order([...row]);
      this.sim.gt.add('DQ-2', `orders+trades:${seq}`, 'high');
    }
    if (reset) this.rest(o);
  }

  /** Quantity a taker could fill now, skipping its own account and entity (self-trade prevention). */
  private available(t: Ord, want: number): number {
    const opp = t.sym.sides[1 - t.side] as BookSide;
    let sum = 0;
    for (const px of opp.prices) {
      if (t.type === 'limit' && (t.side === 0 ? px > t.px : px < t.px)) break;
      const l = opp.levels.get(px) as Level;
      for (const g of [l.prot, l.other]) {
        for (const m of g) {
          if (m.acct === t.acct || m.acct.entity === t.acct.entity) continue;
          sum += this.open(m);
          if (sum >= want) return sum;
        }
      }
    }
    return sum;
  }

  /** Continuous matching: price, then protected before others, then priority. */
  private match(t: Ord): void {
    const opp = t.sym.sides[1 - t.side] as BookSide;
    let li = 0;
    while (this.open(t) > 0 && li < opp.prices.length) {
      const px = opp.prices[li] as number;
      if (t.type === 'limit' && (t.side === 0 ? px > t.px : px < t.px)) break;
      const l = opp.levels.get(px) as Level;
      this.matchGroup(t, l.prot);
      this.matchGroup(t, l.other);
      if (l.prot.length === 0 && l.other.length === 0) opp.dropLevel(px);
      else li++;
    }
  }

  private matchGroup(t: Ord, g: Ord[]): void {
    let k = 0;
    while (k < g.length && this.open(t) > 0) {
      const m = g[k] as Ord;
      if (m.acct === t.acct || m.acct.entity === t.acct.entity) {
        k++;
        continue;
      }
      const q = Math.min(this.open(t), this.open(m));
      this.emitTrade(m, t, q, 'continuous', true);
      if (this.open(m) === 0) {
        g.splice(k, 1);
        this.unrestIndex(m);
      } else k++;
    }
  }

  /** Writes one trade at the maker's price and applies it; `injectable` lets pending MMT-4/DQ-3 injections use it. */
  private emitTrade(m: Ord, t: Ord, q: number, phase: 'continuous' | 'auction', injectable: boolean): string {
    const seq = this.sim.nextSeq();
    const id = `t-${++this.tradeNo}`;
    const sym = m.sym;
    let px = m.px;
    let makerTag = m.mmTag;
    let takerTag = t.mmTag;
    if (injectable && phase === 'continuous') {
      if (this.pendingDq3 > 0 && m.acct.role !== 'affiliated_mm') {
        // DQ-3: the reported price is not the maker's limit price (maker not an MM order, so CP is not involved).
        this.pendingDq3--;
        px = m.side === 1 ? m.px + sym.step : Math.max(sym.step, m.px - sym.step);
        if (px === m.px) px = m.px + sym.step;
        this.sim.gt.add('DQ-3', id, 'high');
      } else if (this.pendingMmt4 > 0) {
        this.pendingMmt4--;
        if (this.sim.rng.chance(0.5)) makerTag = !makerTag;
        else takerTag = !takerTag;
        this.sim.gt.add('MMT-4', id, 'medium');
      }
    }
    this.sim.trade([
      seq,
      this.sim.ts(),
      id,
      sym.name,
      this.price(sym, px),
      this.qtyText(sym, q),
      m.id,
      t.id,
      makerTag,
      takerTag,
      phase === 'auction' ? 'auction' : this.tradeNo % 5 === 2 ? null : 'continuous',
      'ME-1',
    ]);
    m.filled += q;
    t.filled += q;
    if (phase === 'auction') this.counters.auctionTrades++;
    return id;
  }

  // ---- prices ------------------------------------------------------------------------------------------------
  private best(sym: Sym, side: 0 | 1): number | undefined {
    return sym.sides[side].prices[0];
  }

  /** A non-crossing limit price for `side`, `ticks` ticks away from the mid. */
  private passivePrice(sym: Sym, side: 0 | 1, ticks: number): number {
    const step = sym.step;
    let px = side === 0 ? sym.mid - ticks * step : sym.mid + ticks * step;
    const opp = this.best(sym, (1 - side) as 0 | 1);
    if (opp !== undefined) px = side === 0 ? Math.min(px, opp - step) : Math.max(px, opp + step);
    return Math.max(step, px);
  }

  private refreshMid(sym: Sym): void {
    const b = this.best(sym, 0);
    const a = this.best(sym, 1);
    const step = sym.step;
    if (b !== undefined && a !== undefined && b < a) sym.mid = Math.round((a + b) / 2 / step) * step;
    else if (b !== undefined) sym.mid = b + step;
    else if (a !== undefined) sym.mid = a - step;
    if (this.sim.rng.chance(0.2)) sym.mid += (this.sim.rng.int(3) - 1) * step;
    if (sym.mid < 20 * step) sym.mid = 20 * step;
  }

  private lots(sym: Sym, scale = 1): number {
    return 1 + Math.floor(this.sim.rng.exp(sym.def.lots * scale));
  }

  private pickSym(opts: { continuous?: boolean; spot?: boolean } = {}): Sym {
    const rng = this.sim.rng;
    for (let tries = 0; tries < 50; tries++) {
      const s = this.weightedSym();
      if (opts.continuous && s.auction > 0) continue;
      if (opts.spot && s.def.product !== 'spot') continue;
      return s;
    }
    const fallback = this.syms.filter(
      (s) => (!opts.continuous || s.auction === 0) && (!opts.spot || s.def.product === 'spot'),
    );
    return rng.pick(fallback.length > 0 ? fallback : this.syms);
  }

  private weightedSym(): Sym {
    const cw = this.cumWeights;
    const r = this.sim.rng.next() * (cw[cw.length - 1] as number);
    let i = 0;
    while (i < cw.length - 1 && r >= (cw[i] as number)) i++;
    return this.syms[i] as Sym;
  }

  private pickAccount(sym: Sym, mmShare: number, tpShare: number): Acct {
    const r = this.sim.rng.next();
    if (r < mmShare) return this.sim.rng.pick(this.ref.mms);
    if (r < mmShare + tpShare) return this.sim.rng.pick(this.ref.tps);
    return this.sim.rng.pick(sym.clients);
  }

  private otherClient(sym: Sym, notEntities: ReadonlySet<string>): Acct {
    const rng = this.sim.rng;
    for (let i = 0; i < 40; i++) {
      const c = rng.pick(sym.clients);
      if (!notEntities.has(c.entity)) return c;
    }
    const c = sym.clients.find((x) => !notEntities.has(x.entity));
    if (c === undefined) throw new GeneratorError(`no client available on ${sym.name}`);
    return c;
  }

  // ---- the period --------------------------------------------------------------------------------------------
  /** Orders resting when the period starts (`snapshot`), written at the period start. */
  snapshots(): void {
    const ts = this.sim.ts(0);
    for (const sym of this.syms) {
      const n = 10 + this.sim.rng.int(20);
      for (let i = 0; i < n; i++) {
        const side = (i % 2) as 0 | 1;
        const acct = this.pickAccount(sym, 0.4, 0.15);
        const px = this.passivePrice(sym, side, 1 + this.sim.rng.geometric(0.25, 40));
        const o = this.makeOrder(sym, acct, side, 'limit', px, this.lots(sym), 'gtc');
        if (this.sim.rng.chance(0.1)) o.disp = Math.max(1, Math.floor(o.qty / 4));
        const seq = this.sim.nextSeq();
        o.prio = seq;
        this.sim.order(this.rowNew('snapshot', o, seq, ts));
        this.rest(o);
        this.counters.snapshots++;
      }
    }
  }

  /** One step of ordinary, compliant order flow. */
  step(): void {
    const rng = this.sim.rng;
    const sym = this.weightedSym();
    this.refreshMid(sym);
    const size = sym.resting.length;
    const target = 120;
    const pCancel = Math.min(0.45, 0.16 + Math.max(0, (size - target) / target) * 0.4);
    let r = rng.next();
    if (size < 12) r = 0;
    if (sym.auction > 0) {
      sym.auction--;
      if (r < 0.6) this.passive(sym, rng.chance(0.35));
      else if (r < 0.85 && size > 0) this.cancel(rng.pick(sym.resting));
      else this.passive(sym, false);
      if (sym.auction === 0) this.uncross(sym);
      return;
    }
    const cuts = [0.4, 0.17, pCancel, 0.12, 0.015];
    let action = 0;
    while (action < cuts.length && r >= (cuts[action] as number)) r -= cuts[action++] as number;
    if (action === 0) this.passive(sym, false);
    else if (action === 1) this.aggressive(sym);
    else if (action === 2) this.cancel(rng.pick(sym.resting));
    else if (action === 3) this.randomAmend(sym);
    else if (action === 4) this.rejected(sym);
    else this.passive(sym, false);
  }

  private passive(sym: Sym, crossing: boolean): void {
    const rng = this.sim.rng;
    const side = rng.int(2) as 0 | 1;
    const acct = this.pickAccount(sym, 0.42, 0.14);
    let px: number;
    if (crossing) {
      px = side === 0 ? sym.mid + rng.range(0, 4) * sym.step : Math.max(sym.step, sym.mid - rng.range(0, 4) * sym.step);
    } else {
      px = this.passivePrice(sym, side, rng.geometric(0.3, 30));
    }
    const t = rng.next();
    const tif: Tif = crossing || sym.auction > 0 ? 'gtc' : t < 0.6 ? 'gtc' : t < 0.85 ? 'day' : 'post_only';
    const o = this.makeOrder(sym, acct, side, 'limit', px, this.lots(sym), tif);
    if (rng.chance(0.07)) o.disp = Math.max(1, Math.floor(o.qty / (2 + rng.int(6))));
    this.submit(o);
  }

  private aggressive(sym: Sym): void {
    const rng = this.sim.rng;
    const side = rng.int(2) as 0 | 1;
    const acct = this.pickAccount(sym, 0.2, 0.15);
    const oppBest = this.best(sym, (1 - side) as 0 | 1);
    const r = rng.next();
    const qty = this.lots(sym, 1.6);
    if (r < 0.2 || oppBest === undefined) {
      // Market orders never rest whatever their tif; most are IOC, a few carry gtc.
      const o = this.makeOrder(sym, acct, side, 'market', 0, qty, rng.chance(0.9) ? 'ioc' : 'gtc');
      this.submit(o);
      return;
    }
    const through = rng.range(0, 3) * sym.step;
    const px = side === 0 ? oppBest + through : Math.max(sym.step, oppBest - through);
    const tif: Tif = r < 0.62 ? 'ioc' : r < 0.72 ? 'fok' : rng.chance(0.7) ? 'gtc' : 'day';
    this.submit(this.makeOrder(sym, acct, side, 'limit', px, qty, tif));
  }

  private randomAmend(sym: Sym): void {
    const rng = this.sim.rng;
    if (sym.resting.length === 0) return;
    const o = rng.pick(sym.resting);
    const r = rng.next();
    let px = o.px;
    let qty = o.qty;
    let disp = o.disp;
    if (r < 0.4) {
      px = this.passivePrice(sym, o.side, rng.geometric(0.3, 30));
      if (px === o.px) px = this.passivePrice(sym, o.side, rng.geometric(0.3, 30) + 2);
    } else if (r < 0.65) {
      qty = o.qty + 1 + rng.int(Math.max(1, o.qty));
    } else if (r < 0.9 || o.disp === null) {
      const open = this.open(o);
      if (open <= 1) {
        qty = o.qty + 1 + rng.int(5);
      } else {
        qty = o.filled + 1 + rng.int(open - 1);
      }
    } else {
      disp = Math.max(1, Math.floor(this.open(o) / (2 + rng.int(4))));
    }
    if (px === o.px && qty === o.qty && disp === o.disp) qty = o.qty + 1;
    this.amend(o, px, qty, disp);
  }

  private rejected(sym: Sym): void {
    const rng = this.sim.rng;
    const side = rng.int(2) as 0 | 1;
    const acct = rng.pick(sym.clients);
    const oppBest = this.best(sym, (1 - side) as 0 | 1);
    if (oppBest !== undefined && rng.chance(0.5)) {
      // A post-only order that would cross is rejected by the engine.
      this.submit(this.makeOrder(sym, acct, side, 'limit', oppBest, this.lots(sym), 'post_only'));
      return;
    }
    // Risk reject (e.g. insufficient balance): the engine records the order, then rejects it.
    const o = this.makeOrder(sym, acct, side, 'limit', this.passivePrice(sym, side, 3), this.lots(sym, 3), 'gtc');
    this.emitNew(o);
    this.system('reject', o);
  }

  /** Starts a volatility auction on some symbol: orders rest without matching, then the book uncrosses. */
  startAuction(steps: number): void {
    const sym = this.pickSym({ continuous: true });
    sym.auction = steps;
  }

  /** Uncross after an auction: earlier priority is the maker, price = maker's limit, phase auction (time priority). */
  private uncross(sym: Sym): void {
    const [bids, asks] = sym.sides;
    for (let guard = 0; guard < 10_000; guard++) {
      const bp = bids.prices[0];
      const ap = asks.prices[0];
      if (bp === undefined || ap === undefined || bp < ap) return;
      const b = this.firstByTime(bids.levels.get(bp) as Level);
      const a = this.firstByTime(asks.levels.get(ap) as Level);
      if (b.acct.entity === a.acct.entity) {
        this.cancel(b.prio > a.prio ? b : a);
        continue;
      }
      const maker = b.prio < a.prio ? b : a;
      const taker = maker === b ? a : b;
      const q = Math.min(this.open(b), this.open(a));
      this.emitTrade(maker, taker, q, 'auction', false);
      for (const o of [maker, taker]) if (this.open(o) === 0) this.unrest(o);
    }
    throw new GeneratorError(`auction on ${sym.name} did not uncross`);
  }

  private firstByTime(l: Level): Ord {
    const p = l.prot[0];
    const o = l.other[0];
    if (p === undefined) return o as Ord;
    if (o === undefined) return p;
    return p.prio < o.prio ? p : o;
  }

  /** End of the period: every resting day order expires. */
  endOfDay(): void {
    for (const sym of this.syms) {
      if (sym.auction > 0) {
        sym.auction = 0;
        this.uncross(sym);
      }
      const day = sym.resting.filter((o) => o.tif === 'day').sort((a, b) => a.prio - b.prio);
      for (const o of day) this.system('expire', o);
    }
  }

  // ---- injections --------------------------------------------------------------------------------------------
  private nextInj(): number {
    return ++this.injNo;
  }

  /** Places a passive gtc limit order at `px` (must not cross) and returns it resting. */
  private place(sym: Sym, acct: Acct, side: 0 | 1, px: number, qty: number, actor?: Actor, mmTag?: boolean): Ord {
    const o = this.makeOrder(sym, acct, side, 'limit', px, qty, 'gtc', actor);
    if (mmTag !== undefined) o.mmTag = mmTag;
    if (this.crosses(o)) throw new GeneratorError(`injected passive order ${o.id} would cross`);
    this.submit(o);
    return o;
  }

  private placeNear(sym: Sym, acct: Acct, actor?: Actor, mmTag?: boolean): Ord {
    const side = this.sim.rng.int(2) as 0 | 1;
    const px = this.passivePrice(sym, side, 2 + this.sim.rng.geometric(0.3, 20));
    return this.place(sym, acct, side, px, this.lots(sym), actor, mmTag);
  }

  /**
   * CP-1 (high: the protected order came later; critical: it came earlier) or CP-2 (protected order at a better
   * price): clear room at the top of one side with a compliant sweep, rest an MM order and a client order there,
   * then fill the MM order ahead of the client order.
   */
  injectCustomerPriority(kind: 'CP-1-high' | 'CP-1-critical' | 'CP-2'): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const mSide = rng.int(2) as 0 | 1;
    const book = sym.sides[mSide];
    const opp = sym.sides[1 - mSide] as BookSide;
    const step = sym.step;
    const better = (p: number) => (mSide === 0 ? p + step : p - step);
    const worse = (p: number) => (mSide === 0 ? p - step : Math.max(step, p + step));
    const k = kind === 'CP-2' ? 2 : 1;
    const sweep = book.prices.slice(0, k);
    if (sweep.length > 0) {
      const owners = new Set<string>();
      let total = 0;
      for (const px of sweep) {
        const l = book.levels.get(px) as Level;
        for (const o of [...l.prot, ...l.other]) {
          owners.add(o.acct.entity);
          total += this.open(o);
        }
      }
      const taker = this.otherClient(sym, owners);
      const o = this.makeOrder(
        sym,
        taker,
        (1 - mSide) as 0 | 1,
        'limit',
        sweep[sweep.length - 1] as number,
        total,
        'ioc',
      );
      this.submit(o);
      if (o.filled !== total) throw new GeneratorError(`sweep ${o.id} did not clear the top of ${sym.name}`);
    }
    const oppBest = opp.prices[0];
    const start = oppBest !== undefined ? worse(oppBest) : sym.mid;
    const base = sweep[sweep.length - 1];
    let pClient: number;
    let pMm: number;
    if (kind === 'CP-2') {
      if (sweep.length === 2 && base !== undefined) {
        pClient = better(base);
        pMm = base;
      } else {
        pClient = base ?? start;
        pMm = worse(pClient);
      }
    } else {
      pClient = base ?? start;
      pMm = pClient;
    }
    const mm = rng.pick(this.ref.mms);
    const client = rng.pick(sym.clients);
    const mmQty = this.lots(sym) + 1;
    let mmOrder: Ord;
    if (kind === 'CP-1-critical') {
      this.place(sym, client, mSide, pClient, this.lots(sym));
      mmOrder = this.place(sym, mm, mSide, pMm, mmQty);
    } else {
      mmOrder = this.place(sym, mm, mSide, pMm, mmQty);
      this.place(sym, client, mSide, pClient, this.lots(sym));
    }
    const takerAcct = this.otherClient(sym, new Set([client.entity]));
    const q = 1 + rng.int(mmQty);
    const t = this.makeOrder(sym, takerAcct, (1 - mSide) as 0 | 1, 'limit', pMm, q, 'ioc');
    this.emitNew(t);
    const id = this.emitTrade(mmOrder, t, q, 'continuous', false);
    if (this.open(mmOrder) === 0) this.unrest(mmOrder);
    this.sim.gt.add(kind === 'CP-2' ? 'CP-2' : 'CP-1', id, kind === 'CP-1-high' ? 'high' : 'critical');
  }

  /** MMT-1: an affiliated MM order without the market-making tag for its whole life. */
  injectMmt1(): void {
    const sym = this.pickSym({ continuous: true });
    const o = this.placeNear(sym, this.sim.rng.pick(this.ref.mms), undefined, false);
    this.sim.gt.add('MMT-1', o.id, 'high');
  }

  /** MMT-2: a client order tagged as market making. */
  injectMmt2(): void {
    const sym = this.pickSym({ continuous: true });
    const o = this.placeNear(sym, this.sim.rng.pick(sym.clients), undefined, true);
    this.sim.gt.add('MMT-2', o.id, 'medium');
  }

  /** MMT-3: a third-party MM order whose tag is dropped by an amend (no MMT-1/2: neither affiliated nor client). */
  injectMmt3(): void {
    const sym = this.pickSym({ continuous: true });
    const o = this.placeNear(sym, this.sim.rng.pick(this.ref.tps));
    this.amend(o, o.px, o.qty + 1 + this.sim.rng.int(5), o.disp, !o.mmTag);
    this.sim.gt.add('MMT-3', o.id, 'medium');
  }

  /** MMT-4: the next suitable trade reports a tag that differs from its order's. */
  injectMmt4(): void {
    this.pendingMmt4++;
  }

  /** DQ-3: the next trade with a non-MM maker reports a price other than the maker's limit price. */
  injectDq3Price(): void {
    this.pendingDq3++;
  }

  /** DQ-3: a trade whose taker order never appears in `orders` (the maker is still filled). */
  injectDq3UnknownTaker(): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    let mSide = rng.int(2) as 0 | 1;
    if (sym.sides[mSide].prices.length === 0) mSide = (1 - mSide) as 0 | 1;
    const side = sym.sides[mSide];
    const px = side.prices[0];
    if (px === undefined) {
      this.placeNear(sym, rng.pick(sym.clients));
      this.injectDq3UnknownTaker();
      return;
    }
    const l = side.levels.get(px) as Level;
    // The engine's choice for a taker it skips nothing for: first protected order, else first other.
    const maker = (l.prot[0] ?? l.other[0]) as Ord;
    const ghost = this.makeOrder(sym, rng.pick(sym.clients), (1 - mSide) as 0 | 1, 'limit', px, 1, 'ioc');
    ghost.id = `o-unlogged-${this.nextInj()}`;
    const q = 1 + rng.int(this.open(maker));
    ghost.qty = q;
    const id = this.emitTrade(maker, ghost, q, 'continuous', false);
    if (this.open(maker) === 0) this.unrest(maker);
    this.sim.gt.add('DQ-3', id, 'high');
  }

  /** FS-1: an MM order submitted by MM-entity staff outside market making, or by a login that is not staff. */
  injectFs1(): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const mm = rng.pick(this.ref.mms);
    const st = rng.pick(this.ref.mmOtherStaff);
    const actor: Actor = rng.chance(0.7)
      ? { user: st.user, session: mm.sessions[0] ?? null, ip: st.ip }
      : { user: 'mm-desk-temp', session: mm.sessions[0] ?? null, ip: mm.ips[0] ?? null };
    const o = this.placeNear(sym, mm, actor);
    this.sim.gt.add('FS-1', o.id, 'high');
  }

  /** FS-2: a client (or third-party MM) order entered by a market-making staff member of the MM entity. */
  injectFs2(): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const acct = rng.chance(0.75) ? rng.pick(sym.clients) : rng.pick(this.ref.tps);
    const mmUser = rng.pick(this.ref.mms).users[0] as string;
    const o = this.placeNear(sym, acct, { user: mmUser, session: acct.sessions[0] ?? null, ip: acct.ips[0] ?? null });
    this.sim.gt.add('FS-2', o.id, 'high');
  }

  /** FS-3: one gateway session carries an MM order and a client order. */
  injectFs3(): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const session = `s-gw-shared-${this.nextInj()}`;
    const mm = rng.pick(this.ref.mms);
    this.placeNear(sym, mm, { user: mm.users[0] ?? null, session, ip: mm.ips[0] ?? null });
    const c = rng.pick(sym.clients);
    this.placeNear(sym, c, { user: c.users[0] ?? null, session, ip: c.ips[0] ?? null });
    this.sim.gt.add('FS-3', session, 'high');
  }

  /** FS-5 (orders side): an MM order sent from an address; the caller logs operator staff on the same address. */
  injectFs5Order(ip: string): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const mm = rng.pick(this.ref.mms);
    this.placeNear(sym, mm, { user: mm.users[1] ?? null, session: mm.sessions[1] ?? null, ip });
  }

  /** FS-6: the platform operator's own account trades on its platform. */
  injectFs6(): void {
    const sym = this.pickSym({ continuous: true });
    const p = this.ref.platform;
    this.placeNear(sym, p, {
      user: p.users[0] ?? null,
      session: p.sessions[0] ?? null,
      ip: p.ips[0] ?? null,
    });
    this.sim.gt.add('FS-6', p.id, 'high');
  }

  /** PERP-1: a retail client's order on a perpetual. */
  injectPerp1(): void {
    const perps = this.syms.filter((s) => s.def.product === 'perpetual' && s.auction === 0);
    const sym = perps.length > 0 ? this.sim.rng.pick(perps) : this.syms.find((s) => s.def.product === 'perpetual');
    if (sym === undefined) throw new GeneratorError('no perpetual symbol');
    const retail = this.ref.clients.filter((c) => c.cls === 'retail');
    const o = this.placeNear(sym, this.sim.rng.pick(retail));
    this.sim.gt.add('PERP-1', o.id, 'high');
  }

  /** DQ-1 on a harmless record: the expiry of an IOC that never traded (an IOC never rests, nothing depends on it). */
  injectDq1Order(): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const side = rng.int(2) as 0 | 1;
    const o = this.makeOrder(
      sym,
      rng.pick(sym.clients),
      side,
      'limit',
      this.passivePrice(sym, side, 3),
      this.lots(sym),
      'ioc',
    );
    this.emitNew(o);
    this.system('expire', o, rng.int(4));
  }

  /** DQ-1 junk: an extra malformed line in `orders` or `trades` that stands for no real record. */
  injectDq1Junk(stream: 'orders' | 'trades'): void {
    const rng = this.sim.rng;
    const sym = this.pickSym();
    const n = this.nextInj();
    const seq = Math.max(1, this.sim.bounds['orders+trades']?.max ?? 1);
    if (stream === 'orders') {
      const o = this.makeOrder(sym, rng.pick(sym.clients), 0, 'limit', sym.mid, 1, 'gtc');
      o.id = `o-junk-${n}`;
      this.sim.w.orders.write({ cells: this.rowNew('new', o, seq, this.sim.ts()), bad: rng.int(4) });
    } else {
      this.sim.w.trades.write({
        cells: [
          seq,
          this.sim.ts(),
          `t-junk-${n}`,
          sym.name,
          this.price(sym, sym.mid),
          '1',
          'o-junk',
          'o-junk',
          false,
          false,
          null,
          'ME-1',
        ],
        bad: rng.int(4),
      });
    }
  }

  /** DQ-2: an amend written twice with the same seq (applying it twice changes nothing). */
  injectDq2Order(): void {
    const sym = this.pickSym({ continuous: true });
    const o = this.placeNear(sym, this.sim.rng.pick(sym.clients));
    const qty = o.qty > 1 ? o.qty - 1 : o.qty + 1;
    this.amend(o, o.px, qty, o.disp, o.mmTag, true);
  }

  /** DQ-5: an order of an account absent from `accounts` (cancelled at once), or on a symbol absent from `instruments`. */
  injectDq5Order(kind: 'account' | 'symbol'): void {
    const rng = this.sim.rng;
    const n = this.nextInj();
    const sym = this.pickSym({ continuous: true, spot: true });
    if (kind === 'account') {
      const id = `C-UNREG-${n}`;
      const ghost: Acct = {
        id,
        entity: `E-UNREG-${n}`,
        role: 'client',
        cls: 'retail',
        margin: false,
        prot: false, // unknown to the audit: not protected
        users: [`${id.toLowerCase()}-api`],
        sessions: [`s-${id}`],
        ips: [`198.19.${n & 255}.7`],
        freeWallet: null,
      };
      const o = this.placeNear(sym, ghost);
      this.cancel(o);
      this.sim.gt.add('DQ-5', id, 'medium');
      return;
    }
    const symbol = `UNLISTED${n}-USD`;
    const c = rng.pick(this.ref.clients.filter((x) => x.cls === 'professional'));
    const fake: Sym = {
      ...sym,
      name: symbol,
      sides: [new BookSide(true), new BookSide(false)],
      resting: [],
      auction: 0,
    };
    const o = this.makeOrder(fake, c, 0, 'limit', sym.mid, this.lots(sym), 'gtc');
    this.emitNew(o);
    this.cancel(o);
    this.sim.gt.add('DQ-5', symbol, 'medium');
  }

  /** DQ-6: cancel of an unknown order, a second cancel of a cancelled order, or a resent `new` of a known order. */
  injectDq6(kind: 'unknown' | 'closed' | 'resent'): void {
    const rng = this.sim.rng;
    const sym = this.pickSym({ continuous: true });
    const c = rng.pick(sym.clients);
    if (kind === 'unknown') {
      const o = this.makeOrder(sym, c, rng.int(2) as 0 | 1, 'limit', sym.mid, 1, 'gtc');
      o.id = `o-unknown-${this.nextInj()}`;
      const seq = this.sim.nextSeq();
      this.sim.order(this.rowBare('cancel', o, seq, this.sim.ts(), this.actorOf(o)));
      this.sim.gt.add('DQ-6', o.id, 'medium');
      return;
    }
    const o = this.placeNear(sym, c);
    if (kind === 'closed') {
      this.cancel(o);
      const seq = this.sim.nextSeq();
      this.sim.order(this.rowBare('cancel', o, seq, this.sim.ts(), this.actorOf(o)));
    } else {
      // The same `new` again with a later seq (gateway resend); the replay must ignore it.
      const seq = this.sim.nextSeq();
      this.sim.order(this.rowNew('new', o, seq, this.sim.ts()));
    }
    this.sim.gt.add('DQ-6', o.id, 'medium');
  }

  // ---- routed orders (contract 2) ------------------------------------------------------------------------------
  /** A spot symbol in continuous trading, for an order routed to a shared book (its legs deliver the asset). */
  routableSymbol(): Sym {
    return this.pickSym({ continuous: true, spot: true });
  }

  /** A limit price `ticks` ticks from the mid on `side` that does not cross the local book. */
  restingPrice(sym: Sym, side: 0 | 1, ticks: number): number {
    return this.passivePrice(sym, side, ticks);
  }

  /** A typical order size on `sym`, in lots. */
  lotsOn(sym: Sym, scale = 1): number {
    return this.lots(sym, scale);
  }

  /** An order of this venue's own book now resting (settlements must never name one). */
  localOrderId(): string {
    for (const sym of this.syms) {
      const o = sym.resting[0];
      if (o !== undefined) return o.id;
    }
    return 'o-1';
  }

  /** Writes the `new` of an order routed to `route`'s shared order book: replayed here, never resting here. */
  submitRouted(
    sym: Sym,
    acct: Acct,
    side: 0 | 1,
    type: 'limit' | 'market',
    px: number,
    qty: number,
    tif: Tif,
    route: string,
    prefunded: string | null,
  ): Ord {
    const o = this.makeOrder(sym, acct, side, type, px, qty, tif);
    o.route = route;
    o.prefunded = prefunded;
    this.counters.routed++;
    this.emitNew(o);
    return o;
  }

  /** An `amend` of a routed order to a new price and total quantity, with what is now held aside for it. */
  amendRouted(o: Ord, px: number, qty: number, prefunded: string | null): void {
    const seq = this.sim.nextSeq();
    o.px = px;
    o.qty = qty;
    o.prefunded = prefunded;
    this.sim.order(this.rowAmend(o, seq, this.sim.ts()));
  }

  /** The end of a routed order's life here: cancelled by its owner, or expired by the venue. */
  closeRouted(o: Ord, ev: 'cancel' | 'expire'): void {
    if (ev === 'cancel') this.cancel(o);
    else this.system('expire', o);
  }

  /**
   * DQ-3 "routed order": a trade of the local engine that names a routed order — as taker against the best local
   * order of the other side, or as maker of a new local IOC order. The trade fills less than the routed order, which
   * stays open (the audit applies the trade to the orders it knows). Returns the trade id.
   */
  tradeNamingRouted(o: Ord, as: 'taker' | 'maker'): string {
    if (o.route === null || o.qty < 2) throw new GeneratorError(`${o.id} is not a routed order of 2 lots or more`);
    const rng = this.sim.rng;
    const sym = o.sym;
    if (as === 'maker') {
      const taker = this.makeOrder(
        sym,
        this.otherClient(sym, new Set([o.acct.entity])),
        (1 - o.side) as 0 | 1,
        'limit',
        o.px,
        1 + rng.int(o.qty - 1),
        'ioc',
      );
      this.emitNew(taker);
      return this.emitTrade(o, taker, taker.qty, 'continuous', false);
    }
    const opp = sym.sides[1 - o.side] as BookSide;
    let px = opp.prices[0];
    if (px === undefined) {
      const side = (1 - o.side) as 0 | 1;
      this.place(
        sym,
        this.otherClient(sym, new Set([o.acct.entity])),
        side,
        this.passivePrice(sym, side, 2),
        this.lots(sym),
      );
      px = opp.prices[0] as number;
    }
    const l = opp.levels.get(px) as Level;
    const maker = (l.prot[0] ?? l.other[0]) as Ord;
    const q = 1 + rng.int(Math.min(this.open(maker), o.qty - 1));
    const id = this.emitTrade(maker, o, q, 'continuous', false);
    if (this.open(maker) === 0) this.unrest(maker);
    return id;
  }

  /**
   * Near miss for CP (contract 2): a protected order rests at a price and an affiliated MM order routed elsewhere
   * at the same price is the maker of a local trade. The routed order never rests here, so the trade is DQ-3's and
   * CP does not test it. Returns the trade id.
   */
  routedMarketMakerFill(route: string, prefunded: (sym: Sym, side: 0 | 1, px: number, qty: number) => string): string {
    const rng = this.sim.rng;
    const sym = this.routableSymbol();
    const side = rng.int(2) as 0 | 1;
    const px = this.passivePrice(sym, side, 2);
    this.place(sym, this.otherClient(sym, new Set()), side, px, this.lots(sym));
    const mm = rng.pick(this.ref.mms);
    const qty = 2 + this.lots(sym);
    const o = this.submitRouted(sym, mm, side, 'limit', px, qty, 'gtc', route, prefunded(sym, side, px, qty));
    const id = this.tradeNamingRouted(o, 'maker');
    this.closeRouted(o, 'cancel');
    return id;
  }
}
