/**
 * PERP-6 (high, subject the adl's event_id). Compliant: an `adl` happens only while the insurance fund, just before
 * it, holds less than what was still uncovered of its liquidation's deficit: the fund comes first in the loss
 * waterfall. What is still uncovered is max(0, deficit − what already covered it); a liquidation without a deficit has
 * nothing uncovered, so an adl with nothing left to cover is a finding whenever the fund is at zero or above
 * (V2.md "Readings fixed"). A fund exactly equal to what is uncovered could have covered it: a finding.
 * Why: SFC high-level framework for perpetual contracts (11 Feb 2026): auto-deleveraging of profitable clients comes
 * only after the insurance fund is exhausted.
 *
 * Population: adl events. Not tested: an adl whose `ref` names no liquidation at a lower seq (V2.md DQ-5): it still
 * debits its account, but there is no deficit to weigh the fund against.
 */
import type { Located } from '../../contract/events.js';
import type { MarginEvent } from '../../contract/recordsV2.js';
import type { MarginLedger } from '../../margin/marginLedger.js';
import { eventFinding } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';
import { appliedStep, MarginPopulation, unresolvedRefReason } from './marginFindings.js';

const ID = 'PERP-6';

export class PrematureAutoDeleveraging implements Rule {
  readonly checks = [ID] as const;
  readonly #pop = new MarginPopulation(ID, 'no adl events in the margin ledger');

  constructor(private readonly ledger: MarginLedger) {}

  onMargin(item: Located<MarginEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'adl') return;
    const step = appliedStep(this.ledger, rec);
    if (step.ref === null) return;
    if (step.ref.kind === 'unresolved') {
      this.#pop.notTested(unresolvedRefReason('adl', step.ref.reason));
      return;
    }
    this.#pop.examined();
    const { liquidation: l, uncoveredBefore } = step.ref;
    const fund = step.fundBefore;
    if (fund.lt(uncoveredBefore)) return;
    // The liquidation is live: its coverage already includes this adl, which the ledger has just applied.
    const coveredBefore = l.covered.minus(l.covers.at(-1)?.amount ?? 0);
    ctx.sink.report(
      eventFinding(
        ID,
        item,
        `Auto-deleveraging ${rec.event_id} (seq ${rec.seq}) took ${rec.amount} from account ${rec.account_id} to cover liquidation ${l.mark.event_id} (seq ${l.mark.seq}), while the insurance fund held ${fund.toString()}, at least the ${uncoveredBefore.toString()} still uncovered of its deficit of ${l.deficit.toString()}.`,
        {
          insurance_fund_before: fund.toString(),
          uncovered_before: uncoveredBefore.toString(),
          liquidation: {
            event_id: l.mark.event_id,
            seq: l.mark.seq,
            ts: l.mark.ts,
            account_id: l.account_id,
            symbol: l.symbol,
            deficit: l.deficit.toString(),
            covered_before: coveredBefore.toString(),
          },
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
