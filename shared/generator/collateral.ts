/**
 * Collateral and margin-loan ledger of a broker lending against virtual assets (and listed shares), replayed with
 * the same model RULES.md's NRH and MF checks use: per-wallet ledger holdings, loan lots (one per pledge, reduced
 * oldest first by releases and enforcements), lending value with h = max(haircut, floor) for eligible VA, no value
 * for ineligible VA, latest price from the most recent valuation or pledge.
 *
 * Arithmetic is exact in integers: quantities in 1e-8 units, prices and amounts in cents, haircuts in basis points;
 * lending values compare as BigInt. Clean flow keeps every draw within 80 % of lending value, pledges at the latest
 * price, calls margin (then repays) for every loan a valuation leaves under water, and reports balances equal to the
 * ledger holdings. Injections break exactly one of these at a time.
 */
import type { Sim } from './context.js';
import { HOUR_NS, PERIOD_NS } from './context.js';
import { GeneratorError } from './errors.js';
import { scaledDecimal } from './format.js';
import type { Acct } from './model.js';
import { COLL_WALLETS, EXTERNAL_WALLETS, HOUSE_WALLET, MM_WALLET, type Reference } from './reference.js';
import type { ValuationWatch } from './valuationWatch.js';
import type { Cell } from './writer.js';

/** RULES.md default parameters; the ground truth assumes them. */
const HAIRCUT_FLOOR_BP = 6000;
const ELIGIBLE_VA = new Set(['BTC', 'ETH']);
const Q = 100_000_000; // quantity units per asset unit
/** Lending value in cents = Σ qty units × price cents × (10,000 − haircut bp) / SCALE. */
const SCALE = BigInt(Q) * 10_000n;

type AssetClass = 'virtual_asset' | 'security' | 'fiat' | 'stablecoin';

interface AssetDef {
  asset: string;
  cls: AssetClass;
  /** Quantity decimals shown (quantities are multiples of 10^(8-dp) units). */
  dp: number;
  /** Price in cents, or null when the asset is never valued (cash). */
  price: number | null;
  /** Daily volatility of the valuation random walk. */
  vol: number;
  /** Typical quantity in asset units. */
  size: number;
}

const ASSETS: Record<string, AssetDef> = {
  BTC: { asset: 'BTC', cls: 'virtual_asset', dp: 8, price: 9_700_012, vol: 0.03, size: 1.5 },
  ETH: { asset: 'ETH', cls: 'virtual_asset', dp: 6, price: 341_257, vol: 0.04, size: 20 },
  SOL: { asset: 'SOL', cls: 'virtual_asset', dp: 4, price: 18_235, vol: 0.05, size: 300 },
  '0700.HK': { asset: '0700.HK', cls: 'security', dp: 0, price: 38_520, vol: 0.015, size: 800 },
  HKD: { asset: 'HKD', cls: 'fiat', dp: 2, price: null, vol: 0, size: 200_000 },
  USDC: { asset: 'USDC', cls: 'stablecoin', dp: 6, price: null, vol: 0, size: 50_000 },
};
const VALUED = ['BTC', 'ETH', '0700.HK', 'SOL'] as const;
/** Virtual assets of ordinary flow: contract 2 values each at least this often while a loan holds it (MF-7). */
const WATCHED = ['BTC', 'ETH', 'SOL'] as const;
const HEARTBEAT_NS = 8 * 60e9;
/** The default `valuation_max_gap`; the MF-7 scenarios sit on either side of it. */
export const VALUATION_MAX_GAP_NS = 15 * 60e9;

interface Lot {
  asset: string;
  qty: number;
  hbp: number;
}

interface Loan {
  id: string;
  acct: Acct;
  wallet: string;
  lots: Lot[];
  /** Outstanding amount in cents. */
  out: number;
  allowDraw: boolean;
  /** MF-6 injection: no margin call for this loan until this time (ns); Infinity while the drop is pending. */
  quietUntil: number;
}

export class Collateral {
  private readonly prices = new Map<string, number>();
  private readonly holdings = new Map<string, Map<string, number>>();
  private readonly loans: Loan[] = [];
  private readonly creditLimit = new Map<string, number>();
  private readonly firstVaPledge = new Map<string, number>();
  private readonly loanCap: number;
  private clock = 0;
  private eventNo = 0;
  private loanNo = 0;
  private injNo = 0;
  private valuationsPerAsset: number;
  /** Contract 2: virtual assets of the MF-7 scenarios (never in ordinary flow), and their timed events. */
  private readonly scenarioAssets = new Map<string, AssetDef>();
  private readonly scheduled: { due: number; run: () => void }[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly ref: Reference,
    expectedEvents: number,
    /** Contract 2: the MF-7 ground truth, fed every event as it is written (and the heartbeat's clock). */
    private readonly watch?: ValuationWatch,
  ) {
    for (const a of Object.values(ASSETS)) if (a.price !== null) this.prices.set(a.asset, a.price);
    this.loanCap = Math.max(12, Math.min(150, ref.marginClients.length * 2));
    this.valuationsPerAsset = Math.max(10, (expectedEvents * 0.18) / VALUED.length);
  }

