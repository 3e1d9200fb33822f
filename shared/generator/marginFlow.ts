/**
 * Contract 2: the perpetual-contract margin ledger of the venue's perpetual traders (professional clients), written
 * to `margin` with its own seq. Clean flow: margin posted only in fiat, HKMA-licensed stablecoins and tokenized
 * deposits; no platform credit; no withdrawal, fee, loss or funding payment leaves a balance below zero (a withdrawal
 * sometimes leaves exactly zero); funding rates published for each 8-hour interval before the funding that uses them,
 * each funding exactly −position × mark × rate rounded half away from zero; every liquidation deficit covered at once —
 * by the insurance fund when it holds enough, else the fund pays out what it holds and auto-deleveraging covers the
 * rest. Each injection breaks one of these (PERP-3..7, DQ-1/2/4/5 of `margin`); the near misses sit exactly at the
 * boundaries V2.md draws. The ground truth comes from the ledger (marginBook.ts) as each event is written.
 */
import type { Sim } from './context.js';
import { HOUR_NS, PERIOD_NS } from './context.js';
import { GeneratorError } from './errors.js';
import { scaledDecimal } from './format.js';
import {
  divideHalfAway,
  expectedFunding,
  MarginLedger,
  type MarginRecord,
  MONEY_DECIMALS,
  type Scaled,
} from './marginBook.js';
import type { SymbolDef } from './model.js';
import type { Reference } from './reference.js';
import type { Cell } from './writer.js';

const CENT = 1_000_000n;
const UNIT = 100_000_000n;
const INTERVAL_NS = 8 * HOUR_NS;
/** What margin may be posted in (the default `perp_margin_classes`), and what it may not. */
const MARGIN_ASSETS = [
  { asset: 'HKD', cls: 'fiat' },
  { asset: 'USD', cls: 'fiat' },
  { asset: 'HKDR', cls: 'hkma_stablecoin' },
  { asset: 'HKD-TD', cls: 'tokenized_deposit' },
] as const;
const REFUSED_ASSETS = [
  { asset: 'USDT', cls: 'stablecoin' },
  { asset: 'BTC', cls: 'virtual_asset' },
  { asset: '0700.HK', cls: 'security' },
] as const;

interface Trader {
  id: string;
  /** Signed position per perpetual, in lots of 10^-qtyDec. */
  positions: Map<string, bigint>;
}

interface Perp {
  def: SymbolDef;
  /** Mark price in units of 10^-pxDec. */
  mark: number;
}

type Fields = Omit<MarginRecord, 'seq' | 'event_id'> & { asset?: string | null };

export type Perp4Kind = 'credit' | 'withdraw' | 'fee' | 'pnl' | 'funding' | 'unknown-account-credit';
export type Perp5Kind = 'partial' | 'none' | 'unknown-ref' | 'early-ref';
export type Perp6Kind = 'fund-equal' | 'fund-could-cover' | 'nothing-left' | 'no-deficit';
export type Perp7Kind = 'stale-rate' | 'unpublished' | 'own-seq' | 'half-toward-zero' | 'rate-and-amount';
export type MarginNearMiss =
  | 'withdraw-to-zero'
  | 'positive-while-negative'
  | 'split-cover'
  | 'over-cover'
  | 'waterfall'
  | 'fund-short-by-a-cent'
  | 'adl-unknown-ref'
  | 'tie-paid'
  | 'tie-received'
  | 'own-seq-ignored'
  | 'interval-as-instant'
  | 'corrected-rate'
  | 'spot-symbol';

export class MarginFlow {
  readonly ledger: MarginLedger;
  private readonly traders: Trader[];
  private readonly perps: Perp[];
  private clock = 0;
  private eventNo = 0;
  private injNo = 0;
  private scenarioIntervals = 0;
  private nextPublish = 0;
  private nextPay = 0;
  private readonly cleanRates = new Map<string, Scaled>();

  constructor(
    private readonly sim: Sim,
    private readonly ref: Reference,
    knownSymbols: ReadonlySet<string>,
  ) {
    this.ledger = new MarginLedger(sim.gt, new Set(ref.accounts.map((a) => a.id)), knownSymbols);
    const pros = ref.clients.filter((c) => c.cls === 'professional');
    this.traders = pros
      .slice(0, Math.max(6, Math.min(60, pros.length)))
      .map((c) => ({ id: c.id, positions: new Map() }));
    this.perps = ref.symbols.filter((s) => s.product === 'perpetual').map((def) => ({ def, mark: def.mid }));
    if (this.traders.length < 4 || this.perps.length === 0)
      throw new GeneratorError('no perpetual traders to simulate');
  }

