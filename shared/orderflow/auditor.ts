/**
 * Drives the merged `orders` + `trades` stream (in seq order) through the order-book replay and the rules that judge
 * it: DQ-6, DQ-3, CP-1/CP-2, MMT-1..4 of this module, plus extra rules (FS, PERP, DQ-5…) given by the pipeline.
 *
 * Per item, in this order:
 * 1. an order event that fails the contract only in context (an amend of a limit order without price) is handed to
 *    the quarantine callback and goes no further: like any DQ-1 record, no replay or check sees it and its seq counts
 *    as absent (`process` returns false);
 * 2. every rule sees the item with the orders as they stand before it (so CP looks at the book just before a trade);
 *    rules that throw are reported fail-closed (see checks/runner.ts) and the run goes on;
 * 3. the replay applies it (a DQ-6 event is not applied; a DQ-3 trade is applied to the orders that are known).
 *
 * Events DQ-6 reports reach the extra rules too, with `before` telling them so (undefined, closed, or a known order
 * for a repeated new); RULES says such an event is otherwise ignored, and this module's own rules skip it.
 */
import { CustomerPriorityRule } from '../checks/cp/customerPriority.js';
import { OrderLifecycleRule } from '../checks/dq/orderLifecycle.js';
import { TradeConsistencyRule } from '../checks/dq/tradeConsistency.js';
import { marketMakerTaggingRules } from '../checks/mmt/index.js';
import type { Rule, RuleContext } from '../checks/rule.js';
import { reportRuleError, runRuleHook } from '../checks/runner.js';
import type { Located, OrderFlowItem, OrderView } from '../contract/events.js';
import type { OrderEvent, Trade } from '../contract/records.js';
import { contractFailure } from '../replay/lifecycle.js';
import { OrderBookReplay, type ReplayState } from '../replay/orderBook.js';
import { CheckpointError } from './errors.js';

/**
 * Format version of AuditorCheckpoint; a checkpoint of another version is refused, never half-read. 2: closed order
 * ids as compact records and the closed columns in paged form (replay/closedIds.ts, columns.ts).
 */
export const AUDITOR_CHECKPOINT_VERSION = 2;

/**
 * The whole order-flow audit state between two items (issue 8: a partition split by time carries it in S3). Plain,
 * structured-clone-able data (node:v8 serialize). Not included: what the rules reported to the sink, which the
 * caller carries with the sink's own state.
 */
export interface AuditorCheckpoint {
  version: number;
  /** One signature per rule (its kind and check ids), in order: a loading auditor must have the same list. */
  rules: string[];
  replay: ReplayState;
  /** saveState() of each rule, in the same order. */
  states: unknown[];
}

/** How a rule is recognised in a checkpoint: its class (or "Object" for a literal) and its check ids. */
function ruleSignature(rule: Rule): string {
  const kind = (rule as { constructor?: { name?: string } }).constructor?.name ?? 'Object';
  return `${kind}[${rule.checks.join(',')}]`;
}

/** A record set aside because it fails the contract in the context of its order (reported as DQ-1 by the lead). */
export interface OrderFlowQuarantine {
  file: string;
  line: number;
  record_type: 'orders';
  reason: string;
  /** JSON.stringify of the parsed record. */
  raw: string;
}

/** The rules of this module, bound to one replay: DQ-6, DQ-3, CP-1/CP-2, MMT-1..4. */
export function orderFlowRules(replay: OrderBookReplay): Rule[] {
  return [
    new OrderLifecycleRule(),
    new TradeConsistencyRule(replay),
    new CustomerPriorityRule(replay),
    ...marketMakerTaggingRules(),
  ];
}

type OrderHook = (item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext) => void;
type TradeHook = (
  item: Located<Trade>,
  maker: OrderView | undefined,
  taker: OrderView | undefined,
  ctx: RuleContext,
) => void;

export class OrderFlowAuditor {
  readonly replay: OrderBookReplay;
  readonly rules: readonly Rule[];
  readonly #ctx: RuleContext;
  readonly #orderRules: Rule[];
  readonly #tradeRules: Rule[];
  /**
   * The hooks bound to their rules, once: reading `rule.onOrderEvent` from a dozen differently shaped rule objects on
   * every event is a slow (megamorphic) property load; calling a bound function is not.
   */
  readonly #orderHooks: OrderHook[];
  readonly #tradeHooks: TradeHook[];
  readonly #quarantine: (q: OrderFlowQuarantine) => void;

  /** Builds the replay and the rules, and calls every rule's onReference once (the auditor owns their lifecycle). */
  constructor(ctx: RuleContext, extraRules: readonly Rule[], quarantine: (q: OrderFlowQuarantine) => void) {
    this.#ctx = ctx;
    this.#quarantine = quarantine;
    this.replay = new OrderBookReplay(ctx.ref);
    this.rules = [...orderFlowRules(this.replay), ...extraRules];
    this.#orderRules = this.rules.filter((r) => r.onOrderEvent !== undefined);
    this.#tradeRules = this.rules.filter((r) => r.onTrade !== undefined);
    this.#orderHooks = this.#orderRules.map((r) => r.onOrderEvent!.bind(r));
    this.#tradeHooks = this.#tradeRules.map((r) => r.onTrade!.bind(r));
    for (const rule of this.rules) {
      if (rule.onReference !== undefined) runRuleHook(rule, ctx, { hook: 'onReference' }, () => rule.onReference!(ctx));
    }
  }

