/**
 * NRH-2 (critical, subject event_id). Compliant: every `enforce` on a loan follows (at a lower seq) a
 * `default` on that same loan. Why: the SFC's VA margin-financing measure allows client collateral to be taken only
 * when enforcing it after the client's default; taking it otherwise is re-use of client assets.
 *
 * "Earlier" is a strictly lower `seq` (like MF-6's "later seq"): a default sharing the enforce's seq (DQ-2) or
 * coming after it does not count. A default on another loan of the same account does not count.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class EnforceWithoutDefault implements Rule {
  readonly checks = ['NRH-2'] as const;
  readonly #pop = new Population('NRH-2', 'no enforcements in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'enforce') return;
    if (rec.loan_id == null) {
      this.#pop.notTested(ctx, 'enforce without loan_id');
      return;
    }
    this.#pop.examined(ctx);
    // The ledger keeps the loan's first default, so no earlier one exists when that one is not strictly earlier.
    const earlier = this.ledger.defaultOf(rec.loan_id);
    if (earlier !== null && earlier.seq < rec.seq) return;
    ctx.sink.report(
      eventFinding(
        'NRH-2',
        item,
        `Enforce ${rec.event_id} (seq ${rec.seq}) took ${rec.qty} ${rec.asset} from wallet ${rec.from_wallet} to ${rec.to_wallet} for loan ${rec.loan_id}, but no default on loan ${rec.loan_id} precedes it in the ledger.`,
        { loan_id: rec.loan_id, earlier_default: null },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