  // ---- writing -------------------------------------------------------------------------------------------------
  private tick(gapNs = 1_000_000): number {
    this.clock = Math.min(PERIOD_NS - 1, Math.max(this.clock + gapNs, this.sim.now));
    return this.clock;
  }

  /** Money text: whole cents usually, sometimes with trailing zeros (same value). */
  private money(units: bigint): string {
    return scaledDecimal(units, MONEY_DECIMALS, this.sim.rng.chance(0.15) ? 1 : 0);
  }

  private scaled(s: Scaled | null): string | null {
    return s === null ? null : scaledDecimal(s.units, s.decimals);
  }

  /**
   * Writes one margin event (seq and event_id assigned here unless given) and applies it to the ledger; a malformed
   * one (`bad`) is set aside by the audit, so the ledger never sees it. `text` overrides how a value is written.
   */
  private emit(
    f: Fields,
    opts: { seq?: number; bad?: number; at?: number; text?: { amount?: string; interval?: string } } = {},
  ): { id: string; seq: number } {
    const ts = opts.at === undefined ? this.tick() : Math.max(this.clock, opts.at);
    this.clock = ts;
    const seq = opts.seq ?? this.sim.nextSeqOf('margin');
    const id = `m-${++this.eventNo}`;
    const cells: Cell[] = [
      seq,
      this.sim.ts(ts),
      id,
      f.event,
      f.account,
      f.symbol,
      f.asset ?? null,
      f.assetClass,
      opts.text?.amount ?? (f.amount === null ? null : this.money(f.amount)),
      this.scaled(f.positionQty),
      this.scaled(f.markPrice),
      this.scaled(f.rate),
      opts.text?.interval ?? (f.intervalNs === null ? null : this.sim.ts(f.intervalNs)),
      f.ref,
    ];
    this.sim.v2Record('margin', cells, opts.bad);
    if (opts.bad === undefined) this.ledger.apply({ ...f, seq, event_id: id });
    return { id, seq };
  }

  private base(event: MarginRecord['event'], account: string | null, amount: bigint | null): Fields {
    return {
      event,
      account,
      symbol: null,
      assetClass: null,
      amount,
      positionQty: null,
      markPrice: null,
      rate: null,
      intervalNs: null,
      ref: null,
    };
  }

  private deposit(account: string, units: bigint, asset?: { asset: string; cls: string }): string {
    const a = asset ?? this.sim.rng.pick(MARGIN_ASSETS);
    return this.emit({ ...this.base('deposit', account, units), asset: a.asset, assetClass: a.cls }).id;
  }

  private simple(event: 'withdraw' | 'fee' | 'credit', account: string, units: bigint): string {
    return this.emit(this.base(event, account, units)).id;
  }

  private pnl(account: string, symbol: string, units: bigint): string {
    return this.emit({ ...this.base('pnl', account, units), symbol }).id;
  }

  private contribute(units: bigint): string {
    return this.emit(this.base('insurance', null, units)).id;
  }

  private payout(account: string, units: bigint, ref: string): string {
    return this.emit({ ...this.base('insurance', account, -units), ref }).id;
  }

  /** The account's positions are closed (margin is per account: a liquidation closes them all). */
  private liquidate(t: Trader, perp: Perp, qty: bigint, amount: bigint): string {
    t.positions.clear();
    return this.emit({
      ...this.base('liquidation', t.id, amount),
      symbol: perp.def.name,
      positionQty: { units: qty, decimals: perp.def.qtyDec },
      markPrice: this.markOf(perp),
    }).id;
  }

  private adl(t: Trader, perp: Perp, qty: bigint, amount: bigint, ref: string): string {
    return this.emit({
      ...this.base('adl', t.id, amount),
      symbol: perp.def.name,
      positionQty: { units: qty, decimals: perp.def.qtyDec },
      markPrice: this.markOf(perp),
      ref,
    }).id;
  }

  private publish(perp: Perp, intervalNs: number, rate: Scaled, opts: { seq?: number; at?: number } = {}): number {
    return this.emit(
      { ...this.base('funding_rate', null, null), symbol: perp.def.name, rate, intervalNs },
      { seq: opts.seq, at: opts.at },
    ).seq;
  }