  /** Processes one item in seq order; false when it was set aside as a context-only contract failure. */
  process(item: OrderFlowItem): boolean {
    const ctx = this.#ctx;
    const replay = this.replay;
    const lookup = ctx.lookup;
    lookup.forget();
    if (item.kind === 'order') {
      const rec = item.rec;
      const before = replay.order(rec.order_id);
      // The replay was built on ctx.ref: what it looked up for the order is what the rules would look up.
      if (before !== undefined && !before.closed) {
        lookup.rememberOrder(before.account_id, before.account, before.symbol, before.instrument);
      }
      const failure = contractFailure(rec, before);
      if (failure !== undefined) {
        this.#quarantine({
          file: item.file,
          line: item.line,
          record_type: 'orders',
          reason: failure,
          raw: JSON.stringify(rec),
        });
        return false;
      }
      const hooks = this.#orderHooks;
      for (let i = 0; i < hooks.length; i++) {
        try {
          hooks[i]!(item, before, ctx);
        } catch (error) {
          reportRuleError(this.#orderRules[i]!, ctx, { hook: 'onOrderEvent', file: item.file, line: item.line }, error);
        }
      }
      replay.applyOrderEvent(rec, item.file, item.line, before);
      return true;
    }
    const rec = item.rec;
    const maker = replay.order(rec.maker_order_id);
    const taker = replay.order(rec.taker_order_id);
    const hooks = this.#tradeHooks;
    for (let i = 0; i < hooks.length; i++) {
      try {
        hooks[i]!(item, maker, taker, ctx);
      } catch (error) {
        reportRuleError(this.#tradeRules[i]!, ctx, { hook: 'onTrade', file: item.file, line: item.line }, error);
      }
    }
    replay.applyTrade(rec, maker, taker);
    return true;
  }

  /**
   * The whole state: the replay (open and closed orders, books, scale) and every rule's state. Every rule must
   * declare saveState (a stateless one returns null): one that does not is refused by name rather than silently
   * restarted from nothing. Population counts not flushed yet are carried in the rules' states (not flushed).
   */
  saveState(): AuditorCheckpoint {
    const states: unknown[] = [];
    for (const rule of this.rules) {
      if (typeof rule.saveState !== 'function' || typeof rule.loadState !== 'function') {
        throw new CheckpointError(
          `rule ${ruleSignature(rule)} declares no saveState/loadState, so its state cannot be carried over a checkpoint`,
        );
      }
      try {
        states.push(rule.saveState());
      } catch (error) {
        throw new CheckpointError(`rule ${ruleSignature(rule)} could not save its state`, { cause: error });
      }
    }
    return {
      version: AUDITOR_CHECKPOINT_VERSION,
      rules: this.rules.map(ruleSignature),
      replay: this.replay.saveState(),
      states,
    };
  }

  /**
   * Loads a checkpoint into this auditor, which must be fresh (no item processed) and built with the same ctx and the
   * same kinds of extra rules in the same order (its constructor has run every onReference; what they reported is
   * the caller's sink to restore). Throws CheckpointError on another version or rule list.
   */
  loadState(state: AuditorCheckpoint): void {
    if (state === null || typeof state !== 'object' || state.version !== AUDITOR_CHECKPOINT_VERSION) {
      throw new CheckpointError(
        `checkpoint version ${String((state as { version?: unknown } | null)?.version)} is not ${AUDITOR_CHECKPOINT_VERSION}`,
      );
    }
    const mine = this.rules.map(ruleSignature);
    if (
      !Array.isArray(state.rules) ||
      state.rules.length !== mine.length ||
      state.rules.some((r, i) => r !== mine[i]) ||
      !Array.isArray(state.states) ||
      state.states.length !== mine.length
    ) {
      throw new CheckpointError(
        `checkpoint rules [${(state.rules ?? []).join(' ')}] differ from this auditor's [${mine.join(' ')}]`,
      );
    }
    if (this.replay.openCount > 0 || this.replay.closedCount > 0) {
      throw new CheckpointError('a checkpoint can only be loaded into an auditor that has processed nothing');
    }
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (typeof rule.loadState !== 'function') {
        throw new CheckpointError(`rule ${mine[i]} declares no loadState`);
      }
      try {
        rule.loadState(state.states[i]);
      } catch (error) {
        throw new CheckpointError(`rule ${mine[i]} could not load its state`, { cause: error });
      }
    }
    this.replay.loadState(state.replay);
  }

  /** Calls every rule's finish once, after the stream has ended. */
  finish(): void {
    const ctx = this.#ctx;
    for (const rule of this.rules) {
      if (rule.finish !== undefined) runRuleHook(rule, ctx, { hook: 'finish' }, () => rule.finish!(ctx));
    }
  }
}
