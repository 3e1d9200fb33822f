/**
 * Drives the merged `orders` + `trades` stream (in seq order) through the order-book replay and the rules of a rule
 * set that consume it (in the single-process run, every rule of the pack that does; in a partition, the symbol-scoped
 * ones).
 *
 * Per item, in this order:
 * 1. an order event that fails the contract only in context (an amend of a limit order without price) is handed to
 *    the quarantine callback and goes no further: like any DQ-1 record, no replay or check sees it and its seq counts
 *    as absent (`process` returns false);
 * 2. every rule sees the item with the orders as they stand before it (so CP looks at the book just before a trade);
 *    rules that throw are reported fail-closed (checks/dispatch.ts) and the run goes on;
 * 3. the replay applies it (a DQ-6 event is not applied; a DQ-3 trade is applied to the orders that are known).
 *
 * Events DQ-6 reports reach the other rules too, with `before` telling them so (undefined, closed, or a known order
 * for a repeated new); RULES says such an event is otherwise ignored, and the rules skip it.
 */
import type { RuleHooks } from '../checks/dispatch.js';
import { RulePackError } from '../checks/errors.js';
import type { OrderFlowItem } from '../contract/events.js';
import { contractFailure } from '../replay/lifecycle.js';
import type { OrderBookReplay, ReplayState } from '../replay/orderBook.js';
import { CheckpointError } from './errors.js';
import type { RuleSet } from './ruleSet.js';

/**
 * Format version of AuditorCheckpoint; a checkpoint of another version is refused, never half-read. 2: closed order
 * ids as compact records and the closed columns in paged form (replay/closedIds.ts, columns.ts). 3: an open order's
 * route and a closed order's routed bit (contract 2's routed orders).
 */
export const AUDITOR_CHECKPOINT_VERSION = 3;

/**
 * The whole order-flow audit state between two items (a partition split by time carries it in S3). Plain,
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

/** A record set aside because it fails the contract in the context of its order (reported as DQ-1 by the lead). */
export interface OrderFlowQuarantine {
  file: string;
  line: number;
  record_type: 'orders';
  reason: string;
  /** JSON.stringify of the parsed record. */
  raw: string;
}

export class OrderFlowAuditor {
  readonly replay: OrderBookReplay;
  readonly rules: RuleSet;
  readonly #orderHooks: RuleHooks<'onOrderEvent'>;
  readonly #tradeHooks: RuleHooks<'onTrade'>;
  readonly #quarantine: (q: OrderFlowQuarantine) => void;

  /** `rules` must have the order-book replay (RuleSetOptions.replays), which this auditor drives. */
  constructor(rules: RuleSet, quarantine: (q: OrderFlowQuarantine) => void) {
    const replay = rules.replays['orders+trades'];
    if (replay === undefined) throw new RulePackError('the order-flow auditor needs a rule set with the order book');
    this.replay = replay;
    this.rules = rules;
    this.#quarantine = quarantine;
    this.#orderHooks = rules.hooks('onOrderEvent');
    this.#tradeHooks = rules.hooks('onTrade');
  }

  /** Processes one item in seq order; false when it was set aside as a context-only contract failure. */
  process(item: OrderFlowItem): boolean {
    const ctx = this.rules.ctx;
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
      this.#orderHooks.call(item.file, item.line, item, before, ctx, undefined);
      replay.applyOrderEvent(rec, item.file, item.line, before);
      return true;
    }
    const rec = item.rec;
    const maker = replay.order(rec.maker_order_id);
    const taker = replay.order(rec.taker_order_id);
    this.#tradeHooks.call(item.file, item.line, item, maker, taker, ctx);
    replay.applyTrade(rec, maker, taker);
    return true;
  }

  /**
   * The whole state: the replay (open and closed orders, books, scale) and every rule's state. Population counts not
   * flushed yet are carried in the rules' states.
   */
  saveState(): AuditorCheckpoint {
    const states = this.rules.saveStates();
    return {
      version: AUDITOR_CHECKPOINT_VERSION,
      rules: this.rules.signatures(),
      replay: this.replay.saveState(),
      states,
    };
  }

  /**
   * Loads a checkpoint into this auditor, which must be fresh (no item processed) and built with the same context and
   * the same rules in the same order (its rule set has run every onReference; what they reported is the caller's sink
   * to restore). Throws CheckpointError on another version or rule list.
   */
  loadState(state: AuditorCheckpoint): void {
    if (state === null || typeof state !== 'object' || state.version !== AUDITOR_CHECKPOINT_VERSION) {
      throw new CheckpointError(
        `checkpoint version ${String((state as { version?: unknown } | null)?.version)} is not ${AUDITOR_CHECKPOINT_VERSION}`,
      );
    }
    this.rules.checkStates(state.rules, state.states);
    if (this.replay.openCount > 0 || this.replay.closedCount > 0) {
      throw new CheckpointError('a checkpoint can only be loaded into an auditor that has processed nothing');
    }
    this.rules.loadStates(state.states);
    this.replay.loadState(state.replay);
  }
}
