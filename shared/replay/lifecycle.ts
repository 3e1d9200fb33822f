/**
 * How an order event stands against what the replay knows of its order, before it is applied. Two outcomes keep an
 * event away from the book:
 * - a context-only contract failure (DATA-CONTRACT: an `amend` carries `price` when the order is a limit order; only
 *   the replay knows the order's type), which the pipeline quarantines like any DQ-1 record, so its seq is absent.
 *   Only for an order the replay holds open: an amend of an unknown or closed order is DQ-6 whatever else it lacks;
 * - a lifecycle problem (RULES DQ-6: amend/cancel/expire/reject of an unknown or closed order, or a second
 *   new/snapshot of a known order), which DQ-6 reports and which is otherwise ignored.
 */
import type { OrderView } from '../contract/events.js';
import type { OrderEvent } from '../contract/records.js';

/** Why the record fails the contract given its order, or undefined when it does not. */
export function contractFailure(rec: OrderEvent, before: OrderView | undefined): string | undefined {
  // Only an order the replay holds open: an amend of an unknown or closed order is DQ-6 whatever else it lacks.
  if (rec.event === 'amend' && before !== undefined && !before.closed && before.type === 'limit' && rec.price == null) {
    return `missing field price (an 'amend' of limit order ${rec.order_id} needs it)`;
  }
  return undefined;
}

export type LifecycleIssue = 'unknown order' | 'order already closed' | 'order already known';

/** The DQ-6 problem of an event, or undefined when the replay applies it. */
export function lifecycleIssue(rec: OrderEvent, before: OrderView | undefined): LifecycleIssue | undefined {
  if (rec.event === 'new' || rec.event === 'snapshot') return before === undefined ? undefined : 'order already known';
  if (before === undefined) return 'unknown order';
  return before.closed ? 'order already closed' : undefined;
}

/**
 * The venue whose shared order book an order event sends its order to (V2.md): read from the order's `new` only; later
 * events may repeat or omit it and are not read (a `snapshot` with a route fails the contract before the replay).
 */
export function routeOf(rec: OrderEvent): string | null {
  return rec.event === 'new' ? (rec.route ?? null) : null;
}
