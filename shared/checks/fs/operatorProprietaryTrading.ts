/**
 * FS-6 (high, subject order_id). Compliant: no order of a `platform` account, i.e. the operator does not trade for its
 * own account on its platform.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the platform operator does not conduct proprietary
 * trading on its platform; market making is left to a functionally separate entity.
 */
import { checkMeta } from '../catalogue.js';
import type { Rule } from '../rule.js';
import { origin, perOrderRule, UNKNOWN_ACCOUNT } from './orderEvents.js';

const ID = 'FS-6';

export function operatorProprietaryTradingRule(): Rule {
  return perOrderRule({
    id: ID,
    count(population, account) {
      if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
      else population.examined++;
    },
    judge(item, before, account, accountId, symbol, ctx) {
      if (account?.role !== 'platform') return undefined;
      const o = item.rec;
      return {
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
      };
    },
  });
}
