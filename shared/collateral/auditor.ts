/**
 * Drives the collateral checks (NRH-1..5, MF-1..6) over the `collateral` stream in replay order (`seq`, DQ-2
 * duplicates by file path and line; the caller sorts and leaves out DQ-1 records). For each event: the
 * 'beforeApply' rules judge it against the ledger as it stood (NRH-4 "at that point", MF-5 "previous"
 * credit_limit, the pledge checks), then the ledger applies it, then the 'afterApply' rules judge the result
 * (MF-3/MF-4 "after a loan_draw", MF-6 after a valuation's price). Every rule call is fail-closed (runRuleHook).
 */

import { CreditLimitIncrease } from '../checks/mf/creditLimitIncrease.js';
import { HaircutBelowFloor } from '../checks/mf/haircutBelowFloor.js';
import { IneligibleCollateral } from '../checks/mf/ineligibleCollateral.js';
import { LateMarginCall } from '../checks/mf/lateMarginCall.js';
import { NonMarginClientFinancing } from '../checks/mf/nonMarginClientFinancing.js';
import { OverAdvance } from '../checks/mf/overAdvance.js';
import { CustodyShortfall } from '../checks/nrh/custodyShortfall.js';
import { EncumberedCollateral } from '../checks/nrh/encumberedCollateral.js';
import { EnforceWithoutDefault } from '../checks/nrh/enforceWithoutDefault.js';
import { MisdirectedPledgeOrRelease } from '../checks/nrh/misdirectedPledgeOrRelease.js';
import { TransferOutOfSegregation } from '../checks/nrh/transferOutOfSegregation.js';
import type { RuleContext } from '../checks/rule.js';
import { reportRuleError, runRuleHook } from '../checks/runner.js';
import type { Located } from '../contract/events.js';
import type { CollateralEvent } from '../contract/records.js';
import type { CollateralRule } from './collateralRule.js';
import { CollateralLedger } from './ledger.js';

/** Every collateral rule, bound to one shared ledger, in check-id order. */
export function collateralRules(ledger: CollateralLedger): CollateralRule[] {
  return [
    new TransferOutOfSegregation(ledger),
    new EnforceWithoutDefault(ledger),
    new EncumberedCollateral(ledger),
    new CustodyShortfall(ledger),
    new MisdirectedPledgeOrRelease(ledger),
    new IneligibleCollateral(ledger),
    new HaircutBelowFloor(ledger),
    new OverAdvance(ledger),
    new NonMarginClientFinancing(ledger),
    new CreditLimitIncrease(ledger),
    new LateMarginCall(ledger),
  ];
}

/** Check ids the collateral auditor reports. */
export const COLLATERAL_CHECK_IDS = [
  'NRH-1',
  'NRH-2',
  'NRH-3',
  'NRH-4',
  'NRH-5',
  'MF-1',
  'MF-2',
  'MF-3',
  'MF-4',
  'MF-5',
  'MF-6',
] as const;

export class CollateralAuditor {
  readonly ledger = new CollateralLedger();
  readonly rules: readonly CollateralRule[];
  readonly #before: readonly CollateralRule[];
  readonly #after: readonly CollateralRule[];
  #finished = false;

  constructor(private readonly ctx: RuleContext) {
    this.rules = collateralRules(this.ledger);
    this.#before = this.rules.filter((r) => r.phase === 'beforeApply');
    this.#after = this.rules.filter((r) => r.phase === 'afterApply');
  }

  /** One collateral event, in replay order. */
  process(item: Located<CollateralEvent>): void {
    const origin = { hook: 'onCollateral', file: item.file, line: item.line };
    for (const rule of this.#before) runRuleHook(rule, this.ctx, origin, () => rule.onCollateral(item, this.ctx));
    try {
      this.ledger.apply(item.rec);
    } catch (error) {
      // A ledger that cannot apply an event no longer reflects the books: every check is told, none passes silently.
      for (const rule of this.rules) {
        reportRuleError(rule, this.ctx, { hook: 'collateral ledger', file: item.file, line: item.line }, error);
      }
      return;
    }
    for (const rule of this.#after) runRuleHook(rule, this.ctx, origin, () => rule.onCollateral(item, this.ctx));
  }

  /** After the last event: look-ahead checks (MF-6) report, and empty populations are stated. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const rule of this.rules) runRuleHook(rule, this.ctx, { hook: 'finish' }, () => rule.finish?.(this.ctx));
  }
}
