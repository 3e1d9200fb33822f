/**
 * PERP-4 (critical, subject event_id). Compliant: the platform gives no margin credit. A finding is every `credit`,
 * and every `withdraw`, `fee`, negative `pnl` or negative `funding` after which the account's margin balance is below
 * zero (exactly zero is fine). Each is judged on the balance just after it, even when the balance was already below
 * zero before it (V2.md "Readings fixed"). A liquidation's deficit is PERP-5's, not this check's.
 * Why: SFC high-level framework for perpetual contracts (11 Feb 2026): the platform does not provide credit or
 * financing for a client's perpetual margin; a balance that goes negative is credit the platform carries.
 *
 * Population: credits and balance-reducing events (withdraw, fee, negative pnl, negative funding). A pnl or funding
 * of zero or more is outside it. The balance is the margin ledger's (margin/marginLedger.ts), which this rule reads
 * just after the ledger applied the event.
 */
import type { Exact } from '../../contract/decimal.js';
import { decimalIsNonNegative } from '../../contract/decimal.js';
import type { Located } from '../../contract/events.js';
import type { MarginEvent } from '../../contract/recordsV2.js';
import { MarginLedgerError } from '../../margin/errors.js';
import type { MarginLedger } from '../../margin/marginLedger.js';
import { eventFinding } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';
import { appliedStep, MarginPopulation } from './marginFindings.js';

const ID = 'PERP-4';

/** Whether the event is in PERP-4's population: a credit or a balance-reducing event. */
function isCreditOrReduction(rec: MarginEvent): boolean {
  switch (rec.event) {
    case 'credit':
    case 'withdraw':
    case 'fee':
      return true;
    case 'pnl':
    case 'funding':
      return rec.amount != null && !decimalIsNonNegative(rec.amount);
    default:
      return false;
  }
}

export class PlatformMarginCredit implements Rule {
  readonly checks = [ID] as const;
  readonly #pop = new MarginPopulation(ID, 'no credits or balance-reducing events in the margin ledger');

  constructor(private readonly ledger: MarginLedger) {}

  onMargin(item: Located<MarginEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (!isCreditOrReduction(rec)) return;
    this.#pop.examined();
    const change = appliedStep(this.ledger, rec).account;
    if (change === null) throw new MarginLedgerError(rec.event_id, 'the margin ledger moved no account balance');
    const credit = rec.event === 'credit';
    if (!credit && !change.after.lt(0)) return;
    const what = credit
      ? `is margin credit the platform gave account ${change.account_id}`
      : `left account ${change.account_id}'s margin balance below zero`;
    ctx.sink.report(
      eventFinding(
        ID,
        item,
        `Margin ${rec.event} ${rec.event_id} (seq ${rec.seq}) of ${rec.amount} ${what}: balance ${text(change.before)} before, ${text(change.after)} after.`,
        {
          reason: credit ? 'margin credit from the platform' : 'balance below zero after the event',
          balance_before: text(change.before),
          balance_after: text(change.after),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}

const text = (d: Exact): string => d.toString();
