/**
 * FS-6 (high, subject order_id). Compliant: no order of a `platform` account, i.e. the operator does not trade for its
 * own account on its platform.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the platform operator does not conduct proprietary
 * trading on its platform; market making is left to a functionally separate entity.
 */
import type { OrderEvent } from '../../contract/records.js';
import { accountOf, PopulationCounter } from '../../orderflow/lookups.js';
import { checkMeta } from '../catalogue.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';
import {
  isIgnoredByReplay,
  opensOrder,
  orderAccountId,
  orderSymbol,
  origin,
  type ReportedState,
  UNKNOWN_ACCOUNT,
} from './orderEvents.js';

const ID = 'FS-6';

export function operatorProprietaryTradingRule(): Rule {
  const reported = new Set<string>();
  const population = new PopulationCounter(ID);
  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      const o = item.rec;
      const accountId = orderAccountId(item, before);
      const account = accountOf(ctx.ref, accountId);
      if (opensOrder(item, before)) {
        if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
        else population.examined++;
      }
      if (account?.role !== 'platform' || reported.has(o.order_id)) return;
      reported.add(o.order_id);
      const symbol = orderSymbol(item, before);
      ctx.sink.report({
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol,
        account_id: accountId,
        seq: o.seq,
        ts: o.ts,
        title: checkMeta(ID).title,
        detail: `Order ${o.order_id} on ${symbol} (${o.event} at seq ${o.seq}) belongs to platform account ${accountId} of entity ${account.entity_id}: the operator traded for its own account.`,
        evidence: {
          order_id: o.order_id,
          account_id: accountId,
          account_entity_id: account.entity_id,
          operator_entity_id: ctx.ref.manifest.operator_entity_id,
          symbol,
          event: o.event,
          side: before?.side ?? o.side,
          price: before?.price ?? o.price ?? null,
          qty: o.qty ?? null,
          user_id: o.user_id ?? null,
          ...origin(item),
        },
      });
    },
    saveState(): ReportedState {
      return { reported: new Set(reported), population: population.saveState() };
    },
    loadState(state: unknown): void {
      const s = state as ReportedState;
      reported.clear();
      for (const id of s.reported) reported.add(id);
      population.loadState(s.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
    },
  };
}
