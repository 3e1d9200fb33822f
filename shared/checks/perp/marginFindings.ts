/**
 * What the perpetual margin checks (PERP-3..7) share besides a finding about one ledger event (eventFinding in
 * collateralFindings.ts): the step of the margin ledger a rule judges, and a population that says when the `margin/`
 * folder is absent or the population empty. Each check reads the MarginLedger it is given; the rule pack says whether
 * it sees an event before or after the ledger applies it. An account or symbol absent from the reference data is
 * judged as any other (V2.md "Unknown account or symbol").
 */
import type { MarginEvent } from '../../contract/recordsV2.js';
import { MarginLedgerError } from '../../margin/errors.js';
import type { MarginLedger, MarginStep, UnresolvedRef } from '../../margin/marginLedger.js';
import { PopulationCounter } from '../population.js';
import type { RuleContext } from '../rule.js';

/** Why every margin check is not tested on a contract-2 dataset without margin records (V2.md). */
export const NO_MARGIN_LEDGER = 'the dataset has no margin ledger (margin/ folder absent)';

/** What the ledger did with the event a rule sees just after it was applied ('afterApply'). */
export function appliedStep(ledger: MarginLedger, rec: MarginEvent): MarginStep {
  const step = ledger.lastStep;
  if (step === null || step.mark.event_id !== rec.event_id || step.mark.seq !== rec.seq) {
    throw new MarginLedgerError(rec.event_id, 'the margin ledger has not applied this event');
  }
  return step;
}

/** The not-tested reason of a payout or adl whose ref is no liquidation at a lower seq (DQ-5 reports the ref). */
export function unresolvedRefReason(event: 'insurance payout' | 'adl', why: UnresolvedRef): string {
  const names =
    why === 'no liquidation has this event_id' ? 'no liquidation' : 'a liquidation that is not at a lower seq';
  return `${event} whose ref names ${names} (see DQ-5)`;
}

/**
 * The population of one margin check, counted locally and flushed at finish, which also states an empty population:
 * the `margin/` folder absent, or no record of the population in it ("not tested", never "passed").
 */
export class MarginPopulation {
  readonly #counter: PopulationCounter;
  readonly #emptyReason: string;
  #notTested = 0;

  constructor(checkId: string, emptyReason: string) {
    this.#counter = new PopulationCounter(checkId);
    this.#emptyReason = emptyReason;
  }

  examined(): void {
    this.#counter.examined++;
  }

  notTested(reason: string): void {
    this.#notTested++;
    this.#counter.notTested(reason);
  }

  finish(ctx: RuleContext): void {
    const id = this.#counter.checkId;
    if (!ctx.ref.folders.has('margin')) ctx.sink.notTested(id, NO_MARGIN_LEDGER, 0);
    else if (this.#counter.examined === 0 && this.#notTested === 0) ctx.sink.notTested(id, this.#emptyReason, 0);
    this.#counter.flush(ctx.sink);
  }
}