  // ---- plumbing ----------------------------------------------------------------------------------------------
  private def(asset: string): AssetDef {
    const a = ASSETS[asset] ?? this.scenarioAssets.get(asset);
    if (a === undefined) throw new GeneratorError(`unknown collateral asset ${asset}`);
    return a;
  }

  private tick(gapNs = 1_000_000): number {
    this.clock = Math.min(PERIOD_NS - 1, Math.max(this.clock + gapNs, this.sim.now));
    return this.clock;
  }

  private emit(
    event: string,
    f: {
      account?: string | null;
      asset?: string | null;
      cls?: string | null;
      qty?: string | null;
      from?: string | null;
      to?: string | null;
      loan?: string | null;
      price?: string | null;
      haircut?: string | null;
      amount?: string | null;
      counterparty?: string | null;
    },
    opts: { gapNs?: number; bad?: number; duplicate?: boolean; at?: number; lot?: number } = {},
  ): { id: string; seq: number; ts: number } {
    // `at`: an exact time (a scenario's, possibly a little before the clock); otherwise the clock moves on.
    let ts: number;
    if (opts.at === undefined) ts = this.tick(opts.gapNs);
    else {
      ts = Math.min(PERIOD_NS - 1, opts.at);
      this.clock = Math.max(this.clock, ts);
    }
    const seq = this.sim.nextCollSeq();
    const id = `c-${++this.eventNo}`;
    const cells: Cell[] = [
      seq,
      this.sim.ts(ts),
      id,
      event,
      f.account ?? null,
      f.asset ?? null,
      f.cls ?? null,
      f.qty ?? null,
      f.from ?? null,
      f.to ?? null,
      f.loan ?? null,
      f.price ?? null,
      f.haircut ?? null,
      f.amount ?? null,
      f.counterparty ?? null,
    ];
    this.sim.collateral(cells, opts.bad);
    if (opts.bad === undefined) {
      this.watch?.see({
        event,
        asset: f.asset ?? null,
        loan: f.loan ?? null,
        assetClass: f.cls ?? null,
        units: opts.lot ?? 0,
        tsNs: ts,
      });
    }
    if (opts.duplicate) {
      this.sim.collateral([...cells]);
      this.sim.gt.add('DQ-2', `collateral:${seq}`, 'high');
    }
    return { id, seq, ts };
  }

  /** Quantities are in 1e-8 units; the text drops trailing zeros (and sometimes keeps one). */
  private qtyText(units: number): string {
    return scaledDecimal(units, 8, this.sim.rng.chance(0.05) ? 1 : 0);
  }

  private priceText(cents: number): string {
    return scaledDecimal(cents, 2, this.sim.rng.chance(0.25) ? 1 : 0);
  }

  private cash(cents: number): string {
    return scaledDecimal(cents, 2, this.sim.rng.chance(0.3) ? 1 : 0);
  }

  private hold(wallet: string, asset: string): number {
    return this.holdings.get(wallet)?.get(asset) ?? 0;
  }

  private move(from: string | null, to: string | null, asset: string, units: number): void {
    for (const [w, sign] of [
      [from, -1],
      [to, 1],
    ] as const) {
      if (w === null) continue;
      let m = this.holdings.get(w);
      if (m === undefined) {
        m = new Map();
        this.holdings.set(w, m);
      }
      m.set(asset, (m.get(asset) ?? 0) + sign * units);
    }
  }

  /** A random quantity of `asset`, a multiple of its smallest shown unit, in 1e-8 units. */
  private randomQty(asset: string, scale = 1): number {
    const a = this.def(asset);
    const unit = 10 ** (8 - a.dp);
    const units = Math.max(1, Math.round((a.size * scale * (0.2 + this.sim.rng.next() * 1.6) * Q) / unit));
    return units * unit;
  }

  // ---- loan model (RULES.md MF) ------------------------------------------------------------------------------
  private effectiveHaircutBp(lot: Lot): number {
    const a = this.def(lot.asset);
    if (a.cls === 'virtual_asset') return ELIGIBLE_VA.has(lot.asset) ? Math.max(lot.hbp, HAIRCUT_FLOOR_BP) : 10_000;
    return lot.hbp;
  }

  /** Lending value × SCALE (exact). */
  private lendingScaled(loan: Loan): bigint {
    let v = 0n;
    for (const lot of loan.lots) {
      if (lot.qty <= 0) continue;
      const p = this.prices.get(lot.asset) ?? 0;
      v += BigInt(lot.qty) * BigInt(p) * BigInt(10_000 - this.effectiveHaircutBp(lot));
    }
    return v;
  }

  private lendingCents(loan: Loan, fraction = 1): number {
    const f = BigInt(Math.round(fraction * 10_000));
    return Number((this.lendingScaled(loan) * f) / (SCALE * 10_000n));
  }

  private underwater(loan: Loan): boolean {
    return BigInt(loan.out) * SCALE > this.lendingScaled(loan);
  }

  private holdsAsset(loan: Loan, asset: string): boolean {
    let q = 0;
    for (const lot of loan.lots) if (lot.asset === asset) q += lot.qty;
    return q > 0;
  }

