/**
 * The replay's checkpoint: its whole state as plain, structured-clone-able data, so that a run split in time can carry
 * the replay from one part to the next. Open orders in their map order, closed columns, and every book with its
 * levels (aggregates, each level's protected orders in priority order, the sorted protected levels). Caches (price
 * and symbol texts) are left out: they only share strings.
 */

import type { OrderEvent } from '../contract/records.js';
import type { ReferenceData } from '../reference/referenceData.js';
import { type BookSide, PriceLevel, type Side, SymbolBook } from './book.js';
import type { ClosedIds, ClosedIdsState } from './closedIds.js';
import type { Interned } from './closedOrder.js';
import { type ColumnValues, UintColumn } from './columns.js';
import { OpenOrder, type Tif } from './openOrder.js';
import type { Qty } from './quantity.js';

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
  /** The venue a routed order was sent to (null: the local book). */
  route: string | null;
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

/** The closed orders' columns, numbered like the closed ids. */
export interface ClosedColumns {
  bits: UintColumn;
  seq: UintColumn;
  symbol: UintColumn;
  account: UintColumn;
  price: UintColumn;
}

/** The replay's live structures, handed over (not copied) for a save or a load. */
export interface ReplayParts {
  readonly ref: ReferenceData;
  readonly open: Map<string, OpenOrder>;
  readonly closed: ClosedIds;
  readonly books: Map<string, SymbolBook>;
  readonly symbolTable: Interned;
  readonly accountTable: Interned;
  readonly priceTable: Interned;
  /** The replay's one string per symbol text. */
  readonly symbol: (text: string) => string;
}

/** The whole replay state as plain data (a copy). */
export function saveReplayState(parts: ReplayParts, scale: number, columns: ClosedColumns): ReplayState {
  const open: OpenOrderState[] = [];
  const index = new Map<OpenOrder, number>();
  for (const o of parts.open.values()) {
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
      route: o.route,
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
  for (const book of parts.books.values()) {
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
  for (const o of parts.open.values()) {
    if (o.level !== null) open[index.get(o)!]!.level = levelOf.get(o.level)!;
  }
  const n = parts.closed.size;
  return {
    scale,
    open,
    closed: {
      ids: parts.closed.saveState(),
      bits: columns.bits.slice(n),
      seq: columns.seq.slice(n),
      symbol: columns.symbol.slice(n),
      account: columns.account.slice(n),
      price: columns.price.slice(n),
      symbols: [...parts.symbolTable.values],
      accounts: [...parts.accountTable.values],
      prices: [...parts.priceTable.values],
    },
    books,
  };
}

/**
 * Rebuilds a saved state into the parts of a fresh replay (built on the same reference data); returns the closed
 * columns, which the replay then holds.
 */
export function loadReplayState(parts: ReplayParts, state: ReplayState): ClosedColumns {
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
      parts.ref,
      parts.symbol(s.symbol),
      null,
    );
    o.price = s.price;
    o.route = s.route;
    o.fil = s.fil;
    o.priority = s.priority;
    o.resting = s.resting;
    o.vis = s.vis;
    open.push(o);
    parts.open.set(o.order_id, o);
  }
  const levels: [PriceLevel, BookSide][] = [];
  for (const b of state.books) {
    const book = new SymbolBook(parts.symbol(b.symbol));
    parts.books.set(book.symbol, book);
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
  parts.closed.loadState(c.ids);
  for (const v of c.symbols) parts.symbolTable.index(parts.symbol(v));
  for (const v of c.accounts) parts.accountTable.index(v);
  for (const v of c.prices) parts.priceTable.index(v);
  return {
    bits: UintColumn.from(c.bits),
    seq: UintColumn.from(c.seq),
    symbol: UintColumn.from(c.symbol),
    account: UintColumn.from(c.account),
    price: UintColumn.from(c.price),
  };
}
