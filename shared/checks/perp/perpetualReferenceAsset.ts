/**
 * PERP-2 (high, subject symbol). Compliant: every perpetual instrument in `instruments` has a reference asset approved
 * for retail spot trading (`retail_spot_approved = true`), whether or not it traded in the period.
 * Why: SFC high-level framework for perpetual contracts on licensed platforms (11 Feb 2026): the reference asset is a
 * virtual asset approved for retail spot trading on the platform.
 */
import { checkMeta } from '../catalogue.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'PERP-2';

export function perpetualReferenceAssetRule(): Rule {
  return {
    checks: [ID],
    /** Stateless: it reports from the reference data alone, in onReference. */
    saveState(): null {
      return null;
    },
    loadState(): void {},
    onReference(ctx: RuleContext): void {
      for (const instrument of ctx.ref.instruments.values()) {
        if (instrument.product !== 'perpetual') continue;
        ctx.sink.examined(ID);
        if (instrument.retail_spot_approved) continue;
        ctx.sink.report({
          check_id: ID,
          severity: 'high',
          subject: instrument.symbol,
          symbol: instrument.symbol,
          title: checkMeta(ID).title,
          detail: `Perpetual ${instrument.symbol} references ${instrument.reference_asset}, which is not approved for retail spot trading (retail_spot_approved = false).`,
          evidence: {
            symbol: instrument.symbol,
            product: instrument.product,
            reference_asset: instrument.reference_asset,
            retail_spot_approved: instrument.retail_spot_approved,
          },
        });
      }
    },
  };
}
