/**
 * The order-book replay of RULES.md ("Order-book replay", shared by CP and DQ): `orders` and `trades` merged in `seq`
 * order; per symbol and side, the resting orders with their open and visible quantity and priority.
 *
 * Memory grows with open orders: an open order keeps its full state (quantities, priority, place in the book); a
 * closed order keeps only a small frozen view (what rules need to judge a late event against it, and DQ-6/DQ-3's
 * "already closed"). Quantities are exact scaled integers (see quantity.ts); prices compare by value through their
 * canonical text. Per price level the book keeps aggregates of protected (client / third_party_mm) visible quantity,
 * and per side a sorted list of the levels where protected visible quantity rests, so that the customer-priority
 * questions ("protected quantity at this price", "best protected price") never scan the book.
 */
import type { OrderView } from '../checks/rule.js';
import { canonicalDecimal, compareDecimal } from '../contract/decimal.js';
import type { OrderEvent, Trade } from '../contract/records.js';
import { isProtectedRole, type ReferenceData } from '../reference/referenceData.js';
import { ReplayInvariantError } from './errors.js';
import { contractFailure, lifecycleIssue } from './lifecycle.js';
import { fractionDigits, fromScaled, pow10, toScaled } from './quantity.js';

export type Side = 'buy' | 'sell';
export type Tif = OrderView['tif'];
export type CloseReason = 'cancelled' | 'expired' | 'rejected' | 'filled' | 'amended to its filled quantity or below';

/** A closed order: what remains known of it once it has left the replay's open state. */
export interface ClosedOrder extends OrderView {
  readonly closed: true;
  readonly closed_by: CloseReason;
  readonly closed_seq: number;
}

interface EntityAggregate {
  count: number;
  qty: bigint;
}

/** One price of one side of one symbol's book. */
export class PriceLevel {
  /** Canonical price text (equal values have equal text). */
  readonly price: string;
  /** Number(price): orders levels quickly; exact ties fall back to compareDecimal. */
  readonly num: number;
  /** Resting orders at this price, and their visible quantity. */
  orders = 0;
  visibleQty = 0n;
  /** Protected resting orders with visible quantity above zero, and their visible quantity. */
  protVisibleCount = 0;
  protVisibleQty = 0n;
  /** The same, per entity of the protected account (self-trade exclusion works by entity). */
  readonly protByEntity = new Map<string, EntityAggregate>();
  /**
   * Every protected order resting here (visible or not), in priority order: an order joins at the back when it
   * enters or loses its place (its priority is then the latest seq), and stays put when it keeps its place.
   */
  readonly protOrders = new Set<OpenOrder>();

  constructor(price: string, num: number) {
    this.price = price;
    this.num = num;
  }

  /** Protected visible orders here, leaving out those of one entity (null: nothing left out). */
  protectedVisible(excludeEntity: string | null): { count: number; qty: bigint } {
    if (excludeEntity === null) return { count: this.protVisibleCount, qty: this.protVisibleQty };
    const ex = this.protByEntity.get(excludeEntity);
    if (ex === undefined) return { count: this.protVisibleCount, qty: this.protVisibleQty };
    return { count: this.protVisibleCount - ex.count, qty: this.protVisibleQty - ex.qty };
  }

