/**
 * MF-7 (medium, subject the asset; contract 2). Compliant: while some loan holds a lot of virtual asset A (quantity
 * above zero, lots as in MF-3, `asset_class = virtual_asset`, eligible or not), A is priced (a `valuation` or a
 * `pledge` of A) at least every `valuation_max_gap` (default PT15M). Why: the SFC's VA margin-financing measure
 * requires brokers to monitor the value of VA collateral in real time.
 *
 * The gaps are measured by collateral/valuationGaps.ts: at every valuation, pledge, release or enforce of A while A is
 * held just before it (so this rule sees each event before the ledger applies it), and at the manifest's `period_end`
 * if A is still held after the last event. A gap strictly longer than the maximum is a finding; one finding per
 * asset, reported after the whole ledger, with the longest gap and the loans holding A then. A loan holds A only from
 * a pledge of A, which is itself an observation, so there is never a gap before A's first observation.
 */

import type { CollateralLedger } from '../../collateral/ledger.js';
import {
  type AssetGaps,
  type GapPoint,
  ledgerHoldings,
  ValuationGapTracker,
  type VirtualAssetHoldings,
} from '../../collateral/valuationGaps.js';
import { CONTRACT2_DEFAULTS, valuationMaxGapNs } from '../../config/parameters.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { durationText } from '../../contract/time.js';
import { checkMeta } from '../catalogue.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'MF-7';
/** Loans listed in a finding's evidence (all are counted). */
const MAX_EVIDENCE_LOANS = 50;

export class UnpricedCollateral implements Rule {
  readonly checks = [ID] as const;
  #tracker: ValuationGapTracker | undefined;
  /** The ledger's holdings as it stands: before each event (this rule's phase), after the last one in finish. */
  readonly #holdings: VirtualAssetHoldings;

  constructor(ledger: CollateralLedger) {
    this.#holdings = ledgerHoldings(ledger);
  }

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    this.#trackerFor(ctx).observe(item.rec, this.#holdings);
  }

  finish(ctx: RuleContext): void {
    if (!ctx.ref.folders.has('collateral')) {
      // No count: the population is loans, and a ledger that was not delivered names none.
      ctx.sink.notTested(ID, 'the dataset has no collateral ledger (collateral/ folder absent)', 0);
      return;
    }
    const tracker = this.#trackerFor(ctx);
    tracker.finish(ctx.ref.manifest.period_end, this.#holdings);
    if (tracker.loansExamined === 0) {
      ctx.sink.notTested(ID, 'no loan held virtual-asset lots in the collateral ledger', 0);
      return;
    }
    ctx.sink.examined(ID, tracker.loansExamined);
    for (const gaps of tracker.assets()) if (tracker.exceeds(gaps)) this.#report(gaps, ctx);
  }

  #trackerFor(ctx: RuleContext): ValuationGapTracker {
    this.#tracker ??= new ValuationGapTracker(valuationMaxGapNs(ctx.params));
    return this.#tracker;
  }

  #report(gaps: Readonly<AssetGaps>, ctx: RuleContext): void {
    const gap = gaps.longest!;
    const maxGap = ctx.params.valuation_max_gap ?? CONTRACT2_DEFAULTS.valuation_max_gap;
    const accounts = new Set(gap.loans.map((l) => l.account_id));
    const named = gap.loans
      .slice(0, 5)
      .map((l) => l.loan_id)
      .join(', ');
    const more = gap.loans.length > 5 ? ` and ${gap.loans.length - 5} more` : '';
    const others = gaps.overMax > 1 ? ` It was unpriced longer than that ${gaps.overMax} times in all.` : '';
    ctx.sink.report({
      check_id: ID,
      severity: checkMeta(ID).severity,
      subject: gaps.asset,
      symbol: null,
      account_id: accounts.size === 1 ? (gap.loans[0]?.account_id ?? null) : null,
      // Located at the observation after which the asset went unpriced: a record of the ledger, even when the gap
      // runs to the period end (a finding stamped at period_end would read as outside the period).
      seq: gap.from.seq,
      ts: gap.from.ts,
      title: checkMeta(ID).title,
      detail: `Virtual asset ${gaps.asset} went ${durationText(gap.lengthNs)} without a price observation, longer than valuation_max_gap ${maxGap}, while held as collateral by loan(s) ${named}${more}: from ${pointText(gap.from)} to ${pointText(gap.to)}.${others}`,
      evidence: {
        asset: gaps.asset,
        valuation_max_gap: maxGap,
        longest_gap: {
          from: gap.from,
          to: gap.to,
          length_ns: gap.lengthNs.toString(),
        },
        loans: gap.loans.slice(0, MAX_EVIDENCE_LOANS),
        loan_count: gap.loans.length,
        gaps_over_max: gaps.overMax,
        gaps_measured: gaps.measured,
      },
    });
  }
}

/** "valuation c-3 (seq 3, 2026-02-12T10:00:00Z)", or "the period end 2026-02-13T00:00:00Z". */
function pointText(p: GapPoint): string {
  return p.event_id === null ? `the period end ${p.ts}` : `${p.event} ${p.event_id} (seq ${p.seq}, ${p.ts})`;
}
