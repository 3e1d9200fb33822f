/**
 * Funding (V2.md PERP-7): the published funding rates and what each `funding` event should carry. Pure, exact.
 *
 * - The rate of a funding is the rate of the latest `funding_rate` for its symbol and `interval_start` at a strictly
 *   lower seq. A rate published at the funding's own seq (a duplicate seq, DQ-2) does not count, whether it comes
 *   before or after the funding in file order; the latest one below that seq still does. `interval_start` is matched
 *   by value (the same instant written with more or fewer fractional digits is the same interval).
 * - The expected amount is −position_qty × mark_price × rate (the funding's own rate), rounded half away from zero to
 *   `funding_decimals` places; amounts and rates compare by value.
 *
 * Memory grows with (symbol, interval) pairs.
 */
import { Decimal } from 'decimal.js';
import { Exact } from '../contract/decimal.js';
import type { MarginEvent } from '../contract/recordsV2.js';
import { parseTimestampNs } from '../contract/time.js';
import { MarginLedgerError } from './errors.js';
import type { MarginMark } from './marginLedger.js';

/** A published rate: the funding_rate event and its rate as written. */
export interface PublishedRate {
  mark: MarginMark;
  rate: string;
}

/** Why a funding fails PERP-7 (every one that holds is listed). */
export type FundingReason =
  | 'no rate published'
  | 'rate differs from the published rate'
  | 'amount differs from expected';

export interface FundingJudgement {
  /** The latest funding_rate for the symbol and interval at a lower seq, or null when none was published. */
  published: PublishedRate | null;
  /** −position_qty × mark_price × rate, rounded half away from zero to funding_decimals places. */
  expected: Exact;
  /** Empty when the funding is right. */
  reasons: FundingReason[];
}

/** The rates as plain, structured-clone-able data, for checkpoints. */
export interface FundingRatesState {
  rates: [string, { current: PublishedRate; prior: PublishedRate | null }][];
}

/** −position_qty × mark_price × rate, exact (before rounding). */
export function unroundedFundingAmount(positionQty: string, markPrice: string, rate: string): Exact {
  return new Exact(positionQty).times(markPrice).times(rate).neg();
}

/** −position_qty × mark_price × rate rounded half away from zero to `decimals` places (exact). */
export function expectedFundingAmount(positionQty: string, markPrice: string, rate: string, decimals: number): Exact {
  // decimal.js ROUND_HALF_UP rounds a tie away from zero, on both signs.
  return unroundedFundingAmount(positionQty, markPrice, rate).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP);
}

export class FundingRates {
  /**
   * Per (symbol, interval): the latest rate applied, and the latest one at a seq lower than that one's (what a funding
   * sharing the latest one's seq reads).
   */
  readonly #rates = new Map<string, { current: PublishedRate; prior: PublishedRate | null }>();
  readonly #decimals: number;

  constructor(fundingDecimals: number) {
    this.#decimals = fundingDecimals;
  }

  /**
   * Feeds one margin event in seq order: a funding_rate is recorded; a funding is judged (and its judgement returned);
   * every other event is ignored (null).
   */
  observe(ev: MarginEvent): FundingJudgement | null {
    if (ev.event === 'funding_rate') {
      this.#publish(ev);
      return null;
    }
    if (ev.event !== 'funding') return null;
    const published = this.rateFor(need(ev, 'symbol'), need(ev, 'interval_start'), ev.seq);
    return judgeFunding(ev, published, this.#decimals);
  }

  /** The latest rate published for the symbol and interval at a seq strictly lower than `seq`, or null. */
  rateFor(symbol: string, intervalStart: string, seq: number): PublishedRate | null {
    const r = this.#rates.get(key(symbol, intervalStart));
    if (r === undefined) return null;
    if (r.current.mark.seq < seq) return r.current;
    return r.prior !== null && r.prior.mark.seq < seq ? r.prior : null;
  }

  saveState(): FundingRatesState {
    return { rates: [...this.#rates].map(([k, v]) => [k, structuredClone(v)]) };
  }

  /** Takes over a saveState result (after a structured-clone round trip) into a fresh tracker. */
  loadState(state: FundingRatesState): void {
    for (const [k, v] of state.rates) this.#rates.set(k, structuredClone(v));
  }

  #publish(ev: MarginEvent): void {
    const k = key(need(ev, 'symbol'), need(ev, 'interval_start'));
    const rate: PublishedRate = { mark: { event_id: ev.event_id, seq: ev.seq, ts: ev.ts }, rate: need(ev, 'rate') };
    const r = this.#rates.get(k);
    if (r === undefined) this.#rates.set(k, { current: rate, prior: null });
    else if (rate.mark.seq > r.current.mark.seq) this.#rates.set(k, { current: rate, prior: r.current });
    // The same seq as the latest: it replaces it; the latest one below that seq stays.
    else r.current = rate;
  }
}

/** PERP-7 on one funding given the rate published for it (or null): every reason it fails. */
export function judgeFunding(ev: MarginEvent, published: PublishedRate | null, decimals: number): FundingJudgement {
  const rate = need(ev, 'rate');
  const expected = expectedFundingAmount(need(ev, 'position_qty'), need(ev, 'mark_price'), rate, decimals);
  const reasons: FundingReason[] = [];
  if (published === null) reasons.push('no rate published');
  else if (!new Exact(published.rate).eq(rate)) reasons.push('rate differs from the published rate');
  if (!expected.eq(need(ev, 'amount'))) reasons.push('amount differs from expected');
  return { published, expected, reasons };
}

type FundingField = 'symbol' | 'interval_start' | 'rate' | 'position_qty' | 'mark_price' | 'amount';

function need(ev: MarginEvent, field: FundingField): string {
  const v = ev[field];
  if (v === undefined || v === null) throw new MarginLedgerError(ev.event_id, `'${ev.event}' without ${field}`);
  return v;
}

/** Symbol and interval (by value, in nanoseconds) as one map key; an unreadable interval_start has no rate. */
function key(symbol: string, intervalStart: string): string {
  return `${symbol}\u0000${parseTimestampNs(intervalStart) ?? `?${intervalStart}`}`;
}
