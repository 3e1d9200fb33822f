/**
 * PERP-5 (high, subject the liquidation's event_id). Compliant: by the end of the margin ledger, every liquidation's
 * deficit (minus the account's balance just after it, when negative) is covered by the insurance payouts (|amount|)
 * and adl amounts whose `ref` names it; together they add up to at least the deficit.
 * Why: SFC high-level framework for perpetual contracts (11 Feb 2026): losses beyond a client's margin are absorbed
 * by the loss waterfall (insurance fund, then auto-deleveraging), never left open.
 *
 * The verdict is the ledger's at its end, whatever the timestamps say: a cover later in the stream counts, a cover
 * whose `ref` is not a liquidation at a lower seq covers nothing (margin/marginLedger.ts).
 * Population: liquidations with a deficit (a liquidation that leaves the balance at zero or above has none). Not
 * tested: each insurance payout or adl whose `ref` names no liquidation at a lower seq (V2.md DQ-5: it covers nothing,
 * so a deficit it was meant for cannot be judged).
 */
import type { Located } from '../../contract/events.js';
import type { MarginEvent } from '../../contract/recordsV2.js';
import type { Liquidation, MarginLedger } from '../../margin/marginLedger.js';
import { eventFinding } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';
import { appliedStep, MarginPopulation, unresolvedRefReason } from './marginFindings.js';

const ID = 'PERP-5';
/** Covers listed in a finding's evidence (their count is always given). */
const MAX_COVERS = 50;

export class UncoveredDeficit implements Rule {
  readonly checks = [ID] as const;
  readonly #pop = new MarginPopulation(ID, 'no liquidation left a deficit in the margin ledger');
  /** The liquidations that left a deficit, with their records, in replay order (judged at the end). */
  readonly #deficits: { liquidation: Readonly<Liquidation>; item: Located<MarginEvent> }[] = [];

  constructor(private readonly ledger: MarginLedger) {}

  onMargin(item: Located<MarginEvent>): void {
    const rec = item.rec;
    if (rec.event !== 'liquidation' && rec.event !== 'insurance' && rec.event !== 'adl') return;
    const step = appliedStep(this.ledger, rec);
    const liquidation = step.liquidation;
    if (liquidation?.deficit.gt(0)) this.#deficits.push({ liquidation, item });
    if (step.ref?.kind === 'unresolved') {
      this.#pop.notTested(unresolvedRefReason(rec.event === 'adl' ? 'adl' : 'insurance payout', step.ref.reason));
    }
  }

  finish(ctx: RuleContext): void {
    for (const { liquidation: l, item } of this.#deficits) {
      this.#pop.examined();
      if (!l.covered.lt(l.deficit)) continue;
      const uncovered = l.deficit.minus(l.covered);
      const payouts = l.covers.filter((c) => c.event === 'insurance').length;
      const adls = l.covers.length - payouts;
      ctx.sink.report(
        eventFinding(
          ID,
          item,
          `Liquidation ${l.mark.event_id} (seq ${l.mark.seq}) of account ${l.account_id}${l.symbol === null ? '' : ` on ${l.symbol}`} left a deficit of ${l.deficit.toString()}; by the end of the margin ledger ${l.covered.toString()} of it was covered (${payouts} insurance payout(s), ${adls} adl), ${uncovered.toString()} is not.`,
          {
            balance_after: l.deficit.neg().toString(),
            deficit: l.deficit.toString(),
            covered: l.covered.toString(),
            uncovered: uncovered.toString(),
            cover_count: l.covers.length,
            covers: l.covers.slice(0, MAX_COVERS).map((c) => ({
              event_id: c.mark.event_id,
              event: c.event,
              amount: c.amount.toString(),
              account_id: c.account_id,
              seq: c.mark.seq,
              ts: c.mark.ts,
            })),
          },
        ),
      );
    }
    this.#pop.finish(ctx);
  }
}