  private reduceLots(loan: Loan, asset: string, units: number): void {
    let left = units;
    for (const lot of loan.lots) {
      if (left <= 0) break;
      if (lot.asset !== asset || lot.qty <= 0) continue;
      const take = Math.min(lot.qty, left);
      lot.qty -= take;
      left -= take;
    }
  }

  private lotTotal(loan: Loan, asset: string): number {
    let q = 0;
    for (const lot of loan.lots) if (lot.asset === asset) q += lot.qty;
    return q;
  }

  private closeIfDone(loan: Loan): void {
    if (loan.out === 0 && loan.lots.every((l) => l.qty <= 0) && loan.quietUntil < this.clock) {
      const i = this.loans.indexOf(loan);
      if (i >= 0) this.loans.splice(i, 1);
    }
  }

  // ---- events ------------------------------------------------------------------------------------------------
  private deposit(acct: Acct, asset: string, units: number): void {
    const a = this.def(asset);
    const w = acct.freeWallet as string;
    this.emit('deposit', { account: acct.id, asset, cls: a.cls, qty: this.qtyText(units), to: w });
    this.move(null, w, asset, units);
  }

  /** Pledges from the client's free wallet (depositing first when short) into `wallet` for `loan`. */
  private pledge(loan: Loan, asset: string, units: number, haircut: string, at?: number): { id: string; ts: number } {
    const a = this.def(asset);
    const free = loan.acct.freeWallet as string;
    const have = this.hold(free, asset);
    if (have < units) this.deposit(loan.acct, asset, units - have + this.randomQty(asset, 0.2));
    const price = this.prices.get(asset) as number;
    const e = this.emit(
      'pledge',
      {
        account: loan.acct.id,
        asset,
        cls: a.cls,
        qty: this.qtyText(units),
        from: free,
        to: loan.wallet,
        loan: loan.id,
        price: this.priceText(price),
        haircut,
      },
      { at, lot: units },
    );
    this.move(free, loan.wallet, asset, units);
    loan.lots.push({ asset, qty: units, hbp: Math.round(Number(haircut) * 10_000) });
    if (a.cls === 'virtual_asset' && !this.firstVaPledge.has(loan.acct.id)) this.firstVaPledge.set(loan.acct.id, e.ts);
    return e;
  }

  private draw(loan: Loan, cents: number): string {
    loan.out += cents;
    return this.emit('loan_draw', { account: loan.acct.id, loan: loan.id, amount: this.cash(cents) }).id;
  }

  private repay(loan: Loan, cents: number, gapNs?: number): void {
    if (cents <= 0) return;
    loan.out -= cents;
    this.emit('loan_repay', { account: loan.acct.id, loan: loan.id, amount: this.cash(cents) }, { gapNs });
  }

  /** Repays down to 80 % of lending value (everything when the collateral has no value). */
  private repayToSafety(loan: Loan, gapNs?: number): void {
    const target = this.lendingCents(loan, 0.8);
    this.repay(loan, loan.out - Math.min(loan.out, target), gapNs);
  }

  private haircutText(): string {
    return this.sim.rng.pick(['0.6', '0.60', '0.65', '0.7', '0.70', '0.75']);
  }

  private newLoan(
    acct: Acct,
    opts: { wallet?: string; asset?: string; haircut?: string; drawFraction?: number } = {},
  ): {
    loan: Loan;
    pledgeId: string;
  } {
    const rng = this.sim.rng;
    const loan: Loan = {
      id: `L-${++this.loanNo}`,
      acct,
      wallet: opts.wallet ?? rng.pick(COLL_WALLETS),
      lots: [],
      out: 0,
      allowDraw: true,
      quietUntil: -1,
    };
    this.loans.push(loan);
    const asset = opts.asset ?? (rng.chance(0.6) ? 'BTC' : 'ETH');
    const p = this.pledge(loan, asset, this.randomQty(asset), opts.haircut ?? this.haircutText());
    if (opts.wallet === undefined && opts.haircut === undefined && rng.chance(0.25)) {
      this.pledge(loan, '0700.HK', this.randomQty('0700.HK'), rng.pick(['0.3', '0.35', '0.4']));
    }
    const f = opts.drawFraction ?? 0.4 + rng.next() * 0.4;
    const cents = this.lendingCents(loan, f);
    if (cents >= 100) this.draw(loan, cents);
    return { loan, pledgeId: p.id };
  }

  private activeLoan(pred: (l: Loan) => boolean): Loan | undefined {
    const c = this.loans.filter(pred);
    return c.length === 0 ? undefined : this.sim.rng.pick(c);
  }