  private funding(
    t: Trader,
    perp: Perp,
    intervalNs: number,
    qty: bigint,
    rate: Scaled,
    opts: { amount?: bigint; seq?: number; at?: number; interval?: string } = {},
  ): { id: string; seq: number } {
    const positionQty = { units: qty, decimals: perp.def.qtyDec };
    const mark = this.markOf(perp);
    const amount = opts.amount ?? expectedFunding(positionQty, mark, rate);
    return this.emit(
      { ...this.base('funding', t.id, amount), symbol: perp.def.name, positionQty, markPrice: mark, rate, intervalNs },
      { seq: opts.seq, at: opts.at, text: opts.interval === undefined ? undefined : { interval: opts.interval } },
    );
  }

  // ---- the model -----------------------------------------------------------------------------------------------
  private markOf(perp: Perp): Scaled {
    return { units: BigInt(perp.mark), decimals: perp.def.pxDec };
  }

  /** |qty| × mark of every position, in units of 10^-8. */
  private notional(t: Trader): bigint {
    let n = 0n;
    for (const [sym, qty] of t.positions) {
      const perp = this.perps.find((p) => p.def.name === sym) as Perp;
      const abs = qty < 0n ? -qty : qty;
      n += divideHalfAway(abs * BigInt(perp.mark), perp.def.qtyDec + perp.def.pxDec - MONEY_DECIMALS);
    }
    return n;
  }

  private balance(t: Trader): bigint {
    return this.ledger.balance(t.id);
  }

  private cents(lo: number, hi: number): bigint {
    return BigInt(this.sim.rng.range(lo, hi)) * CENT;
  }

  private trader(pred: (t: Trader) => boolean = () => true): Trader | undefined {
    const c = this.traders.filter(pred);
    return c.length === 0 ? undefined : this.sim.rng.pick(c);
  }

  /** Any trader, topped up first so that its balance holds at least `atLeast` beyond its positions' notional. */
  private funded(atLeast: bigint, not?: Trader): Trader {
    const t = this.trader((x) => x !== not) as Trader;
    const need = atLeast + this.notional(t);
    const b = this.balance(t);
    if (b < need) this.deposit(t.id, need - b + this.cents(1_000, 50_000) * 100n);
    return t;
  }

  /** Restores a balance an injection left below zero (a deposit is not judged by PERP-4). */
  private topUp(t: Trader | string): void {
    const id = typeof t === 'string' ? t : t.id;
    const b = this.ledger.balance(id);
    if (b < 0n) this.deposit(id, -b + this.cents(100, 5_000) * 100n);
  }

  private perp(): Perp {
    return this.sim.rng.pick(this.perps);
  }

  private walkMarks(): void {
    for (const p of this.perps) {
      p.mark = Math.max(20 * p.def.step, p.mark + (this.sim.rng.int(5) - 2) * p.def.step);
    }
  }

  /** A fresh position size on `perp` whose notional stays within three times `budget` (10^-8 units). */
  private positionLots(perp: Perp, budget: bigint): bigint {
    const perLot = divideHalfAway(BigInt(perp.mark), perp.def.qtyDec + perp.def.pxDec - MONEY_DECIMALS);
    const cap = perLot > 0n ? (budget * 3n) / perLot : 0n;
    const want = BigInt(1 + Math.floor(this.sim.rng.exp(perp.def.lots)));
    const lots = want < cap ? want : cap;
    return this.sim.rng.chance(0.5) ? lots : -lots;
  }

  // ---- the ordinary day ----------------------------------------------------------------------------------------
  /** Opening: the insurance fund's first contribution, every trader's first deposit, some open positions. */
  start(): void {
    this.contribute(this.cents(80_000, 150_000) * 100n);
    for (const t of this.traders) {
      this.deposit(t.id, this.cents(20_000, 500_000) * 100n);
      if (this.sim.rng.chance(0.6)) this.open(t);
    }
  }

  private open(t: Trader): void {
    const perp = this.perp();
    if (t.positions.has(perp.def.name)) return;
    const lots = this.positionLots(perp, this.balance(t));
    if (lots !== 0n) t.positions.set(perp.def.name, lots);
  }

