/**
 * Pre-funding of a routed order (V2.md SOB-1): after its `new` or an applied `amend`, the operator must hold aside
 * qty × price of money for a `buy` limit order, qty of the base asset for a `sell` (limit or market), with qty and price
 * as they stand after the event (a routed order never fills locally, so its open quantity is its qty). A `market` buy
 * is not tested: its cost is unknown. Exact and by value: the required amount is not rounded (the contract fixes no
 * currency precision), so a buy pre-funded to the cent of qty × price is funded, and a cent less is not.
 */
import { Exact } from '../contract/decimal.js';

/** The order as it stands after the event (`type` as the replay knows the order: an amend's own is not read). */
export interface RoutedOrderTerms {
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  qty: string;
  /** The limit price; null for a market order. */
  price: string | null;
}

export type PrefundingVerdict =
  | { tested: false; reason: 'a market buy (its cost is unknown)' | 'a limit buy without a price' }
  | {
      tested: true;
      /** qty × price (buy) or qty (sell). */
      required: Exact;
      /** What the event says is held aside (null: nothing stated). */
      prefunded: Exact | null;
      /** prefunded is null or below required. */
      short: boolean;
    };

/** What must be held aside for the order, or why it is not tested. */
export function requiredPrefunding(o: RoutedOrderTerms): Exact | Extract<PrefundingVerdict, { tested: false }> {
  if (o.side === 'sell') return new Exact(o.qty);
  if (o.type === 'market') return { tested: false, reason: 'a market buy (its cost is unknown)' };
  if (o.price === null) return { tested: false, reason: 'a limit buy without a price' };
  return new Exact(o.qty).times(o.price);
}

/** SOB-1 on one `new` or applied `amend` of a routed order. */
export function judgePrefunding(o: RoutedOrderTerms, prefunded: string | null | undefined): PrefundingVerdict {
  const required = requiredPrefunding(o);
  if (!(required instanceof Exact)) return required;
  const held = prefunded == null ? null : new Exact(prefunded);
  return { tested: true, required, prefunded: held, short: held === null || held.lt(required) };
}