  hasProtectedVisible(excludeEntity: string | null): boolean {
    if (excludeEntity === null) return this.protVisibleCount > 0;
    return this.protVisibleCount - (this.protByEntity.get(excludeEntity)?.count ?? 0) > 0;
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

/**
 * An order that is still open (resting, or a non-resting IOC/FOK/market order not yet cancelled, expired, rejected or
 * filled). It is its own OrderView: the object passed to rules as `before` is live, valid during the call only.
 */
export class OpenOrder implements OrderView {
  readonly order_id: string;
  readonly symbol: string;
  readonly account_id: string;
  readonly side: Side;
  readonly type: 'limit' | 'market';
  readonly tif: Tif;
  /** Canonical limit price, null for market orders. */
  price: string | null;
  num: number;
  mm_tag: boolean;
  readonly closed = false;
  /** Total order quantity (the last `new`/`snapshot`/`amend` qty), filled quantity, iceberg display (null: all). */
  total: bigint;
  filled = 0n;
  display: bigint | null;
  /** The seq at which the order last gained its place. */
  priority: number;
  /** Whether the order rests in the book (only limit gtc/day/post_only and snapshots do). */
  readonly resting: boolean;
  /** Visible quantity as counted in its level's aggregates (0 when not resting). */
  visible = 0n;
  level: PriceLevel | null = null;
  /** Entity of the account when the account is protected (client / third_party_mm), else null. */
  readonly protectedEntity: string | null;
  readonly affiliatedMM: boolean;
  /** Where the order was entered (its new/snapshot). */
  readonly entry_seq: number;
  readonly file: string;
  readonly line: number;

  constructor(rec: OrderEvent, file: string, line: number, total: bigint, display: bigint | null, ref: ReferenceData) {
    this.order_id = rec.order_id;
    this.symbol = rec.symbol;
    this.account_id = rec.account_id;
    this.side = rec.side;
    this.type = rec.type ?? 'limit';
    this.tif = rec.tif ?? 'gtc';
    this.price = this.type === 'limit' && rec.price != null ? canonicalDecimal(rec.price) : null;
    this.num = this.price === null ? Number.NaN : Number(this.price);
    this.mm_tag = rec.mm_tag ?? false;
    this.total = total;
    this.display = display;
    this.priority = rec.seq;
    this.resting =
      this.price !== null &&
      (rec.event === 'snapshot' || this.tif === 'gtc' || this.tif === 'day' || this.tif === 'post_only');
    const account = ref.accounts.get(rec.account_id);
    this.protectedEntity = account !== undefined && isProtectedRole(account.role) ? account.entity_id : null;
    this.affiliatedMM = account?.role === 'affiliated_mm';
    this.entry_seq = rec.seq;
    this.file = file;
    this.line = line;
  }

  /** Open quantity: total − filled (may be ≤ 0 only transiently, before the order is closed). */
  get open(): bigint {
    return this.total - this.filled;
  }

  /** RULES: min(display_qty, open), or open when display_qty is null; never below zero. */
  computeVisible(): bigint {
    const open = this.total - this.filled;
    if (open <= 0n) return 0n;
    if (this.display === null || this.display > open) return open;
    return this.display;
  }
}

export type KnownOrder = OpenOrder | ClosedOrder;

export class OrderBookReplay {
  readonly #ref: ReferenceData;
  readonly #open = new Map<string, OpenOrder>();
  readonly #closed = new Map<string, ClosedOrder>();
  readonly #books = new Map<string, SymbolBook>();
  #scale = 8;

  constructor(ref: ReferenceData) {
    this.#ref = ref;
  }

  // ---- quantities ------------------------------------------------------------------------------------------

  /** Current scale: quantities are held as value × 10^scale. */
  get scale(): number {
    return this.#scale;
  }

  /**
   * A contract decimal as a scaled integer at the current scale, rescaling all held state first when the value has
   * more fraction digits. Call it before reading any held quantity that is to be compared with the result.
   */
  qty(s: string): bigint {
    const digits = fractionDigits(s);
    if (digits > this.#scale) this.#rescale(digits);
    return toScaled(s, this.#scale);
  }

  formatQty(v: bigint): string {
    return fromScaled(v, this.#scale);
  }

  #rescale(scale: number): void {
    const m = pow10(scale - this.#scale);
    for (const o of this.#open.values()) {
      o.total *= m;
      o.filled *= m;
      if (o.display !== null) o.display *= m;
      o.visible *= m;
    }
    for (const book of this.#books.values()) {
      for (const side of [book.buy, book.sell]) {
        for (const l of side.levels.values()) {
          l.visibleQty *= m;
          l.protVisibleQty *= m;
          for (const agg of l.protByEntity.values()) agg.qty *= m;
        }
      }
    }
    this.#scale = scale;
  }

  // ---- queries ---------------------------------------------------------------------------------------------

  /** The order as known now (open or closed), or undefined when the replay never saw it. */
  order(orderId: string): KnownOrder | undefined {
    return this.#open.get(orderId) ?? this.#closed.get(orderId);
  }

  openOrder(orderId: string): OpenOrder | undefined {
    return this.#open.get(orderId);
  }

  closedOrder(orderId: string): ClosedOrder | undefined {
    return this.#closed.get(orderId);
  }

  book(symbol: string): SymbolBook | undefined {
    return this.#books.get(symbol);
  }

  bookSide(symbol: string, side: Side): BookSide | undefined {
    return this.#books.get(symbol)?.side(side);
  }

  openOrders(): IterableIterator<OpenOrder> {
    return this.#open.values();
  }

  get openCount(): number {
    return this.#open.size;
  }

  get closedCount(): number {
    return this.#closed.size;
  }

  // ---- application -----------------------------------------------------------------------------------------

  /**
   * Applies an order event. An event that fails the contract in context, or that DQ-6 reports (unknown or closed
   * order, repeated new/snapshot), is not applied; the return value says whether it was.
   */
  applyOrderEvent(
    rec: OrderEvent,
    file: string,
    line: number,
    before: KnownOrder | undefined = this.order(rec.order_id),
  ): boolean {
    if (contractFailure(rec, before) !== undefined || lifecycleIssue(rec, before) !== undefined) return false;
    switch (rec.event) {
      case 'new':
      case 'snapshot':
        this.#enter(rec, file, line);
        return true;
      case 'amend':
        this.#amend(before as OpenOrder, rec);
        return true;
      case 'cancel':
        this.#close(before as OpenOrder, 'cancelled', rec.seq);
        return true;
      case 'expire':
        this.#close(before as OpenOrder, 'expired', rec.seq);
        return true;
      case 'reject':
        this.#close(before as OpenOrder, 'rejected', rec.seq);
        return true;
    }
  }

  /**
   * Applies a trade: reduces the open quantity of maker and taker (those known and open) by its qty; an order whose
   * open quantity reaches zero (or below, for an inconsistent trade) leaves the book and is closed as filled.
   */
  applyTrade(rec: Trade): void {
    const q = this.qty(rec.qty);
    const maker = this.#open.get(rec.maker_order_id);
    if (maker !== undefined) this.#fill(maker, q, rec.seq);
    const taker = this.#open.get(rec.taker_order_id);
    if (taker !== undefined) this.#fill(taker, q, rec.seq);
  }

  #enter(rec: OrderEvent, file: string, line: number): void {
    const total = this.qty(rec.qty!);
    const display = rec.display_qty == null ? null : this.qty(rec.display_qty);
    const o = new OpenOrder(rec, file, line, total, display, this.#ref);
    this.#open.set(o.order_id, o);
    if (o.resting) this.#attach(o);
  }

  #amend(o: OpenOrder, rec: OrderEvent): void {
    const total = this.qty(rec.qty!);
    const display = rec.display_qty == null ? null : this.qty(rec.display_qty);
    if (rec.mm_tag != null) o.mm_tag = rec.mm_tag;
    const price = o.type === 'limit' && rec.price != null ? canonicalDecimal(rec.price) : o.price;
    const priceChanged = price !== o.price;
    const increased = total > o.total;
    if (total - o.filled <= 0n) {
      if (o.resting) this.#detach(o);
      o.total = total;
      o.display = display;
      this.#retire(o, 'amended to its filled quantity or below', rec.seq);
      return;
    }
    if (!o.resting) {
      o.total = total;
      o.display = display;
      if (priceChanged) this.#setPrice(o, price);
      if (priceChanged || increased) o.priority = rec.seq;
      return;
    }
    if (priceChanged || increased) {
      // Loses its place: re-enter at the back of its (maybe new) level, which keeps each level's protected orders in
      // priority order.
      this.#detach(o);
      o.total = total;
      o.display = display;
      if (priceChanged) this.#setPrice(o, price);
      o.priority = rec.seq;
      this.#attach(o);
      return;
    }
    o.total = total;
    o.display = display;
    this.#revisible(o);
  }

  #setPrice(o: OpenOrder, price: string | null): void {
    o.price = price;
    o.num = price === null ? Number.NaN : Number(price);
  }

  #fill(o: OpenOrder, q: bigint, seq: number): void {
    o.filled += q;
    if (o.total - o.filled <= 0n) {
      this.#close(o, 'filled', seq);
      return;
    }
    if (o.resting) this.#revisible(o);
  }

  #close(o: OpenOrder, reason: CloseReason, seq: number): void {
    if (o.resting) this.#detach(o);
    this.#retire(o, reason, seq);
  }

  /** Moves a detached order from open state to the closed views. */
  #retire(o: OpenOrder, reason: CloseReason, seq: number): void {
    this.#open.delete(o.order_id);
    this.#closed.set(o.order_id, {
      order_id: o.order_id,
      symbol: o.symbol,
      account_id: o.account_id,
      side: o.side,
      type: o.type,
      tif: o.tif,
      price: o.price,
      mm_tag: o.mm_tag,
      closed: true as const,
      closed_by: reason,
      closed_seq: seq,
    });
  }

  // ---- book maintenance ------------------------------------------------------------------------------------

  #attach(o: OpenOrder): void {
    if (o.level !== null || o.price === null) throw new ReplayInvariantError(`order ${o.order_id} cannot be attached`);
    let book = this.#books.get(o.symbol);
    if (book === undefined) {
      book = new SymbolBook(o.symbol);
      this.#books.set(o.symbol, book);
    }
    const side = book.side(o.side);
    let level = side.levels.get(o.price);
    if (level === undefined) {
      level = new PriceLevel(o.price, o.num);
      side.levels.set(o.price, level);
    }
    o.level = level;
    level.orders++;
    if (o.protectedEntity !== null) level.protOrders.add(o);
    o.visible = o.computeVisible();
    this.#contribute(side, level, o, 1);
  }

  #detach(o: OpenOrder): void {
    const level = o.level;
    if (level === null) throw new ReplayInvariantError(`order ${o.order_id} is not in the book`);
    const side = this.#books.get(o.symbol)!.side(o.side);
    this.#contribute(side, level, o, -1);
    o.visible = 0n;
    o.level = null;
    level.orders--;
    if (o.protectedEntity !== null) level.protOrders.delete(o);
    if (level.orders === 0) side.levels.delete(level.price);
  }

  /** After a partial fill: the visible quantity may have dropped (icebergs keep theirs until the rest is smaller). */
  #revisible(o: OpenOrder): void {
    const v = o.computeVisible();
    if (v === o.visible) return;
    const level = o.level!;
    const side = this.#books.get(o.symbol)!.side(o.side);
    this.#contribute(side, level, o, -1);
    o.visible = v;
    this.#contribute(side, level, o, 1);
  }

  /** Adds (sign 1) or removes (sign −1) the order's current visible quantity to its level's aggregates. */
  #contribute(side: BookSide, level: PriceLevel, o: OpenOrder, sign: 1 | -1): void {
    const v = o.visible;
    if (sign === 1) level.visibleQty += v;
    else level.visibleQty -= v;
    const entity = o.protectedEntity;
    if (entity === null || v === 0n) return;
    let agg = level.protByEntity.get(entity);
    if (sign === 1) {
      if (agg === undefined) {
        agg = { count: 0, qty: 0n };
        level.protByEntity.set(entity, agg);
      }
      agg.count++;
      agg.qty += v;
      level.protVisibleQty += v;
      if (level.protVisibleCount++ === 0) side.protectedLevels.splice(side.lowerBound(level), 0, level);
    } else {
      if (agg === undefined) throw new ReplayInvariantError(`level ${level.price} lost entity ${entity}`);
      agg.count--;
      agg.qty -= v;
      if (agg.count === 0) level.protByEntity.delete(entity);
      level.protVisibleQty -= v;
      if (--level.protVisibleCount === 0) {
        const i = side.lowerBound(level);
        if (side.protectedLevels[i] !== level) throw new ReplayInvariantError(`level ${level.price} not indexed`);
        side.protectedLevels.splice(i, 1);
      }
    }
  }
}
