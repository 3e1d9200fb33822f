/**
 * FS-3 (high, subject session_id). Compliant: a gateway session carries orders of affiliated MM accounts only, or
 * none (two affiliated MM accounts sharing a session is fine). Every order event with a session_id counts, whoever
 * entered it: the session carried that order. An account absent from the reference is not an affiliated MM account, so
 * it counts on the "other" side (its role is shown as unknown).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): the market maker is functionally separate from the
 * platform and its clients; a shared trading session breaks that barrier.
 */
import type { OrderEvent } from '../../contract/records.js';
import { accountOf, PopulationCounter, type PopulationState } from '../../orderflow/lookups.js';
import { checkMeta } from '../catalogue.js';
import type { Located, OrderView, Rule, RuleContext } from '../rule.js';
import { FirstIds, type FirstIdsState } from './firstIds.js';
import { isIgnoredByReplay, orderAccountId, orderSymbol, origin } from './orderEvents.js';

const ID = 'FS-3';

interface SessionSide {
  orders: FirstIds;
  accounts: FirstIds;
}

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

interface SessionState {
  mm: SessionSide;
  other: SessionSide;
  /** The first order event after which the session carried both kinds. */
  trigger: Trigger | undefined;
}

const side = (): SessionSide => ({ orders: new FirstIds(), accounts: new FirstIds() });

interface SessionSideState {
  orders: FirstIdsState;
  accounts: FirstIdsState;
}

/** Checkpoint: every session seen so far (in first-seen order) and the unflushed population. */
interface SharedSessionState {
  sessions: Map<string, { mm: SessionSideState; other: SessionSideState; trigger: Trigger | undefined }>;
  population: PopulationState;
}

const saveSide = (s: SessionSide): SessionSideState => ({
  orders: s.orders.saveState(),
  accounts: s.accounts.saveState(),
});
const loadSide = (s: SessionSideState): SessionSide => ({
  orders: FirstIds.fromState(s.orders),
  accounts: FirstIds.fromState(s.accounts),
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
        s = { mm: side(), other: side(), trigger: undefined };
        sessions.set(o.session_id, s);
      }
      lastSession = o.session_id;
      lastState = s;
      const accountId = orderAccountId(item, before);
      const isMm = accountOf(ctx.ref, accountId)?.role === 'affiliated_mm';
      const target = isMm ? s.mm : s.other;
      target.orders.add(o.order_id);
      target.accounts.add(accountId);
      if (s.trigger === undefined && s.mm.orders.count > 0 && s.other.orders.count > 0) {
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
          mm: saveSide(s.mm),
          other: saveSide(s.other),
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
        sessions.set(id, { mm: loadSide(s.mm), other: loadSide(s.other), trigger: s.trigger });
      }
      population.loadState(st.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
      ctx.sink.examined(ID, sessions.size);
      for (const [sessionId, s] of sessions) {
        if (s.trigger === undefined) continue;
        const t = s.trigger;
        const roleOf = (accountId: string) => ctx.ref.accounts.get(accountId)?.role ?? 'unknown';
        const others = s.other.accounts.ids.map((a) => `${a} (${roleOf(a)})`).join(', ');
        ctx.sink.report({
          check_id: ID,
          severity: 'high',
          subject: sessionId,
          symbol: t.symbol,
          account_id: t.account_id,
          seq: t.seq,
          ts: t.ts,
          title: checkMeta(ID).title,
          detail: `Gateway session ${sessionId} carried ${s.mm.orders.count} order event(s) of affiliated MM account(s) ${s.mm.accounts.ids.join(', ')} and ${s.other.orders.count} order event(s) of other account(s) ${others}; first shared at order ${t.order_id} (seq ${t.seq}).`,
          evidence: {
            session_id: sessionId,
            affiliated_mm: {
              first_order_ids: s.mm.orders.ids,
              order_events: s.mm.orders.count,
              first_account_ids: s.mm.accounts.ids,
            },
            other: {
              first_order_ids: s.other.orders.ids,
              order_events: s.other.orders.count,
              first_accounts: s.other.accounts.ids.map((a) => ({ account_id: a, role: roleOf(a) })),
            },
            first_shared_at: t,
          },
        });
      }
    },
  };
}