  /** Funding rounds due by now: each interval's rate published at its start, its funding paid at its end. */
  advance(until = this.sim.now): void {
    for (;;) {
      const publishAt = this.nextPublish * INTERVAL_NS + 1e9;
      const payAt = (this.nextPay + 1) * INTERVAL_NS - 60e9;
      if (this.nextPublish < 3 && publishAt <= until && publishAt <= payAt) {
        for (const perp of this.perps) {
          const rng = this.sim.rng;
          const decimals = rng.chance(0.8) ? 6 : 5;
          const units = BigInt((rng.int(2) === 0 ? 1 : -1) * rng.range(1, 300));
          const rate = { units, decimals };
          this.cleanRates.set(`${perp.def.name}|${this.nextPublish}`, rate);
          this.publish(perp, this.nextPublish * INTERVAL_NS, rate, { at: publishAt });
        }
        this.nextPublish++;
      } else if (this.nextPay < this.nextPublish && payAt <= until) {
        for (const perp of this.perps) {
          const rate = this.cleanRates.get(`${perp.def.name}|${this.nextPay}`) as Scaled;
          for (const t of this.traders) {
            const qty = t.positions.get(perp.def.name);
            if (qty !== undefined) this.funding(t, perp, this.nextPay * INTERVAL_NS, qty, rate, { at: payAt });
          }
        }
        this.nextPay++;
      } else return;
    }
  }

  /** One ordinary margin event. */
  step(): void {
    const rng = this.sim.rng;
    this.walkMarks();
    const r = rng.next();
    if (r < 0.22) {
      const t = this.trader() as Trader;
      this.deposit(t.id, this.cents(1_000, 100_000) * 100n);
    } else if (r < 0.36) {
      const t = this.trader((x) => this.balance(x) > 0n);
      if (t === undefined) return;
      const free = this.balance(t) - this.notional(t);
      if (t.positions.size === 0 && rng.chance(0.15)) {
        // Everything out: a balance of exactly zero is not below zero.
        this.simple('withdraw', t.id, this.balance(t));
      } else if (free > 100n * CENT) {
        this.simple('withdraw', t.id, ((free * BigInt(rng.range(1, 50))) / 100n / CENT) * CENT + CENT);
      }
    } else if (r < 0.52) {
      const t = this.trader((x) => this.balance(x) > 1_000n * UNIT);
      if (t !== undefined) this.simple('fee', t.id, BigInt(rng.range(50, 5_000)) * CENT);
    } else if (r < 0.74) {
      const t = this.trader((x) => this.balance(x) > 5_000n * UNIT);
      if (t === undefined) return;
      if (t.positions.size === 0 || rng.chance(0.3)) {
        this.open(t);
        return;
      }
      const [sym] = rng.pick([...t.positions]);
      const b = this.balance(t);
      const pnl = rng.chance(0.5) ? (b * BigInt(rng.range(1, 20))) / 100n : -(b * BigInt(rng.range(1, 20))) / 100n;
      this.pnl(t.id, sym, (pnl / CENT) * CENT || CENT);
      if (rng.chance(0.4)) t.positions.delete(sym);
    } else if (r < 0.8) {
      this.contribute(this.cents(100, 20_000));
    } else if (r < 0.84) {
      this.cleanLiquidation();
    }
  }

  /**
   * A liquidation with no deficit (sometimes leaving exactly zero: no deficit), or with a deficit covered at once:
   * by a payout when the fund holds enough, else by what the fund holds and auto-deleveraging for the rest.
   */
  private cleanLiquidation(): void {
    const rng = this.sim.rng;
    const t = this.trader((x) => x.positions.size > 0 && this.balance(x) > 0n);
    if (t === undefined) return;
    const [sym, qty] = rng.pick([...t.positions]);
    const perp = this.perps.find((p) => p.def.name === sym) as Perp;
    const b = this.balance(t);
    const r = rng.next();
    if (r < 0.4) {
      this.liquidate(t, perp, qty, -((b * BigInt(rng.range(50, 99))) / 100n));
      return;
    }
    if (r < 0.55) {
      this.liquidate(t, perp, qty, -b);
      return;
    }
    const deficit = this.cents(100, 20_000) * (rng.chance(0.2) ? 100n : 1n);
    const liq = this.liquidate(t, perp, qty, -(b + deficit));
    this.waterfall(liq, t, perp, qty, deficit);
  }

