/**
 * PERP-1 (high, subject order_id). Compliant: every order on a perpetual instrument (`product = perpetual`) by a
 * `client` account comes from a `professional` investor; a `retail` or null investor_class is a finding. Other roles
 * (affiliated or third-party MM, platform) are outside this check.
 * Why: SFC high-level framework for perpetual contracts on licensed platforms (11 Feb 2026): perpetuals are offered to
 * professional investors only.
 */
import type { OrderEvent } from '../../contract/records.js';
import { accountOf, instrumentOf, PopulationCounter } from '../../orderflow/lookups.js';
import { checkMeta } from '../catalogue.js';
import {
  isIgnoredByReplay,
  opensOrder,
  orderAccountId,
  orderSymbol,
  origin,
  type ReportedState,
  UNKNOWN_ACCOUNT,
  UNKNOWN_INSTRUMENT,
} from '../fs/orderEvents.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';

const ID = 'PERP-1';

export function perpetualRetailAccessRule(): Rule {
  const reported = new Set<string>();
  const population = new PopulationCounter(ID);
  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      const o = item.rec;
      const symbol = orderSymbol(item, before);
      const accountId = orderAccountId(item, before);
      const instrument = instrumentOf(ctx.ref, symbol);
      const account = accountOf(ctx.ref, accountId);
      if (opensOrder(item, before)) {
        if (instrument === undefined) {
          // Only an order that could be a client's can be missed here.
          if (account === undefined || account.role === 'client') population.notTested(UNKNOWN_INSTRUMENT);
        } else if (instrument.product === 'perpetual') {
          if (account === undefined) population.notTested(UNKNOWN_ACCOUNT);
          else population.examined++;
        }
      }
      if (instrument?.product !== 'perpetual' || account?.role !== 'client') return;
      if (account.investor_class === 'professional' || reported.has(o.order_id)) return;
      reported.add(o.order_id);
      const investorClass = account.investor_class ?? 'null (not classified)';
      ctx.sink.report({
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
