/**
 * The order-book replay of RULES.md ("Order-book replay", shared by CP and DQ): `orders` and `trades` merged in `seq`
 * order; per symbol and side, the resting orders with their open and visible quantity and priority.
 *
 * Memory grows with open orders: an open order keeps its full state (openOrder.ts); a closed order keeps only a few
 * packed columns (closedOrder.ts). Quantities are exact scaled integers (see quantity.ts: plain numbers while they are
 * safe integers, bigint beyond); prices compare by value through their canonical text. Per price level the book keeps
 * aggregates of protected visible quantity (book.ts). The state can be saved and loaded (checkpoint.ts).
 *
 * Speed: the map of open orders stays small (it fits the CPU caches); closed ids live in a compact hash table
 * (closedIds.ts) where a `new` costs one cache line; canonical price text and its Number() are cached per distinct
 * price text, so equal prices share one string (and its hash) across orders and levels; no per-event allocation on
 * the number path of quantities.
 */

import { canonicalDecimal } from '../contract/decimal.js';
import type { OrderEvent, Trade } from '../contract/records.js';
import type { ReferenceData } from '../reference/referenceData.js';
import { type BookSide, PriceLevel, type Side, SymbolBook } from './book.js';
import { loadReplayState, type ReplayParts, type ReplayState, saveReplayState } from './checkpoint.js';
import { ClosedIds } from './closedIds.js';
import {
  type ClosedOrder,
  type CloseReason,
  Interned,
  packClosed,
  REASONS,
  SIDES,
  TIFS,
  TYPES,
} from './closedOrder.js';
import { UintColumn } from './columns.js';
import { ReplayInvariantError } from './errors.js';
import { contractFailure, lifecycleIssue } from './lifecycle.js';
import { type KnownOrder, OpenOrder, type PriceInfo } from './openOrder.js';
import { formatScaled, fractionDigits, parseScaled, type Qty, qAdd, qMulPow10, qSub } from './quantity.js';

export { BookSide, PriceLevel, type Side, SymbolBook } from './book.js';
export type { BookState, LevelState, OpenOrderState, ReplayState, SideState } from './checkpoint.js';
export type { ClosedOrder, CloseReason } from './closedOrder.js';
export { type KnownOrder, OpenOrder, type Tif } from './openOrder.js';
export type { Qty } from './quantity.js';

/** Most retired order objects kept for reuse (a few hundred kB). */
const SPARE_LIMIT = 1024;

/** Bound of the per-text caches: past it they start over, so memory never grows with the number of events. */
export const TEXT_CACHE_LIMIT = 1 << 16;