  /** Covers `deficit` of `liq`: the fund first (as far as it holds), then ADL from one or two opposite positions. */
  private waterfall(liq: string, t: Trader, perp: Perp, qty: bigint, deficit: bigint): void {
    const fund = this.ledger.fund;
    if (fund >= deficit) {
      this.payout(t.id, deficit, liq);
      return;
    }
    let left = deficit;
    if (fund > 0n) {
      this.payout(t.id, fund, liq);
      left -= fund;
    }
    const parts = left > CENT && this.sim.rng.chance(0.4) ? 2 : 1;
    for (let k = 0; k < parts; k++) {
      const amount = k === parts - 1 ? left : left / 2n;
      const c = this.funded(amount + 100n * UNIT, t);
      this.adl(c, perp, -qty, amount, liq);
      left -= amount;
    }
  }

  /** End of the period: the funding rounds still due, then PERP-5 on what stayed uncovered. */
  finish(): void {
    this.advance(PERIOD_NS - 1);
    this.ledger.finish();
  }

  // ---- injections: PERP-3, PERP-4 ------------------------------------------------------------------------------
  /** PERP-3: margin posted in a stablecoin that is not HKMA-licensed, a virtual asset or a security. */
  injectPerp3(): void {
    const t = this.trader() as Trader;
    this.deposit(t.id, this.cents(1_000, 50_000) * 100n, this.sim.rng.pick(REFUSED_ASSETS));
  }

  /**
   * PERP-4: platform credit, or a withdrawal, fee, loss or funding payment leaving the balance below zero (by one
   * cent, or more); then the client tops the balance up. `unknown-account-credit`: credit to an account absent from
   * `accounts` (DQ-5 as well; judged as any other).
   */
  injectPerp4(kind: Perp4Kind): void {
    const rng = this.sim.rng;
    if (kind === 'credit') {
      this.simple('credit', (this.trader() as Trader).id, this.cents(1_000, 20_000) * 100n);
      return;
    }
    if (kind === 'unknown-account-credit') {
      const id = `C-MARGIN-UNREG-${++this.injNo}`;
      this.simple('credit', id, this.cents(1_000, 20_000) * 100n);
      this.simple('withdraw', id, this.ledger.balance(id));
      return;
    }
    const t = this.trader() as Trader;
    const b = this.balance(t);
    const over = rng.chance(0.5) ? CENT : this.cents(1, 10_000) * 100n;
    if (kind === 'withdraw') this.simple('withdraw', t.id, b > 0n ? b + over : over);
    else if (kind === 'fee') this.simple('fee', t.id, b > 0n ? b + over : over);
    else if (kind === 'pnl') this.pnl(t.id, this.perp().def.name, -((b > 0n ? b : 0n) + over));
    else this.fundingBelowZero(t);
    this.topUp(t);
  }

  /** A funding payment bigger than what is left: first the client withdraws all but a few units. */
  private fundingBelowZero(t: Trader): void {
    const perp = this.perp();
    const interval = this.scenarioInterval();
    const rate = { units: 25n, decimals: 5 };
    const qty = BigInt(1 + this.sim.rng.int(200));
    const due = expectedFunding({ units: qty, decimals: perp.def.qtyDec }, this.markOf(perp), rate);
    const b = this.balance(t);
    const keep = -due - 1n; // one unit short of the payment
    if (b > keep) this.simple('withdraw', t.id, b - keep);
    else if (b < keep) this.deposit(t.id, keep - b);
    this.publish(perp, interval, rate);
    this.funding(t, perp, interval, qty, rate);
  }

  /**
   * Near misses of PERP-4: a withdrawal leaving exactly zero; and, after a withdrawal that leaves the balance below
   * zero (a finding), a fee (judged on the balance after it even though it was already negative: a finding too) and
   * a profit that leaves the balance still negative (not a balance-reducing event: no finding).
   */
  nearMissPerp4(kind: 'withdraw-to-zero' | 'positive-while-negative'): void {
    const t = this.trader() as Trader;
    t.positions.clear(); // closed before: no funding falls on the emptied account
    if (kind === 'withdraw-to-zero') {
      if (this.balance(t) <= 0n) this.deposit(t.id, this.cents(100, 10_000) * 100n);
      this.simple('withdraw', t.id, this.balance(t));
      return;
    }
    this.simple('withdraw', t.id, this.balance(t) + this.cents(1_000, 5_000) * 100n);
    this.simple('fee', t.id, this.cents(1, 500) * 100n);
    this.pnl(t.id, this.perp().def.name, CENT * 10n);
    this.topUp(t);
  }

