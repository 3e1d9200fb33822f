/**
 * MMT-1 (high, subject order_id). Compliant: every order of an affiliated MM account carries mm_tag = true at its
 * new/snapshot and at every amend.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): market-making activity must be effectively identified
 * so that the platform, reviewers and the SFC can tell it apart from client flow.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { eventEvidence, isJudgedTagEvent, UNKNOWN_ACCOUNT } from './orderEventAccount.js';

const ID = 'MMT-1';

export class UntaggedMarketMakerOrderRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const o = item.rec;
    if (!isJudgedTagEvent(o, before)) return;
    const accountId = before?.account_id ?? o.account_id;
    const account = ctx.lookup.account(accountId);
    if (o.event !== 'amend') {
      if (account === undefined) this.#population.notTested(UNKNOWN_ACCOUNT);
      else if (account.role === 'affiliated_mm') this.#population.examined++;
    }
    if (account?.role !== 'affiliated_mm' || o.mm_tag !== false) return;
    ctx.sink.report({
      check_id: ID,
      severity: 'high',
      subject: o.order_id,
      symbol: before?.symbol ?? o.symbol,
      account_id: accountId,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of affiliated MM account ${accountId} carries mm_tag = false: the market maker's order is not identified as market making.`,
      evidence: { ...eventEvidence(item), account_id: accountId, account_role: account.role },
    });
  }

  /** Only population counts (flushed in finish) carry over a checkpoint. */
  saveState(): PopulationState {
    return this.#population.saveState();
  }

  loadState(state: unknown): void {
    this.#population.loadState(state as PopulationState);
  }

  finish(ctx: RuleContext): void {
    this.#population.flush(ctx.sink);
  }
}
