/**
 * How the FS and PERP rules read an order event: which order it belongs to (account, symbol as the order was entered),
 * whether it opens the order (population counting), and whether the replay sets it aside (DQ-6: "such an event is
 * otherwise ignored", so no other check may judge it).
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { FindingDraft } from '../../contract/finding.js';
import type { Account, OrderEvent } from '../../contract/records.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';

/** Checkpoint of a rule that reports each order once: the orders reported so far and the unflushed population. */
export interface ReportedState {
  reported: Set<string>;
  population: PopulationState;
}

/** The order's account: the one it was entered with, else the event's own. */
export function orderAccountId(item: Located<OrderEvent>, before: OrderView | undefined): string {
  return before?.account_id ?? item.rec.account_id;
}

/** The order's symbol: the one it was entered with, else the event's own. */
export function orderSymbol(item: Located<OrderEvent>, before: OrderView | undefined): string {
  return before?.symbol ?? item.rec.symbol;
}

/** A `new` or `snapshot` of an order the replay did not know yet: the event that brings the order into the population. */
export function opensOrder(item: Located<OrderEvent>, before: OrderView | undefined): boolean {
  return before === undefined && (item.rec.event === 'new' || item.rec.event === 'snapshot');
}

/**
 * DQ-6 events: an amend/cancel/expire/reject of an order the replay does not know or that is already closed, or a
 * second new/snapshot of a known order. RULES says such an event is otherwise ignored, so FS and PERP skip it.
 */
export function isIgnoredByReplay(item: Located<OrderEvent>, before: OrderView | undefined): boolean {
  const opening = item.rec.event === 'new' || item.rec.event === 'snapshot';
  if (before === undefined) return !opening;
  return opening || before.closed;
}

/** Where a record came from, for evidence. */
export function origin(item: Located<{ seq: number }>): { file: string; line: number; seq: number } {
  return { file: item.file, line: item.line, seq: item.rec.seq };
}

export const UNKNOWN_ACCOUNT = 'order of an account absent from the accounts reference (see DQ-5)';
export const UNKNOWN_INSTRUMENT = 'order on a symbol absent from the instruments reference (see DQ-5)';

/**
 * The judgement of a check that reports each order at most once (FS-1, FS-2, PERP-1). `count` is called for the
 * event that opens an order (its population); `judge` for every event the replay does not set aside, and gives that
 * event's finding or undefined (only an order's first finding is reported). Arguments are positional: these run per
 * event.
 */
export interface PerOrderCheck {
  readonly id: string;
  count(
    population: PopulationCounter,
    account: Account | undefined,
    symbol: string,
    item: Located<OrderEvent>,
    ctx: RuleContext,
  ): void;
  judge(
    item: Located<OrderEvent>,
    before: OrderView | undefined,
    account: Account | undefined,
    accountId: string,
    symbol: string,
    ctx: RuleContext,
  ): FindingDraft | undefined;
}

/** The rule of a PerOrderCheck: DQ-6 events skipped, one finding per order, the population, and its checkpoint. */
export function perOrderRule(check: PerOrderCheck): Rule {
  const reported = new Set<string>();
  const population = new PopulationCounter(check.id);
  return {
    checks: [check.id],
    onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
      if (isIgnoredByReplay(item, before)) return;
      const accountId = orderAccountId(item, before);
      const account = ctx.lookup.account(accountId);
      const symbol = orderSymbol(item, before);
      if (opensOrder(item, before)) check.count(population, account, symbol, item, ctx);
      // Judged before the once-per-order test: a compliant event (the common case) then costs no set lookup.
      const finding = check.judge(item, before, account, accountId, symbol, ctx);
      if (finding === undefined || reported.has(item.rec.order_id)) return;
      reported.add(item.rec.order_id);
      ctx.sink.report(finding);
    },
    saveState(): ReportedState {
      return { reported: new Set(reported), population: population.saveState() };
    },
    loadState(state: unknown): void {
      const s = state as ReportedState;
      reported.clear();
      for (const id of s.reported) reported.add(id);
      population.loadState(s.population);
    },
    finish(ctx: RuleContext): void {
      population.flush(ctx.sink);
    },
  };
}
