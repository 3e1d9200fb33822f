/**
 * The order-book replay of RULES.md ("Order-book replay", shared by CP and DQ): `orders` and `trades` merged in `seq`
 * order; per symbol and side, the resting orders with their open and visible quantity and priority.
 *
 * Memory grows with open orders: an open order keeps its full state (quantities, priority, place in the book); a
 * closed order keeps only a few packed columns (what rules need to judge a late event against it, and DQ-6/DQ-3's
 * "already closed"), from which a small view is built when an event refers to it. Quantities are exact scaled
 * integers (see quantity.ts: plain numbers while they are safe integers, bigint beyond); prices compare by value
 * through their canonical text. Per price level the book keeps aggregates of protected (client / third_party_mm)
 * visible quantity, and per side a sorted list of the levels where protected visible quantity rests, so that the
 * customer-priority questions ("protected quantity at this price", "best protected price") never scan the book.
 *
 * Speed (issue 9): the map of open orders stays small (it fits the CPU caches); closed ids live in a compact hash
 * table (closedIds.ts) where a `new` costs one cache line; canonical price text and its Number() are cached per
 * distinct price text, so equal prices share one string (and its hash) across orders and levels; no per-event
 * allocation on the number path of quantities.
 */

import { canonicalDecimal, compareDecimal } from '../contract/decimal.js';
import type { OrderView } from '../contract/events.js';
import type { Account, Instrument, OrderEvent, Trade } from '../contract/records.js';
import { accountOf, instrumentOf } from '../reference/lookups.js';
import { isProtectedRole, type ReferenceData } from '../reference/referenceData.js';
import { ClosedIds, type ClosedIdsState } from './closedIds.js';
import { type ColumnValues, UintColumn } from './columns.js';
import { ReplayInvariantError } from './errors.js';
import { contractFailure, lifecycleIssue } from './lifecycle.js';
import { formatScaled, fractionDigits, parseScaled, type Qty, qAdd, qMulPow10, qSub, qtyToBig } from './quantity.js';

export type Side = 'buy' | 'sell';
export type Tif = OrderView['tif'];
export type CloseReason = 'cancelled' | 'expired' | 'rejected' | 'filled' | 'amended to its filled quantity or below';
export type { Qty } from './quantity.js';

/** A closed order: what remains known of it once it has left the replay's open state. */
export interface ClosedOrder extends OrderView {
  readonly closed: true;
  readonly closed_by: CloseReason;
  readonly closed_seq: number;
}

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

/** Canonical text and Number() of a price text, cached per distinct text. */
interface PriceInfo {
  readonly canon: string;
  readonly num: number;
}

/** Most retired order objects kept for reuse (a few hundred kB). */
const SPARE_LIMIT = 1024;

