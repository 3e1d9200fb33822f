/**
 * MF-6 (medium, subject the valuation's event_id; evidence: the loans). Compliant: when a `valuation` of an asset
 * leaves a loan that holds a lot of that asset (qty > 0) with an outstanding amount above its lending value, that
 * loan gets a `margin_call` replayed after the valuation (strictly later `seq`) whose `ts` is within
 * `margin_call_within` (default PT1H) of the valuation's `ts`, both ends included, to the nanosecond. Why: the SFC's
 * VA margin-financing measure requires real-time monitoring of collateral values and timely margin calls.
 *
 * "Within" is the distance between the two `ts` (a call replayed after the valuation but stamped slightly earlier
 * still answers it). Look-ahead without holding the ledger: each short valuation is kept pending with only its
 * short loans (ids and amounts); a margin call on a pending loan settles it; a valuation whose loans are all called
 * is settled early and forgotten. Since `ts` is not monotonic in `seq`, a later record may still carry a `ts` inside
 * any window, so a valuation is reported only in finish(), after the whole ledger.
 */

import { type CollateralLedger, toMark } from '../../collateral/ledger.js';
import { CoverageScreen, lendingValue } from '../../collateral/lendingValue.js';
import { marginCallWindowNs } from '../../config/parameters.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

interface ShortLoan {
  loan_id: string;
  account_id: string | null;
  outstanding: string;
  lending_value: string;
}

interface PendingValuation {
  item: Located<CollateralEvent>;
  seq: number;
  tsNs: bigint;
  /** Short loans not yet answered by a margin call, in the order the ledger holds them. */
  unresolved: Map<string, ShortLoan>;
  shortCount: number;
}

const MAX_EVIDENCE_LOANS = 50;

export class LateMarginCall implements Rule {
  readonly checks = ['MF-6'] as const;
  readonly #pop = new Population('MF-6', 'no valuations in the collateral ledger');
  readonly #pending = new Map<number, PendingValuation>();
  /** loan → keys of pending valuations that still wait for a call on it. */
  readonly #byLoan = new Map<string, Set<number>>();
  #nextKey = 0;
  /** Skips, without exact arithmetic, the loans clearly covered at a valuation (most of them). */
  #screen: CoverageScreen | undefined;

  constructor(private readonly ledger: CollateralLedger) {}

  /** Valuations still waiting for at least one margin call (for tests and memory checks). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event === 'valuation') this.#valuation(item, ctx);
    else if (rec.event === 'margin_call') this.#marginCall(item, ctx);
  }

  #valuation(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.asset == null) {
      this.#pop.notTested(ctx, 'valuation without asset');
      return;
    }
    this.#pop.examined(ctx);
    const unresolved = new Map<string, ShortLoan>();
    if (this.#screen?.params !== ctx.params) this.#screen = new CoverageScreen(this.ledger, ctx.params);
    for (const loanId of this.ledger.loansHolding(rec.asset)) {
      if (this.#screen.clearlyCovered(loanId)) continue;
      const outstanding = this.ledger.outstanding(loanId);
      if (outstanding.lte(0)) continue;
      const value = lendingValue(this.ledger, loanId, ctx.params);
      if (!outstanding.gt(value)) continue;
      unresolved.set(loanId, {
        loan_id: loanId,
        account_id: this.ledger.loan(loanId)?.account_id ?? null,
        outstanding: outstanding.toString(),
        lending_value: value.toString(),
      });
    }
    if (unresolved.size === 0) return;
    const key = this.#nextKey++;
    this.#pending.set(key, { item, seq: rec.seq, tsNs: toMark(rec).tsNs, unresolved, shortCount: unresolved.size });
    for (const loanId of unresolved.keys()) {
      let keys = this.#byLoan.get(loanId);
      if (keys === undefined) {
        keys = new Set();
        this.#byLoan.set(loanId, keys);
      }
      keys.add(key);
    }
  }

  #marginCall(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.loan_id == null) return;
    const keys = this.#byLoan.get(rec.loan_id);
    if (keys === undefined) return;
    const window = marginCallWindowNs(ctx.params);
    const callNs = toMark(rec).tsNs;
    for (const key of keys) {
      const pending = this.#pending.get(key);
      if (pending === undefined) {
        keys.delete(key);
        continue;
      }
      const distance = callNs >= pending.tsNs ? callNs - pending.tsNs : pending.tsNs - callNs;
      if (rec.seq <= pending.seq || distance > window) continue;
      pending.unresolved.delete(rec.loan_id);
      keys.delete(key);
      if (pending.unresolved.size === 0) this.#pending.delete(key);
    }
    if (keys.size === 0) this.#byLoan.delete(rec.loan_id);
  }

  finish(ctx: RuleContext): void {
    for (const pending of this.#pending.values()) this.#report(pending, ctx);
    this.#pending.clear();
    this.#byLoan.clear();
    this.#pop.finish(ctx);
  }

  #report(pending: PendingValuation, ctx: RuleContext): void {
    const rec = pending.item.rec;
    const loans = [...pending.unresolved.values()];
    const accounts = new Set(loans.map((l) => l.account_id));
    const named = loans
      .slice(0, 5)
      .map((l) => `${l.loan_id} (outstanding ${l.outstanding} above lending value ${l.lending_value})`)
      .join(', ');
    const more = loans.length > 5 ? ` and ${loans.length - 5} more` : '';
    const finding = eventFinding(
      'MF-6',
      pending.item,
      `Valuation ${rec.event_id} (seq ${rec.seq}) of ${rec.asset} at ${rec.price} on ${rec.ts} left loan(s) ${named}${more} short of collateral, with no margin call replayed after it within ${ctx.params.margin_call_within} of that time.`,
      {
        asset: rec.asset ?? null,
        price: rec.price ?? null,
        margin_call_within: ctx.params.margin_call_within,
        loans: loans.slice(0, MAX_EVIDENCE_LOANS),
        loans_without_timely_call: loans.length,
        loans_short_after_valuation: pending.shortCount,
      },
    );
    finding.account_id = accounts.size === 1 ? (loans[0]?.account_id ?? null) : null;
    ctx.sink.report(finding);
  }
}
