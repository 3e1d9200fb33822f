/**
 * The one place rule hooks are called, so that the audit fails closed: a rule that throws becomes a finding of its
 * own checks (critical, subject `rule-error`) and a "not tested" count, never a silence and never a crashed run.
 */
import type { HookName, Rule, RuleContext } from './rule.js';

export interface RuleErrorOrigin {
  hook: string;
  file?: string;
  line?: number;
}

type Args<K extends HookName> = Parameters<NonNullable<Rule[K]>>;
type Arg<T extends unknown[], I extends 0 | 1 | 2 | 3> = I extends 0
  ? T extends [infer A, ...unknown[]]
    ? A
    : undefined
  : I extends 1
    ? T extends [unknown, infer B, ...unknown[]]
      ? B
      : undefined
    : I extends 2
      ? T extends [unknown, unknown, infer C, ...unknown[]]
        ? C
        : undefined
      : T extends [unknown, unknown, unknown, infer D, ...unknown[]]
        ? D
        : undefined;

type BoundHook = (a: unknown, b: unknown, c: unknown, d: unknown) => void;

/**
 * One hook of a list of rules (those that have it), bound once: reading `rule.onOrderEvent` from a dozen differently
 * shaped rule objects on every event is a slow (megamorphic) property load; calling a bound function is not. `call`
 * takes the hook's own arguments in order (the context among them, where the hook wants it).
 */
export class RuleHooks<K extends HookName> {
  readonly hook: K;
  readonly rules: readonly Rule[];
  readonly #fns: BoundHook[];
  readonly #ctx: RuleContext;

  constructor(rules: readonly Rule[], hook: K, ctx: RuleContext) {
    this.hook = hook;
    this.#ctx = ctx;
    this.rules = rules.filter((r) => r[hook] !== undefined);
    this.#fns = this.rules.map((r) => (r[hook] as BoundHook).bind(r));
  }

  get size(): number {
    return this.#fns.length;
  }

  /** Calls the hook of every rule; the record's file and line (if any) name where a rule that throws failed. */
  call(
    file: string | undefined,
    line: number | undefined,
    a: Arg<Args<K>, 0>,
    b: Arg<Args<K>, 1>,
    c: Arg<Args<K>, 2>,
    d: Arg<Args<K>, 3>,
  ): void {
    const fns = this.#fns;
    for (let i = 0; i < fns.length; i++) {
      try {
        fns[i]!(a, b, c, d);
      } catch (error) {
        reportRuleError(this.rules[i]!, this.#ctx, { hook: this.hook, file, line }, error);
      }
    }
  }
}

/** Reports a rule's failure as a finding of each of its checks (and its population as incomplete). */
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
