/**
 * Drives a stream that is judged whole (collateral, access; every stream but the order flow) through its replay, if
 * the pack gives it one, and the rules of a rule set that consume it, in seq order. For each event: the rules that
 * read the replay and judge an event against the state so far ('beforeApply': NRH-4 "at that point", MF-5 "previous
 * credit_limit") see it; the replay applies it; the rules that judge the result ('afterApply': MF-3 "after a
 * loan_draw", MF-6 after the valuation's price) see it; then the rules that do not read the replay (DQ-5, FS-4, FS-5).
 * Every call is fail-closed (checks/dispatch.ts).
 */
import { type RuleHooks, reportRuleError } from '../checks/dispatch.js';
import { HOOK_OF, type RecordHookName, type Rule } from '../checks/rule.js';
import { type EVENT_STREAMS, type GlobalStreamName, streamSpec } from '../contract/streams.js';
import type { RuleSet } from './ruleSet.js';

type RecordsOf<S extends GlobalStreamName> = Extract<(typeof EVENT_STREAMS)[number], { name: S }>['records'][number];
/** The hook that hands a rule the events of stream S. */
export type StreamHook<S extends GlobalStreamName> = (typeof HOOK_OF)[RecordsOf<S>];
/** An event of stream S, located. */
export type StreamItem<S extends GlobalStreamName> = Parameters<NonNullable<Rule[StreamHook<S>]>>[0];

/** What a replay of a stream judged whole does with each event. */
interface StreamReplay {
  apply(rec: unknown): void;
}

export class StreamAuditor<S extends GlobalStreamName> {
  readonly stream: S;
  readonly #rules: RuleSet;
  readonly #replay: StreamReplay | undefined;
  /** The rules that read the replay: each is told when the replay cannot apply an event. */
  readonly #bound: readonly Rule[];
  readonly #before: RuleHooks<RecordHookName>;
  readonly #after: RuleHooks<RecordHookName>;
  readonly #others: RuleHooks<RecordHookName>;

  constructor(rules: RuleSet, stream: S) {
    this.stream = stream;
    this.#rules = rules;
    this.#replay = (rules.replays as Partial<Record<string, StreamReplay>>)[stream];
    const hook = HOOK_OF[streamSpec(stream).records[0] as RecordsOf<GlobalStreamName>];
    this.#bound = rules.rules.filter((_, i) => rules.declarations[i]?.replay === stream);
    this.#before = rules.hooksWhere(hook, (d) => d?.replay === stream && d.phase === 'beforeApply');
    this.#after = rules.hooksWhere(hook, (d) => d?.replay === stream && d.phase === 'afterApply');
    this.#others = rules.hooksWhere(hook, (d) => d?.replay !== stream);
  }

  /** One event, in replay order. */
  process(item: StreamItem<S>): void {
    const ctx = this.#rules.ctx;
    const it = item as StreamItem<GlobalStreamName>;
    const { file, line } = it;
    this.#before.call(file, line, it, ctx, undefined, undefined);
    let applied = true;
    if (this.#replay !== undefined) {
      try {
        this.#replay.apply(it.rec);
      } catch (error) {
        // A replay that cannot apply an event no longer reflects the books: every check reading it is told.
        applied = false;
        for (const rule of this.#bound) {
          reportRuleError(rule, ctx, { hook: `${this.stream} ledger`, file, line }, error);
        }
      }
    }
    if (applied) this.#after.call(file, line, it, ctx, undefined, undefined);
    this.#others.call(file, line, it, ctx, undefined, undefined);
  }
}
