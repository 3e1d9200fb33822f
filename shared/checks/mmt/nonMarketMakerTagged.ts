/**
 * MMT-2 (medium, subject order_id). Compliant: no order of a `client` or `platform` account carries mm_tag = true
 * (at new/snapshot or any amend). A third_party_mm account is neither, so its tag is not judged.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): market-making identification must be reliable both
 * ways; client or operator flow marked as market making blurs what the tag is meant to separate.
 */
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';
import { eventEvidence, taggedOrderEvent, UNKNOWN_ACCOUNT } from './orderEventAccount.js';

const ID = 'MMT-2';

export class NonMarketMakerTaggedRule implements Rule {
  readonly checks = [ID] as const;

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const e = taggedOrderEvent(item, before, ctx);
    if (e === undefined) return;
    const role = e.account?.role;
    const inScope = role === 'client' || role === 'platform';
    if (e.opening) {
      if (e.account === undefined) ctx.sink.notTested(ID, UNKNOWN_ACCOUNT);
      else if (inScope) ctx.sink.examined(ID);
    }
    const o = item.rec;
    if (!inScope || o.mm_tag !== true) return;
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: o.order_id,
      symbol: before?.symbol ?? o.symbol,
      account_id: e.account_id,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of ${role} account ${e.account_id} carries mm_tag = true, marking non-market-making flow as market making.`,
      evidence: { ...eventEvidence(item), account_id: e.account_id, account_role: role },
    });
  }
}
