/**
 * CP-1 (critical or high) and CP-2 (critical), subject trade_id. Compliant: when an affiliated MM order resting in
 * the book is filled as maker in the continuous phase, no protected (client / third_party_mm) order with visible
 * quantity rests on the maker's side of the symbol at the same price (CP-1) or at a better price (CP-2), leaving out
 * orders of the taker's own account or entity (self-trade prevention may skip those).
 * CP-1 is critical when such an order also had earlier priority (strictly lower priority seq) than the MM order.
 * Why: SFC circular on affiliated market makers (11 Feb 2026), client priority: client orders take precedence over
 * the market maker's orders at the same price level.
 *
 * Runs on the book as it stands just before the trade (the auditor calls it before the replay applies the trade). A
 * routed order (contract 2) does not exist in the local book: never a maker resting there, never a blocking order (the
 * replay never rests it); a trade whose maker is routed is not tested, one whose taker is routed is tested as any other.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { Trade } from '../../contract/records.js';
import { OpenOrder, type OrderBookReplay, type PriceLevel } from '../../replay/orderBook.js';
import { type Qty, qAdd } from '../../replay/quantity.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';

const CP1 = 'CP-1';
const CP2 = 'CP-2';
const MAX_BLOCKING = 10;
export const AUCTION_NOT_TESTED = 'trade in the auction phase';
export const MAKER_NOT_IN_BOOK = "maker order not resting in the book of the trade's symbol (see DQ-3)";
export const MAKER_ROUTED = 'maker order routed to a shared order book, never in the local book (see DQ-3)';

interface Exclusion {
  account: string | null;
  entity: string | null;
}

export class CustomerPriorityRule implements Rule {
  readonly checks = [CP1, CP2] as const;
  readonly #replay: OrderBookReplay;
  readonly #cp1 = new PopulationCounter(CP1);
  readonly #cp2 = new PopulationCounter(CP2);

  constructor(replay: OrderBookReplay) {
    this.#replay = replay;
  }

  /** Only population counts (flushed in finish) carry over a checkpoint; the book is the replay's. */
  saveState(): [PopulationState, PopulationState] {
    return [this.#cp1.saveState(), this.#cp2.saveState()];
  }

  loadState(state: unknown): void {
    const [cp1, cp2] = state as [PopulationState, PopulationState];
    this.#cp1.loadState(cp1);
    this.#cp2.loadState(cp2);
  }

  finish(ctx: RuleContext): void {
    this.#cp1.flush(ctx.sink);
    this.#cp2.flush(ctx.sink);
  }

  onTrade(item: Located<Trade>, maker: OrderView | undefined, taker: OrderView | undefined, ctx: RuleContext): void {
    const t = item.rec;
    if (t.phase === 'auction') {
      this.#notTested(AUCTION_NOT_TESTED);
      return;
    }
    if (maker?.routed === true) {
      this.#notTested(MAKER_ROUTED);
      return;
    }
    // The auditor passes the replay's own open order (no second lookup); any other view is looked up.
    const mm =
      maker instanceof OpenOrder
        ? maker
        : maker?.closed === true
          ? undefined
          : this.#replay.openOrder(t.maker_order_id);
    if (mm === undefined || mm.level === null || mm.symbol !== t.symbol) {
      this.#notTested(MAKER_NOT_IN_BOOK);
      return;
    }
    if (!mm.affiliatedMM) return;
    this.#cp1.examined++;
    this.#cp2.examined++;
    const side = mm.bookSide!; // the side of the maker's symbol (mm.symbol === t.symbol)
    const takerAccount = taker?.account_id ?? null;
    const entity = takerAccount === null ? null : (ctx.ref.accounts.get(takerAccount)?.entity_id ?? null);
    const level = mm.level;
    // Both questions are answered from the aggregates first; the evidence is only gathered for a finding.
    const same = level.hasProtectedVisible(entity);
    const better = side.hasProtectedBetterThan(level, entity);
    if (!same && !better) return;
    const ex: Exclusion = { account: takerAccount, entity };
    if (same) this.#reportSamePrice(item, mm, level, ex, ctx);
    if (better) this.#reportBetterPrice(item, mm, side.protectedLevelsBetterThan(level, entity), ex, ctx);
  }

  #reportSamePrice(item: Located<Trade>, mm: OpenOrder, level: PriceLevel, ex: Exclusion, ctx: RuleContext): void {
    const t = item.rec;
    const blocking = blockingAt(level, ex, MAX_BLOCKING);
    if (blocking.length === 0) return; // every protected visible order there is excluded by account
    const earlier = hasEarlierBlocking(level, ex, mm.priority);
    const { count, qty } = level.protectedVisible(ex.entity);
    const first = blocking[0]!;
    const fmt = (v: Qty) => this.#replay.formatQty(v);
    ctx.sink.report({
      check_id: CP1,
      severity: earlier ? 'critical' : 'high',
      subject: t.trade_id,
      symbol: t.symbol,
      account_id: mm.account_id,
      seq: t.seq,
      ts: t.ts,
      title: checkMeta(CP1).title,
      detail:
        `Trade ${t.trade_id} (seq ${t.seq}, ${t.symbol}, ${t.qty} at ${t.price}) filled affiliated MM order ${mm.order_id} ` +
        `(account ${mm.account_id}, ${mm.side} at ${mm.price}, priority seq ${mm.priority}) while ${count} ` +
        `protected order(s) with ${fmt(qty)} visible in total rested at the same price, first in priority ${first.order_id} ` +
        `(account ${first.account_id}, visible ${fmt(first.vis)}, priority seq ${first.priority})` +
        (earlier
          ? '; at least one had earlier priority than the MM order.'
          : '; none had earlier priority than the MM order.'),
      evidence: {
        trade: tradeEvidence(item),
        mm_order: this.#orderEvidence(mm),
        taker: takerEvidence(item.rec, ex),
        price: level.price,
        protected_visible_qty_at_price: fmt(qty),
        blocking_orders_count: count,
        blocking_orders: blocking.map((o) => this.#blockingEvidence(o)),
        earlier_priority_than_mm: earlier,
      },
    });
  }

  #reportBetterPrice(item: Located<Trade>, mm: OpenOrder, levels: PriceLevel[], ex: Exclusion, ctx: RuleContext): void {
    const t = item.rec;
    const blocking: OpenOrder[] = [];
    let allTotal: Qty = 0;
    let count = 0;
    for (const level of levels) {
      const agg = level.protectedVisible(ex.entity);
      allTotal = qAdd(allTotal, agg.qty);
      count += agg.count;
      if (blocking.length < MAX_BLOCKING) blocking.push(...blockingAt(level, ex, MAX_BLOCKING - blocking.length));
    }
    const bestLevel = levels[0]!;
    const first = blocking[0]!;
    const fmt = (v: Qty) => this.#replay.formatQty(v);
    const better = mm.side === 'sell' ? 'lower' : 'higher';
    ctx.sink.report({
      check_id: CP2,
      severity: 'critical',
      subject: t.trade_id,
      symbol: t.symbol,
      account_id: mm.account_id,
      seq: t.seq,
      ts: t.ts,
      title: checkMeta(CP2).title,
      detail:
        `Trade ${t.trade_id} (seq ${t.seq}, ${t.symbol}, ${t.qty} at ${t.price}) filled affiliated MM order ${mm.order_id} ` +
        `(account ${mm.account_id}, ${mm.side} at ${mm.price}) while protected order ${first.order_id} ` +
        `(account ${first.account_id}) rested at the better (${better}) price ${bestLevel.price} with ` +
        `${fmt(first.vis)} visible; ${count} protected order(s) with ${fmt(allTotal)} visible in total rested at ` +
        `better prices.`,
      evidence: {
        trade: tradeEvidence(item),
        mm_order: this.#orderEvidence(mm),
        taker: takerEvidence(item.rec, ex),
        price: bestLevel.price,
        protected_visible_qty_at_price: fmt(bestLevel.protectedVisible(ex.entity).qty),
        protected_visible_qty_at_better_prices: fmt(allTotal),
        better_price_levels: levels.length,
        blocking_orders_count: count,
        blocking_orders: blocking.map((o) => this.#blockingEvidence(o)),
      },
    });
  }

  #notTested(reason: string): void {
    this.#cp1.notTested(reason);
    this.#cp2.notTested(reason);
  }

  #orderEvidence(o: OpenOrder): Record<string, unknown> {
    return {
      order_id: o.order_id,
      account_id: o.account_id,
      side: o.side,
      price: o.price,
      open_qty: this.#replay.formatQty(o.openQty),
      visible_qty: this.#replay.formatQty(o.vis),
      priority: o.priority,
      entered_seq: o.entry_seq,
      file: o.file,
      line: o.line,
    };
  }

  #blockingEvidence(o: OpenOrder): Record<string, unknown> {
    return {
      order_id: o.order_id,
      account_id: o.account_id,
      price: o.price,
      visible_qty: this.#replay.formatQty(o.vis),
      priority: o.priority,
      file: o.file,
      line: o.line,
    };
  }
}

