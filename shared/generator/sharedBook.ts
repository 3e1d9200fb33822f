/**
 * Contract 2: orders routed to the shared order books of overseas affiliated platforms (V2.md) — the `venues`
 * reference, routed orders in `orders` with what is held aside for them (`prefunded`), and the settlement legs of
 * their executions in `settlements`. Clean flow routes only to approved venues in FATF jurisdictions, holds at least
 * `qty` × `price` (a limit buy) or `qty` (a sell) after every `new` and `amend`, never names a routed order in a local
 * trade, and settles every execution with one asset and one cash leg, both DvP, in one batch. Each injection breaks
 * one of these (SOB-1..3, DQ-3 and DQ-5 on routed orders and settlements, DQ-1/2/4 of settlements) and records the
 * finding; the near misses sit at the boundaries and record nothing.
 *
 * Amounts are exact: `qty` × `price` is an integer of 10^-(qty decimals + price decimals).
 */
import type { Sim } from './context.js';
import { PERIOD_NS } from './context.js';
import { scaledDecimal } from './format.js';
import type { Market, Ord, Sym } from './market.js';
import type { Acct } from './model.js';
import type { Reference } from './reference.js';
import type { Cell } from './writer.js';

export interface VenueDef {
  id: string;
  jurisdiction: string;
  fatf: boolean;
  approved: boolean;
}

/** Affiliates whose shared books the venue may use; clean flow routes to the first two only. */
export const VENUES: readonly VenueDef[] = [
  { id: 'SG-AFX', jurisdiction: 'SG', fatf: true, approved: true },
  { id: 'JP-AFX', jurisdiction: 'JP', fatf: true, approved: true },
  { id: 'CH-AFX', jurisdiction: 'CH', fatf: true, approved: false },
  { id: 'VN-AFX', jurisdiction: 'VN', fatf: false, approved: true },
];
const CLEAN_VENUES = VENUES.filter((v) => v.fatf && v.approved);
const BATCH_NS = 1_800 * 1e9;

type Leg = 'asset' | 'cash';
type Mechanism = 'dvp' | 'free_of_payment';

interface PendingLeg {
  cells: Cell[];
}

/** How an execution's legs are written: the clean pair, or one settlement fault (SOB-3). */
export type SettlementFault = 'missing-asset' | 'missing-cash' | 'asset-twice' | 'cash-twice' | 'fop' | 'split-batch';

export class SharedBook {
  private execNo = 0;
  private legNo = 0;
  private injNo = 0;
  private clock = 0;
  private readonly pending: PendingLeg[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly market: Market,
    private readonly ref: Reference,
  ) {}

  // ---- amounts -------------------------------------------------------------------------------------------------
  /** Decimals of `qty` × `price` on the symbol. */
  private cashDecimals(sym: Sym): number {
    return sym.def.qtyDec + sym.def.pxDec;
  }

  /** What a routed order needs held aside (V2.md SOB-1), in units of its own decimals: cash or base quantity. */
  private required(sym: Sym, side: 0 | 1, px: number, qty: number): { units: number; decimals: number } {
    return side === 0
      ? { units: qty * px, decimals: this.cashDecimals(sym) }
      : { units: qty, decimals: sym.def.qtyDec };
  }

  /** Pre-funded at least in full: exactly the requirement now and then (same value, more zeros), else a little more. */
  private fullPrefunding(sym: Sym, side: 0 | 1, px: number, qty: number): string {
    const r = this.required(sym, side, px, qty);
    const rng = this.sim.rng;
    if (rng.chance(0.3)) return scaledDecimal(r.units, r.decimals, rng.int(3));
    const extra = side === 0 ? Math.ceil((r.units * (1 + rng.int(30))) / 1000) : rng.int(3);
    return scaledDecimal(r.units + extra, r.decimals);
  }

  /** A quantity whose cost at any price is a whole number of cents (the "pre-funded to the cent" near miss). */
  private centQty(sym: Sym): number {
    const step = 10 ** Math.max(0, this.cashDecimals(sym) - 2);
    return step * (1 + this.sim.rng.int(5));
  }

  private venue(): VenueDef {
    return this.sim.rng.pick(CLEAN_VENUES);
  }

  private client(sym: Sym): Acct {
    return this.sim.rng.chance(0.1) ? this.sim.rng.pick(this.ref.tps) : this.sim.rng.pick(sym.clients);
  }