/** Bound of the per-text caches: past it they start over, so memory never grows with the number of events. */
export const TEXT_CACHE_LIMIT = 1 << 16;

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
    this.tot = total;
    this.fil = 0;
    this.disp = display;
    this.priority = rec.seq;
    this.resting =
      this.price !== null &&
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
  // memory the garbage collector does not copy and promote (issue 9).

  /** Open orders are never closed: a closed order is a ClosedOrder view. */
  get closed(): false {
    return false;
  }

  /** Number(price) (NaN for market orders): orders price levels; only needed when a level is created. */
  get num(): number {
    return this.price === null ? Number.NaN : Number(this.price);
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

/** Distinct strings, numbered in first-seen order. */
class Interned {
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

/** An open order as plain data; `level` numbers its price level across the saved books (-1: not in the book). */
export interface OpenOrderState {
  order_id: string;
  symbol: string;
  account_id: string;
  side: Side;
  type: 'limit' | 'market';
  tif: Tif;
  price: string | null;
  num: number;
  mm_tag: boolean;
  tot: Qty;
  fil: Qty;
  disp: Qty | null;
  priority: number;
  resting: boolean;
  vis: Qty;
  entry_seq: number;
  file: string;
  line: number;
  level: number;
}

export interface LevelState {
  price: string;
  num: number;
  orders: number;
  visQty: Qty;
  protVisibleCount: number;
  protVisQty: Qty;
  /** Indexes into ReplayState.open, in priority order. */
  protOrders: number[];
}

export interface SideState {
  levels: LevelState[];
  /** Indexes into `levels`, ascending by price. */
  protectedLevels: number[];
}

export interface BookState {
  symbol: string;
  buy: SideState;
  sell: SideState;
}

/** The replay as plain, structured-clone-able data (see OrderBookReplay.saveState). */
export interface ReplayState {
  scale: number;
  open: OpenOrderState[];
  closed: {
    ids: ClosedIdsState;
    bits: ColumnValues;
    /** UintColumn slices (Uint16Array, Uint32Array or Float64Array, whichever the values needed). */
    seq: ColumnValues;
    /** Indexes into `symbols`, `accounts`; `price` is 0 for none, else 1 + an index into `prices`. */
    symbol: ColumnValues;
    account: ColumnValues;
    price: ColumnValues;
    symbols: string[];
    accounts: string[];
    prices: string[];
  };
  books: BookState[];
}

const SIDES: readonly Side[] = ['buy', 'sell'];
const TYPES: readonly OpenOrder['type'][] = ['limit', 'market'];
const TIFS: readonly Tif[] = ['gtc', 'day', 'ioc', 'fok', 'post_only'];
const REASONS: readonly CloseReason[] = [
  'cancelled',
  'expired',
  'rejected',
  'filled',
  'amended to its filled quantity or below',
];

/** side (1 bit) | type (1) | tif (3) | mm_tag (1) | close reason (3), the small fields of a closed order. */
function packClosed(o: OpenOrder, reason: CloseReason): number {
  return (
    (o.side === 'buy' ? 0 : 1) |
    ((o.type === 'limit' ? 0 : 1) << 1) |
    (TIFS.indexOf(o.tif) << 2) |
    ((o.mm_tag ? 1 : 0) << 5) |
    (REASONS.indexOf(reason) << 6)
  );
}

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
   * copied by the young-generation collector and promoted, and the old generation would fill with dead orders (issue
   * 9: the collector took a fifth of the bench's CPU). Rules never keep an open order past their call (OpenOrder).
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

  /**
   * The whole replay state as plain data (a copy): open orders in their map order, closed columns, and every book
   * with its levels (aggregates, each level's protected orders in priority order, the sorted protected levels). Caches
   * (price and symbol texts) are left out: they only share strings. Issue 8 carries it across a time split.
   */
  saveState(): ReplayState {
    const open: OpenOrderState[] = [];
    const index = new Map<OpenOrder, number>();
    for (const o of this.#open.values()) {
      index.set(o, open.length);
      open.push({
        order_id: o.order_id,
        symbol: o.symbol,
        account_id: o.account_id,
        side: o.side,
        type: o.type,
        tif: o.tif,
        price: o.price,
        num: o.num,
        mm_tag: o.mm_tag,
        tot: o.tot,
        fil: o.fil,
        disp: o.disp,
        priority: o.priority,
        resting: o.resting,
        vis: o.vis,
        entry_seq: o.entry_seq,
        file: o.file,
        line: o.line,
        level: -1,
      });
    }
    const books: BookState[] = [];
    // An open order's level, numbered across books (buy levels, then sell levels, book by book).
    const levelOf = new Map<PriceLevel, number>();
    for (const book of this.#books.values()) {
      const sides = [book.buy, book.sell].map((side): SideState => {
        const levels: LevelState[] = [];
        const levelIndex = new Map<PriceLevel, number>();
        for (const l of side.levels.values()) {
          levelIndex.set(l, levels.length);
          const prot: number[] = [];
          for (let o = l.protHead; o !== null; o = o.protNext) prot.push(index.get(o)!);
          levels.push({
            price: l.price,
            num: l.num,
            orders: l.orders,
            visQty: l.visQty,
            protVisibleCount: l.protVisibleCount,
            protVisQty: l.protVisQty,
            protOrders: prot,
          });
          levelOf.set(l, levelOf.size);
        }
        return { levels, protectedLevels: side.protectedLevels.map((l) => levelIndex.get(l)!) };
      });
      books.push({ symbol: book.symbol, buy: sides[0]!, sell: sides[1]! });
    }
    for (const o of this.#open.values()) {
      if (o.level !== null) open[index.get(o)!]!.level = levelOf.get(o.level)!;
    }
    const n = this.#closed.size;
    return {
      scale: this.#scale,
      open,
      closed: {
        ids: this.#closed.saveState(),
        bits: this.#cBits.slice(n),
        seq: this.#cSeq.slice(n),
        symbol: this.#cSymbol.slice(n),
        account: this.#cAccount.slice(n),
        price: this.#cPrice.slice(n),
        symbols: [...this.#symbolTable.values],
        accounts: [...this.#accountTable.values],
        prices: [...this.#priceTable.values],
      },
      books,
    };
  }

  /** Loads a saveState result into a fresh replay (built on the same reference data). */
  loadState(state: ReplayState): void {
    if (this.#open.size > 0 || this.#closed.size > 0 || this.#books.size > 0) {
      throw new ReplayInvariantError('a replay state can only be loaded into a fresh replay');
    }
    this.#scale = state.scale;
    const ref = this.#ref;
    const open: OpenOrder[] = [];
    for (const s of state.open) {
      const o = new OpenOrder(
        {
          seq: s.entry_seq,
          event: 'snapshot',
          order_id: s.order_id,
          symbol: s.symbol,
          account_id: s.account_id,
          side: s.side,
          type: s.type,
          tif: s.tif,
          price: null,
          mm_tag: s.mm_tag,
        } as OrderEvent,
        s.file,
        s.line,
        s.tot,
        s.disp,
        ref,
        this.#symbol(s.symbol),
        null,
      );
      o.price = s.price;
      o.fil = s.fil;
      o.priority = s.priority;
      o.resting = s.resting;
      o.vis = s.vis;
      open.push(o);
      this.#open.set(o.order_id, o);
    }
    const levels: [PriceLevel, BookSide][] = [];
    for (const b of state.books) {
      const book = new SymbolBook(this.#symbol(b.symbol));
      this.#books.set(book.symbol, book);
      for (const [side, s] of [
        [book.buy, b.buy],
        [book.sell, b.sell],
      ] as const) {
        const own: PriceLevel[] = [];
        for (const ls of s.levels) {
          const l = new PriceLevel(ls.price, ls.num);
          l.orders = ls.orders;
          l.visQty = ls.visQty;
          l.protVisibleCount = ls.protVisibleCount;
          l.protVisQty = ls.protVisQty;
          for (const i of ls.protOrders) l.linkProt(open[i]!);
          side.levels.set(l.price, l);
          own.push(l);
          levels.push([l, side]);
        }
        for (const i of s.protectedLevels) side.protectedLevels.push(own[i]!);
      }
    }
    for (let i = 0; i < state.open.length; i++) {
      const li = state.open[i]!.level;
      if (li === -1) continue;
      const [level, side] = levels[li]!;
      open[i]!.level = level;
      open[i]!.bookSide = side;
    }
    const c = state.closed;
    this.#closed.loadState(c.ids);
    this.#cBits = UintColumn.from(c.bits);
    this.#cSeq = UintColumn.from(c.seq);
    this.#cSymbol = UintColumn.from(c.symbol);
    this.#cAccount = UintColumn.from(c.account);
    this.#cPrice = UintColumn.from(c.price);
    for (const v of c.symbols) this.#symbolTable.index(this.#symbol(v));
    for (const v of c.accounts) this.#accountTable.index(v);
    for (const v of c.prices) this.#priceTable.index(v);
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
