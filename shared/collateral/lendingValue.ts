/**
 * Lending value of a loan's collateral (RULES.md MF-3): Σ over its open lots of qty × latest price × (1 − h), with
 * h = max(recorded haircut, haircut_floor) for eligible virtual assets, the recorded haircut for other classes, and
 * 1 (no value) for virtual assets outside eligible_va_collateral.
 *
 * Where RULES is silent, the careful choice: h is held within [0, 1], so a haircut above 1 values the lot at nothing
 * (never a negative value that would eat into other lots) and a negative haircut never lends more than the market
 * value; a lot whose asset has no price (cannot happen with contract-valid pledges, which carry one) is worth nothing.
 */
import type { AuditParameters } from '../config/parameters.js';
import { Exact } from '../contract/decimal.js';
import type { CollateralLedger, CollateralLot } from './ledger.js';

export interface LotValuation {
  pledge_event_id: string;
  asset: string;
  asset_class: string | null;
  qty: string;
  haircut: string;
  /** The haircut applied (see the header). */
  applied_haircut: string;
  price: string | null;
  price_event_id: string | null;
  value: string;
}

export interface LoanCoverage {
  loan_id: string;
  account_id: string | null;
  outstanding: Exact;
  lendingValue: Exact;
  lots: LotValuation[];
}

const ONE = new Exact(1);
const ZERO = new Exact(0);

/** Whether the asset is eligible VA collateral (exact id match: WBTC or stETH are not BTC or ETH). */
export function isEligibleVa(asset: string, params: AuditParameters): boolean {
  return params.eligible_va_collateral.includes(asset);
}

/** The haircut applied to a lot when computing lending value. */
export function appliedHaircut(lot: Pick<CollateralLot, 'asset' | 'asset_class' | 'haircut'>, params: AuditParameters) {
  let h: Exact;
  if (lot.asset_class === null) h = ONE;
  else if (lot.asset_class === 'virtual_asset') {
    h = isEligibleVa(lot.asset, params) ? Exact.max(new Exact(lot.haircut), new Exact(params.haircut_floor)) : ONE;
  } else h = new Exact(lot.haircut);
  return Exact.min(ONE, Exact.max(ZERO, h));
}

/** The value one lot lends against now: qty × latest price × (1 − applied haircut); zero with no price. */
export function lotLendingValue(ledger: CollateralLedger, lot: CollateralLot, params: AuditParameters): Exact {
  const price = ledger.latestPrice(lot.asset);
  if (price === undefined) return ZERO;
  return lot.qty.times(new Exact(price.price)).times(ONE.minus(appliedHaircut(lot, params)));
}

/** Lending value of a loan's open lots now (zero for an unknown loan or one with no lots). */
export function lendingValue(ledger: CollateralLedger, loanId: string, params: AuditParameters): Exact {
  let total = ZERO;
  for (const lot of ledger.loan(loanId)?.lots ?? []) total = total.plus(lotLendingValue(ledger, lot, params));
  return total;
}

/** Outstanding amount and lending value of a loan as the ledger stands now, with per-lot evidence. */
export function loanCoverage(ledger: CollateralLedger, loanId: string, params: AuditParameters): LoanCoverage {
  const loan = ledger.loan(loanId);
  const lots: LotValuation[] = [];
  let total = ZERO;
  for (const lot of loan?.lots ?? []) {
    const h = appliedHaircut(lot, params);
    const price = ledger.latestPrice(lot.asset);
    const value = price === undefined ? ZERO : lot.qty.times(new Exact(price.price)).times(ONE.minus(h));
    total = total.plus(value);
    lots.push({
      pledge_event_id: lot.pledge.event_id,
      asset: lot.asset,
      asset_class: lot.asset_class,
      qty: lot.qty.toString(),
      haircut: lot.haircut,
      applied_haircut: h.toString(),
      price: price?.price ?? null,
      price_event_id: price?.event_id ?? null,
      value: value.toString(),
    });
  }
  return {
    loan_id: loanId,
    account_id: loan?.account_id ?? null,
    outstanding: loan?.outstanding ?? ZERO,
    lendingValue: total,
    lots,
  };
}