  /** A limit price around the mid, marketable on the shared book. */
  private limitPx(sym: Sym, side: 0 | 1): number {
    const ticks = this.sim.rng.range(0, 4) * sym.step;
    return side === 0 ? sym.mid + ticks : Math.max(sym.step, sym.mid - ticks);
  }

  private routeLimit(opts: {
    sym?: Sym;
    acct?: Acct;
    side?: 0 | 1;
    qty?: number;
    px?: number;
    tif?: 'gtc' | 'day' | 'ioc';
    venue?: string;
    prefunded?: (sym: Sym, side: 0 | 1, px: number, qty: number) => string | null;
  }): Ord {
    const rng = this.sim.rng;
    const sym = opts.sym ?? this.market.routableSymbol();
    const side = opts.side ?? (rng.int(2) as 0 | 1);
    const px = opts.px ?? this.limitPx(sym, side);
    const qty = opts.qty ?? 1 + this.market.lotsOn(sym);
    const prefunded = (opts.prefunded ?? ((s, sd, p, q) => this.fullPrefunding(s, sd, p, q)))(sym, side, px, qty);
    return this.market.submitRouted(
      sym,
      opts.acct ?? this.client(sym),
      side,
      'limit',
      px,
      qty,
      opts.tif ?? 'gtc',
      opts.venue ?? this.venue().id,
      prefunded,
    );
  }

  // ---- settlements ---------------------------------------------------------------------------------------------
  private tick(): number {
    this.clock = Math.min(PERIOD_NS - 1, Math.max(this.clock + 1_000_000, this.sim.now));
    return this.clock;
  }

  private batchOf(venue: string, ts: number, shift = 0): string {
    return `${venue}-B${String(Math.floor(ts / BATCH_NS) + 1 + shift).padStart(2, '0')}`;
  }

  private legCells(
    exec: string,
    order: string,
    leg: Leg,
    qty: string,
    mechanism: Mechanism,
    batch: string,
    eventId?: string,
  ): Cell[] {
    // seq and ts are set when the leg is written.
    return [0, '', eventId ?? `s-${++this.legNo}`, exec, order, leg, qty, mechanism, batch];
  }

  private write(cells: Cell[], opts: { bad?: number; seq?: number } = {}): number {
    const seq = opts.seq ?? this.sim.nextSeqOf('settlements');
    cells[0] = seq;
    cells[1] = this.sim.ts(this.tick());
    this.sim.v2Record('settlements', cells, opts.bad);
    return seq;
  }

  /** Writes up to `n` pending legs, oldest first (legs of several executions interleave). */
  private flush(n = Number.POSITIVE_INFINITY): void {
    for (let k = 0; k < n && this.pending.length > 0; k++) this.write((this.pending.shift() as PendingLeg).cells);
  }

  /**
   * One shared-book execution of `o` for `lots` at `px`: its asset and cash legs (in either order, possibly later),
   * or the legs of one settlement fault. Returns the exec_id.
   */
  private execute(o: Ord, lots: number, px: number, fault?: SettlementFault, orderId = o.id): string {
    const rng = this.sim.rng;
    const exec = `x-${++this.execNo}`;
    const sym = o.sym;
    const venue = o.route ?? this.venue().id;
    const batch = this.batchOf(venue, this.sim.now);
    const asset = this.legCells(exec, orderId, 'asset', scaledDecimal(lots, sym.def.qtyDec), 'dvp', batch);
    const cash = this.legCells(
      exec,
      orderId,
      'cash',
      scaledDecimal(lots * px, this.cashDecimals(sym), rng.chance(0.2) ? 1 : 0),
      'dvp',
      batch,
    );
    const legs: Cell[][] = [];
    if (fault !== 'missing-asset') legs.push(asset);
    if (fault !== 'missing-cash') legs.push(cash);
    if (fault === 'asset-twice') legs.push([...asset]); // the same record again, same event_id
    if (fault === 'cash-twice') legs.push(this.legCells(exec, orderId, 'cash', cash[6] as string, 'dvp', batch));
    if (fault === 'fop') (rng.chance(0.5) ? asset : cash)[7] = 'free_of_payment';
    if (fault === 'split-batch') cash[8] = this.batchOf(venue, this.sim.now, 1);
    if (rng.chance(0.5)) legs.reverse();
    if (fault === undefined && rng.chance(0.4)) {
      for (const cells of legs) this.pending.push({ cells });
    } else {
      for (const cells of legs) this.write(cells);
    }
    if (fault !== undefined) this.sim.gt.add('SOB-3', exec, 'high');
    return exec;
  }

