/**
 * FS-1 (high, subject order_id). Compliant: every event of an affiliated MM account's order that names a user names
 * `market_making` staff of an MM entity (an entity owning an affiliated_mm account). A null user_id is a system event,
 * attributed to nobody, so it is fine.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the market maker is functionally independent of the
 * operator, with separate staff; only its own market-making desk may act on its orders.
 */
import type { OrderEvent } from '../../contract/records.js';
import { accountOf, PopulationCounter, staffOf } from '../../orderflow/lookups.js';
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

const ID = 'FS-1';

export function marketMakerOrderUsersRule(): Rule {
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
        else if (account.role === 'affiliated_mm') population.examined++;
      }
      if (account?.role !== 'affiliated_mm' || o.user_id == null || reported.has(o.order_id)) return;
      const staff = staffOf(ctx.ref, o.user_id);
      if (staff !== undefined && staff.function === 'market_making' && ctx.ref.mmEntities.has(staff.entity_id)) return;
      reported.add(o.order_id);
      const who =
        staff === undefined
          ? 'a user who is not in the staff reference'
          : `staff of ${staff.entity_id} with function ${staff.function}${ctx.ref.mmEntities.has(staff.entity_id) ? '' : ' (not an MM entity)'}`;
      ctx.sink.report({
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol: orderSymbol(item, before),
        account_id: accountId,
        seq: o.seq,
        ts: o.ts,
        title: checkMeta(ID).title,
        detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of affiliated MM account ${accountId} was entered by user ${o.user_id}, ${who}, not by market-making staff of an MM entity.`,
        evidence: {
          order_id: o.order_id,
          account_id: accountId,
          account_entity_id: account.entity_id,
          event: o.event,
          user_id: o.user_id,
          user_in_staff: staff !== undefined,
          user_entity_id: staff?.entity_id ?? null,
          user_function: staff?.function ?? null,
          session_id: o.session_id ?? null,
          source_ip: o.source_ip ?? null,
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