  /** A valuation of `asset`, then a margin call and repayment for each loan it leaves under water. */
  private valuation(asset: string, factor?: number): string {
    const rng = this.sim.rng;
    const a = this.def(asset);
    const old = this.prices.get(asset) as number;
    const sigma = a.vol / Math.sqrt(this.valuationsPerAsset);
    const z = (rng.next() + rng.next() + rng.next() - 1.5) * 2;
    const next = Math.max(1, Math.round(old * (factor ?? 1 + sigma * z)));
    this.prices.set(asset, next);
    const v = this.emit('valuation', { asset, price: this.priceText(next) });
    for (const loan of [...this.loans]) {
      if (!this.holdsAsset(loan, asset) || !this.underwater(loan)) continue;
      if (loan.quietUntil >= v.ts) {
        // MF-6: no margin call within the window for this loan; the client tops up by repaying instead.
        this.sim.gt.add('MF-6', v.id, 'medium');
        loan.quietUntil = v.ts + HOUR_NS;
        this.repayToSafety(loan, 5_000_000_000);
        continue;
      }
      this.emit('margin_call', { account: loan.acct.id, loan: loan.id }, { gapNs: 2_000_000_000 });
      this.repayToSafety(loan, 60_000_000_000);
    }
    return v.id;
  }

  private balance(wallet: string, asset: string, opts: { bad?: number; duplicate?: boolean; short?: boolean } = {}) {
    const h = this.hold(wallet, asset);
    let units = Math.max(0, h);
    if (opts.short) units = Math.floor((h * 9) / 10 / 100) * 100;
    return this.emit('balance', { from: wallet, asset, qty: this.qtyText(units) }, opts);
  }

  private collateralWalletWithHoldings(): { wallet: string; asset: string } | undefined {
    let best: { wallet: string; asset: string; h: number } | undefined;
    for (const w of COLL_WALLETS) {
      for (const asset of ['BTC', 'ETH', '0700.HK']) {
        const h = this.hold(w, asset);
        if (h > 1000 && (best === undefined || h > best.h)) best = { wallet: w, asset, h };
      }
    }
    return best;
  }

  // ---- the ledger's ordinary day -----------------------------------------------------------------------------
  /** Opening credit limits of the margin clients. */
  start(): void {
    for (const c of this.ref.marginClients) {
      if (!this.sim.rng.chance(0.7)) continue;
      const cents = (5 + this.sim.rng.int(96)) * 10_000_00;
      this.creditLimit.set(c.id, cents);
      this.emit('credit_limit', { account: c.id, amount: this.cash(cents) });
    }
  }

  step(): void {
    const rng = this.sim.rng;
    const r = rng.next();
    if (r < 0.18) {
      const asset = rng.chance(0.92) ? rng.pick(['BTC', 'ETH', '0700.HK']) : 'SOL';
      this.valuation(asset);
    } else if (r < 0.28) {
      if (this.loans.length < this.loanCap) this.newLoan(rng.pick(this.ref.marginClients));
      else this.balance(rng.pick(COLL_WALLETS), 'BTC');
    } else if (r < 0.4) {
      const loan = this.activeLoan((l) => l.allowDraw);
      if (loan === undefined) return;
      const head = this.lendingCents(loan, 0.8) - loan.out;
      if (head >= 100) this.draw(loan, Math.max(100, Math.floor(head * (0.2 + rng.next() * 0.8))));
    } else if (r < 0.52) {
      const loan = this.activeLoan((l) => l.out > 0);
      if (loan !== undefined)
        this.repay(loan, rng.chance(0.3) ? loan.out : Math.max(1, Math.floor(loan.out * rng.next())));
    } else if (r < 0.6) {
      this.releaseSome();
    } else if (r < 0.74) {
      this.depositOrWithdraw();
    } else if (r < 0.79) {
      this.cleanTransfer();
    } else if (r < 0.8) {
      const units = this.randomQty('BTC', 3);
      this.emit('encumber', { asset: 'BTC', qty: this.qtyText(units), from: HOUSE_WALLET, counterparty: 'E-BANK-1' });
    } else if (r < 0.84) {
      this.cleanCreditLimit();
    } else if (r < 0.845) {
      this.defaultAndEnforce();
    } else {
      const w = rng.chance(0.7) ? rng.pick(COLL_WALLETS) : (rng.pick(this.ref.clients).freeWallet as string);
      this.balance(w, rng.pick(['BTC', 'ETH', '0700.HK', 'USDC']));
    }
  }

  private releaseSome(): void {
    const loan = this.activeLoan((l) => l.lots.some((x) => x.qty > 0));
    if (loan !== undefined) this.release(loan, loan.acct.freeWallet as string);
  }

  /** Releases part of one lot to `to`, only while the loan stays within 70 % of its lending value afterwards. */
  private release(loan: Loan, to: string, maxFraction = 1): string | undefined {
    const rng = this.sim.rng;
    const lots = loan.lots.filter((x) => x.qty > 0);
    if (lots.length === 0) return undefined;
    const lot = rng.pick(lots);
    const a = this.def(lot.asset);
    const unit = 10 ** (8 - a.dp);
    const total = this.lotTotal(loan, lot.asset);
    const units = Math.min(
      total,
      Math.max(unit, Math.floor((total * maxFraction * (0.2 + rng.next() * 0.8)) / unit) * unit),
    );
    const saved = loan.lots.map((x) => x.qty);
    this.reduceLots(loan, lot.asset, units);
    if (loan.out > 0 && BigInt(loan.out) * SCALE * 10n > this.lendingScaled(loan) * 7n) {
      loan.lots.forEach((x, i) => {
        x.qty = saved[i] as number;
      });
      return undefined;
    }
    const e = this.emit(
      'release',
      { account: loan.acct.id, asset: lot.asset, qty: this.qtyText(units), from: loan.wallet, to, loan: loan.id },
      { lot: units },
    );
    this.move(loan.wallet, to, lot.asset, units);
    this.closeIfDone(loan);
    return e.id;
  }

