/**
 * MMT-3 (medium, subject order_id). Compliant: an order keeps the mm_tag it was entered with; no amend applied to the
 * open order changes it (an amend the replay ignores under DQ-6 is not part of the order's life).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): an identification that can change mid-life cannot
 * reliably tell market-making activity from client flow.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { eventEvidence, isJudgedTagEvent } from './orderEventAccount.js';

const ID = 'MMT-3';

export class TagChangedDuringLifeRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const o = item.rec;
    if (o.event !== 'amend' || before === undefined) return;
    if (!isJudgedTagEvent(o, before)) return;
    this.#population.examined++;
    if (o.mm_tag == null || o.mm_tag === before.mm_tag) return;
    const accountId = before.account_id;
    const account = ctx.lookup.account(accountId);
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: o.order_id,
      symbol: before.symbol,
      account_id: accountId,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The amend at seq ${o.seq} changed the mm_tag of order ${o.order_id} (account ${accountId}) from ${before.mm_tag} to ${o.mm_tag}.`,
      evidence: {
        ...eventEvidence(item),
        account_id: accountId,
        account_role: account?.role ?? null,
        mm_tag_before: before.mm_tag,
        mm_tag_after: o.mm_tag,
      },
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