function blocks(o: OpenOrder, ex: Exclusion): boolean {
  if (o.vis <= 0) return false;
  if (ex.entity !== null && o.protectedEntity === ex.entity) return false;
  return ex.account === null || o.account_id !== ex.account;
}

/** The first `limit` protected orders at a level that block the MM (visible, not the taker's), by priority. */
function blockingAt(level: PriceLevel, ex: Exclusion, limit: number): OpenOrder[] {
  const out: OpenOrder[] = [];
  if (limit <= 0) return out;
  for (let o = level.protHead; o !== null; o = o.protNext) {
    if (!blocks(o, ex)) continue;
    out.push(o);
    if (out.length >= limit) break;
  }
  return out;
}

/** Whether a blocking order at the level has strictly earlier priority; protOrders is in priority order. */
function hasEarlierBlocking(level: PriceLevel, ex: Exclusion, priority: number): boolean {
  for (let o = level.protHead; o !== null; o = o.protNext) {
    if (o.priority >= priority) return false;
    if (blocks(o, ex)) return true;
  }
  return false;
}

function tradeEvidence(item: Located<Trade>): Record<string, unknown> {
  const t = item.rec;
  return {
    trade_id: t.trade_id,
    seq: t.seq,
    ts: t.ts,
    symbol: t.symbol,
    price: t.price,
    qty: t.qty,
    phase: t.phase,
    maker_order_id: t.maker_order_id,
    taker_order_id: t.taker_order_id,
    file: item.file,
    line: item.line,
  };
}

function takerEvidence(t: Trade, ex: Exclusion): Record<string, unknown> {
  return {
    order_id: t.taker_order_id,
    known: ex.account !== null,
    account_id: ex.account,
    entity_id: ex.entity,
  };
}
