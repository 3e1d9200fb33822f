/**
 * PERP-1 (high, subject order_id). Compliant: every order on a perpetual instrument (`product = perpetual`) by a
 * `client` account comes from a `professional` investor; a `retail` or null investor_class is a finding. Other roles
 * (affiliated or third-party MM, platform) are outside this check.
 * Why: SFC high-level framework for perpetual contracts on licensed platforms (11 Feb 2026): perpetuals are offered to
 * professional investors only.
 */
import { checkMeta } from '../catalogue.js';
import { origin, perOrderRule, UNKNOWN_ACCOUNT, UNKNOWN_INSTRUMENT } from '../fs/orderEvents.js';
import type { Rule } from '../rule.js';

const ID = 'PERP-1';

export function perpetualRetailAccessRule(): Rule {
  return perOrderRule({
    id: ID,
    count(population, account, symbol, _item, ctx) {
      const instrument = ctx.lookup.instrument(symbol);
      if (instrument === undefined) {
        // Only an order that could be a client's can be missed here.
        if (account === undefined || account.role === 'client') population.notTested(UNKNOWN_INSTRUMENT);
      } else if (instrument.product === 'perpetual') {
        if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
        else population.examined++;
      }
    },
    judge(item, before, account, accountId, symbol, ctx) {
      if (account?.role !== 'client' || account.investor_class === 'professional') return undefined;
      const instrument = ctx.lookup.instrument(symbol);
      if (instrument?.product !== 'perpetual') return undefined;
      const o = item.rec;
      const investorClass = account.investor_class ?? 'null (not classified)';
      return {
        check_id: ID,
        severity: 'high',
        subject: o.order_id,
        symbol,
        account_id: accountId,
        seq: o.seq,
        ts: o.ts,
        title: checkMeta(ID).title,
        detail: `Order ${o.order_id} (${o.event} at seq ${o.seq}) on perpetual ${symbol} belongs to client account ${accountId}, whose investor_class is ${investorClass}, not professional.`,
        evidence: {
          order_id: o.order_id,
          symbol,
          product: instrument.product,
          account_id: accountId,
          account_entity_id: account.entity_id,
          investor_class: account.investor_class,
          event: o.event,
          side: before?.side ?? o.side,
          user_id: o.user_id ?? null,
          ...origin(item),
        },
      };
    },
  });
}