  /** Fills `o` on its shared book in one to three executions (never more than its quantity); returns lots filled. */
  private fill(o: Ord, fault?: SettlementFault): number {
    const rng = this.sim.rng;
    const px = o.type === 'limit' ? o.px : o.sym.mid;
    let left = o.qty;
    const n = fault !== undefined ? 1 : 1 + rng.int(3);
    for (let k = 0; k < n && left > 0; k++) {
      const lots = k === n - 1 && rng.chance(0.5) ? left : 1 + rng.int(left);
      this.execute(o, lots, px, k === 0 ? fault : undefined);
      left -= lots;
    }
    return o.qty - left;
  }

  // ---- the ordinary day ----------------------------------------------------------------------------------------
  /** One routed order: `new`, sometimes an `amend`, its executions, then the end of what is left of it. */
  step(): void {
    const rng = this.sim.rng;
    const r = rng.next();
    if (r < 0.15) {
      // Market orders: a sell holds its base quantity; a buy's cost is unknown (SOB-1 does not test it).
      const sym = this.market.routableSymbol();
      const side = rng.int(2) as 0 | 1;
      const qty = 1 + this.market.lotsOn(sym);
      const prefunded =
        side === 1
          ? this.fullPrefunding(sym, 1, 0, qty)
          : rng.chance(0.5)
            ? null
            : scaledDecimal(qty * sym.mid, this.cashDecimals(sym));
      const o = this.market.submitRouted(
        sym,
        this.client(sym),
        side,
        'market',
        0,
        qty,
        'ioc',
        this.venue().id,
        prefunded,
      );
      if (this.fill(o) < o.qty) this.market.closeRouted(o, 'expire');
    } else {
      const t = rng.next();
      const tif = t < 0.5 ? 'gtc' : t < 0.75 ? 'day' : 'ioc';
      const o = this.routeLimit({ tif });
      if (tif !== 'ioc' && rng.chance(0.3)) {
        const qty = rng.chance(0.5) ? o.qty + 1 + rng.int(o.qty) : Math.max(1, o.qty - 1 - rng.int(o.qty));
        const px = rng.chance(0.5) ? o.px : this.limitPx(o.sym, o.side);
        this.market.amendRouted(o, px, qty, this.fullPrefunding(o.sym, o.side, px, qty));
      }
      const filled = rng.chance(0.85) ? this.fill(o) : 0;
      if (filled < o.qty && (tif === 'ioc' || rng.chance(0.6)))
        this.market.closeRouted(o, tif === 'ioc' ? 'expire' : 'cancel');
    }
    if (this.pending.length > 6 || rng.chance(0.5)) this.flush(1 + rng.int(3));
  }

  /** End of the period: every leg still pending is written. */
  finish(): void {
    this.flush();
  }

  // ---- injections: SOB-1 pre-funding ---------------------------------------------------------------------------
  /**
   * SOB-1: a routed order left less than fully pre-funded — a limit buy one cent short of `qty` × `price`, a sell one
   * lot short of `qty`, `prefunded` null, an `amend` that raises the quantity without more held aside, or a market
   * sell short of its quantity.
   */
  injectSob1(kind: 'buy-short' | 'sell-short' | 'null' | 'amend-up' | 'market-sell-short'): void {
    const rng = this.sim.rng;
    let o: Ord;
    if (kind === 'buy-short') {
      const sym = this.market.routableSymbol();
      o = this.routeLimit({
        sym,
        side: 0,
        qty: this.centQty(sym),
        prefunded: (s, _sd, px, q) => {
          const cent = 10 ** Math.max(0, this.cashDecimals(s) - 2);
          return scaledDecimal(q * px - cent, this.cashDecimals(s), rng.int(2));
        },
      });
    } else if (kind === 'sell-short') {
      o = this.routeLimit({
        side: 1,
        qty: 2 + rng.int(50),
        prefunded: (s, _sd, _p, q) => scaledDecimal(q - 1, s.def.qtyDec),
      });
    } else if (kind === 'null') {
      o = this.routeLimit({ prefunded: () => null });
    } else if (kind === 'amend-up') {
      // Held aside exactly for the `new`, so that any larger quantity is short.
      o = this.routeLimit({
        tif: 'gtc',
        prefunded: (s, sd, px, q) => {
          const r = this.required(s, sd, px, q);
          return scaledDecimal(r.units, r.decimals);
        },
      });
      this.market.amendRouted(o, o.px, o.qty + 1 + rng.int(o.qty), o.prefunded);
    } else {
      const sym = this.market.routableSymbol();
      const qty = 2 + this.market.lotsOn(sym);
      o = this.market.submitRouted(
        sym,
        this.client(sym),
        1,
        'market',
        0,
        qty,
        'ioc',
        this.venue().id,
        scaledDecimal(qty - 1, sym.def.qtyDec),
      );
    }
    this.sim.gt.add('SOB-1', o.id, 'critical');
    if (this.fill(o) < o.qty) this.market.closeRouted(o, o.tif === 'ioc' ? 'expire' : 'cancel');
  }

