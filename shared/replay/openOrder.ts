/**
 * The orders the replay holds open. An open order keeps its full state (quantities, priority, place in the book) in
 * one long-lived object that is its own OrderView; once closed it leaves only packed columns behind (closedOrder.ts)
 * and its object is reused for a later order.
 */

import { canonicalDecimal } from '../contract/decimal.js';
import type { OrderView } from '../contract/events.js';
import type { Account, Instrument, OrderEvent } from '../contract/records.js';
import { accountOf, instrumentOf } from '../reference/lookups.js';
import { isProtectedRole, type ReferenceData } from '../reference/referenceData.js';
import type { BookSide, PriceLevel, Side } from './book.js';
import type { ClosedOrder } from './closedOrder.js';
import { routeOf } from './lifecycle.js';
import { type Qty, qSub, qtyToBig } from './quantity.js';

export type Tif = OrderView['tif'];

/** Canonical text and Number() of a price text, cached per distinct text. */
export interface PriceInfo {
  readonly canon: string;
  readonly num: number;
}

/**
 * An order that is still open (resting, or a non-resting IOC/FOK/market order not yet cancelled, expired, rejected or
 * filled). It is its own OrderView: the object passed to rules as `before` is live, valid during the call only. The
 * replay reuses the objects of retired orders for later ones (see OrderBookReplay.#spare), so no reference to an open
 * order may be kept past the call that received it.
 *
 * Fields are set by `reset` (the constructor and every reuse), so they are not readonly; only the replay writes them.
 */
export class OpenOrder implements OrderView {
  order_id = '';
  symbol = '';
  account_id = '';
  side: Side = 'buy';
  type: 'limit' | 'market' = 'limit';
  tif: Tif = 'gtc';
  /** Canonical limit price, null for market orders. */
  price: string | null = null;
  mm_tag = false;
  /**
   * Contract 2: the venue whose shared order book the order was routed to, read from its `new` (null: the local book).
   * A routed order never rests in the local book.
   */
  route: string | null = null;
  /** Total order quantity (the last `new`/`snapshot`/`amend` qty), filled quantity, iceberg display (null: all). */
  tot: Qty = 0;
  fil: Qty = 0;
  disp: Qty | null = null;
  /** The seq at which the order last gained its place. */
  priority = 0;
  /** Whether the order rests in the book (only limit gtc/day/post_only and snapshots do). */
  resting = false;
  /** Visible quantity as counted in its level's aggregates (0 when not resting). */
  vis: Qty = 0;
  level: PriceLevel | null = null;
  /** Neighbours in the level's list of protected orders (see PriceLevel.protHead). */
  protPrev: OpenOrder | null = null;
  protNext: OpenOrder | null = null;
  /** The book side the order rests on while `level` is set. */
  bookSide: BookSide | null = null;
  /** Entity of the account when the account is protected (client / third_party_mm), else null. */
  protectedEntity: string | null = null;
  /** The reference records of the order's account and symbol (undefined when absent), looked up once at entry. */
  account: Account | undefined = undefined;
  instrument: Instrument | undefined = undefined;
  /** Where the order was entered (its new/snapshot). */
  entry_seq = 0;
  file = '';
  line = 0;

  constructor(
    rec: OrderEvent,
    file: string,
    line: number,
    total: Qty,
    display: Qty | null,
    ref: ReferenceData,
    symbol: string = rec.symbol,
    price: PriceInfo | null = null,
  ) {
    this.reset(rec, file, line, total, display, ref, symbol, price);
  }

  /** Makes this object the order entered by `rec`, every field as a fresh object would have it. */
  reset(
    rec: OrderEvent,
    file: string,
    line: number,
    total: Qty,
    display: Qty | null,
    ref: ReferenceData,
    symbol: string,
    price: PriceInfo | null,
  ): void {
    this.order_id = rec.order_id;
    this.symbol = symbol;
    const account = accountOf(ref, rec.account_id);
    this.account = account;
    this.instrument = instrumentOf(ref, symbol);
    // The reference's own text (equal to the record's): closed orders then share one string per account.
    this.account_id =
      account !== undefined && account.account_id === rec.account_id ? account.account_id : rec.account_id;
    this.side = rec.side;
    this.type = rec.type ?? 'limit';
    this.tif = rec.tif ?? 'gtc';
    this.price =
      this.type === 'limit' && rec.price != null ? (price === null ? canonicalDecimal(rec.price) : price.canon) : null;
    this.mm_tag = rec.mm_tag ?? false;
    this.route = routeOf(rec);
    this.tot = total;
    this.fil = 0;
    this.disp = display;
    this.priority = rec.seq;
    this.resting =
      this.price !== null &&
      this.route === null &&
      (rec.event === 'snapshot' || this.tif === 'gtc' || this.tif === 'day' || this.tif === 'post_only');
    this.vis = 0;
    this.level = null;
    this.protPrev = null;
    this.protNext = null;
    this.bookSide = null;
    this.protectedEntity = account !== undefined && isProtectedRole(account.role) ? account.entity_id : null;
    this.entry_seq = rec.seq;
    this.file = file;
    this.line = line;
  }

  // Derived rather than stored: every open order is a long-lived heap object, so each field it need not hold is
  // memory the garbage collector does not copy and promote.

  /** Open orders are never closed: a closed order is a ClosedOrder view. */
  get closed(): false {
    return false;
  }

  /** Number(price) (NaN for market orders): orders price levels; only needed when a level is created. */
  get num(): number {
    return this.price === null ? Number.NaN : Number(this.price);
  }

  /** Routed to a shared order book (OrderView.routed). */
  get routed(): boolean {
    return this.route !== null;
  }

  get affiliatedMM(): boolean {
    return this.account?.role === 'affiliated_mm';
  }

  /** Total order quantity (exact). */
  get total(): bigint {
    return qtyToBig(this.tot);
  }

  get filled(): bigint {
    return qtyToBig(this.fil);
  }

  get display(): bigint | null {
    return this.disp === null ? null : qtyToBig(this.disp);
  }

  /** Open quantity: total − filled (may be ≤ 0 only transiently, before the order is closed). */
  get open(): bigint {
    return qtyToBig(this.openQty);
  }

  /** Open quantity as a Qty (the replay's own form; compare with `<`/`>`, format with formatQty). */
  get openQty(): Qty {
    return qSub(this.tot, this.fil);
  }

  /** Visible quantity as counted in the book (0 when not resting). */
  get visible(): bigint {
    return qtyToBig(this.vis);
  }

  /** RULES: min(display_qty, open), or open when display_qty is null; never below zero. */
  computeVisible(): Qty {
    const open = qSub(this.tot, this.fil);
    if (open <= 0) return 0;
    const d = this.disp;
    if (d === null || d > open) return open;
    return d;
  }
}

export type KnownOrder = OpenOrder | ClosedOrder;
