/**
 * The ledger a generated contract-2 dataset's `margin` stream replays (V2.md "margin"): per-account margin balances,
 * the insurance fund, liquidations with their deficit and what covered it, and the funding rates published per
 * symbol and interval — and, as each event is written, the findings of PERP-3..7 and DQ-5 it makes, read from V2.md
 * and its fixed readings. The simulation (marginFlow.ts) decides the events; this ledger only keeps the books and the
 * ground truth, so that whatever the simulation writes, the ground truth is exact.
 *
 * Money is exact: bigint units of 10^-8 (the default `funding_decimals`, which the ground truth assumes).
 */
import type { GroundTruth } from './groundTruth.js';

export const MONEY_DECIMALS = 8;
/** The default `perp_margin_classes`; the ground truth assumes it. */
export const PERP_MARGIN_CLASSES: ReadonlySet<string> = new Set(['fiat', 'hkma_stablecoin', 'tokenized_deposit']);

/** A decimal as an exact integer of 10^-decimals. */
export interface Scaled {
  units: bigint;
  decimals: number;
}

export type MarginEventKind =
  | 'deposit'
  | 'withdraw'
  | 'pnl'
  | 'fee'
  | 'credit'
  | 'funding_rate'
  | 'funding'
  | 'liquidation'
  | 'insurance'
  | 'adl';

/** One margin event as the ledger applies it (the fields V2.md says the event uses). */
export interface MarginRecord {
  seq: number;
  event_id: string;
  event: MarginEventKind;
  account: string | null;
  symbol: string | null;
  assetClass: string | null;
  /** In units of 10^-8. */
  amount: bigint | null;
  positionQty: Scaled | null;
  markPrice: Scaled | null;
  rate: Scaled | null;
  /** The funding interval's start, nanoseconds after the period start. */
  intervalNs: number | null;
  ref: string | null;
}