  private depositOrWithdraw(): void {
    const rng = this.sim.rng;
    const acct = rng.pick(this.ref.clients);
    const asset = rng.pick(['BTC', 'ETH', 'HKD', 'USDC', '0700.HK']);
    const a = this.def(asset);
    const w = acct.freeWallet as string;
    const have = this.hold(w, asset);
    const units = this.randomQty(asset, 0.5);
    if (have >= units && rng.chance(0.5)) {
      this.emit('withdraw', { account: acct.id, asset, cls: a.cls, qty: this.qtyText(units), from: w });
      this.move(w, null, asset, units);
    } else {
      this.deposit(acct, asset, units);
    }
  }

  private cleanTransfer(): void {
    const rng = this.sim.rng;
    const r = rng.next();
    const asset = rng.pick(['BTC', 'USDC']);
    const units = this.randomQty(asset, 2);
    let from: string;
    let to: string;
    if (r < 0.35) [from, to] = [HOUSE_WALLET, rng.pick(EXTERNAL_WALLETS)];
    else if (r < 0.7) [from, to] = [rng.pick(EXTERNAL_WALLETS), HOUSE_WALLET];
    else if (r < 0.85) [from, to] = [MM_WALLET, EXTERNAL_WALLETS[0]];
    else {
      // Between the two segregated collateral wallets: allowed (NRH-1 only concerns leaving client_collateral).
      const src = this.collateralWalletWithHoldings();
      if (src === undefined) return;
      const other = src.wallet === COLL_WALLETS[0] ? COLL_WALLETS[1] : COLL_WALLETS[0];
      const unit = 10 ** (8 - this.def(src.asset).dp);
      const q = Math.max(unit, Math.floor(this.hold(src.wallet, src.asset) / 10 / unit) * unit);
      this.emit('transfer', { asset: src.asset, qty: this.qtyText(q), from: src.wallet, to: other });
      this.move(src.wallet, other, src.asset, q);
      return;
    }
    this.emit('transfer', { asset, qty: this.qtyText(units), from, to });
    this.move(from, to, asset, units);
  }

  /** Credit limits rise only before the client's first VA pledge; afterwards they only fall (MF-5). */
  private cleanCreditLimit(): void {
    const rng = this.sim.rng;
    const c = rng.pick(this.ref.marginClients);
    const cur = this.creditLimit.get(c.id);
    let cents: number;
    if (cur === undefined) cents = (5 + rng.int(96)) * 10_000_00;
    else if (!this.firstVaPledge.has(c.id)) cents = cur + (1 + rng.int(10)) * 10_000_00;
    else cents = Math.max(0, cur - (1 + rng.int(5)) * 1_000_00);
    this.creditLimit.set(c.id, cents);
    this.emit('credit_limit', { account: c.id, amount: this.cash(cents) });
  }

  private defaultAndEnforce(): void {
    const loan = this.activeLoan((l) => l.out > 0 && l.quietUntil < this.clock && l.lots.some((x) => x.qty > 0));
    if (loan === undefined) return;
    this.emit('margin_call', { account: loan.acct.id, loan: loan.id });
    if (this.watch === undefined) {
      this.emit('default', { account: loan.acct.id, loan: loan.id }, { gapNs: HOUR_NS / 2 });
    } else {
      // The half hour before the default is still watched: held assets are valued meanwhile (MF-7).
      const at = Math.max(this.clock + HOUR_NS / 2, this.sim.now);
      this.keepWatch(at);
      this.emit('default', { account: loan.acct.id, loan: loan.id }, { at });
    }
    for (const asset of [...new Set(loan.lots.filter((l) => l.qty > 0).map((l) => l.asset))]) {
      const units = this.lotTotal(loan, asset);
      this.emit(
        'enforce',
        { account: loan.acct.id, asset, qty: this.qtyText(units), from: loan.wallet, to: HOUSE_WALLET, loan: loan.id },
        { lot: units },
      );
      this.move(loan.wallet, HOUSE_WALLET, asset, units);
      this.reduceLots(loan, asset, units);
    }
    // Proceeds of the enforcement settle the loan.
    this.repay(loan, loan.out);
    this.closeIfDone(loan);
  }

  /** End of the period: custody balances of the segregated wallets. */
  finish(): void {
    this.keepWatch(PERIOD_NS - 1);
    for (const w of COLL_WALLETS) for (const asset of ['BTC', 'ETH', '0700.HK', 'SOL']) this.balance(w, asset);
  }

