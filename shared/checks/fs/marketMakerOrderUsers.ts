/**
 * FS-1 (high, subject order_id). Compliant: every event of an affiliated MM account's order that names a user names
 * `market_making` staff of an MM entity (an entity owning an affiliated_mm account). A null user_id is a system event,
 * attributed to nobody, so it is fine.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the market maker is functionally independent of the
 * operator, with separate staff; only its own market-making desk may act on its orders.
 */
import { checkMeta } from '../catalogue.js';
import type { Rule } from '../rule.js';
import { origin, perOrderRule, UNKNOWN_ACCOUNT } from './orderEvents.js';

const ID = 'FS-1';

export function marketMakerOrderUsersRule(): Rule {
  return perOrderRule({
    id: ID,
    count(population, account) {
      if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
      else if (account.role === 'affiliated_mm') population.examined++;
    },
    judge(item, _before, account, accountId, symbol, ctx) {
      const o = item.rec;
      if (account?.role !== 'affiliated_mm' || o.user_id == null) return undefined;
      const staff = ctx.lookup.staff(o.user_id);
      if (staff !== undefined && staff.function === 'market_making' && ctx.ref.mmEntities.has(staff.entity_id)) {
        return undefined;
      }
      const who =
        staff === undefined
          ? 'a user who is not in the staff reference'
          : `staff of ${staff.entity_id} with function ${staff.function}${ctx.ref.mmEntities.has(staff.entity_id) ? '' : ' (not an MM entity)'}`;
      return {
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol,
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
      };
    },
  });
}
