/**
 * Calls rule hooks so that the audit fails closed: a rule that throws becomes a finding of its own check (critical,
 * subject `rule-error`) and a "not tested" count, never a silence and never a crashed run.
 */
import type { Rule, RuleContext } from './rule.js';

export interface RuleErrorOrigin {
  hook: string;
  file?: string;
  line?: number;
}

export function runRuleHook(rule: Rule, ctx: RuleContext, origin: RuleErrorOrigin, call: () => void): void {
  try {
    call();
  } catch (error) {
    reportRuleError(rule, ctx, origin, error);
  }
}

export function reportRuleError(rule: Rule, ctx: RuleContext, origin: RuleErrorOrigin, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  for (const checkId of rule.checks) {
    ctx.sink.notTested(checkId, 'check failed to run on a record');
    ctx.sink.report({
      check_id: checkId,
      severity: 'critical',
      subject: 'rule-error',
      title: 'The check failed to run; its result is incomplete',
      detail: `Check ${checkId} threw while processing ${origin.hook}${origin.file ? ` at ${origin.file}:${origin.line}` : ''}: ${message}. Its population is incomplete and must not be read as a pass.`,
      evidence: { hook: origin.hook, file: origin.file ?? null, line: origin.line ?? null, error: message },
    });
  }
}