  // ---- injections --------------------------------------------------------------------------------------------
  private ensureCollateralHoldings(): { wallet: string; asset: string } {
    let src = this.collateralWalletWithHoldings();
    if (src === undefined) {
      this.newLoan(this.sim.rng.pick(this.ref.marginClients), { wallet: COLL_WALLETS[0], asset: 'BTC' });
      src = this.collateralWalletWithHoldings();
    }
    if (src === undefined) throw new GeneratorError('no collateral holdings to inject against');
    return src;
  }

  /** NRH-1: collateral moved out of a segregated wallet to the house (or MM) wallet. */
  injectNrh1(): void {
    const src = this.ensureCollateralHoldings();
    const unit = 10 ** (8 - this.def(src.asset).dp);
    const q = Math.max(unit, Math.floor(this.hold(src.wallet, src.asset) / 20 / unit) * unit);
    const to = this.sim.rng.chance(0.7) ? HOUSE_WALLET : MM_WALLET;
    const e = this.emit('transfer', { asset: src.asset, qty: this.qtyText(q), from: src.wallet, to });
    this.move(src.wallet, to, src.asset, q);
    this.sim.gt.add('NRH-1', e.id, 'critical');
  }

  /** NRH-2: part of a healthy loan's collateral enforced with no default declared. */
  injectNrh2(): void {
    const { loan } = this.newLoan(this.sim.rng.pick(this.ref.marginClients), { drawFraction: 0.3 });
    const lot = loan.lots[0] as Lot;
    const unit = 10 ** (8 - this.def(lot.asset).dp);
    const units = Math.max(unit, Math.floor(lot.qty / 10 / unit) * unit);
    const e = this.emit(
      'enforce',
      {
        account: loan.acct.id,
        asset: lot.asset,
        qty: this.qtyText(units),
        from: loan.wallet,
        to: HOUSE_WALLET,
        loan: loan.id,
      },
      { lot: units },
    );
    this.move(loan.wallet, HOUSE_WALLET, lot.asset, units);
    this.reduceLots(loan, lot.asset, units);
    this.sim.gt.add('NRH-2', e.id, 'critical');
  }

  /** NRH-3: a lien granted over a segregated collateral wallet. */
  injectNrh3(): void {
    const src = this.ensureCollateralHoldings();
    const e = this.emit('encumber', {
      asset: src.asset,
      qty: this.qtyText(Math.max(1, Math.floor(this.hold(src.wallet, src.asset) / 2))),
      from: src.wallet,
      counterparty: 'E-BANK-1',
    });
    this.sim.gt.add('NRH-3', e.id, 'critical');
  }

  /** NRH-4: custody reports less than the ledger says the segregated wallet holds. */
  injectNrh4(): void {
    const src = this.ensureCollateralHoldings();
    const e = this.balance(src.wallet, src.asset, { short: true });
    this.sim.gt.add('NRH-4', e.id, 'critical');
  }

  /** NRH-5: a pledge into the house wallet, or a release to a wallet that is not the client's own free wallet. */
  injectNrh5(kind: 'pledge' | 'release'): void {
    const rng = this.sim.rng;
    if (kind === 'pledge') {
      const { pledgeId } = this.newLoan(rng.pick(this.ref.marginClients), { wallet: HOUSE_WALLET });
      this.sim.gt.add('NRH-5', pledgeId, 'high');
      return;
    }
    // A fresh, lightly drawn loan, so that the release keeps it well within its lending value.
    const { loan } = this.newLoan(rng.pick(this.ref.marginClients), { drawFraction: 0.1 });
    // Not the client's own free wallet: the house, or the free wallet of a client of another entity.
    const others = this.ref.clients.filter((c) => c.entity !== loan.acct.entity);
    const to = rng.chance(0.5) || others.length === 0 ? HOUSE_WALLET : (rng.pick(others).freeWallet as string);
    const id = this.release(loan, to, 0.3);
    if (id === undefined) throw new GeneratorError(`could not inject an NRH-5 release on ${loan.id}`);
    this.sim.gt.add('NRH-5', id, 'high');
  }

  /** MF-1: a virtual asset outside BTC/ETH pledged (it adds no lending value). */
  injectMf1(): void {
    const { loan } = this.newLoan(this.sim.rng.pick(this.ref.marginClients), { asset: 'BTC', drawFraction: 0.5 });
    const p = this.pledge(loan, 'SOL', this.randomQty('SOL'), '0.7');
    this.sim.gt.add('MF-1', p.id, 'high');
  }

  /** MF-2: BTC pledged with a haircut below the 60 % floor (lending value still uses the floor). */
  injectMf2(): void {
    const { pledgeId } = this.newLoan(this.sim.rng.pick(this.ref.marginClients), {
      asset: this.sim.rng.chance(0.5) ? 'BTC' : 'ETH',
      haircut: this.sim.rng.pick(['0.5', '0.55', '0.45']),
    });
    this.sim.gt.add('MF-2', pledgeId, 'high');
  }

