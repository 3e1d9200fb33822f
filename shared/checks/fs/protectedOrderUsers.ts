/**
 * FS-2 (high, subject order_id). Compliant: no event of an order of a protected (`client`, `third_party_mm`) or
 * `platform` account carries the user_id of staff (any function) of an MM entity. A null user_id is a system event,
 * attributed to nobody.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): information barriers between the market maker and
 * the platform; the market maker's people must not act on client or operator orders.
 */
import type { OrderEvent } from '../../contract/records.js';
import { accountOf, PopulationCounter, staffOf } from '../../orderflow/lookups.js';
import { isProtectedRole } from '../../reference/referenceData.js';
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

const ID = 'FS-2';

export function protectedOrderUsersRule(): Rule {
  const reported = new Set<string>();
  const population = new PopulationCounter(ID);
  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      const o = item.rec;
      const accountId = orderAccountId(item, before);
      const account = accountOf(ctx.ref, accountId);
      const inScope = account !== undefined && (isProtectedRole(account.role) || account.role === 'platform');
      if (opensOrder(item, before)) {
        if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
        else if (inScope) population.examined++;
      }
      if (!inScope || o.user_id == null || reported.has(o.order_id)) return;
      const staff = staffOf(ctx.ref, o.user_id);
      if (staff === undefined || !ctx.ref.mmEntities.has(staff.entity_id)) return;
      reported.add(o.order_id);
      ctx.sink.report({
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol: orderSymbol(item, before),
        account_id: accountId,
        seq: o.seq,
        ts: o.ts,
        title: checkMeta(ID).title,
        detail: `The ${o.event} event (seq ${o.seq}) of order ${o.order_id} of ${account.role} account ${accountId} was entered by user ${o.user_id}, ${staff.function} staff of MM entity ${staff.entity_id}.`,
        evidence: {
          order_id: o.order_id,
          account_id: accountId,
          account_role: account.role,
          account_entity_id: account.entity_id,
          event: o.event,
          user_id: o.user_id,
          user_entity_id: staff.entity_id,
          user_function: staff.function,
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
