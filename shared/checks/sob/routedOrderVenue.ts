/**
 * SOB-2 (high, subject order_id). Compliant: a routed order (contract 2: its `new` names a `route`) goes to a venue of
 * the `venues` reference whose `shared_book_approved` and `fatf_member` are both true. A route that names no venue of
 * the reference is DQ-5's finding, and the order is counted as not tested here; without a `venues/` folder every
 * route is unknown.
 * Why: SFC, shared order books with overseas affiliated platforms: orders go only to an affiliate whose participation
 * in the shared book is approved, in a jurisdiction that is a FATF member (or equivalent).
 * Population: routed orders, counted at their `new` (where the route is read).
 */
import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { checkMeta } from '../catalogue.js';
import { origin } from '../fs/orderEvents.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { enteredRoute } from './routedOrders.js';

const ID = 'SOB-2';
export const VENUES_ABSENT = 'venues/ folder absent: every route is unknown (see DQ-5)';
export const UNKNOWN_VENUE = 'routed to a venue absent from the venues reference (see DQ-5)';

export class RoutedOrderVenueRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    const route = enteredRoute(item, before);
    if (route === null) return;
    if (!ctx.ref.folders.has('venues')) {
      this.#population.notTested(VENUES_ABSENT);
      return;
    }
    const venue = ctx.ref.venues.get(route);
    if (venue === undefined) {
      this.#population.notTested(UNKNOWN_VENUE);
      return;
    }
    this.#population.examined++;
    const reasons: string[] = [];
    if (!venue.shared_book_approved) reasons.push(`venue ${route} is not approved for the shared order book`);
    if (!venue.fatf_member) reasons.push(`venue ${route}'s jurisdiction ${venue.jurisdiction} is not a FATF member`);
    if (reasons.length === 0) return;
    const o = item.rec;
    ctx.sink.report({
      check_id: ID,
      severity: 'high',
      subject: o.order_id,
      symbol: o.symbol,
      account_id: o.account_id,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `Order ${o.order_id} (account ${o.account_id}, ${o.symbol}, ${o.side}) was routed at seq ${o.seq} to venue ${route}: ${reasons.join('; ')}.`,
      evidence: {
        order_id: o.order_id,
        symbol: o.symbol,
        account_id: o.account_id,
        side: o.side,
        ...origin(item),
        ts: o.ts,
        venue: {
          venue_id: venue.venue_id,
          jurisdiction: venue.jurisdiction,
          fatf_member: venue.fatf_member,
          shared_book_approved: venue.shared_book_approved,
        },
        reasons,
      },
    });
  }

  /** Checkpoint: the unflushed population (findings are reported as they are found). */
  saveState(): PopulationState {
    return this.#population.saveState();
  }

  loadState(state: unknown): void {
    this.#population.loadState(state as PopulationState);
  }

  finish(ctx: RuleContext): void {
    this.#population.flush(ctx.sink);
  }
}
