/**
 * DQ-3 (high, subject trade_id). Compliant: a trade's maker is a known order resting in the book and its taker a
 * known order not yet closed (an IOC, FOK or market order is open until cancelled, expired, rejected or filled), both
 * of the trade's symbol; its qty is within both orders' open quantity and its price equals the maker's limit price
 * by value; neither is a routed order (contract 2: an order sent to a shared order book never rests in the local book
 * and no trade may name it, V2.md). Such a trade is still applied to the orders that are known (the auditor does that).
 * Why: record keeping and independent review: a trade the order log cannot explain means the population CP and MMT
 * test is incomplete or wrong, so it is disclosed.
 */
import { compareDecimal } from '../../contract/decimal.js';
import type { Located, OrderView } from '../../contract/events.js';
import type { Trade } from '../../contract/records.js';
import { type KnownOrder, OpenOrder, type OrderBookReplay } from '../../replay/orderBook.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'DQ-3';

/** An order as the replay itself hands it out: its live open order, or a closed order's view. */
function known(o: OrderView | undefined): o is KnownOrder {
  return o instanceof OpenOrder || (o?.closed === true && 'closed_by' in o);
}

export class TradeConsistencyRule implements Rule {
  readonly checks = [ID] as const;
  readonly #replay: OrderBookReplay;
  readonly #population = new PopulationCounter(ID);
  /** Reused per trade (emptied first), so that a consistent trade, the usual one, allocates nothing; copied into a finding. */
  readonly #reasons: string[] = [];

  constructor(replay: OrderBookReplay) {
    this.#replay = replay;
  }

  /** Only population counts (flushed in finish) carry over a checkpoint. */
  saveState(): PopulationState {
    return this.#population.saveState();
  }

  loadState(state: unknown): void {
    this.#population.loadState(state as PopulationState);
  }

  finish(ctx: RuleContext): void {
    this.#population.flush(ctx.sink);
  }

  onTrade(item: Located<Trade>, m: OrderView | undefined, k: OrderView | undefined, ctx: RuleContext): void {
    const t = item.rec;
    this.#population.examined++;
    const replay = this.#replay;
    const q = replay.qty(t.qty); // before reading held quantities: parsing may rescale them (in place)
    // The auditor passes the replay's own orders (no second lookup); any other view is looked up.
    const maker = known(m) ? m : replay.order(t.maker_order_id);
    const taker = known(k) ? k : replay.order(t.taker_order_id);
    const reasons = this.#reasons;
    reasons.length = 0;

    if (maker === undefined) reasons.push(`maker order ${t.maker_order_id} is unknown to the replay`);
    else {
      if (maker.routed) reasons.push(routedReason('maker', maker));
      if (maker.symbol !== t.symbol) reasons.push(`maker order ${maker.order_id} is for symbol ${maker.symbol}`);
      if (maker.closed)
        reasons.push(`maker order ${maker.order_id} was already ${maker.closed_by} (seq ${maker.closed_seq})`);
      // A routed maker never rests: the routed reason says why.
      else if (maker.level === null && !maker.routed) {
        reasons.push(
          `maker order ${maker.order_id} is a ${maker.type} ${maker.tif} order, which never rests in the book`,
        );
      }
      if (!maker.closed && q > maker.openQty) {
        reasons.push(`qty ${t.qty} exceeds the maker's open quantity ${replay.formatQty(maker.openQty)}`);
      }
      // Equal texts are equal values: the usual trade repeats the maker's price text, so no canonical copies are built.
      if (maker.price !== null && t.price !== maker.price && compareDecimal(t.price, maker.price) !== 0) {
        reasons.push(`price ${t.price} differs from the maker's limit price ${maker.price}`);
      }
    }
    if (taker === undefined) reasons.push(`taker order ${t.taker_order_id} is unknown to the replay`);
    else {
      if (taker.routed) reasons.push(routedReason('taker', taker));
      if (taker.symbol !== t.symbol) reasons.push(`taker order ${taker.order_id} is for symbol ${taker.symbol}`);
      if (taker.closed)
        reasons.push(`taker order ${taker.order_id} was already ${taker.closed_by} (seq ${taker.closed_seq})`);
      else if (q > taker.openQty) {
        reasons.push(`qty ${t.qty} exceeds the taker's open quantity ${replay.formatQty(taker.openQty)}`);
      }
    }
    if (reasons.length === 0) return;

    ctx.sink.report({
      check_id: ID,
      severity: 'high',
      subject: t.trade_id,
      symbol: t.symbol,
      account_id: null,
      seq: t.seq,
      ts: t.ts,
      title: checkMeta(ID).title,
      detail: `Trade ${t.trade_id} (seq ${t.seq}, ${t.symbol}, ${t.qty} at ${t.price}, maker ${t.maker_order_id}, taker ${t.taker_order_id}) does not match the order book: ${reasons.join('; ')}.`,
      evidence: {
        trade_id: t.trade_id,
        seq: t.seq,
        file: item.file,
        line: item.line,
        symbol: t.symbol,
        price: t.price,
        qty: t.qty,
        reasons: [...reasons],
        maker: this.#orderEvidence(t.maker_order_id, maker),
        taker: this.#orderEvidence(t.taker_order_id, taker),
      },
    });
  }

  #orderEvidence(id: string, o: KnownOrder | undefined): Record<string, unknown> {
    if (o === undefined) return { order_id: id, known: false };
    if (o.closed) {
      return {
        order_id: id,
        known: true,
        symbol: o.symbol,
        account_id: o.account_id,
        price: o.price,
        state: o.closed_by,
        closed_seq: o.closed_seq,
        // Only for a routed order, so that the evidence of a local order reads as before contract 2.
        ...(o.routed ? { routed: true } : {}),
      };
    }
    return {
      order_id: id,
      known: true,
      symbol: o.symbol,
      account_id: o.account_id,
      price: o.price,
      state: o.routed ? 'open, routed' : o.level === null ? 'open, not resting' : 'resting',
      open_qty: this.#replay.formatQty(o.openQty),
      ...(o.routed ? { routed: true, route: o.route } : {}),
    };
  }
}

/** DQ-3's reason for a trade that names a routed order (V2.md: such a trade is DQ-3, reason "routed order"). */
function routedReason(role: 'maker' | 'taker', o: KnownOrder): string {
  const where = o.closed ? 'a shared order book' : `the shared order book of venue ${o.route}`;
  return `${role} order ${o.order_id} is a routed order (sent to ${where}), which no trade may name`;
}