  // ---- injections: the loss waterfall (PERP-5, PERP-6) ---------------------------------------------------------
  /** A liquidation leaving `deficit` below zero (of a position opened for it when the trader holds none). */
  private deficitLiquidation(
    deficit: bigint,
    t = this.funded(1_000n * UNIT),
  ): { liq: string; t: Trader; perp: Perp; qty: bigint } {
    const perp = this.perp();
    const qty =
      t.positions.get(perp.def.name) ?? BigInt(this.sim.rng.range(1, 500)) * (this.sim.rng.chance(0.5) ? 1n : -1n);
    const liq = this.liquidate(t, perp, qty, -(this.balance(t) + deficit));
    return { liq, t, perp, qty };
  }

  /** An insurance fund holding at least `atLeast` (10^-8 units), by a contribution when it holds less. */
  private fundAtLeast(atLeast: bigint): bigint {
    if (this.ledger.fund < atLeast) this.contribute(atLeast - this.ledger.fund + this.cents(100, 10_000) * 100n);
    return this.ledger.fund;
  }

  /**
   * PERP-5: a deficit not fully covered by the end of the ledger — partly paid out, not covered at all, paid out under
   * a `ref` that names no liquidation (DQ-5), or paid out before the liquidation it names (DQ-5: not at a lower seq).
   */
  injectPerp5(kind: Perp5Kind): void {
    const deficit = this.cents(500, 30_000) * 100n;
    if (kind === 'early-ref') {
      // The payout comes first, naming the liquidation's event_id that is about to be written.
      const t = this.funded(1_000n * UNIT);
      this.fundAtLeast(deficit);
      this.payout(t.id, deficit, `m-${this.eventNo + 2}`);
      const { t: lt } = this.deficitLiquidation(deficit, t);
      this.topUp(lt);
      return;
    }
    this.fundAtLeast(deficit);
    const { liq, t } = this.deficitLiquidation(deficit);
    if (kind === 'partial') this.payout(t.id, deficit - this.cents(1, 400) * 100n, liq);
    else if (kind === 'unknown-ref') this.payout(t.id, deficit, `m-void-${++this.injNo}`);
    this.topUp(t);
  }

  /**
   * PERP-6: ADL while the fund, just before it, held at least what was still uncovered — exactly as much, more, or
   * anything at all when nothing was left to cover (after a full payout, or of a liquidation without deficit).
   */
  injectPerp6(kind: Perp6Kind): void {
    const small = this.cents(100, 5_000) * 100n;
    const fund = this.fundAtLeast(1_000n * UNIT + small);
    if (kind === 'no-deficit') {
      const t = this.funded(1_000n * UNIT);
      const perp = this.perp();
      const qty = BigInt(this.sim.rng.range(1, 300));
      const liq = this.liquidate(t, perp, qty, -this.balance(t));
      this.adl(this.funded(10_000n * UNIT, t), perp, -qty, this.cents(100, 5_000) * 100n, liq);
      return;
    }
    const deficit = kind === 'fund-equal' ? fund : kind === 'fund-could-cover' ? (fund / 2n / CENT) * CENT : small;
    const { liq, t, perp, qty } = this.deficitLiquidation(deficit);
    if (kind === 'nothing-left') this.payout(t.id, deficit, liq);
    const amount = kind === 'nothing-left' ? this.cents(1, 1_000) * 100n : deficit;
    this.adl(this.funded(amount + 100n * UNIT, t), perp, -qty, amount, liq);
  }