  /** MF-3: a draw that takes the loan above its lending value; the client repays soon after. */
  injectMf3(): void {
    const { loan } = this.newLoan(this.sim.rng.pick(this.ref.marginClients), { drawFraction: 0.5 });
    const lv = this.lendingScaled(loan);
    const lvCentsCeil = Number((lv + SCALE - 1n) / SCALE);
    const id = this.draw(loan, lvCentsCeil - loan.out + 100 + this.sim.rng.int(500_000));
    this.sim.gt.add('MF-3', id, 'high');
    this.repayToSafety(loan, 30_000_000_000);
  }

  /** MF-4: VA-backed financing for a client who is not a securities margin client (one draw). */
  injectMf4(): void {
    const acct = this.sim.rng.pick(this.ref.plainClients);
    const loan: Loan = {
      id: `L-${++this.loanNo}`,
      acct,
      wallet: this.sim.rng.pick(COLL_WALLETS),
      lots: [],
      out: 0,
      allowDraw: false,
      quietUntil: -1,
    };
    this.loans.push(loan);
    this.pledge(loan, 'BTC', this.randomQty('BTC', 0.5), '0.65');
    const id = this.draw(loan, Math.max(100, this.lendingCents(loan, 0.5)));
    this.sim.gt.add('MF-4', id, 'high');
  }

  /** MF-5: a credit limit raised after the client's first VA pledge. */
  injectMf5(): void {
    const rng = this.sim.rng;
    const c = rng.pick(this.ref.marginClients);
    if (!this.creditLimit.has(c.id)) {
      const cents = (5 + rng.int(96)) * 10_000_00;
      this.creditLimit.set(c.id, cents);
      this.emit('credit_limit', { account: c.id, amount: this.cash(cents) });
    }
    if (!this.firstVaPledge.has(c.id)) this.newLoan(c);
    const cents = (this.creditLimit.get(c.id) as number) + (1 + rng.int(20)) * 10_000_00;
    this.creditLimit.set(c.id, cents);
    const e = this.emit('credit_limit', { account: c.id, amount: this.cash(cents) });
    this.sim.gt.add('MF-5', e.id, 'medium');
  }

  /** MF-6: a loan drawn close to its lending value, a 4 % price drop, and no margin call for it within the window. */
  injectMf6(): void {
    const asset = this.sim.rng.chance(0.5) ? 'BTC' : 'ETH';
    const { loan } = this.newLoan(this.sim.rng.pick(this.ref.marginClients), {
      asset,
      haircut: '0.6',
      drawFraction: 0,
    });
    loan.allowDraw = false;
    this.draw(loan, Math.max(100, this.lendingCents(loan, 0.97)));
    loan.quietUntil = Number.POSITIVE_INFINITY;
    this.valuation(asset, 0.96);
    if (loan.quietUntil === Number.POSITIVE_INFINITY) throw new GeneratorError(`MF-6 injection on ${loan.id} missed`);
  }

  /** DQ-1 / DQ-2 on a custody balance (a harmless record), DQ-4 by skipping collateral seqs, DQ-5 unknown wallet. */
  injectDq1(): void {
    this.balance(this.sim.rng.pick(COLL_WALLETS), 'BTC', { bad: this.sim.rng.int(4) });
  }

  injectDq2(): void {
    this.balance(this.sim.rng.pick(COLL_WALLETS), 'ETH', { duplicate: true });
  }

  injectDq4(): void {
    this.sim.dropCollSeqs(1 + this.sim.rng.int(3));
  }

  injectDq5Wallet(): void {
    const w = `W-UNREG-${++this.injNo}`;
    const units = this.randomQty('USDC');
    this.emit('transfer', { asset: 'USDC', qty: this.qtyText(units), from: HOUSE_WALLET, to: w });
    this.move(HOUSE_WALLET, w, 'USDC', units);
    this.sim.gt.add('DQ-5', w, 'medium');
  }

  // ---- contract 2: real-time monitoring of virtual-asset collateral (MF-7) -------------------------------------
  /**
   * Values every virtual asset of ordinary flow that some loan holds at least every HEARTBEAT_NS up to `target`, and
   * runs the scenario events due by then, in time order. Called where no loan is under water (between steps), so an
   * unchanged price never needs a margin call; a small move is kept only when it leaves every loan within its value.
   */
  keepWatch(until: number): void {
    const watch = this.watch;
    if (watch === undefined) return;
    const target = Math.min(until, PERIOD_NS - 1);
    for (;;) {
      let asset: string | undefined;
      let due = Number.POSITIVE_INFINITY;
      for (const a of WATCHED) {
        const last = watch.lastObservation(a);
        if (last !== undefined && watch.held(a) && last + HEARTBEAT_NS < due) {
          due = last + HEARTBEAT_NS;
          asset = a;
        }
      }
      const next = this.scheduled[0];
      if (next !== undefined && next.due <= target && next.due <= due) {
        this.scheduled.shift();
        next.run();
      } else if (asset !== undefined && due <= target) {
        this.heartbeat(asset, Math.max(due, this.clock));
      } else return;
    }
  }

