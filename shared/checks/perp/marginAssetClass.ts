/**
 * PERP-3 (high, subject event_id). Compliant: every margin `deposit` posts an asset whose `asset_class` is in
 * `perp_margin_classes` (default fiat, hkma_stablecoin, tokenized_deposit).
 * Why: SFC high-level framework for perpetual contracts (11 Feb 2026): margin is posted only in fiat currency,
 * stablecoins issued under an HKMA licence or tokenized deposits; other stablecoins, virtual assets and securities
 * are not acceptable margin.
 *
 * Population: margin deposits, whatever their account (one absent from the reference data is judged as any other).
 */
import { perpMarginClasses } from '../../config/parameters.js';
import type { Located } from '../../contract/events.js';
import type { MarginEvent } from '../../contract/recordsV2.js';
import { eventFinding } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';
import { MarginPopulation } from './marginFindings.js';

const ID = 'PERP-3';

export class MarginAssetClass implements Rule {
  readonly checks = [ID] as const;
  readonly #pop = new MarginPopulation(ID, 'no deposits in the margin ledger');

  onMargin(item: Located<MarginEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'deposit') return;
    if (rec.asset_class == null) {
      this.#pop.notTested('deposit without asset_class');
      return;
    }
    this.#pop.examined();
    const allowed = perpMarginClasses(ctx.params);
    if (allowed.includes(rec.asset_class)) return;
    ctx.sink.report(
      eventFinding(
        ID,
        item,
        `Margin deposit ${rec.event_id} (seq ${rec.seq}) of ${rec.amount} in ${rec.asset} by account ${rec.account_id} is of asset class ${rec.asset_class}, which is not an accepted perpetual margin class (${allowed.join(', ')}).`,
        { asset: rec.asset ?? null, asset_class: rec.asset_class, perp_margin_classes: [...allowed] },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
