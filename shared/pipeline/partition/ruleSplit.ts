/**
 * Which order-flow checks a partition can judge alone and which need the whole dataset. The single-process run hands
 * the OrderFlowAuditor the FS, PERP and DQ-5 rules; here they are split:
 * - symbol-local (run in each partition, next to DQ-6, DQ-3, CP-1/2 and MMT-1..4 of the auditor itself): FS-1, FS-2,
 *   PERP-1 — state per order, population counted at the order's opening event, nothing reported outside the
 *   order and trade hooks;
 * - global (run once, in Aggregate, over the merged annotated events): FS-3 (sessions span symbols), FS-5 (source IPs
 *   span symbols and the access log), FS-6 (one finding per platform account, whose orders span symbols), DQ-5
 *   (unknown ids span symbols and the collateral ledger), and the checks that
 *   read only reference data or the access log (FS-4, FS-7, PERP-2), which must report once.
 */
import { UnknownReferencesRule } from '../../checks/dq/unknownReferences.js';
import { functionalSeparationRules } from '../../checks/fs/index.js';
import { perpetualRules } from '../../checks/perp/index.js';
import type { Rule } from '../../checks/rule.js';
import { PartitionInvariantError } from './errors.js';

export const GLOBAL_ORDER_FLOW_CHECKS: ReadonlySet<string> = new Set([
  'FS-3',
  'FS-4',
  'FS-5',
  'FS-6',
  'FS-7',
  'PERP-2',
  'DQ-5',
]);

/** The extra rules of the single-process run, built the same way (fresh state), in the same order. */
export function extraOrderFlowRules(): Rule[] {
  return [...functionalSeparationRules(), ...perpetualRules(), new UnknownReferencesRule()];
}

export function splitExtraRules(rules: readonly Rule[] = extraOrderFlowRules()): { local: Rule[]; global: Rule[] } {
  const local: Rule[] = [];
  const global: Rule[] = [];
  for (const rule of rules) {
    const globalChecks = rule.checks.filter((c) => GLOBAL_ORDER_FLOW_CHECKS.has(c));
    if (globalChecks.length === 0) local.push(rule);
    else if (globalChecks.length === rule.checks.length) global.push(rule);
    else {
      throw new PartitionInvariantError(
        `rule for ${rule.checks.join(', ')} mixes symbol-local and global checks; split it to partition the run`,
      );
    }
  }
  return { local, global };
}