export class OrderBookReplay {
  readonly #ref: ReferenceData;
  readonly #open = new Map<string, OpenOrder>();
  /** Closed order ids, numbered like the closed columns. */
  readonly #closed = new ClosedIds();
  // Closed orders, column by column.
  // Paged typed arrays (columns.ts): a few bytes per closed order, not scanned by the garbage collector. Symbols,
  // accounts and prices are numbered in interning tables (their distinct values, not one entry per order).
  #cBits = new UintColumn();
  #cSeq = new UintColumn();
  #cSymbol = new UintColumn();
  #cAccount = new UintColumn();
  /** 0: no price (market order), k: prices.values[k − 1]. */
  #cPrice = new UintColumn();
  readonly #symbolTable = new Interned();
  readonly #accountTable = new Interned();
  readonly #priceTable = new Interned();
  readonly #books = new Map<string, SymbolBook>();
  readonly #prices = new Map<string, PriceInfo>();
  /**
   * Objects of retired orders, reused by `#enter`: an open order is long-lived, so a fresh object per order would be
   * copied by the young-generation collector and promoted, and the old generation would fill with dead orders, costing
   * much collector time. Rules never keep an open order past their call (OpenOrder).
   */
  readonly #spare: OpenOrder[] = [];
  /** One string per symbol text, so that closed orders share it. */
  readonly #symbols = new Map<string, string>();
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
  qty(s: string): Qty {
    const digits = fractionDigits(s);
    if (digits > this.#scale) this.#rescale(digits);
    return parseScaled(s, this.#scale);
  }

  formatQty(v: Qty): string {
    return formatScaled(v, this.#scale);
  }

  #rescale(scale: number): void {
    const k = scale - this.#scale;
    for (const o of this.#open.values()) {
      o.tot = qMulPow10(o.tot, k);
      o.fil = qMulPow10(o.fil, k);
      if (o.disp !== null) o.disp = qMulPow10(o.disp, k);
      o.vis = qMulPow10(o.vis, k);
    }
    for (const book of this.#books.values()) {
      for (const side of [book.buy, book.sell]) {
        for (const l of side.levels.values()) {
          l.visQty = qMulPow10(l.visQty, k);
          l.protVisQty = qMulPow10(l.protVisQty, k);
        }
      }
    }
    this.#scale = scale;
  }

  /** Canonical text and Number() of a price text (cached per distinct text; the cache is bounded). */
  priceInfo(text: string): PriceInfo {
    let p = this.#prices.get(text);
    if (p === undefined) {
      const canon = canonicalDecimal(text);
      // Equal values share the canonical string of the first text seen for them.
      const same = canon === text ? undefined : this.#prices.get(canon);
      p = same ?? { canon, num: Number(canon) };
      if (this.#prices.size >= TEXT_CACHE_LIMIT) this.#prices.clear();
      this.#prices.set(text, p);
      if (same === undefined && canon !== text) this.#prices.set(canon, p);
    }
    return p;
  }

  #symbol(text: string): string {
    const s = this.#symbols.get(text);
    if (s !== undefined) return s;
    if (this.#symbols.size < TEXT_CACHE_LIMIT) this.#symbols.set(text, text);
    return text;
  }

  // ---- queries ---------------------------------------------------------------------------------------------

  /** The order as known now (open or closed), or undefined when the replay never saw it. */
  order(orderId: string): KnownOrder | undefined {
    const o = this.#open.get(orderId);
    if (o !== undefined) return o;
    const i = this.#closed.indexOf(orderId);
    return i === -1 ? undefined : this.#closedView(orderId, i);
  }

  openOrder(orderId: string): OpenOrder | undefined {
    return this.#open.get(orderId);
  }

  closedOrder(orderId: string): ClosedOrder | undefined {
    const i = this.#closed.indexOf(orderId);
    return i === -1 ? undefined : this.#closedView(orderId, i);
  }

  #closedView(orderId: string, i: number): ClosedOrder {
    const bits = this.#cBits.get(i);
    const p = this.#cPrice.get(i);
    return {
      order_id: orderId,
      symbol: this.#symbolTable.values[this.#cSymbol.get(i)]!,
      account_id: this.#accountTable.values[this.#cAccount.get(i)]!,
      side: SIDES[bits & 1]!,
      type: TYPES[(bits >> 1) & 1]!,
      tif: TIFS[(bits >> 2) & 7]!,
      price: p === 0 ? null : this.#priceTable.values[p - 1]!,
      mm_tag: ((bits >> 5) & 1) === 1,
      routed: ((bits >> 9) & 1) === 1,
      closed: true as const,
      closed_by: REASONS[(bits >> 6) & 7]!,
      closed_seq: this.#cSeq.get(i),
    };
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

  // ---- checkpoint ------------------------------------------------------------------------------------------

  /** The whole replay state as plain data (a copy); see checkpoint.ts. */
  saveState(): ReplayState {
    const columns = {
      bits: this.#cBits,
      seq: this.#cSeq,
      symbol: this.#cSymbol,
      account: this.#cAccount,
      price: this.#cPrice,
    };
    return saveReplayState(this.#parts(), this.#scale, columns);
  }

  /** Loads a saveState result into a fresh replay (built on the same reference data). */
  loadState(state: ReplayState): void {
    if (this.#open.size > 0 || this.#closed.size > 0 || this.#books.size > 0) {
      throw new ReplayInvariantError('a replay state can only be loaded into a fresh replay');
    }
    this.#scale = state.scale;
    const columns = loadReplayState(this.#parts(), state);
    this.#cBits = columns.bits;
    this.#cSeq = columns.seq;
    this.#cSymbol = columns.symbol;
    this.#cAccount = columns.account;
    this.#cPrice = columns.price;
  }

  #parts(): ReplayParts {
    return {
      ref: this.#ref,
      open: this.#open,
      closed: this.#closed,
      books: this.#books,
      symbolTable: this.#symbolTable,
      accountTable: this.#accountTable,
      priceTable: this.#priceTable,
      symbol: (text) => this.#symbol(text),
    };
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
   * `maker`/`taker`, when given, are the orders as `order()` returned them for this trade.
   */
  applyTrade(
    rec: Trade,
    maker: KnownOrder | undefined = this.order(rec.maker_order_id),
    taker: KnownOrder | undefined = this.order(rec.taker_order_id),
  ): void {
    const q = this.qty(rec.qty);
    if (maker !== undefined && !maker.closed) this.#fill(maker, q, rec.seq);
    // The same order as maker and taker is filled twice, as before (it was looked up again after the maker's fill).
    if (taker !== undefined && !taker.closed && (taker !== maker || this.#open.has(taker.order_id))) {
      this.#fill(taker, q, rec.seq);
    }
  }

  #enter(rec: OrderEvent, file: string, line: number): void {
    const total = this.qty(rec.qty!);
    const display = rec.display_qty == null ? null : this.qty(rec.display_qty);
    const price = rec.price != null && (rec.type ?? 'limit') === 'limit' ? this.priceInfo(rec.price) : null;
    const symbol = this.#symbol(rec.symbol);
    let o = this.#spare.pop();
    if (o === undefined) o = new OpenOrder(rec, file, line, total, display, this.#ref, symbol, price);
    else o.reset(rec, file, line, total, display, this.#ref, symbol, price);
    this.#open.set(o.order_id, o);
    if (o.resting) this.#attach(o);
  }

  #amend(o: OpenOrder, rec: OrderEvent): void {
    const total = this.qty(rec.qty!);
    const display = rec.display_qty == null ? null : this.qty(rec.display_qty);
    if (rec.mm_tag != null) o.mm_tag = rec.mm_tag;
    const info = o.type === 'limit' && rec.price != null ? this.priceInfo(rec.price) : null;
    const price = info === null ? o.price : info.canon;
    const priceChanged = price !== o.price;
    const increased = total > o.tot;
    if (qSub(total, o.fil) <= 0) {
      if (o.resting) this.#detach(o);
      o.tot = total;
      o.disp = display;
      this.#retire(o, 'amended to its filled quantity or below', rec.seq);
      this.#recycle(o);
      return;
    }
    if (!o.resting) {
      o.tot = total;
      o.disp = display;
      if (priceChanged) this.#setPrice(o, info);
      if (priceChanged || increased) o.priority = rec.seq;
      return;
    }
    if (priceChanged || increased) {
      // Loses its place: re-enter at the back of its (maybe new) level, which keeps each level's protected orders in
      // priority order.
      this.#detach(o);
      o.tot = total;
      o.disp = display;
      if (priceChanged) this.#setPrice(o, info);
      o.priority = rec.seq;
      this.#attach(o);
      return;
    }
    o.tot = total;
    o.disp = display;
    this.#revisible(o);
  }

  #setPrice(o: OpenOrder, info: PriceInfo | null): void {
    o.price = info === null ? null : info.canon;
  }

  #fill(o: OpenOrder, q: Qty, seq: number): void {
    o.fil = qAdd(o.fil, q);
    if (qSub(o.tot, o.fil) <= 0) {
      this.#close(o, 'filled', seq);
      return;
    }
    if (o.resting) this.#revisible(o);
  }

  #close(o: OpenOrder, reason: CloseReason, seq: number): void {
    if (o.resting) this.#detach(o);
    this.#retire(o, reason, seq);
    this.#recycle(o);
  }

  /** Keeps a retired order's object for a later `new` (bounded: memory stays with the open orders). */
  #recycle(o: OpenOrder): void {
    if (this.#spare.length < SPARE_LIMIT) this.#spare.push(o);
  }

  /** Moves a detached order from open state to the closed columns. */
  #retire(o: OpenOrder, reason: CloseReason, seq: number): void {
    this.#open.delete(o.order_id);
    this.#closed.add(o.order_id); // numbered like the columns: each grows by one here
    this.#cBits.push(packClosed(o, reason));
    this.#cSeq.push(seq);
    this.#cSymbol.push(this.#symbolTable.index(o.symbol));
    this.#cAccount.push(this.#accountTable.index(o.account_id));
    this.#cPrice.push(o.price === null ? 0 : this.#priceTable.index(o.price) + 1);
  }

  // ---- book maintenance ------------------------------------------------------------------------------------

  #attach(o: OpenOrder): void {
    if (o.level !== null || o.price === null) throw new ReplayInvariantError(`order ${o.order_id} cannot be attached`);
    let side = o.bookSide;
    if (side === null) {
      let book = this.#books.get(o.symbol);
      if (book === undefined) {
        book = new SymbolBook(o.symbol);
        this.#books.set(o.symbol, book);
      }
      side = book.side(o.side);
      o.bookSide = side;
    }
    let level = side.levels.get(o.price);
    if (level === undefined) {
      level = new PriceLevel(o.price, o.num);
      side.levels.set(o.price, level);
    }
    o.level = level;
    level.orders++;
    if (o.protectedEntity !== null) level.linkProt(o);
    o.vis = o.computeVisible();
    this.#add(side, level, o);
  }

  #detach(o: OpenOrder): void {
    const level = o.level;
    const side = o.bookSide;
    if (level === null || side === null) throw new ReplayInvariantError(`order ${o.order_id} is not in the book`);
    this.#remove(side, level, o);
    o.vis = 0;
    o.level = null;
    level.orders--;
    if (o.protectedEntity !== null) level.unlinkProt(o);
    if (level.orders === 0) side.levels.delete(level.price);
  }

