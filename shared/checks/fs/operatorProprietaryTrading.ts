/**
 * FS-6 (high, subject account_id). Compliant: no order of a `platform` account, i.e. the operator does not trade for
 * its own account on its platform. One finding per platform account that placed orders (RULES clarification of
 * 2026-12-07): every order of the account is the same breach, so the finding counts them instead of repeating.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the platform operator does not conduct proprietary
 * trading on its platform; market making is left to a functionally separate entity.
 *
 * Population: orders (their opening `new` or `snapshot`) of accounts in the reference data; an order of an unknown
 * account is not tested (DQ-5 reports the id). An order belongs to the account it was entered with.
 * The findings need the whole order flow (an account trades on several symbols), so they are reported at finish.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { Account, OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { opensOrder, UNKNOWN_ACCOUNT } from './orderEvents.js';

const ID = 'FS-6';

/** An order as the finding's evidence names it: where it opened. */
interface OrderMark {
  order_id: string;
  symbol: string;
  event: string;
  seq: number;
  ts: string;
  file: string;
  line: number;
}

/** What one platform account did over the order flow. */
interface AccountTrading {
  entity_id: string;
  orders: number;
  /** Orders per symbol, in the order symbols first appeared. */
  symbols: Map<string, number>;
  first: OrderMark;
  last: OrderMark;
}

interface ProprietaryTradingState {
  accounts: Map<string, AccountTrading>;
  population: PopulationState;
}

function mark(item: Located<OrderEvent>): OrderMark {
  const o = item.rec;
  return {
    order_id: o.order_id,
    symbol: o.symbol,
    event: o.event,
    seq: o.seq,
    ts: o.ts,
    file: item.file,
    line: item.line,
  };
}

export function operatorProprietaryTradingRule(): Rule {
  const accounts = new Map<string, AccountTrading>();
  const population = new PopulationCounter(ID);

  const record = (account: Account, item: Located<OrderEvent>): void => {
    const seen = accounts.get(account.account_id);
    const symbol = item.rec.symbol;
    if (seen === undefined) {
      const m = mark(item);
      accounts.set(account.account_id, {
        entity_id: account.entity_id,
        orders: 1,
        symbols: new Map([[symbol, 1]]),
        first: m,
        last: m,
      });
      return;
    }
    seen.orders++;
    seen.symbols.set(symbol, (seen.symbols.get(symbol) ?? 0) + 1);
    seen.last = mark(item);
  };

  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      // Only the event that brings an order into the replay counts it (a repeated new/snapshot is DQ-6's).
      if (!opensOrder(item, before)) return;
      const account = ctx.lookup.account(item.rec.account_id);
      if (account === undefined) {
        population.notTested(UNKNOWN_ACCOUNT);
        return;
      }
      population.examined++;
      if (account.role === 'platform') record(account, item);
    },
    saveState(): ProprietaryTradingState {
      const copy = new Map<string, AccountTrading>();
      for (const [id, a] of accounts) copy.set(id, { ...a, symbols: new Map(a.symbols) });
      return { accounts: copy, population: population.saveState() };
    },
    loadState(state: unknown): void {
      const s = state as ProprietaryTradingState;
      accounts.clear();
      for (const [id, a] of s.accounts) accounts.set(id, { ...a, symbols: new Map(a.symbols) });
      population.loadState(s.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
      const meta = checkMeta(ID);
      for (const accountId of [...accounts.keys()].sort()) {
        const a = accounts.get(accountId)!;
        const symbols = [...a.symbols.keys()].sort();
        const span =
          a.orders === 1
            ? `order ${a.first.order_id} (seq ${a.first.seq}, ${a.first.ts})`
            : `${a.orders} orders, the first ${a.first.order_id} (seq ${a.first.seq}, ${a.first.ts}) and the last ${a.last.order_id} (seq ${a.last.seq}, ${a.last.ts})`;
        ctx.sink.report({
          check_id: ID,
          severity: meta.severity,
          subject: accountId,
          symbol: symbols.length === 1 ? symbols[0]! : null,
          account_id: accountId,
          seq: a.first.seq,
          ts: a.first.ts,
          title: meta.title,
          detail: `Platform account ${accountId} of entity ${a.entity_id} placed ${span} on ${symbols.join(', ')}: the operator traded for its own account.`,
          evidence: {
            account_id: accountId,
            account_entity_id: a.entity_id,
            operator_entity_id: ctx.ref.manifest.operator_entity_id,
            orders: a.orders,
            symbols: symbols.map((symbol) => ({ symbol, orders: a.symbols.get(symbol)! })),
            first_order: a.first,
            last_order: a.last,
          },
        });
      }
    },
  };
}