  /**
   * Near misses of SOB-1: a limit buy pre-funded exactly to the cent (written with extra zeros), a sell pre-funded
   * with exactly its quantity, a market buy with nothing held aside (its cost is unknown: not tested), and an amend
   * of an already cancelled routed order that would leave it short (not applied: DQ-6's finding, not SOB-1's).
   */
  nearMissSob1(kind: 'buy-exact' | 'sell-exact' | 'market-buy-null' | 'amend-after-cancel'): void {
    const rng = this.sim.rng;
    if (kind === 'buy-exact') {
      const sym = this.market.routableSymbol();
      const o = this.routeLimit({
        sym,
        side: 0,
        qty: this.centQty(sym),
        prefunded: (s, _sd, px, q) => scaledDecimal(q * px, this.cashDecimals(s), 1 + rng.int(2)),
      });
      this.fill(o);
      return;
    }
    if (kind === 'sell-exact') {
      const o = this.routeLimit({ side: 1, prefunded: (s, _sd, _p, q) => scaledDecimal(q, s.def.qtyDec) });
      this.fill(o);
      return;
    }
    if (kind === 'market-buy-null') {
      const sym = this.market.routableSymbol();
      const o = this.market.submitRouted(
        sym,
        this.client(sym),
        0,
        'market',
        0,
        1 + this.market.lotsOn(sym),
        'ioc',
        this.venue().id,
        null,
      );
      if (this.fill(o) < o.qty) this.market.closeRouted(o, 'expire');
      return;
    }
    const o = this.routeLimit({ tif: 'gtc' });
    this.market.closeRouted(o, 'cancel');
    this.market.amendRouted(o, o.px, o.qty * 3, o.prefunded);
    this.sim.gt.add('DQ-6', o.id, 'medium');
  }

  // ---- injections: SOB-2 venues, DQ-5 unknown venue ------------------------------------------------------------
  /** SOB-2: an order routed to a venue whose shared-book participation is not approved, or outside the FATF. */
  injectSob2(kind: 'unapproved' | 'non-fatf'): void {
    const venue = VENUES.find((v) => (kind === 'unapproved' ? !v.approved : !v.fatf)) as VenueDef;
    const o = this.routeLimit({ venue: venue.id });
    this.sim.gt.add('SOB-2', o.id, 'high');
    this.fill(o);
  }

  /**
   * DQ-5: an order routed to a venue absent from `venues` (not tested by SOB-2). SOB-1 still tests it: fully
   * pre-funded, or (`short`) a cent short — then it is SOB-1's finding as well.
   */
  injectUnknownVenue(short: boolean): void {
    const venue = `XX-AFX-${++this.injNo}`;
    const o = this.routeLimit({
      venue,
      side: 0,
      prefunded: short
        ? (s, _sd, px, q) => scaledDecimal(q * px - 10 ** Math.max(0, this.cashDecimals(s) - 2), this.cashDecimals(s))
        : undefined,
    });
    this.sim.gt.add('DQ-5', venue, 'medium');
    if (short) this.sim.gt.add('SOB-1', o.id, 'critical');
    this.fill(o);
  }

  // ---- injections: SOB-3 settlement, DQ-5 settled orders -------------------------------------------------------
  /** SOB-3: one execution of a routed order settled with a fault (its other executions settle cleanly). */
  injectSob3(fault: SettlementFault): void {
    const o = this.routeLimit({ tif: 'gtc' });
    this.fill(o, fault);
  }