/** A loan is short when its outstanding amount exceeds its lending value. */
export function isShort(c: LoanCoverage): boolean {
  return c.outstanding.gt(c.lendingValue);
}

/** Evidence form of a coverage (lots capped so that evidence stays readable). */
export function coverageEvidence(c: LoanCoverage, maxLots = 20): Record<string, unknown> {
  return {
    loan_id: c.loan_id,
    account_id: c.account_id,
    outstanding: c.outstanding.toString(),
    lending_value: c.lendingValue.toString(),
    lots: c.lots.slice(0, maxLots),
    lot_count: c.lots.length,
  };
}

interface ScreenedLoan {
  lotsRevision: number;
  /** Per asset: Σ qty × (1 − applied haircut) over the loan's lots of it, as a double (non-negative). */
  weights: [string, number][];
  outstandingRef: Exact | undefined;
  outstanding: number;
}

/** Relative margin of the screen: far above the ~1e-14 worst relative error of the double arithmetic below. */
const SCREEN_MARGIN = 1e-9;

/**
 * A conservative screen for "outstanding above lending value" that costs a few double operations per loan, for
 * checks that test every loan holding an asset at each of its valuations (MF-6). It answers true only when the loan is
 * certainly covered: its lending value, computed in doubles from cached per-asset weights, exceeds the outstanding
 * amount by a relative margin that dwarfs the rounding error of doubles. Every other loan (near the line, short,
 * negative or unparsable prices, overflow) is left to the exact computation, so the verdicts and their evidence are
 * exactly those of lendingValue(). Weights are cached per loan until its lots change (CollateralLedger.lotsRevision).
 */
export class CoverageScreen {
  readonly #loans = new Map<string, ScreenedLoan>();
  readonly #prices = new Map<string, { text: string; value: number }>();

  constructor(
    private readonly ledger: CollateralLedger,
    readonly params: AuditParameters,
  ) {}

  /** True only if the loan's lending value is certainly at least its outstanding amount (not short). */
  clearlyCovered(loanId: string): boolean {
    const loan = this.ledger.loan(loanId);
    if (loan === undefined) return false;
    const revision = this.ledger.lotsRevision(loanId);
    let screened = this.#loans.get(loanId);
    if (screened === undefined || screened.lotsRevision !== revision) {
      const weights = new Map<string, number>();
      for (const lot of loan.lots) {
        const w = lot.qty.times(ONE.minus(appliedHaircut(lot, this.params))).toNumber();
        weights.set(lot.asset, (weights.get(lot.asset) ?? 0) + w);
      }
      screened = { lotsRevision: revision, weights: [...weights], outstandingRef: undefined, outstanding: Number.NaN };
      this.#loans.set(loanId, screened);
    }
    if (screened.outstandingRef !== loan.outstanding) {
      screened.outstandingRef = loan.outstanding;
      screened.outstanding = loan.outstanding.toNumber();
    }
    const outstanding = screened.outstanding;
    if (!(outstanding > 0 && Number.isFinite(outstanding))) return false;
    let value = 0;
    for (const [asset, weight] of screened.weights) {
      if (!(weight >= 0 && Number.isFinite(weight))) return false;
      const price = this.#price(asset);
      if (price === undefined) continue;
      if (!(price >= 0 && Number.isFinite(price))) return false;
      value += weight * price;
    }
    return value > outstanding * (1 + SCREEN_MARGIN);
  }

  #price(asset: string): number | undefined {
    const mark = this.ledger.latestPrice(asset);
    if (mark === undefined) return undefined;
    let cached = this.#prices.get(asset);
    if (cached === undefined || cached.text !== mark.price) {
      let value: number;
      try {
        value = new Exact(mark.price).toNumber();
      } catch {
        value = Number.NaN;
      }
      cached = { text: mark.price, value };
      this.#prices.set(asset, cached);
    }
    return cached.value;
  }
}
