/**
 * MMT-2 (medium, subject order_id). Compliant: no order of a `client` or `platform` account carries mm_tag = true
 * (at new/snapshot or any amend). A third_party_mm account is neither, so its tag is not judged.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): market-making identification must be reliable both
 * ways; client or operator flow marked as market making blurs what the tag is meant to separate.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { eventEvidence, isJudgedTagEvent, UNKNOWN_ACCOUNT } from './orderEventAccount.js';

const ID = 'MMT-2';

export class NonMarketMakerTaggedRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const o = item.rec;
    if (!isJudgedTagEvent(o, before)) return;
    const accountId = before?.account_id ?? o.account_id;
    const account = ctx.lookup.account(accountId);
    const role = account?.role;
    const inScope = role === 'client' || role === 'platform';
    if (o.event !== 'amend') {
      if (account === undefined) this.#population.notTested(UNKNOWN_ACCOUNT);
      else if (inScope) this.#population.examined++;
    }
    if (!inScope || o.mm_tag !== true) return;
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: o.order_id,
      symbol: before?.symbol ?? o.symbol,
      account_id: accountId,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of ${role} account ${accountId} carries mm_tag = true, marking non-market-making flow as market making.`,
      evidence: { ...eventEvidence(item), account_id: accountId, account_role: role },
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
