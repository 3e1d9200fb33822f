/**
 * One symbol's book in the order-book replay: per side, the price levels where orders rest, with their visible
 * quantity and their protected (client / third_party_mm) orders in priority order, and the sorted list of the levels
 * where protected visible quantity rests, so that the customer-priority questions ("protected quantity at this price",
 * "best protected price") never scan the book. The replay (orderBook.ts) keeps these aggregates up to date.
 */

import { compareDecimal } from '../contract/decimal.js';
import type { OpenOrder } from './openOrder.js';
import { type Qty, qAdd, qtyToBig } from './quantity.js';

export type Side = 'buy' | 'sell';

/** One price of one side of one symbol's book. */
export class PriceLevel {
  /** Canonical price text (equal values have equal text). */
  readonly price: string;
  /** Number(price): orders levels quickly; exact ties fall back to compareDecimal. */
  readonly num: number;
  /** Resting orders at this price, and their visible quantity. */
  orders = 0;
  visQty: Qty = 0;
  /** Protected resting orders with visible quantity above zero, and their visible quantity. */
  protVisibleCount = 0;
  protVisQty: Qty = 0;
  /**
   * Every protected order resting here (visible or not), in priority order, as a list threaded through the orders
   * (protPrev / protNext; cheaper than a Set: no hashing, no table): an order joins at the back when it enters or
   * loses its place (its priority is then the latest seq), and stays put when it keeps its place.
   */
  protHead: OpenOrder | null = null;
  protTail: OpenOrder | null = null;

  constructor(price: string, num: number) {
    this.price = price;
    this.num = num;
  }

  /** The protected orders resting here, in priority order (a fresh array). */
  get protOrders(): OpenOrder[] {
    const out: OpenOrder[] = [];
    for (let o = this.protHead; o !== null; o = o.protNext) out.push(o);
    return out;
  }

  /** Puts a protected order at the back of the priority list. */
  linkProt(o: OpenOrder): void {
    o.protPrev = this.protTail;
    o.protNext = null;
    if (this.protTail === null) this.protHead = o;
    else this.protTail.protNext = o;
    this.protTail = o;
  }

  unlinkProt(o: OpenOrder): void {
    const prev = o.protPrev;
    const next = o.protNext;
    if (prev === null) this.protHead = next;
    else prev.protNext = next;
    if (next === null) this.protTail = prev;
    else next.protPrev = prev;
    o.protPrev = null;
    o.protNext = null;
  }

  /** Visible quantity of the resting orders here. */
  get visibleQty(): bigint {
    return qtyToBig(this.visQty);
  }

  /** Visible quantity of the protected resting orders here. */
  get protVisibleQty(): bigint {
    return qtyToBig(this.protVisQty);
  }

  /**
   * Protected visible orders here, leaving out those of one entity (null: nothing left out). Self-trade exclusion
   * by entity is asked only for affiliated MM fills, so it walks the level's protected list instead of keeping
   * per-entity aggregates on every book change (a Map and an object per entity per level).
   */
  protectedVisible(excludeEntity: string | null): { count: number; qty: Qty } {
    if (excludeEntity === null || this.protVisibleCount === 0) {
      return { count: this.protVisibleCount, qty: this.protVisQty };
    }
    let count = 0;
    let qty: Qty = 0;
    for (let o = this.protHead; o !== null; o = o.protNext) {
      if (o.vis === 0 || o.protectedEntity === excludeEntity) continue;
      count++;
      qty = qAdd(qty, o.vis);
    }
    return { count, qty };
  }

  hasProtectedVisible(excludeEntity: string | null): boolean {
    if (this.protVisibleCount === 0) return false;
    if (excludeEntity === null) return true;
    for (let o = this.protHead; o !== null; o = o.protNext) {
      if (o.vis !== 0 && o.protectedEntity !== excludeEntity) return true;
    }
    return false;
  }
}

function compareLevels(a: { num: number; price: string }, b: { num: number; price: string }): number {
  if (a.num < b.num) return -1;
  if (a.num > b.num) return 1;
  return a.price === b.price ? 0 : compareDecimal(a.price, b.price);
}

export class BookSide {
  readonly side: Side;
  readonly levels = new Map<string, PriceLevel>();
  /** Levels with protected visible quantity, ascending by price. */
  readonly protectedLevels: PriceLevel[] = [];

  constructor(side: Side) {
    this.side = side;
  }

  /** Index of the first protected level not below `p` (ascending order). */
  lowerBound(p: { num: number; price: string }): number {
    const arr = this.protectedLevels;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareLevels(arr[mid]!, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether some protected level strictly better than `p` holds protected visible quantity outside the entity. */
  hasProtectedBetterThan(p: { num: number; price: string }, excludeEntity: string | null): boolean {
    const arr = this.protectedLevels;
    if (this.side === 'sell') {
      for (let i = 0; i < arr.length; i++) {
        const l = arr[i]!;
        if (compareLevels(l, p) >= 0) return false;
        if (l.hasProtectedVisible(excludeEntity)) return true;
      }
    } else {
      for (let i = arr.length - 1; i >= 0; i--) {
        const l = arr[i]!;
        if (compareLevels(l, p) <= 0) return false;
        if (l.hasProtectedVisible(excludeEntity)) return true;
      }
    }
    return false;
  }

  /**
   * Protected levels strictly better than `p` for this side (lower for sell, higher for buy), best first, that hold
   * protected visible quantity outside `excludeEntity`.
   */
  protectedLevelsBetterThan(p: { num: number; price: string }, excludeEntity: string | null): PriceLevel[] {
    const out: PriceLevel[] = [];
    const arr = this.protectedLevels;
    if (this.side === 'sell') {
      for (let i = 0; i < arr.length; i++) {
        const l = arr[i]!;
        if (compareLevels(l, p) >= 0) break;
        if (l.hasProtectedVisible(excludeEntity)) out.push(l);
      }
    } else {
      for (let i = arr.length - 1; i >= 0; i--) {
        const l = arr[i]!;
        if (compareLevels(l, p) <= 0) break;
        if (l.hasProtectedVisible(excludeEntity)) out.push(l);
      }
    }
    return out;
  }
}

export class SymbolBook {
  readonly symbol: string;
  readonly buy = new BookSide('buy');
  readonly sell = new BookSide('sell');
  constructor(symbol: string) {
    this.symbol = symbol;
  }
  side(side: Side): BookSide {
    return side === 'buy' ? this.buy : this.sell;
  }
}
