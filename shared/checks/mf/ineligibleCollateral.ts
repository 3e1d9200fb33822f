/**
 * MF-1 (high, subject event_id). Compliant: every `pledge` of `virtual_asset` collateral is of an asset listed in
 * `eligible_va_collateral` (default BTC, ETH), matched exactly by id: wrapped or derivative tokens such as WBTC or
 * stETH are other assets. Why: the SFC's VA margin-financing measure limits eligible VA collateral to BTC and ETH.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import { isEligibleVa } from '../../collateral/lendingValue.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

export class IneligibleCollateral implements Rule {
  readonly checks = ['MF-1'] as const;
  readonly #pop = new Population('MF-1', 'no virtual-asset pledges in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'pledge' || rec.asset_class !== 'virtual_asset') return;
    if (rec.asset == null) {
      this.#pop.notTested(ctx, 'virtual-asset pledge without asset');
      return;
    }
    this.#pop.examined(ctx);
    if (isEligibleVa(rec.asset, ctx.params)) return;
    const eligible = ctx.params.eligible_va_collateral;
    ctx.sink.report(
      eventFinding(
        'MF-1',
        item,
        `Pledge ${rec.event_id} (seq ${rec.seq}) of account ${rec.account_id} put up ${rec.qty} ${rec.asset} as virtual-asset collateral for loan ${rec.loan_id}; ${rec.asset} is not eligible (eligible: ${eligible.join(', ')}).`,
        {
          asset: rec.asset,
          eligible_va_collateral: [...eligible],
          loan_id: rec.loan_id ?? null,
          latest_price_before: this.ledger.latestPrice(rec.asset)?.price ?? null,
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