  /**
   * Near misses of the waterfall: a deficit covered by two payouts; a payout larger than the deficit; the fund paying
   * out all it holds and ADL the rest; ADL while the fund holds one cent less than what is uncovered; ADL naming no
   * liquidation (DQ-5, not tested by PERP-6).
   */
  nearMissWaterfall(
    kind: 'split-cover' | 'over-cover' | 'waterfall' | 'fund-short-by-a-cent' | 'adl-unknown-ref',
  ): void {
    if (kind === 'adl-unknown-ref') {
      this.fundAtLeast(1_000n * UNIT);
      const perp = this.perp();
      const ref = `m-void-${++this.injNo}`;
      this.adl(
        this.funded(10_000n * UNIT),
        perp,
        BigInt(this.sim.rng.range(1, 300)),
        this.cents(100, 5_000) * 100n,
        ref,
      );
      return;
    }
    if (kind === 'fund-short-by-a-cent') {
      const fund = this.fundAtLeast(1_000n * UNIT);
      const { liq, t, perp, qty } = this.deficitLiquidation(fund + CENT);
      this.adl(this.funded(fund + 100n * UNIT, t), perp, -qty, fund + CENT, liq);
      return;
    }
    if (kind === 'waterfall') {
      const fund = this.fundAtLeast(100n * UNIT);
      const deficit = fund + this.cents(100, 50_000) * 100n;
      const { liq, t, perp, qty } = this.deficitLiquidation(deficit);
      this.waterfall(liq, t, perp, qty, deficit);
      return;
    }
    const deficit = this.cents(500, 20_000) * 100n;
    this.fundAtLeast(deficit * 2n);
    const { liq, t } = this.deficitLiquidation(deficit);
    if (kind === 'split-cover') {
      const first = (deficit / 3n / CENT) * CENT;
      this.payout(t.id, first, liq);
      this.payout(t.id, deficit - first, liq);
    } else {
      this.payout(t.id, deficit + this.cents(1, 1_000) * 100n, liq);
    }
  }

  // ---- injections: funding (PERP-7) ----------------------------------------------------------------------------
  /** A funding interval no other funding uses (off the 8-hour grid), so that its publications are the scenario's. */
  private scenarioInterval(): number {
    const k = ++this.scenarioIntervals;
    if (k >= 800) throw new GeneratorError('too many funding scenarios for distinct intervals');
    return HOUR_NS + k * 30e9;
  }

  /**
   * A position, mark and rate whose exact funding ends in a 5 just past the 8th decimal (a tie), for `perp`:
   * odd lots, an odd multiple of 5 price units, an odd rate with the decimals that make 9 in all.
   */
  private tie(perp: Perp, sign: 1n | -1n): { qty: bigint; rate: Scaled } {
    const decimals = 9 - perp.def.qtyDec - perp.def.pxDec;
    if (decimals < 1 || perp.def.step % 5 !== 0) throw new GeneratorError(`no funding tie on ${perp.def.name}`);
    if (perp.mark % 10 !== 5) perp.mark = Math.floor(perp.mark / 10) * 10 + 5;
    const rate = { units: sign * BigInt(2 * this.sim.rng.range(0, 20) + 1), decimals };
    return { qty: BigInt(2 * this.sim.rng.range(0, 250) + 1) * (this.sim.rng.chance(0.5) ? 1n : -1n), rate };
  }

  /**
   * PERP-7: a funding at a superseded rate, for an interval whose rate was never published, whose only rate shares
   * its own seq (DQ-2 as well), with a tie rounded toward zero, or with both a wrong rate and a wrong amount.
   */
  injectPerp7(kind: Perp7Kind): void {
    const rng = this.sim.rng;
    const perp = this.perp();
    const interval = this.scenarioInterval();
    const t = this.funded(10_000n * UNIT);
    const qty = BigInt(rng.range(1, 800)) * (rng.chance(0.5) ? 1n : -1n);
    const rate = { units: BigInt(rng.range(1, 400)), decimals: 6 };
    if (kind === 'stale-rate' || kind === 'rate-and-amount') {
      this.publish(perp, interval, rate);
      this.publish(perp, interval, { units: rate.units + 7n, decimals: 6 });
      const amount =
        kind === 'stale-rate'
          ? undefined
          : expectedFunding({ units: qty, decimals: perp.def.qtyDec }, this.markOf(perp), rate) + CENT;
      this.funding(t, perp, interval, qty, rate, { amount });
    } else if (kind === 'unpublished') {
      this.funding(t, perp, interval, qty, rate);
    } else if (kind === 'own-seq') {
      const seq = this.publish(perp, interval, rate);
      this.funding(t, perp, interval, qty, rate, { seq });
      this.sim.gt.add('DQ-2', `margin:${seq}`, 'high');
    } else {
      const tie = this.tie(perp, rng.chance(0.5) ? 1n : -1n);
      this.publish(perp, interval, tie.rate);
      const exact = expectedFunding({ units: tie.qty, decimals: perp.def.qtyDec }, this.markOf(perp), tie.rate);
      this.funding(t, perp, interval, tie.qty, tie.rate, { amount: exact > 0n ? exact - 1n : exact + 1n });
    }
  }

