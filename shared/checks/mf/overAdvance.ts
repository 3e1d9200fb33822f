/**
 * MF-3 (high, subject event_id). Compliant: after every `loan_draw`, the loan's outstanding amount (draws −
 * repayments) is at most its collateral's lending value (see collateral/lendingValue.ts: latest prices, haircut at
 * least the floor for eligible VA, recorded haircut for other classes, no value for ineligible VA). Equal is fine.
 * Why: the SFC's VA margin-financing measure requires lending within prudent haircut-adjusted collateral value.
 *
 * A draw on a loan with no open lots has a lending value of zero, so any positive outstanding amount is a finding.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import { coverageEvidence, isShort, loanCoverage } from '../../collateral/lendingValue.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class OverAdvance implements Rule {
  readonly checks = ['MF-3'] as const;
  readonly #pop = new Population('MF-3', 'no loan draws in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'loan_draw') return;
    if (rec.loan_id == null) {
      this.#pop.notTested(ctx, 'loan_draw without loan_id');
      return;
    }
    this.#pop.examined(ctx);
    const cov = loanCoverage(this.ledger, rec.loan_id, ctx.params);
    if (!isShort(cov)) return;
    const lots =
      cov.lots.length === 0
        ? 'no collateral lots'
        : `${cov.lots.length} collateral lot(s) worth ${cov.lendingValue.toString()} after haircuts`;
    ctx.sink.report(
      eventFinding(
        'MF-3',
        item,
        `Loan draw ${rec.event_id} (seq ${rec.seq}) of ${rec.amount} on loan ${rec.loan_id} brought its outstanding amount to ${cov.outstanding.toString()}, above its lending value of ${cov.lendingValue.toString()} (${lots}).`,
        {
          ...coverageEvidence(cov),
          excess: cov.outstanding.minus(cov.lendingValue).toString(),
          haircut_floor: ctx.params.haircut_floor,
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
