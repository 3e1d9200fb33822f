/**
 * How the shared-order-book rules (and DQ-5) recognise a routed order in the order flow (V2.md): the order's `new`
 * names a `route`, and that `new` is the one the replay applies (an order the replay did not know yet; a second `new`
 * of a known order is DQ-6 and otherwise ignored). Later events of the order may repeat or omit the route; they are
 * not read.
 */
import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { routeOf } from '../../replay/lifecycle.js';

/** The venue when this event enters a routed order into the replay; null for every other event. */
export function enteredRoute(item: Located<OrderEvent>, before: OrderView | undefined): string | null {
  return before === undefined ? routeOf(item.rec) : null;
}

/** An `amend` the replay applies to an open routed order (its `before` is the order as the replay knows it). */
export function amendsRoutedOrder(item: Located<OrderEvent>, before: OrderView | undefined): before is OrderView {
  return item.rec.event === 'amend' && before !== undefined && !before.closed && before.routed === true;
}
