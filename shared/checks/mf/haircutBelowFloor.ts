/**
 * MF-2 (high, subject event_id). Compliant: every `pledge` of `virtual_asset` collateral records a haircut of at
 * least `haircut_floor` (default 0.60), compared by value ("0.6000" is 0.60). Why: the SFC's VA margin-financing
 * measure sets a prudential haircut of at least 60 % on VA collateral. Ineligible assets (MF-1) are checked too.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import { compareDecimal } from '../../contract/decimal.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class HaircutBelowFloor implements Rule {
  readonly checks = ['MF-2'] as const;
  readonly #pop = new Population('MF-2', 'no virtual-asset pledges in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'pledge' || rec.asset_class !== 'virtual_asset') return;
    if (rec.haircut == null) {
      this.#pop.notTested(ctx, 'virtual-asset pledge without haircut');
      return;
    }
    this.#pop.examined(ctx);
    const floor = ctx.params.haircut_floor;
    if (compareDecimal(rec.haircut, floor) >= 0) return;
    ctx.sink.report(
      eventFinding(
        'MF-2',
        item,
        `Pledge ${rec.event_id} (seq ${rec.seq}) of ${rec.qty} ${rec.asset} for loan ${rec.loan_id} recorded a haircut of ${rec.haircut}, below the floor of ${floor}.`,
        {
          haircut: rec.haircut,
          haircut_floor: floor,
          loan_id: rec.loan_id ?? null,
          loan_outstanding_before: this.ledger.outstanding(rec.loan_id ?? '').toString(),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
