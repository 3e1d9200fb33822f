/**
 * What the replay keeps of a closed order: a few packed columns (OrderBookReplay's closed columns), enough for rules
 * to judge a late event against it and for DQ-6/DQ-3's "already closed"; a small ClosedOrder view is built from them
 * when an event refers to the order. The small fields pack into one number; symbols, accounts and prices are numbered
 * in interning tables (their distinct values, not one entry per order).
 */

import type { OrderView } from '../contract/events.js';
import type { Side } from './book.js';
import type { OpenOrder, Tif } from './openOrder.js';

export type CloseReason = 'cancelled' | 'expired' | 'rejected' | 'filled' | 'amended to its filled quantity or below';

/** A closed order: what remains known of it once it has left the replay's open state. */
export interface ClosedOrder extends OrderView {
  readonly closed: true;
  readonly closed_by: CloseReason;
  readonly closed_seq: number;
  readonly routed: boolean;
}

/** Distinct strings, numbered in first-seen order. */
export class Interned {
  readonly values: string[] = [];
  readonly #index = new Map<string, number>();
  #last: string | undefined;
  #lastIndex = -1;

  index(v: string): number {
    if (v === this.#last) return this.#lastIndex;
    let i = this.#index.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.#index.set(v, i);
    }
    this.#last = v;
    this.#lastIndex = i;
    return i;
  }
}

/** The values of the packed fields, by code (see packClosed). */
export const SIDES: readonly Side[] = ['buy', 'sell'];
export const TYPES: readonly OpenOrder['type'][] = ['limit', 'market'];
export const TIFS: readonly Tif[] = ['gtc', 'day', 'ioc', 'fok', 'post_only'];
export const REASONS: readonly CloseReason[] = [
  'cancelled',
  'expired',
  'rejected',
  'filled',
  'amended to its filled quantity or below',
];

/**
 * side (1 bit) | type (1) | tif (3) | mm_tag (1) | close reason (3) | routed (1), the small fields of a closed order.
 * The venue of a routed order is not kept: what a later event needs is that the order was routed.
 */
export function packClosed(o: OpenOrder, reason: CloseReason): number {
  return (
    (o.side === 'buy' ? 0 : 1) |
    ((o.type === 'limit' ? 0 : 1) << 1) |
    (TIFS.indexOf(o.tif) << 2) |
    ((o.mm_tag ? 1 : 0) << 5) |
    (REASONS.indexOf(reason) << 6) |
    ((o.route === null ? 0 : 1) << 9)
  );
}
