/**
 * MF-5 (medium, subject event_id). Compliant: no `credit_limit` above the account's previous credit_limit in the
 * dataset within 24 h after the account's first virtual-asset `pledge` in the dataset. The first credit_limit of an
 * account is not an increase; equal is not an increase. Why: the SFC's VA margin-financing measure says credit
 * limits are not to be raised because VA financing is offered.
 *
 * Order and time: "previous", "first" and "after" follow replay order (`seq`), so only a credit_limit replayed after
 * the first VA pledge can be a finding; "within 24 h" is the distance between the two `ts`, both ends included
 * (24 h exactly is within, 24 h + 1 ns is not). A credit_limit replayed after the pledge but stamped earlier is
 * within 24 h when its ts is at most 24 h before the pledge's (the clocks disagree with the ledger order; the
 * distance is all that can be measured).
 */

import { type CollateralLedger, toMark } from '../../collateral/ledger.js';
import { compareDecimal } from '../../contract/decimal.js';
import type { Located } from '../../contract/events.js';
import type { CollateralEvent } from '../../contract/records.js';
import { eventFinding, Population } from '../collateralFindings.js';
import type { Rule, RuleContext } from '../rule.js';

const DAY_NS = 86_400_000_000_000n;

export class CreditLimitIncrease implements Rule {
  readonly checks = ['MF-5'] as const;
  readonly #pop = new Population('MF-5', 'no credit limits in the collateral ledger');

  constructor(private readonly ledger: CollateralLedger) {}

  onCollateral(item: Located<CollateralEvent>, ctx: RuleContext): void {
    const rec = item.rec;
    if (rec.event !== 'credit_limit') return;
    if (rec.account_id == null || rec.amount == null) {
      this.#pop.notTested(ctx, 'credit_limit without account_id or amount');
      return;
    }
    this.#pop.examined(ctx);
    const previous = this.ledger.creditLimit(rec.account_id);
    if (previous === undefined || compareDecimal(rec.amount, previous.amount) <= 0) return;
    const pledge = this.ledger.firstVaPledge(rec.account_id);
    if (pledge === undefined) return;
    const elapsed = toMark(rec).tsNs - pledge.tsNs;
    if (elapsed > DAY_NS || elapsed < -DAY_NS) return;
    ctx.sink.report(
      eventFinding(
        'MF-5',
        item,
        `Credit limit ${rec.event_id} (seq ${rec.seq}) raised account ${rec.account_id}'s limit from ${previous.amount} (${previous.event_id}) to ${rec.amount} at ${rec.ts}, within 24 h of its first virtual-asset pledge ${pledge.event_id} at ${pledge.ts}.`,
        {
          previous_credit_limit: {
            event_id: previous.event_id,
            seq: previous.seq,
            ts: previous.ts,
            amount: previous.amount,
          },
          amount: rec.amount,
          first_va_pledge: {
            event_id: pledge.event_id,
            seq: pledge.seq,
            ts: pledge.ts,
            asset: pledge.asset,
            loan_id: pledge.loan_id,
          },
          elapsed_ns: elapsed.toString(),
        },
      ),
    );
  }

  finish(ctx: RuleContext): void {
    this.#pop.finish(ctx);
  }
}
