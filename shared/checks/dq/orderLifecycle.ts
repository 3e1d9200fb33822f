/**
 * DQ-6 (medium, subject order_id). Compliant: every amend, cancel, expire and reject refers to an order the replay
 * knows and that is still open, and every order_id is entered (new or snapshot) once. An event that breaks this is
 * otherwise ignored: the replay does not apply it and the other checks of this project skip it.
 * Why: record keeping and independent review: an order log whose lifecycles do not add up cannot support the
 * customer-priority and tagging tests built on it.
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { OrderEvent } from '../../contract/records.js';
import { lifecycleIssue } from '../../replay/lifecycle.js';
import type { ClosedOrder } from '../../replay/orderBook.js';
import { checkMeta } from '../catalogue.js';
import { PopulationCounter, type PopulationState } from '../population.js';
import type { Rule, RuleContext } from '../rule.js';

const ID = 'DQ-6';

export class OrderLifecycleRule implements Rule {
  readonly checks = [ID] as const;
  readonly #population = new PopulationCounter(ID);

  onOrderEvent(item: Located<OrderEvent>, before: OrderView | undefined, ctx: RuleContext): void {
    this.#population.examined++;
    const o = item.rec;
    const issue = lifecycleIssue(o, before);
    if (issue === undefined) return;
    let why: string;
    if (issue === 'unknown order') why = `refers to order ${o.order_id}, which the replay has never seen entered`;
    else if (issue === 'order already closed') {
      const c = before as Partial<ClosedOrder>;
      why = `refers to order ${o.order_id}, which was already closed${c.closed_by ? ` (${c.closed_by} at seq ${c.closed_seq})` : ''}`;
    } else
      why = `enters order ${o.order_id} a second time: it was already ${before?.closed ? 'entered and closed' : 'entered'}`;
    ctx.sink.report({
      check_id: ID,
      severity: 'medium',
      subject: o.order_id,
      symbol: o.symbol,
      account_id: before?.account_id ?? o.account_id,
      seq: o.seq,
      ts: o.ts,
      title: checkMeta(ID).title,
      detail: `The ${o.event} event at seq ${o.seq} (${item.file}:${item.line}) ${why}; the event was ignored by the order-book replay.`,
      evidence: {
        order_id: o.order_id,
        event: o.event,
        seq: o.seq,
        file: item.file,
        line: item.line,
        issue,
        order_state: before === undefined ? 'unknown' : before.closed ? 'closed' : 'open',
        closed_by: (before as Partial<ClosedOrder> | undefined)?.closed_by ?? null,
        closed_seq: (before as Partial<ClosedOrder> | undefined)?.closed_seq ?? null,
      },
    });
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
}
