/**
 * The order-flow events a partition hands to Aggregate: every item the partition's auditor processed (context-only
 * contract failures excluded, exactly as the single-process run leaves them out of the sequence), in processing
 * order, with the orders as the replay knew them just before the item. Aggregate replays the global rules and the
 * orders+trades sequence checks over the merge of all partitions' events by ordinal, which is the single-process
 * stream order.
 */
import type { Rule } from '../../checks/rule.js';
import type { Located, OrderFlowItem, OrderView } from '../../contract/events.js';
import type { OrderEvent, Trade } from '../../contract/records.js';

/** One ingested order-flow item: its ordinal in the global (seq, file, line) order, and the item. */
export interface OrderedLine {
  i: number;
  k: 'o' | 't';
  f: string;
  l: number;
  r: OrderEvent | Trade;
}

/** One processed item with the replay's views before it. */
export interface AnnotatedLine extends OrderedLine {
  /** Order event: the order before it; trade: [maker, taker]. null: unknown. */
  b?: OrderView | null;
  m?: OrderView | null;
  t?: OrderView | null;
}

export function toItem(line: OrderedLine): OrderFlowItem {
  return line.k === 'o'
    ? { kind: 'order', rec: line.r as OrderEvent, file: line.f, line: line.l }
    : { kind: 'trade', rec: line.r as Trade, file: line.f, line: line.l };
}

/**
 * The OrderView fields only (the replay's objects hold bigints and book links that must not leak). `routed` only when
 * true, so that the events of a local order are written as they were before contract 2.
 */
export function viewOf(o: OrderView | undefined): OrderView | null {
  if (o === undefined) return null;
  const view: OrderView = {
    order_id: o.order_id,
    symbol: o.symbol,
    account_id: o.account_id,
    side: o.side,
    type: o.type,
    tif: o.tif,
    price: o.price,
    mm_tag: o.mm_tag,
    closed: o.closed,
  };
  if (o.routed === true) view.routed = true;
  return view;
}

/**
 * A rule with no checks that writes each item it sees, with the views, through `emit`. It sits last in the
 * partition's rule list, so it sees an item exactly when the other rules did, before the replay applies it.
 */
export class EventRecorder implements Rule {
  readonly checks = [] as const;
  readonly #ordinal: () => number;
  readonly #emit: (line: AnnotatedLine) => void;

  constructor(ordinal: () => number, emit: (line: AnnotatedLine) => void) {
    this.#ordinal = ordinal;
    this.#emit = emit;
  }

  /** Nothing to carry across a checkpoint: the ordinal and the writer belong to the partition step. */
  saveState(): null {
    return null;
  }

  loadState(): void {}

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined): void {
    this.#emit({ i: this.#ordinal(), k: 'o', f: item.file, l: item.line, r: item.rec, b: viewOf(before) });
  }

  onTrade(item: Located<Trade>, maker: OrderView | undefined, taker: OrderView | undefined): void {
    this.#emit({
      i: this.#ordinal(),
      k: 't',
      f: item.file,
      l: item.line,
      r: item.rec,
      m: viewOf(maker),
      t: viewOf(taker),
    });
  }
}
