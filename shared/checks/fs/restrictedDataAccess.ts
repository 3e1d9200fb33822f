/**
 * FS-4 (subject access event_id; high when the access was granted, low when denied). Compliant: no staff member of an
 * MM entity accesses (any action) a `restricted` resource. A null user_id is a system event, attributed to nobody.
 * Without an access log the check is "not tested", never passed.
 * Why: SFC circular on affiliated market makers (11 Feb 2026): information barriers keep non-public client order and
 * position data, surveillance alerts and matching-engine configuration away from the market maker. A denied attempt
 * is still reported (low): it shows the barrier was tested from the MM side.
 */

import type { Located } from '../../contract/events.js';
import type { AccessEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import type { Rule, RuleContext } from '../rule.js';
import { origin } from './orderEvents.js';

const ID = 'FS-4';

export function restrictedDataAccessRule(): Rule {
  let accessEvents = 0;
  return {
    checks: [ID],
    onReference(ctx: RuleContext): void {
      // No count: the access events that were not delivered cannot be counted (the population is access events).
      if (!ctx.ref.hasAccessLog) ctx.sink.notTested(ID, 'the dataset has no access log (access/ folder absent)', 0);
    },
    onAccess(item: Located<AccessEvent>, ctx: RuleContext): void {
      const a = item.rec;
      accessEvents += 1;
      ctx.sink.examined(ID);
      if (a.classification !== 'restricted' || a.user_id == null) return;
      const staff = ctx.ref.staff.get(a.user_id);
      if (staff === undefined || !ctx.ref.mmEntities.has(staff.entity_id)) return;
      ctx.sink.report({
        check_id: ID,
        severity: a.granted ? 'high' : 'low',
        subject: a.event_id,
        seq: a.seq,
        ts: a.ts,
        title: checkMeta(ID).title,
        detail: `Access event ${a.event_id}: user ${a.user_id}, ${staff.function} staff of MM entity ${staff.entity_id}, attempted '${a.action}' on restricted resource ${a.resource} and was ${a.granted ? 'granted' : 'denied'}.`,
        evidence: {
          event_id: a.event_id,
          user_id: a.user_id,
          user_entity_id: staff.entity_id,
          user_function: staff.function,
          resource: a.resource,
          classification: a.classification,
          action: a.action,
          granted: a.granted,
          source_ip: a.source_ip ?? null,
          ...origin(item),
        },
      });
    },
    saveState(): { accessEvents: number } {
      return { accessEvents };
    },
    loadState(state: unknown): void {
      accessEvents = (state as { accessEvents: number }).accessEvents;
    },
    finish(ctx: RuleContext): void {
      // An access folder with no readable record tested nothing: say so rather than pass.
      if (ctx.ref.hasAccessLog && accessEvents === 0) ctx.sink.notTested(ID, 'the access log holds no records', 0);
    },
  };
}