  /** DQ-5: a settlement (a clean DvP pair) whose order_id is no routed order: unknown, or of this venue's own book. */
  injectSettledUnrouted(kind: 'unknown' | 'local'): void {
    const o = this.routeLimit({ tif: 'ioc' });
    const id = kind === 'unknown' ? `o-offbook-${++this.injNo}` : this.market.localOrderId();
    this.execute(o, o.qty, o.px, undefined, id);
    this.market.closeRouted(o, 'expire');
    this.sim.gt.add('DQ-5', id, 'medium');
  }

  // ---- injections: routed orders in local trades ---------------------------------------------------------------
  /** DQ-3 "routed order": a local trade whose taker or maker is a routed order (the routed order then cancels). */
  injectRoutedTrade(as: 'taker' | 'maker'): void {
    const o = this.routeLimit({ tif: 'gtc', qty: 2 + this.market.lotsOn(this.market.routableSymbol()) });
    const id = this.market.tradeNamingRouted(o, as);
    this.sim.gt.add('DQ-3', id, 'high');
    this.market.closeRouted(o, 'cancel');
  }

  /** DQ-3, and a near miss for CP: an MM order routed elsewhere is the maker while a client order rests at its price. */
  injectRoutedMarketMakerFill(): void {
    const id = this.market.routedMarketMakerFill(this.venue().id, (s, sd, px, q) => this.fullPrefunding(s, sd, px, q));
    this.sim.gt.add('DQ-3', id, 'high');
  }

  // ---- injections: data quality of `settlements` ---------------------------------------------------------------
  /** DQ-1: a malformed copy of a leg (set aside, so its execution still settles cleanly; its seq becomes a gap). */
  injectDq1(): void {
    const o = this.routeLimit({ tif: 'ioc' });
    const exec = this.execute(o, o.qty, o.px);
    this.flush();
    const batch = this.batchOf(o.route as string, this.sim.now);
    const cells = this.legCells(
      exec,
      o.id,
      'cash',
      scaledDecimal(o.qty * o.px, this.cashDecimals(o.sym)),
      'dvp',
      batch,
    );
    this.write(cells, { bad: this.sim.rng.int(4) });
  }

  /** DQ-2: the legs of two executions share a seq (both are processed; each execution still settles cleanly). */
  injectDq2(): void {
    this.flush();
    const a = this.routeLimit({ tif: 'ioc' });
    const b = this.routeLimit({ tif: 'ioc' });
    const batchA = this.batchOf(a.route as string, this.sim.now);
    const batchB = this.batchOf(b.route as string, this.sim.now);
    const xa = `x-${++this.execNo}`;
    const xb = `x-${++this.execNo}`;
    this.write(this.legCells(xa, a.id, 'asset', scaledDecimal(a.qty, a.sym.def.qtyDec), 'dvp', batchA));
    const shared = this.write(
      this.legCells(xa, a.id, 'cash', scaledDecimal(a.qty * a.px, this.cashDecimals(a.sym)), 'dvp', batchA),
    );
    this.write(this.legCells(xb, b.id, 'asset', scaledDecimal(b.qty, b.sym.def.qtyDec), 'dvp', batchB), {
      seq: shared,
    });
    this.write(this.legCells(xb, b.id, 'cash', scaledDecimal(b.qty * b.px, this.cashDecimals(b.sym)), 'dvp', batchB));
    this.sim.gt.add('DQ-2', `settlements:${shared}`, 'high');
    this.market.closeRouted(a, 'expire');
    this.market.closeRouted(b, 'expire');
  }

  injectDq4(): void {
    this.flush();
    this.sim.dropSeqsOf('settlements', 1 + this.sim.rng.int(3));
  }

  /** The venues reference, one junk record when `junk` (DQ-1, reported by the writer). */
  static venueRows(junk: boolean): { cells: Cell[]; bad?: number }[] {
    const rows: { cells: Cell[]; bad?: number }[] = VENUES.map((v) => ({
      cells: [v.id, v.jurisdiction, v.fatf, v.approved],
    }));
    if (junk) rows.push({ cells: ['ZZ-JUNK', 'ZZ', true, true], bad: 2 });
    return rows;
  }
}