interface Liquidation {
  seq: number;
  account: string;
  deficit: bigint;
  covered: bigint;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** `a` and `b` compare by value. */
export function sameValue(a: Scaled, b: Scaled): boolean {
  const d = Math.max(a.decimals, b.decimals);
  return a.units * pow10(d - a.decimals) === b.units * pow10(d - b.decimals);
}

/** `numerator` / 10^shift rounded half away from zero (shift ≥ 0). */
export function divideHalfAway(numerator: bigint, shift: number): bigint {
  if (shift <= 0) return numerator * pow10(-shift);
  const d = pow10(shift);
  const neg = numerator < 0n;
  const n = neg ? -numerator : numerator;
  const q = (n * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** V2.md PERP-7: −position_qty × mark_price × rate, rounded half away from zero to 8 places, in units of 10^-8. */
export function expectedFunding(qty: Scaled, mark: Scaled, rate: Scaled): bigint {
  const product = -(qty.units * mark.units * rate.units);
  return divideHalfAway(product, qty.decimals + mark.decimals + rate.decimals - MONEY_DECIMALS);
}

export class MarginLedger {
  private readonly balances = new Map<string, bigint>();
  private fundUnits = 0n;
  /** By event_id: the first liquidation applied with it. */
  private readonly liquidations = new Map<string, Liquidation>();
  /** Published rates per `symbol|interval`, in seq order. */
  private readonly rates = new Map<string, { seq: number; rate: Scaled }[]>();

  constructor(
    private readonly gt: GroundTruth,
    private readonly knownAccounts: ReadonlySet<string>,
    private readonly knownSymbols: ReadonlySet<string>,
  ) {}

  balance(account: string): bigint {
    return this.balances.get(account) ?? 0n;
  }

  get fund(): bigint {
    return this.fundUnits;
  }

  /** What is still uncovered of a liquidation's deficit (0 when it had none). */
  uncovered(liquidation: string): bigint {
    const l = this.liquidations.get(liquidation);
    if (l === undefined) return 0n;
    return l.deficit > l.covered ? l.deficit - l.covered : 0n;
  }

  private move(account: string, delta: bigint): bigint {
    const b = this.balance(account) + delta;
    this.balances.set(account, b);
    return b;
  }

  /** Applies one well-formed event in seq order and records the findings it makes. */
  apply(r: MarginRecord): void {
    const gt = this.gt;
    if (r.account !== null && !this.knownAccounts.has(r.account)) gt.add('DQ-5', r.account, 'medium');
    if (r.symbol !== null && !this.knownSymbols.has(r.symbol)) gt.add('DQ-5', r.symbol, 'medium');
    const amount = r.amount ?? 0n;
    const account = r.account as string;
    switch (r.event) {
      case 'deposit':
        this.move(account, amount);
        if (!PERP_MARGIN_CLASSES.has(r.assetClass ?? '')) gt.add('PERP-3', r.event_id, 'high');
        return;
      case 'credit':
        this.move(account, amount);
        gt.add('PERP-4', r.event_id, 'critical');
        return;
      case 'withdraw':
      case 'fee':
        if (this.move(account, -amount) < 0n) gt.add('PERP-4', r.event_id, 'critical');
        return;
      case 'pnl':
        if (this.move(account, amount) < 0n && amount < 0n) gt.add('PERP-4', r.event_id, 'critical');
        return;
      case 'funding':
        if (this.move(account, amount) < 0n && amount < 0n) gt.add('PERP-4', r.event_id, 'critical');
        this.judgeFunding(r);
        return;
      case 'funding_rate': {
        const key = `${r.symbol}|${r.intervalNs}`;
        let list = this.rates.get(key);
        if (list === undefined) {
          list = [];
          this.rates.set(key, list);
        }
        list.push({ seq: r.seq, rate: r.rate as Scaled });
        return;
      }
      case 'liquidation': {
        const after = this.move(account, amount);
        if (!this.liquidations.has(r.event_id)) {
          this.liquidations.set(r.event_id, {
            seq: r.seq,
            account,
            deficit: after < 0n ? -after : 0n,
            covered: 0n,
          });
        }
        return;
      }
      case 'insurance': {
        this.fundUnits += amount;
        if (amount >= 0n) return; // a contribution moves the fund only
        this.move(account, -amount);
        const l = this.resolve(r);
        if (l !== undefined) l.covered += -amount;
        return;
      }
      case 'adl': {
        this.move(account, -amount);
        const l = this.resolve(r);
        if (l === undefined) return; // DQ-5: still debits its account, never tested by PERP-6
        const uncovered = l.deficit > l.covered ? l.deficit - l.covered : 0n;
        if (this.fundUnits >= uncovered) gt.add('PERP-6', r.event_id, 'high');
        l.covered += amount;
        this.move(l.account, amount);
        return;
      }
    }
  }

  /** The liquidation a payout's or adl's `ref` names at a lower seq; otherwise DQ-5 with the ref as subject. */
  private resolve(r: MarginRecord): Liquidation | undefined {
    const ref = r.ref as string;
    const l = this.liquidations.get(ref);
    if (l !== undefined && l.seq < r.seq) return l;
    this.gt.add('DQ-5', ref, 'medium');
    return undefined;
  }

  private judgeFunding(r: MarginRecord): void {
    const published = this.rates.get(`${r.symbol}|${r.intervalNs}`) ?? [];
    let latest: Scaled | undefined;
    for (const p of published) if (p.seq < r.seq) latest = p.rate;
    const rate = r.rate as Scaled;
    const rateOk = latest !== undefined && sameValue(latest, rate);
    const amountOk = expectedFunding(r.positionQty as Scaled, r.markPrice as Scaled, rate) === r.amount;
    if (!rateOk || !amountOk) this.gt.add('PERP-7', r.event_id, 'high');
  }

  /** End of the ledger: every liquidation whose deficit payouts and ADL naming it did not fully cover (PERP-5). */
  finish(): void {
    for (const [id, l] of this.liquidations) if (l.covered < l.deficit) this.gt.add('PERP-5', id, 'high');
  }
}
