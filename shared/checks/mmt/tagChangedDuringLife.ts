/**
 * MMT-3 (medium, subject order_id). Compliant: an order keeps the mm_tag it was entered with; no amend applied to the
 * open order changes it (an amend the replay ignores under DQ-6 is not part of the order's life).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): an identification that can change mid-life cannot
 * reliably tell market-making activity from client flow.
 */
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';
import { eventEvidence, taggedOrderEvent } from './orderEventAccount.js';

const ID = 'MMT-3';

export class TagChangedDuringLifeRule implements Rule {
  readonly checks = [ID] as const;

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const o = item.rec;
    if (o.event !== 'amend' || before === undefined) return;
    const e = taggedOrderEvent(item, before, ctx);
    if (e === undefined) return;
    ctx.sink.examined(ID);
    if (o.mm_tag == null || o.mm_tag === before.mm_tag) return;
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: o.order_id,
      symbol: before.symbol,
      account_id: e.account_id,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The amend at seq ${o.seq} changed the mm_tag of order ${o.order_id} (account ${e.account_id}) from ${before.mm_tag} to ${o.mm_tag}.`,
      evidence: {
        ...eventEvidence(item),
        account_id: e.account_id,
        account_role: e.account?.role ?? null,
        mm_tag_before: before.mm_tag,
        mm_tag_after: o.mm_tag,
      },
    });
  }
}
