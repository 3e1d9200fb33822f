/**
 * How the FS and PERP rules read an order event: which order it belongs to (account, symbol as the order was entered),
 * whether it opens the order (population counting), and whether the replay sets it aside (DQ-6: "such an event is
 * otherwise ignored", so no other check may judge it).
 */
import type { OrderEvent } from '../../contract/records.js';
import type { PopulationState } from '../../orderflow/lookups.js';
import type { Located, OrderView } from '../rule.js';

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