  /**
   * Near misses of PERP-7: ties rounded half away from zero on both signs (a payment, −0.000000005 written −0.00000001,
   * and a receipt, +0.000000005 written 0.00000001; the rate's sign drawn, the position's sign following); a rate published again at the funding's own seq (DQ-2) while the one
   * before it is the rate used; `interval_start` written as the same instant in other digits; the corrected rate of an
   * interval published twice.
   */
  nearMissFunding(
    kind: 'tie-paid' | 'tie-received' | 'own-seq-ignored' | 'interval-as-instant' | 'corrected-rate',
  ): void {
    const rng = this.sim.rng;
    const perp = this.perp();
    const interval = this.scenarioInterval();
    const t = this.funded(10_000n * UNIT);
    if (kind === 'tie-paid' || kind === 'tie-received') {
      const tie = this.tie(perp, rng.chance(0.5) ? 1n : -1n);
      // The amount is −qty × mark × rate: paid when qty and rate share a sign.
      const same = tie.qty < 0n === tie.rate.units < 0n;
      const qty = same === (kind === 'tie-paid') ? tie.qty : -tie.qty;
      this.publish(perp, interval, tie.rate);
      this.funding(t, perp, interval, qty, tie.rate);
      return;
    }
    const qty = BigInt(rng.range(1, 800)) * (rng.chance(0.5) ? 1n : -1n);
    const rate = { units: BigInt(rng.range(1, 400)), decimals: 6 };
    if (kind === 'own-seq-ignored') {
      this.publish(perp, interval, rate);
      const seq = this.publish(perp, interval, { units: rate.units + 3n, decimals: 6 });
      this.funding(t, perp, interval, qty, rate, { seq });
      this.sim.gt.add('DQ-2', `margin:${seq}`, 'high');
    } else if (kind === 'interval-as-instant') {
      this.publish(perp, interval, rate);
      this.funding(t, perp, interval, qty, rate, { interval: this.sim.ts(interval).replace('Z', '.000Z') });
    } else {
      this.publish(perp, interval, { units: rate.units + 11n, decimals: 6 });
      this.publish(perp, interval, { units: rate.units * 10n, decimals: 7 });
      this.funding(t, perp, interval, qty, rate);
    }
  }

  // ---- injections: data quality of `margin` --------------------------------------------------------------------
  /** DQ-5: margin of an account absent from `accounts`, or a loss on a symbol absent from `instruments`. */
  injectDq5(kind: 'account' | 'symbol'): void {
    if (kind === 'account') {
      const id = `C-MARGIN-UNREG-${++this.injNo}`;
      this.deposit(id, this.cents(1_000, 20_000) * 100n);
      return;
    }
    const t = this.funded(1_000n * UNIT);
    this.pnl(t.id, `UNLISTED${++this.injNo}-PERP`, -this.cents(1, 10_000));
  }

  /** Near miss of DQ-5: a profit booked on a spot symbol of `instruments` (any instrument of the reference is known). */
  nearMissSpotSymbol(): void {
    const spot = this.ref.symbols.find((s) => s.product === 'spot');
    if (spot === undefined) return;
    this.pnl((this.trader() as Trader).id, spot.name, this.cents(1, 10_000));
  }

  /** DQ-1: a malformed fee (set aside: it moves no balance; its seq becomes a gap). */
  injectDq1(): void {
    const t = this.trader() as Trader;
    this.emit(this.base('fee', t.id, this.cents(1, 500)), { bad: this.sim.rng.int(4) });
  }

  /** DQ-2: a funding rate written twice with the same seq (the same rate: harmless to funding). */
  injectDq2(): void {
    const perp = this.perp();
    const interval = this.scenarioInterval();
    const rate = { units: BigInt(this.sim.rng.range(1, 300)), decimals: 6 };
    const seq = this.publish(perp, interval, rate);
    this.publish(perp, interval, rate, { seq });
    this.sim.gt.add('DQ-2', `margin:${seq}`, 'high');
  }

  injectDq4(): void {
    this.sim.dropSeqsOf('margin', 1 + this.sim.rng.int(3));
  }
}
