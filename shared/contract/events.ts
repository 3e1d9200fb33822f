/**
 * The shapes every layer above the contract passes around: a record with where it came from, the merged order-flow
 * item, and what the replay knows of an order when a rule judges an event.
 */
import type { OrderEvent, Trade } from './records.js';

/** A record with the file (relative to the dataset root, `/`-separated) and line it came from. */
export interface Located<T> {
  rec: T;
  file: string;
  line: number;
}

export type OrderFlowItem = ({ kind: 'order' } & Located<OrderEvent>) | ({ kind: 'trade' } & Located<Trade>);

/**
 * What the replay knows of an order when an event arrives (the state before that event is applied), so that rules
 * can judge the event against the order's own account and tag history. `undefined` when the order is unknown.
 */
export interface OrderView {
  order_id: string;
  symbol: string;
  account_id: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  tif: 'gtc' | 'day' | 'ioc' | 'fok' | 'post_only';
  /** Canonical limit price, null for market orders. */
  price: string | null;
  mm_tag: boolean;
  /** Closed: cancelled, expired, rejected, filled, or a non-resting order whose life ended. */
  closed: boolean;
  /**
   * Contract 2: the order's `new` named a `route` (V2.md): it was sent to an overseas venue's shared order book, never
   * rests in the local book and no trade may name it. Absent or false: the order is in the local book.
   */
  routed?: boolean;
}
