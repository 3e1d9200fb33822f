/**
 * SOB-1 (critical, subject order_id). Compliant: a routed order (contract 2: its `new` names a `route`) is fully
 * pre-funded as it stands after its `new` and after every `amend` the replay applies: `prefunded` is at least
 * qty × price for a `buy` limit order and qty (of the base asset) for a `sell`, exactly and by value
 * (shared/sharedbook/prefunding.ts). A null `prefunded` is short. A routed `market` `buy` is not tested: its cost is
 * unknown.
 * Why: SFC, shared order books with overseas affiliated platforms: an order sent to the overseas book must be fully
 * pre-funded, so that the client's money or assets are held aside before it can execute there.
 *
 * One finding per order: its first short event is the finding's seq, and the evidence lists every short event (the
 * first MAX_SHORT_EVENTS, and how many there were). An order's events are all known only at the end of the flow, so
 * the findings are reported in finish; the rule keeps the short events of short orders only.
 * Population: routed orders, counted at their `new`.
 */
import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { OpenOrder } from '../../replay/orderBook.js';
import { judgePrefunding, type RoutedOrderTerms } from '../../sharedbook/prefunding.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';
import { amendsRoutedOrder, enteredRoute } from './routedOrders.js';

const ID = 'SOB-1';
/** Short events listed per order (the count is always complete). */
export const MAX_SHORT_EVENTS = 10;

/** One `new` or `amend` after which the order was not fully pre-funded. */
export interface ShortEvent {
  event: 'new' | 'amend';
  seq: number;
  ts: string;
  file: string;
  line: number;
  qty: string;
  /** The limit price as it stands after the event (null for a market order). */
  price: string | null;
  /** qty × price (buy) or qty (sell). */
  required: string;
  /** What the event states is held aside (null: nothing stated). */
  prefunded: string | null;
  /** required − prefunded (all of required when nothing is stated). */
  shortfall: string;
}

interface ShortOrder {
  order_id: string;
  symbol: string;
  account_id: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  /** The venue, when the rule saw it (the `new`, or the replay's open order). */
  route: string | null;
  events: ShortEvent[];
  count: number;
}

interface PrefundingState {
  short: Map<string, ShortOrder>;
  population: PopulationState;
}

export class RoutedOrderPrefundingRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);
  /** Orders found short so far, in the order of their first short event. */
  readonly #short = new Map<string, ShortOrder>();

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, _ctx: RuleContext): void {
    const rec = item.rec;
    const route = enteredRoute(item, before);
    if (route !== null) {
      const type = rec.type ?? 'limit';
      const terms: RoutedOrderTerms = {
        side: rec.side,
        type,
        qty: rec.qty!,
        price: type === 'limit' ? (rec.price ?? null) : null,
      };
      const notTested = this.#judge(item, terms, rec, route);
      if (notTested === undefined) this.#population.examined++;
      else this.#population.notTested(`routed order: ${notTested}`);
      return;
    }
    if (!amendsRoutedOrder(item, before)) return;
    // As the order stands after the amend: its own side and type, the amend's qty and (limit) price.
    const terms: RoutedOrderTerms = {
      side: before.side,
      type: before.type,
      qty: rec.qty!,
      price: before.type === 'limit' ? (rec.price ?? before.price) : null,
    };
    this.#judge(item, terms, before, before instanceof OpenOrder ? before.route : null);
  }

  /** Judges one event; the reason when the order cannot be tested (a market buy), else undefined. */
  #judge(
    item: Located<OrderEvent>,
    terms: RoutedOrderTerms,
    order: { order_id: string; symbol: string; account_id: string },
    route: string | null,
  ): string | undefined {
    const rec = item.rec;
    const verdict = judgePrefunding(terms, rec.prefunded);
    if (!verdict.tested) return verdict.reason;
    if (!verdict.short) return undefined;
    let o = this.#short.get(order.order_id);
    if (o === undefined) {
      o = {
        order_id: order.order_id,
        symbol: order.symbol,
        account_id: order.account_id,
        side: terms.side,
        type: terms.type,
        route,
        events: [],
        count: 0,
      };
      this.#short.set(order.order_id, o);
    }
    o.count++;
    if (o.events.length < MAX_SHORT_EVENTS) {
      const required = verdict.required;
      o.events.push({
        event: rec.event as 'new' | 'amend',
        seq: rec.seq,
        ts: rec.ts,
        file: item.file,
        line: item.line,
        qty: terms.qty,
        price: terms.price,
        required: required.toString(),
        prefunded: rec.prefunded ?? null,
        shortfall: (verdict.prefunded === null ? required : required.minus(verdict.prefunded)).toString(),
      });
    }
    return undefined;
  }

  /** Checkpoint: the short orders so far (plain objects, copied) and the unflushed population. */
  saveState(): PrefundingState {
    return { short: structuredClone(this.#short), population: this.#population.saveState() };
  }

  loadState(state: unknown): void {
    const s = state as PrefundingState;
    this.#short.clear();
    for (const [id, o] of s.short) this.#short.set(id, o);
    this.#population.loadState(s.population);
  }

  finish(ctx: RuleContext): void {
    this.#population.flush(ctx.sink);
    for (const o of this.#short.values()) {
      const first = o.events[0]!;
      const basis = o.side === 'buy' ? `qty ${first.qty} × price ${first.price}` : `qty ${first.qty} of the base asset`;
      const held = first.prefunded === null ? 'no pre-funded amount' : `${first.prefunded} pre-funded`;
      ctx.sink.report({
        check_id: ID,
        severity: 'critical',
        subject: o.order_id,
        symbol: o.symbol,
        account_id: o.account_id,
        seq: first.seq,
        ts: first.ts,
        title: checkMeta(ID).title,
        detail:
          `Routed ${o.type} ${o.side} order ${o.order_id} (account ${o.account_id}, ${o.symbol}` +
          `${o.route === null ? '' : `, venue ${o.route}`}) was left less than fully pre-funded after ` +
          `${o.count} event${o.count === 1 ? '' : 's'}; first its ${first.event} at seq ${first.seq}: ${held} ` +
          `against ${first.required} required (${basis}), short by ${first.shortfall}.`,
        evidence: {
          order_id: o.order_id,
          symbol: o.symbol,
          account_id: o.account_id,
          side: o.side,
          type: o.type,
          route: o.route,
          short_events_count: o.count,
          short_events: o.events,
        },
      });
    }
  }
}
