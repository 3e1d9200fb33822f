/**
 * FS-7 (high, subject user_id). Compliant: no `market_making` staff member is employed by the operator entity
 * (`manifest.operator_entity_id`).
 * Why: SFC circular on affiliated market makers (11 Feb 2026): market making sits in a separate entity with separate
 * staff; the operator itself keeps no market-making function.
 */
import { checkMeta } from '../catalogue.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'FS-7';

export function operatorMarketMakingStaffRule(): Rule {
  return {
    checks: [ID],
    /** Stateless: it reports from the reference data alone, in onReference. */
    saveState(): null {
      return null;
    },
    loadState(): void {},
    onReference(ctx: RuleContext): void {
      const operator = ctx.ref.manifest.operator_entity_id;
      ctx.sink.examined(ID, ctx.ref.staff.size);
      for (const staff of ctx.ref.staff.values()) {
        if (staff.function !== 'market_making' || staff.entity_id !== operator) continue;
        ctx.sink.report({
          check_id: ID,
          severity: 'high',
          subject: staff.user_id,
          title: checkMeta(ID).title,
          detail: `Staff member ${staff.user_id} has function market_making and is employed by the operator entity ${operator}.`,
          evidence: { user_id: staff.user_id, entity_id: staff.entity_id, function: staff.function },
        });
      }
    },
  };
}
