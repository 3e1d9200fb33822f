/**
 * FS-2 (high, subject order_id). Compliant: no event of an order of a protected (`client`, `third_party_mm`) or
 * `platform` account carries the user_id of staff (any function) of an MM entity. A null user_id is a system event,
 * attributed to nobody.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): information barriers between the market maker and
 * the platform; the market maker's people must not act on client or operator orders.
 */
import type { Account } from '../../contract/records.js';
import { isProtectedRole } from '../../reference/referenceData.js';
import { checkMeta } from '../catalogue.js';
import type { Rule } from '../rule.js';
import { origin, perOrderRule, UNKNOWN_ACCOUNT } from './orderEvents.js';

const ID = 'FS-2';

const inScope = (account: Account | undefined): account is Account =>
  account !== undefined && (isProtectedRole(account.role) || account.role === 'platform');

export function protectedOrderUsersRule(): Rule {
  return perOrderRule({
    id: ID,
    count(population, account) {
      if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
      else if (inScope(account)) population.examined++;
    },
    judge(item, _before, account, accountId, symbol, ctx) {
      const o = item.rec;
      if (!inScope(account) || o.user_id == null) return undefined;
      const staff = ctx.lookup.staff(o.user_id);
      if (staff === undefined || !ctx.ref.mmEntities.has(staff.entity_id)) return undefined;
      return {
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol,
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
      };
    },
  });
}