  private heartbeat(asset: string, at: number): void {
    const old = this.prices.get(asset) as number;
    this.prices.set(asset, Math.max(1, old + Math.round(old * 0.001 * (this.sim.rng.int(3) - 1))));
    if (this.loans.some((l) => this.holdsAsset(l, asset) && this.underwater(l))) this.prices.set(asset, old);
    if (this.loans.some((l) => this.holdsAsset(l, asset) && this.underwater(l))) {
      throw new GeneratorError(`a loan holding ${asset} is under water between steps`);
    }
    this.emit('valuation', { asset, price: this.priceText(this.prices.get(asset) as number) }, { at });
  }

  private schedule(due: number, run: () => void): void {
    let i = this.scheduled.length;
    while (i > 0 && (this.scheduled[i - 1] as { due: number }).due > due) i--;
    this.scheduled.splice(i, 0, { due, run });
  }

  /** A fresh, ineligible virtual asset pledged (MF-1) to a loan of its own that is never drawn. */
  private scenarioPledge(name: string, at?: number): { loan: Loan; asset: string; units: number; ts: number } {
    const rng = this.sim.rng;
    const asset = `${name}-${++this.injNo}`;
    this.scenarioAssets.set(asset, {
      asset,
      cls: 'virtual_asset',
      dp: 4,
      price: 100 + rng.int(50_000),
      vol: 0.05,
      size: 200,
    });
    this.prices.set(asset, (this.scenarioAssets.get(asset) as AssetDef).price as number);
    const loan: Loan = {
      id: `L-${++this.loanNo}`,
      acct: rng.pick(this.ref.marginClients),
      wallet: rng.pick(COLL_WALLETS),
      lots: [],
      out: 0,
      allowDraw: false,
      quietUntil: -1,
    };
    const units = this.randomQty(asset);
    const p = this.pledge(loan, asset, units, '0.7', at);
    this.sim.gt.add('MF-1', p.id, 'high');
    return { loan, asset, units, ts: p.ts };
  }

  private observeAt(asset: string, at: number): void {
    this.emit('valuation', { asset, price: this.priceText(this.prices.get(asset) as number) }, { at });
  }

  private releaseAllAt(s: { loan: Loan; asset: string; units: number }, at: number): void {
    const to = s.loan.acct.freeWallet as string;
    this.emit(
      'release',
      {
        account: s.loan.acct.id,
        asset: s.asset,
        qty: this.qtyText(s.units),
        from: s.loan.wallet,
        to,
        loan: s.loan.id,
      },
      { at, lot: s.units },
    );
    this.move(s.loan.wallet, to, s.asset, s.units);
    this.reduceLots(s.loan, s.asset, s.units);
  }

  /**
   * MF-7 (recorded by the watch as the events are written): a held virtual asset not observed for 15 minutes and 1 ns, measured at a release or a valuation; held to
   * the period end with no observation after its pledge (the tail); or observed last — in seq order — by a
   * valuation stamped earlier than the one before it, and measured from that one (the greatest ts would be in time).
   */
  injectMf7(kind: 'gap' | 'gap-at-valuation' | 'tail' | 'seq-order'): void {
    const over = VALUATION_MAX_GAP_NS + 1;
    const s = this.scenarioPledge(
      kind === 'gap' ? 'VA-GAP' : kind === 'gap-at-valuation' ? 'VA-GAPV' : kind === 'tail' ? 'VA-TAIL' : 'VA-SEQ',
    );
    if (kind === 'gap') this.schedule(s.ts + over, () => this.releaseAllAt(s, s.ts + over));
    if (kind === 'gap-at-valuation') {
      this.schedule(s.ts + over, () => {
        this.observeAt(s.asset, s.ts + over);
        this.releaseAllAt(s, s.ts + over);
      });
    }
    if (kind === 'seq-order') {
      const later = s.ts + 5 * 60e9;
      const earlier = s.ts + 60e9;
      this.schedule(later, () => {
        this.observeAt(s.asset, later);
        this.observeAt(s.asset, earlier);
      });
      this.schedule(earlier + over, () => this.releaseAllAt(s, earlier + over));
    }
  }

  /**
   * Near misses of MF-7: a gap of exactly the maximum (a valuation 15 minutes after the pledge, then a release); a
   * release stamped before the valuation just before it (a negative difference counts as 0).
   */
  nearMissMf7(kind: 'edge' | 'backwards'): void {
    const s = this.scenarioPledge(kind === 'edge' ? 'VA-EDGE' : 'VA-BACK');
    if (kind === 'edge') {
      const at = s.ts + VALUATION_MAX_GAP_NS;
      this.schedule(at, () => {
        this.observeAt(s.asset, at);
        this.releaseAllAt(s, at);
      });
    } else {
      const at = s.ts + 10 * 60e9;
      this.schedule(at, () => {
        this.observeAt(s.asset, at);
        this.releaseAllAt(s, at - 60e9);
      });
    }
  }

  /** The period-end tail on either side of the maximum: pledges exactly 15 minutes, and 15 minutes and 1 ns, before the end. */
  scheduleTails(): void {
    const edge = PERIOD_NS - VALUATION_MAX_GAP_NS;
    this.schedule(edge - 1, () => this.scenarioPledge('VA-TAILOVER', edge - 1));
    this.schedule(edge, () => this.scenarioPledge('VA-TAILEDGE', edge));
  }
}