  /** After a partial fill: the visible quantity may have dropped (icebergs keep theirs until the rest is smaller). */
  #revisible(o: OpenOrder): void {
    const v = o.computeVisible();
    if (v === o.vis) return;
    const level = o.level!;
    const side = o.bookSide!;
    this.#remove(side, level, o);
    o.vis = v;
    this.#add(side, level, o);
  }

  /** Adds the order's current visible quantity to its level's aggregates. */
  #add(side: BookSide, level: PriceLevel, o: OpenOrder): void {
    const v = o.vis;
    level.visQty = qAdd(level.visQty, v);
    if (o.protectedEntity === null || v === 0) return;
    level.protVisQty = qAdd(level.protVisQty, v);
    if (level.protVisibleCount++ === 0) side.protectedLevels.splice(side.lowerBound(level), 0, level);
  }

  /** Removes the order's current visible quantity from its level's aggregates. */
  #remove(side: BookSide, level: PriceLevel, o: OpenOrder): void {
    const v = o.vis;
    level.visQty = qSub(level.visQty, v);
    if (o.protectedEntity === null || v === 0) return;
    level.protVisQty = qSub(level.protVisQty, v);
    if (--level.protVisibleCount === 0) {
      const i = side.lowerBound(level);
      if (side.protectedLevels[i] !== level) throw new ReplayInvariantError(`level ${level.price} not indexed`);
      side.protectedLevels.splice(i, 1);
    }
  }
}
