/**
 * PERP-2 (high, subject symbol). Compliant: every perpetual instrument in `instruments` has a reference asset approved
 * for retail spot trading (`retail_spot_approved = true`), whether or not it traded in the period; on a contract-2
 * dataset, a perpetual that references an IOSCO-compliant index (`reference_index_iosco = true`) complies too.
 * Why: SFC high-level framework for perpetual contracts on licensed platforms (11 Feb 2026): the reference is a
 * virtual asset approved for retail spot trading on the platform, or an index that complies with IOSCO's Principles
 * for Financial Benchmarks.
 */
import type { FindingDraft } from '../../contract/finding.js';
import type { Instrument } from '../../contract/records.js';
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
      // Contract 1 has no index field: judged on retail_spot_approved alone (V2.md's change is contract 2's).
      const indexCounts = ctx.ref.manifest.contract >= 2;
      for (const instrument of ctx.ref.instruments.values()) {
        if (instrument.product !== 'perpetual') continue;
        ctx.sink.examined(ID);
        if (instrument.retail_spot_approved) continue;
        if (indexCounts && instrument.reference_index_iosco === true) continue;
        ctx.sink.report(referenceFinding(instrument, indexCounts));
      }
    },
  };
}

/**
 * A perpetual whose reference does not comply. Contract 2's evidence adds the index flag and names what is missing
 * (both ways of complying); contract 1's keeps exactly its version-1 wording and evidence.
 */
function referenceFinding(instrument: Instrument, contract2: boolean): FindingDraft {
  const notApproved = `Perpetual ${instrument.symbol} references ${instrument.reference_asset}, which is not approved for retail spot trading (retail_spot_approved = false)`;
  return {
    check_id: ID,
    severity: checkMeta(ID).severity,
    subject: instrument.symbol,
    symbol: instrument.symbol,
    title: checkMeta(ID).title,
    detail: contract2
      ? `${notApproved}, and does not reference an IOSCO-compliant index instead (reference_index_iosco = false).`
      : `${notApproved}.`,
    evidence: {
      symbol: instrument.symbol,
      product: instrument.product,
      reference_asset: instrument.reference_asset,
      retail_spot_approved: instrument.retail_spot_approved,
      ...(contract2 && {
        reference_index_iosco: instrument.reference_index_iosco ?? false,
        missing: ['a reference asset approved for retail spot trading', 'an IOSCO-compliant reference index'],
      }),
    },
  };
}
