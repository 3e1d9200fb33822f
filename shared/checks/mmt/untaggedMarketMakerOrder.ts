/**
 * MMT-1 (high, subject order_id). Compliant: every order of an affiliated MM account carries mm_tag = true at its
 * new/snapshot and at every amend.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): market-making activity must be effectively identified
 * so that the platform, reviewers and the SFC can tell it apart from client flow.
 */
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';
import { eventEvidence, taggedOrderEvent, UNKNOWN_ACCOUNT } from './orderEventAccount.js';

const ID = 'MMT-1';

export class UntaggedMarketMakerOrderRule implements Rule {
  readonly checks = [ID] as const;

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const e = taggedOrderEvent(item, before, ctx);
    if (e === undefined) return;
    if (e.opening) {
      if (e.account === undefined) ctx.sink.notTested(ID, UNKNOWN_ACCOUNT);
      else if (e.account.role === 'affiliated_mm') ctx.sink.examined(ID);
    }
    const o = item.rec;
    if (e.account?.role !== 'affiliated_mm' || o.mm_tag !== false) return;
    ctx.sink.report({
      check_id: ID,
      severity: 'high',
      subject: o.order_id,
      symbol: before?.symbol ?? o.symbol,
      account_id: e.account_id,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of affiliated MM account ${e.account_id} carries mm_tag = false: the market maker's order is not identified as market making.`,
      evidence: { ...eventEvidence(item), account_id: e.account_id, account_role: e.account.role },
    });
  }
}
