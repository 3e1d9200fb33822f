/**
 * How the MMT rules read an order event: the order's own account (from its new/snapshot, as the replay knows it) in
 * preference to the account an event repeats, and whether the replay ignores the event (DQ-6: "such an event is
 * otherwise ignored", so no MMT rule judges it).
 */

import type { Located, OrderView } from '../../contract/events.js';
import type { Account, OrderEvent } from '../../contract/records.js';
import { lifecycleIssue } from '../../replay/lifecycle.js';
import type { RuleContext } from '../rule.js';

export const UNKNOWN_ACCOUNT = 'order of an account absent from the accounts reference (see DQ-5)';

export interface TaggedOrderEvent {
  account_id: string;
  account: Account | undefined;
  /** The event enters the order (new/snapshot of an order the replay did not know). */
  opening: boolean;
}

/** The event's account context, or undefined when the event carries no tag or the replay ignores it. */
export function taggedOrderEvent(
  item: Located<OrderEvent>,
  before: OrderView | undefined,
  ctx: RuleContext,
): TaggedOrderEvent | undefined {
  const o = item.rec;
  if (!isJudgedTagEvent(o, before)) return undefined;
  const account_id = before?.account_id ?? o.account_id;
  return { account_id, account: ctx.lookup.account(account_id), opening: o.event !== 'amend' };
}

/**
 * Whether the MMT rules judge the event: a new, snapshot or amend that carries a tag and that the replay applies.
 * The same test as `taggedOrderEvent`, without building its object (the rules call it on every event).
 */
export function isJudgedTagEvent(o: OrderEvent, before: OrderView | undefined): boolean {
  if (o.event !== 'new' && o.event !== 'snapshot' && o.event !== 'amend') return false;
  return lifecycleIssue(o, before) === undefined;
}

export function eventEvidence(item: Located<OrderEvent>): Record<string, unknown> {
  const o = item.rec;
  return {
    order_id: o.order_id,
    event: o.event,
    seq: o.seq,
    ts: o.ts,
    file: item.file,
    line: item.line,
    mm_tag: o.mm_tag ?? null,
    user_id: o.user_id ?? null,
  };
}
