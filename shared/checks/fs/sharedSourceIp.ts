/**
 * FS-5 (medium, subject source_ip). Compliant: no source IP is used both by staff of an MM entity and by staff of the
 * operator entity (`manifest.operator_entity_id`). Uses are order events (their user_id and source_ip) and, when the
 * dataset has one, the access log. Null user_id (system events) count for nobody; a null, empty or blank source_ip
 * names no address and is skipped (counted as not tested). IPs are compared exactly as written. The population is
 * events of MM-entity and operator staff: with a source IP examined, without one not tested (findings are per IP).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): separate staff and premises/systems; one address used
 * from both sides suggests shared desks, machines or credentials across the information barrier.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { AccessEvent, OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { FirstIds, type FirstIdsState } from './firstIds.js';
import { isIgnoredByReplay, origin } from './orderEvents.js';

const ID = 'FS-5';

interface IpSide {
  orders: FirstIds;
  access: FirstIds;
  users: FirstIds;
}

interface Trigger {
  stream: 'orders' | 'access';
  id: string;
  user_id: string;
  ts: string;
  file: string;
  line: number;
  seq: number;
}

interface IpState {
  mm: IpSide;
  operator: IpSide;
  /** The first use after which the IP had been used from both sides. */
  trigger: Trigger | undefined;
}

const side = (): IpSide => ({ orders: new FirstIds(), access: new FirstIds(), users: new FirstIds() });

interface IpSideState {
  orders: FirstIdsState;
  access: FirstIdsState;
  users: FirstIdsState;
}

/** Checkpoint: every IP seen so far (in first-seen order) and the unflushed population. */
interface SharedIpState {
  ips: Map<string, { mm: IpSideState; operator: IpSideState; trigger: Trigger | undefined }>;
  population: PopulationState;
}

const saveSide = (s: IpSide): IpSideState => ({
  orders: s.orders.saveState(),
  access: s.access.saveState(),
  users: s.users.saveState(),
});
const loadSide = (s: IpSideState): IpSide => ({
  orders: FirstIds.fromState(s.orders),
  access: FirstIds.fromState(s.access),
  users: FirstIds.fromState(s.users),
});

const sideEvidence = (s: IpSide) => ({
  user_ids: s.users.ids,
  first_order_ids: s.orders.ids,
  order_events: s.orders.count,
  first_access_event_ids: s.access.ids,
  access_events: s.access.count,
});

/** `s.trim() === ''`, without building the trimmed string for the usual address that starts with a visible ASCII. */
export function isBlank(s: string): boolean {
  const c = s.length === 0 ? 0 : s.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return s.trim() === '';
}

function addUse(target: IpSide, stream: 'orders' | 'access', id: string, userId: string): void {
  (stream === 'orders' ? target.orders : target.access).add(id);
  target.users.add(userId);
}

export function sharedSourceIpRule(): Rule {
  const ips = new Map<string, IpState>();
  const population = new PopulationCounter(ID);

  const use = (
    ctx: RuleContext,
    stream: 'orders' | 'access',
    id: string,
    userId: string | null | undefined,
    sourceIp: string | null | undefined,
    item: Located<{ seq: number; ts: string }>,
  ): void => {
    if (userId == null) return;
    const staff = ctx.lookup.staff(userId);
    if (staff === undefined) return;
    const isMm = ctx.ref.mmEntities.has(staff.entity_id);
    const isOperator = staff.entity_id === ctx.ref.manifest.operator_entity_id;
    if (!isMm && !isOperator) return;
    if (sourceIp == null || isBlank(sourceIp)) {
      population.notTested('staff events without a source_ip');
      return;
    }
    population.examined++;
    let s = ips.get(sourceIp);
    if (s === undefined) {
      s = { mm: side(), operator: side(), trigger: undefined };
      ips.set(sourceIp, s);
    }
    if (isMm) addUse(s.mm, stream, id, userId);
    if (isOperator) addUse(s.operator, stream, id, userId);
    if (s.trigger === undefined && s.mm.users.count > 0 && s.operator.users.count > 0) {
      s.trigger = { stream, id, user_id: userId, ts: item.rec.ts, ...origin(item) };
    }
  };

  return {
    checks: [ID],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      use(ctx, 'orders', item.rec.order_id, item.rec.user_id, item.rec.source_ip, item);
    },
    onAccess(item: Located<AccessEvent>, ctx: RuleContext): void {
      use(ctx, 'access', item.rec.event_id, item.rec.user_id, item.rec.source_ip, item);
    },
    saveState(): SharedIpState {
      const out: SharedIpState['ips'] = new Map();
      for (const [ip, s] of ips) {
        out.set(ip, {
          mm: saveSide(s.mm),
          operator: saveSide(s.operator),
          trigger: s.trigger === undefined ? undefined : { ...s.trigger },
        });
      }
      return { ips: out, population: population.saveState() };
    },
    loadState(state: unknown): void {
      const st = state as SharedIpState;
      ips.clear();
      for (const [ip, s] of st.ips) {
        ips.set(ip, { mm: loadSide(s.mm), operator: loadSide(s.operator), trigger: s.trigger });
      }
      population.loadState(st.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
      const accessLogIncluded = ctx.ref.hasAccessLog;
      for (const [ip, s] of ips) {
        if (s.trigger === undefined) continue;
        const t = s.trigger;
        ctx.sink.report({
          check_id: ID,
          severity: 'medium',
          subject: ip,
          seq: t.seq,
          ts: t.ts,
          title: checkMeta(ID).title,
          detail: `Source IP ${ip} was used by MM-entity staff ${s.mm.users.ids.join(', ')} (${s.mm.orders.count} order event(s), ${s.mm.access.count} access event(s)) and by operator staff ${s.operator.users.ids.join(', ')} (${s.operator.orders.count} order event(s), ${s.operator.access.count} access event(s))${accessLogIncluded ? '' : '; the dataset has no access log, so only order events were counted'}.`,
          evidence: {
            source_ip: ip,
            operator_entity_id: ctx.ref.manifest.operator_entity_id,
            access_log_included: accessLogIncluded,
            mm_entity_staff: sideEvidence(s.mm),
            operator_staff: sideEvidence(s.operator),
            first_shared_at: t,
          },
        });
      }
    },
  };
}
