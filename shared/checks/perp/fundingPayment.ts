/**
 * PERP-7 (high, subject the funding's event_id). Compliant: every `funding` carries the rate of the latest
 * `funding_rate` for its symbol and `interval_start` at a strictly lower seq, and an `amount` equal, by value, to
 * −position_qty × mark_price × rate (its own rate) rounded half away from zero to `funding_decimals` places. A finding
 * lists every reason that holds: no rate published, a rate other than the published one, an amount other than the
 * expected one (margin/funding.ts).
 * Why: SFC high-level framework for perpetual contracts (11 Feb 2026): funding rates are transparent, published
 * before they apply, and funding payments follow them.
 *
 * Population: funding events, whatever their account or symbol (absent from the reference data or not).
 */
import { fundingDecimals } from '../../config/parameters.js';
import type { Located } from '../../contract/events.js';
import type { MarginEvent } from '../../contract/recordsV2.js';
import { FundingRates, unroundedFundingAmount } from '../../margin/funding.js';
import { eventFinding } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';
import { MarginPopulation } from './marginFindings.js';

const ID = 'PERP-7';

export class FundingPayment implements Rule {
  readonly checks = [ID] as const;
  readonly #pop = new MarginPopulation(ID, 'no funding events in the margin ledger');
  /** Made at the first event, when the parameters (funding_decimals) are known. */
  #rates: FundingRates | undefined;

  onMargin(item: Located<MarginEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'funding_rate' && rec.event !== 'funding') return;
    const decimals = fundingDecimals(ctx.params);
    this.#rates ??= new FundingRates(decimals);
    const judged = this.#rates.observe(rec);
    if (judged === null) return;
    this.#pop.examined();
    if (judged.reasons.length === 0) return;
    const p = judged.published;
    const expected = judged.expected.toString();
    const published =
      p === null
        ? 'no rate was published for it before'
        : `the rate published by ${p.mark.event_id} (seq ${p.mark.seq}) is ${p.rate}`;
    ctx.sink.report(
      eventFinding(
        ID,
        item,
        `Funding ${rec.event_id} (seq ${rec.seq}) of account ${rec.account_id} on ${rec.symbol} for the interval from ${rec.interval_start} applies rate ${rec.rate} and amount ${rec.amount}; ${published}, and −(${rec.position_qty} × ${rec.mark_price} × ${rec.rate}) rounded to ${decimals} places is ${expected} (${judged.reasons.join('; ')}).`,
        {
          reasons: [...judged.reasons],
          published_rate:
            p === null ? null : { event_id: p.mark.event_id, seq: p.mark.seq, ts: p.mark.ts, rate: p.rate },
          rate: rec.rate,
          amount: rec.amount,
          expected_amount: expected,
          unrounded_amount: unroundedFundingAmount(rec.position_qty!, rec.mark_price!, rec.rate!).toString(),
          funding_decimals: decimals,
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
