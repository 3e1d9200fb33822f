/**
 * FS-3 (high, subject session_id). Compliant: a gateway session carries orders of affiliated MM accounts only, or
 * none (two affiliated MM accounts sharing a session is fine). Every order event with a session_id counts, whoever
 * entered it: the session carried that order. The population is order events: those with a session_id are examined,
 * those without are not tested (findings are per session). An account absent from the reference is not an affiliated MM account, so
 * it counts on the "other" side (its role is shown as unknown).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the market maker is functionally separate from the
 * platform and its clients; a shared trading session breaks that barrier.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { FirstIds, type FirstIdsState } from './firstIds.js';
import { isIgnoredByReplay, orderAccountId, orderSymbol, origin } from './orderEvents.js';

const ID = 'FS-3';

interface Trigger {
  order_id: string;
  account_id: string;
  symbol: string;
  event: string;
  ts: string;
  file: string;
  line: number;
  seq: number;
}

/**
 * One session: order events and accounts of affiliated MM accounts and of others. Flat (no object per side), so that an
 * event reaches its counters in one step from the session.
 */
interface SessionState {
  mmOrders: FirstIds;
  mmAccounts: FirstIds;
  otherOrders: FirstIds;
  otherAccounts: FirstIds;
  /** The first order event after which the session carried both kinds. */
  trigger: Trigger | undefined;
}

const newSession = (): SessionState => ({
  mmOrders: new FirstIds(),
  mmAccounts: new FirstIds(),
  otherOrders: new FirstIds(),
  otherAccounts: new FirstIds(),
  trigger: undefined,
});

interface SessionSideState {
  orders: FirstIdsState;
  accounts: FirstIdsState;
}

/** Checkpoint: every session seen so far (in first-seen order) and the unflushed population. */
interface SharedSessionState {
  sessions: Map<string, { mm: SessionSideState; other: SessionSideState; trigger: Trigger | undefined }>;
  population: PopulationState;
}

const saveSide = (orders: FirstIds, accounts: FirstIds): SessionSideState => ({
  orders: orders.saveState(),
  accounts: accounts.saveState(),
});

export function sharedTradingSessionRule(): Rule {
  const sessions = new Map<string, SessionState>();
  const population = new PopulationCounter(ID);
  let lastSession: string | undefined;
  let lastState: SessionState | undefined;
  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      const o = item.rec;
      if (o.session_id == null) {
        population.notTested('order events without a session_id');
        return;
      }
      // Consecutive events of one session (a gateway's burst) skip the map.
      let s = o.session_id === lastSession ? lastState : sessions.get(o.session_id);
      if (s === undefined) {
        s = newSession();
        sessions.set(o.session_id, s);
      }
      lastSession = o.session_id;
      lastState = s;
      population.examined++;
      const accountId = orderAccountId(item, before);
      const isMm = ctx.lookup.account(accountId)?.role === 'affiliated_mm';
      if (isMm) {
        s.mmOrders.add(o.order_id);
        s.mmAccounts.add(accountId);
      } else {
        s.otherOrders.add(o.order_id);
        s.otherAccounts.add(accountId);
      }
      // This event's side now has an order event: the session carries both kinds when the other side has one too.
      if (s.trigger === undefined && (isMm ? s.otherOrders : s.mmOrders).count > 0) {
        s.trigger = {
          order_id: o.order_id,
          account_id: accountId,
          symbol: orderSymbol(item, before),
          event: o.event,
          ts: o.ts,
          ...origin(item),
        };
      }
    },
    saveState(): SharedSessionState {
      const out: SharedSessionState['sessions'] = new Map();
      for (const [id, s] of sessions) {
        out.set(id, {
          mm: saveSide(s.mmOrders, s.mmAccounts),
          other: saveSide(s.otherOrders, s.otherAccounts),
          trigger: s.trigger === undefined ? undefined : { ...s.trigger },
        });
      }
      return { sessions: out, population: population.saveState() };
    },
    loadState(state: unknown): void {
      const st = state as SharedSessionState;
      sessions.clear();
      lastSession = undefined;
      lastState = undefined;
      for (const [id, s] of st.sessions) {
        sessions.set(id, {
          mmOrders: FirstIds.fromState(s.mm.orders),
          mmAccounts: FirstIds.fromState(s.mm.accounts),
          otherOrders: FirstIds.fromState(s.other.orders),
          otherAccounts: FirstIds.fromState(s.other.accounts),
          trigger: s.trigger,
        });
      }
      population.loadState(st.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
      for (const [sessionId, s] of sessions) {
        if (s.trigger === undefined) continue;
        const t = s.trigger;
        const roleOf = (accountId: string) => ctx.ref.accounts.get(accountId)?.role ?? 'unknown';
        const others = s.otherAccounts.ids.map((a) => `${a} (${roleOf(a)})`).join(', ');
        ctx.sink.report({
          check_id: ID,
          severity: 'high',
          subject: sessionId,
          symbol: t.symbol,
          account_id: t.account_id,
          seq: t.seq,
          ts: t.ts,
          title: checkMeta(ID).title,
          detail: `Gateway session ${sessionId} carried ${s.mmOrders.count} order event(s) of affiliated MM account(s) ${s.mmAccounts.ids.join(', ')} and ${s.otherOrders.count} order event(s) of other account(s) ${others}; first shared at order ${t.order_id} (seq ${t.seq}).`,
          evidence: {
            session_id: sessionId,
            affiliated_mm: {
              first_order_ids: s.mmOrders.ids,
              order_events: s.mmOrders.count,
              first_account_ids: s.mmAccounts.ids,
            },
            other: {
              first_order_ids: s.otherOrders.ids,
              order_events: s.otherOrders.count,
              first_accounts: s.otherAccounts.ids.map((a) => ({ account_id: a, role: roleOf(a) })),
            },
            first_shared_at: t,
          },
        });
      }
    },
  };
}
